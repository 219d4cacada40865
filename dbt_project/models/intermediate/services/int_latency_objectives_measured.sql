-- one row per agreement x period x latency_p95 objective of the version in force: the 95th
-- percentile of latency_ms over the period's successful probe results in agreed time, by linear
-- interpolation (quantile_cont: position 0.95 x (n - 1) in the sorted values, as numpy's default
-- and Excel's PERCENTILE.INC). Failed probes are left out: they count against availability, and
-- their latency is usually a timeout, not a response time.
-- Incremental like int_service_periods_measured: the periods that close in the run window are
-- recomputed whole from the probes (pruned to the widened window) and replace their rows.
with

objective_periods as (

    {{ run_window_rows('int_service_objective_periods_enumerated', where="kind = 'latency_p95'") }}

),

excluded_minutes as (

    {{ run_window_rows('int_maintenance_minutes_excluded', 'minute_at') }}

),

probes as (

    {{
        run_window_rows(
            'stg_landing__probes', 'checked_at', where='is_ok and latency_ms is not null'
        )
    }}

),

latencies_in_agreed_time as (

    select
        objective_periods.agreement_id,
        objective_periods.period_key,
        objective_periods.objective_id,
        probes.latency_ms,
    from objective_periods
    inner join probes
        on
            objective_periods.service_id = probes.service_id
            and objective_periods.period_start_at <= probes.checked_at
            and objective_periods.period_end_at > probes.checked_at
    {{ anti_join() }} excluded_minutes
        on
            objective_periods.agreement_id = excluded_minutes.agreement_id
            and objective_periods.period_key = excluded_minutes.period_key
            and objective_periods.service_id = excluded_minutes.service_id
            and date_trunc('minute', probes.checked_at) = excluded_minutes.minute_at

),

percentiles as (

    select
        agreement_id,
        period_key,
        objective_id,
        {{ quantile_exact('latency_ms', 0.95) }} as p95_latency_ms,
        count(*) as sample_size,
    from latencies_in_agreed_time
    group by 1, 2, 3

),

final as (

    select
        objective_periods.agreement_id,
        objective_periods.period_key,
        objective_periods.objective_id,
        objective_periods.service_id,
        objective_periods.agreed_minutes,
        objective_periods.data_minutes,
        percentiles.p95_latency_ms as actual,
        coalesce(percentiles.sample_size, 0) as sample_size,
        objective_periods.coverage_pct,
    from objective_periods
    left join percentiles using (agreement_id, period_key, objective_id)

)

select * from final
