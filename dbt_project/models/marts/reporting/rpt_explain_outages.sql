-- the outages behind an availability figure: one row per agreement x period x availability
-- objective x run of consecutive down minutes of its service that has a minute in the period,
-- with the run's minutes in the period split into those in excluded maintenance and those in
-- agreed time, and whether the latter count (the run reaches min_downtime_minutes). The
-- counted minutes add up to objective_periods.down_minutes
-- (tests/assert_explain_outages_add_up_to_downtime.sql). The rule is stated once, in
-- int_availability_outages_assessed, which the availability measure sums.
{{ config(materialized=mart_view()) }}

with

outages as (

    select * from {{ ref('int_availability_outages_assessed') }}

),

final as (

    select
        agreement_id,
        period_key,
        objective_id,
        service_id,
        started_at,
        ended_at,
        outage_minutes,
        min_downtime_minutes,
        is_counted,
        maintenance_minutes,
        agreed_down_minutes,
        counted_down_minutes,
    from outages

)

select * from final
