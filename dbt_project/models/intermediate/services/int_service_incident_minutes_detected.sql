-- one row per service and down minute from the downtime windows (incident reports): the same
-- grain as int_service_down_minutes_detected, which the probes yield; the two are unioned in
-- int_service_down_minutes_grouped, which takes these for the services an availability
-- objective measures by incidents (measured_by: incidents). A minute is down when a window
-- that counts (is_down) covers any part of it, as one failing probe minute does: a window from
-- 10:00:30 to 10:02:00 makes 10:00 and 10:01 down. Overlapping windows count a minute once.
-- Rebuilt whole: the windows are few (a few hundred per service and year).
with

windows as (

    select * from {{ ref('stg_landing__downtime_windows') }}

),

minutes_covered as (

    -- the last minute is the one holding the window's last instant (ended_at is exclusive)
    select
        windows.service_id,
        {{ unnest_series(
            "date_trunc('minute', windows.started_at)",
            "date_trunc('minute', windows.ended_at - interval 1 microsecond)",
            'interval 1 minute',
        ) }} as minute_at,
    from windows
    where windows.is_down and windows.ended_at > windows.started_at

),

final as (

    select distinct
        service_id,
        minute_at,
    from minutes_covered

)

select * from final
