-- the minutes behind an availability figure: one row per agreement x period x availability
-- objective. unknown_minutes are agreed minutes without any probe result (counted as the
-- objective's missing_data says)
{{ config(materialized=mart_view()) }}

with

measured as (

    select * from {{ ref('int_availability_objectives_measured') }}

),

final as (

    select
        agreement_id,
        period_key,
        objective_id,
        service_id,
        min_downtime_minutes,
        period_minutes,
        excluded_minutes,
        agreed_minutes,
        cast(data_minutes as bigint) as data_minutes,
        cast(unknown_minutes as bigint) as unknown_minutes,
        down_minutes,
        short_down_minutes,
    from measured

)

select * from final
