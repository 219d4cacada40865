-- one row per service and down minute, with the run of consecutive down minutes it belongs to.
-- A minute that is up or has no data ends a run. Runs are formed on the continuous timeline (not
-- cut at period ends, run windows or maintenance): maintenance only removes minutes from agreed
-- time, it does not change what an outage is. Rebuilt whole every run: it reads the down minutes
-- only (~220 k rows for a year of 100 services), never the probes.
with

down_minutes as (

    select * from {{ ref('int_service_down_minutes_detected') }}

),

runs_keyed as (

    select
        service_id,
        minute_at,
        -- gaps and islands: consecutive minutes share minute_at minus their ordinal
        minute_at - to_minutes(
            row_number() over (partition by service_id order by minute_at)
        ) as run_key,
    from down_minutes

),

final as (

    select
        service_id,
        minute_at,
        min(minute_at) over (partition by service_id, run_key) as run_started_at,
        count(*) over (partition by service_id, run_key) as run_down_minutes,
    from runs_keyed

)

select * from final
