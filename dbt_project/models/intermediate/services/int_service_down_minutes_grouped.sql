-- one row per service and down minute (more than half of the minute's probe results failed),
-- with the run of consecutive down minutes it belongs to. A minute that is up or has no data
-- ends a run. Runs are formed on the continuous timeline (not cut at period ends or
-- maintenance): maintenance only removes minutes from agreed time, it does not change what an
-- outage is.
with

probes as (

    select * from {{ ref('stg_landing__probes') }}

),

failure_minutes as (

    -- only minutes with a failed result can be down: a small set, so every probe is matched
    -- against it by hash instead of grouping all ~52.6 M probe minutes of a year (~7x faster)
    select distinct
        service_id,
        date_trunc('minute', checked_at) as minute_at,
    from probes
    where not is_ok

),

minutes_classified as (

    select
        failure_minutes.service_id,
        failure_minutes.minute_at,
        count(*) as probe_count,
        count(*) filter (where not probes.is_ok) as failed_count,
    from failure_minutes
    inner join probes
        on
            failure_minutes.service_id = probes.service_id
            and failure_minutes.minute_at = date_trunc('minute', probes.checked_at)
    group by 1, 2

),

down_minutes as (

    select
        service_id,
        minute_at,
        -- gaps and islands: consecutive minutes share minute_at minus their ordinal
        minute_at - to_minutes(
            row_number() over (partition by service_id order by minute_at)
        ) as run_key,
    from minutes_classified
    where failed_count * 2 > probe_count

),

final as (

    select
        service_id,
        minute_at,
        min(minute_at) over (partition by service_id, run_key) as run_started_at,
        count(*) over (partition by service_id, run_key) as run_down_minutes,
    from down_minutes

)

select * from final
