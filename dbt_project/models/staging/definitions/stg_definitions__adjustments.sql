with

source as (

    select * from {{ source('definitions', 'adjustments') }}

),

final as (

    select
        adjustment_id,
        agreement_id,
        objective_id,
        scope,
        window_start_at,
        window_end_at,
        category,
        reason,
        approved_by,
        approved_at,
        evidence,
        entry_order,
    from source

)

select * from final
