with

source as (

    select * from {{ source('definitions', 'objectives') }}

),

final as (

    select
        agreement_id,
        version,
        objective_id,
        objective_order,
        objective_name,
        kind,
        service_id,
        priority,
        within_seconds,
        clock,
        calendar_id,
        target,
        unit,
        is_higher_better,
        warning_margin,
        min_responses,
        min_downtime_minutes,
        missing_data,
        measured_by,
    from source

)

select * from final
