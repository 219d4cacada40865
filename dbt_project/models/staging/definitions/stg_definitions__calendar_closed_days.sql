with

source as (

    select * from {{ source('definitions', 'calendar_closed_days') }}

),

final as (

    select
        calendar_id,
        closed_date,
        reason,
    from source

)

select * from final
