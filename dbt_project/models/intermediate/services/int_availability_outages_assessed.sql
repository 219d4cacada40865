-- one row per agreement x period x availability objective x run of consecutive down minutes of
-- its service that has a minute in the period: the run's minutes in the period split into those
-- in excluded maintenance and those in agreed time, and whether the latter count as downtime
-- (the run reaches min_downtime_minutes). The one statement of the downtime rule: the
-- availability measure sums counted_down_minutes, `sla explain` lists the rows.
-- Incremental like int_service_periods_measured: the periods that close in the run window are
-- recomputed whole and replace their rows.
with

objective_periods as (

    {{ run_window_rows('int_service_objective_periods_enumerated', where="kind = 'availability'") }}

),

down_minutes as (

    {{ run_window_rows('int_service_down_minutes_grouped', 'minute_at') }}

),

excluded_minutes as (

    {{ run_window_rows('int_maintenance_minutes_excluded', 'minute_at') }}

),

down_in_period as (

    select
        objective_periods.agreement_id,
        objective_periods.period_key,
        objective_periods.objective_id,
        objective_periods.service_id,
        objective_periods.min_downtime_minutes,
        down_minutes.run_started_at,
        down_minutes.run_down_minutes,
        -- down minutes inside excluded maintenance are not agreed time
        excluded_minutes.minute_at is not null as is_in_maintenance,
    from objective_periods
    inner join down_minutes
        on
            objective_periods.service_id = down_minutes.service_id
            and objective_periods.period_start_at <= down_minutes.minute_at
            and objective_periods.period_end_at > down_minutes.minute_at
    left join excluded_minutes
        on
            objective_periods.agreement_id = excluded_minutes.agreement_id
            and objective_periods.period_key = excluded_minutes.period_key
            and objective_periods.service_id = excluded_minutes.service_id
            and down_minutes.minute_at = excluded_minutes.minute_at

),

final as (

    select
        agreement_id,
        period_key,
        objective_id,
        service_id,
        run_started_at as started_at,
        run_started_at + {{ minutes('run_down_minutes') }} as ended_at,
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
