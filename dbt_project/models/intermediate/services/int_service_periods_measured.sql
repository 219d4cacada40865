-- one row per agreement x period x service: agreed minutes (period minutes minus excluded
-- maintenance) and how many of them have probe data (coverage).
-- Incremental: a run recomputes, whole, the periods that close in its window (is_in_run_window)
-- and replaces their rows (delete+insert on agreement x period); earlier periods keep what their
-- own run computed. The window filters on buckets and probes only prune the scans: the widened
-- window (macro run_window_utc) holds every such period.
with

service_periods as (

    {{ run_window_rows('int_service_periods_enumerated') }}

),

excluded_minutes as (

    {{ run_window_rows('int_maintenance_minutes_excluded', 'minute_at') }}

),

data_buckets as (

    {{ run_window_rows('int_service_data_minutes_bucketed', 'bucket_at') }}

),

probes as (

    {{ run_window_rows('stg_landing__probes', 'checked_at') }}

),

excluded_counted as (

    select
        agreement_id,
        period_key,
        service_id,
        count(*) as excluded_minutes,
    from excluded_minutes
    group by 1, 2, 3

),

data_in_period as (

    select
        service_periods.agreement_id,
        service_periods.period_key,
        service_periods.service_id,
        sum(data_buckets.data_minutes) as data_minutes,
    from service_periods
    inner join data_buckets
        on
            service_periods.service_id = data_buckets.service_id
            and service_periods.period_start_at <= data_buckets.bucket_at
            and service_periods.period_end_at > data_buckets.bucket_at
    group by 1, 2, 3

),

data_in_excluded as (

    -- an inner join lets DuckDB build its hash table on the few excluded minutes and stream
    -- the probes past it, instead of aggregating every probe minute again
    select
        excluded_minutes.agreement_id,
        excluded_minutes.period_key,
        excluded_minutes.service_id,
        count(distinct excluded_minutes.minute_at) as data_minutes,
    from excluded_minutes
    inner join probes
        on
            excluded_minutes.service_id = probes.service_id
            and excluded_minutes.minute_at = date_trunc('minute', probes.checked_at)
    group by 1, 2, 3

),

counts_joined as (

    select
        service_periods.agreement_id,
        service_periods.period_key,
        service_periods.version,
        service_periods.service_id,
        service_periods.period_start_at,
        service_periods.period_end_at,
        service_periods.period_minutes,
        coalesce(excluded_counted.excluded_minutes, 0) as excluded_minutes,
        coalesce(data_in_period.data_minutes, 0)
        - coalesce(data_in_excluded.data_minutes, 0) as data_minutes,
    from service_periods
    left join excluded_counted using (agreement_id, period_key, service_id)
    left join data_in_period using (agreement_id, period_key, service_id)
    left join data_in_excluded using (agreement_id, period_key, service_id)

),

final as (

    select
        agreement_id,
        period_key,
        version,
        service_id,
        period_start_at,
        period_end_at,
        period_minutes,
        excluded_minutes,
        period_minutes - excluded_minutes as agreed_minutes,
        data_minutes,
        -- one division of exact integers: the double is the correctly rounded ratio
        case
            when period_minutes > excluded_minutes
                then cast(data_minutes * 100 as double) / (period_minutes - excluded_minutes)
        end as coverage_pct,
    from counts_joined

)

select * from final
