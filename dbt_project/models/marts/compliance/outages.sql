-- one row per service and run of consecutive down minutes (minutes in which more than half of
-- the probe results failed), for the review pack's longest outages
with

down_minutes as (

    select
        service_id,
        run_started_at,
        minute_at,
    from {{ ref('int_service_down_minutes_grouped') }}

),

periods as (

    select
        agreement_id,
        version,
        period_start_at,
        period_end_at,
    from {{ ref('int_agreement_periods_enumerated') }}

),

objectives as (

    select
        service_id,
        agreement_id,
        version,
        kind,
        min_downtime_minutes,
    from {{ ref('stg_definitions__objectives') }}

),

runs as (

    select
        service_id,
        run_started_at as started_at,
        max(minute_at) + interval 1 minute as ended_at,
        count(*) as down_minutes,
    from down_minutes
    group by 1, 2

),

thresholds as (

    -- the shortest run any availability objective on the service counts, in the versions in
    -- force when the run started (normally one objective, hence one threshold)
    select
        runs.service_id,
        runs.started_at,
        min(objectives.min_downtime_minutes) as min_downtime_minutes,
    from runs
    inner join periods
        on
            runs.started_at >= periods.period_start_at
            and runs.started_at < periods.period_end_at
    inner join objectives
        on
            periods.agreement_id = objectives.agreement_id
            and periods.version = objectives.version
            and runs.service_id = objectives.service_id
    where objectives.kind = 'availability'
    group by 1, 2

),

final as (

    select
        runs.service_id,
        runs.started_at,
        runs.ended_at,
        runs.down_minutes,
        coalesce(thresholds.min_downtime_minutes, 1) as min_downtime_minutes,
        runs.down_minutes >= coalesce(thresholds.min_downtime_minutes, 1) as is_counted,
    from runs
    left join thresholds using (service_id, started_at)

)

select * from final
