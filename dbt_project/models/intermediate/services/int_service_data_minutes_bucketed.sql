-- one row per service and UTC quarter hour with the number of its minutes that have a probe
-- result. Period bounds are local midnights, and every time zone's offset is a whole number of
-- quarter hours, so periods are unions of whole buckets: ~15x fewer rows than minutes.
-- Incremental: a run rebuilds the buckets of its widened window (macro run_window_utc) and
-- keeps the others; a bucket depends on its own probes only, so nothing else can change.
with

probes as (

    -- the window bounds are quarter hours (whole days), so no bucket is cut
    {{ run_window_rows('stg_landing__probes', 'checked_at') }}

),

final as (

    -- distinct minutes as a 15-bit mask per bucket (bit = minute within the quarter hour):
    -- several locations probing one minute set the same bit, and bit_or is a plain aggregate,
    -- ~4x faster than grouping by minute first
    select
        service_id,
        time_bucket(interval 15 minute, checked_at) as bucket_at,
        bit_count(bit_or(cast(1 as integer) << (minute(checked_at) % 15))) as data_minutes,
    from probes
    group by 1, 2

)

select * from final
