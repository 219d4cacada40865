-- one row per service and down minute: more than half of the minute's probe results failed
-- (all locations together). A minute depends on its own probes only, so the model is
-- incremental: a run rebuilds the down minutes of its widened window (macro run_window_utc) and
-- keeps the others. Runs of consecutive minutes span windows and are formed downstream
-- (int_service_down_minutes_grouped) over the whole, small, set of down minutes.
with

probes as (

    -- the window bounds are whole minutes, so no minute is cut
    {{ run_window_rows('stg_landing__probes', 'checked_at') }}

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

final as (

    select
        service_id,
        minute_at,
        probe_count,
        failed_count,
    from minutes_classified
    where failed_count * 2 > probe_count

)

select * from final
