-- walking skeleton: replaced by the KPI marts
with

tickets as (

    select * from {{ ref('stg_landing__tickets') }}

),

final as (

    select
        agreement_id,
        strftime(created_at, '%Y-%m') as period_key,
        count(*) as ticket_count,
    from tickets
    group by 1, 2

)

select * from final
