-- one row per service and down minute, with the run of consecutive down minutes it belongs to.
-- A minute that is up or has no data ends a run. Runs are formed on the continuous timeline (not
-- cut at period ends, run windows or maintenance): maintenance only removes minutes from agreed
-- time, it does not change what an outage is. Rebuilt whole every run: it reads the down minutes
-- only (~220 k rows for a year of 100 services), never the probes.
with

probe_minutes as (

    select * from {{ ref('int_service_down_minutes_detected') }}

),

incident_minutes as (

    select * from {{ ref('int_service_incident_minutes_detected') }}

),

incident_services as (

    select distinct service_id,
    from {{ ref('stg_definitions__objectives') }}
    where kind = 'availability' and measured_by = 'incidents'

),

down_minutes as (

    -- the one place the two availability sources meet: a service measured by incidents takes
    -- its down minutes from the downtime windows only (its probes, if any, are not read here)
    select
        probe_minutes.service_id,
        probe_minutes.minute_at,
    from probe_minutes
    {{ anti_join() }} incident_services
        on probe_minutes.service_id = incident_services.service_id
    union all
    select
        incident_minutes.service_id,
        incident_minutes.minute_at,
    from incident_minutes
    {{ semi_join() }} incident_services
        on incident_minutes.service_id = incident_services.service_id

),

runs_keyed as (

    select
        service_id,
        minute_at,
        -- gaps and islands: consecutive minutes share minute_at minus their ordinal
        minute_at - {{ minutes(
            'row_number() over (partition by service_id order by minute_at)'
        ) }} as run_key,
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
