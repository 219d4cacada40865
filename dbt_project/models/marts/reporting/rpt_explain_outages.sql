-- the outages behind an availability figure: one row per agreement x period x availability
-- objective x run of consecutive down minutes of its service that has a minute in the period,
-- with the run's minutes in the period split into those in excluded maintenance and those in
-- agreed time, and whether the latter count (the run reaches min_downtime_minutes). The
-- counted minutes add up to objective_periods.down_minutes
-- (tests/assert_explain_outages_add_up_to_downtime.sql)
{{ config(materialized='view') }}

with

availability as (

    select * from {{ ref('int_availability_objectives_measured') }}

),

service_periods as (

    select * from {{ ref('int_service_periods_measured') }}

),

down_minutes as (

    select * from {{ ref('int_service_down_minutes_grouped') }}

),

excluded_minutes as (

    select * from {{ ref('int_maintenance_minutes_excluded') }}

),

down_in_period as (

    select
        availability.agreement_id,
        availability.period_key,
        availability.objective_id,
        availability.service_id,
        availability.min_downtime_minutes,
        down_minutes.run_started_at,
        down_minutes.run_down_minutes,
        excluded_minutes.minute_at is not null as is_in_maintenance,
    from availability
    inner join service_periods
        on
            availability.agreement_id = service_periods.agreement_id
            and availability.period_key = service_periods.period_key
            and availability.service_id = service_periods.service_id
    inner join down_minutes
        on
            availability.service_id = down_minutes.service_id
            and service_periods.period_start_at <= down_minutes.minute_at
            and service_periods.period_end_at > down_minutes.minute_at
    left join excluded_minutes
        on
            availability.agreement_id = excluded_minutes.agreement_id
            and availability.period_key = excluded_minutes.period_key
            and availability.service_id = excluded_minutes.service_id
            and down_minutes.minute_at = excluded_minutes.minute_at

),

final as (

    select
        agreement_id,
        period_key,
        objective_id,
        service_id,
        run_started_at as started_at,
        run_started_at + to_minutes(run_down_minutes) as ended_at,
        run_down_minutes as outage_minutes,
        min_downtime_minutes,
        run_down_minutes >= min_downtime_minutes as is_counted,
        count(*) filter (where is_in_maintenance) as maintenance_minutes,
        count(*) filter (where not is_in_maintenance) as agreed_down_minutes,
        count(*) filter (
            where not is_in_maintenance and run_down_minutes >= min_downtime_minutes
        ) as counted_down_minutes,
    from down_in_period
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9

)

select * from final
