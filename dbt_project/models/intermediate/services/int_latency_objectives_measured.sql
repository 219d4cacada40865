-- one row per agreement x period x latency_p95 objective of the version in force: the 95th
-- percentile of latency_ms over the period's successful probe results in agreed time, by linear
-- interpolation (quantile_cont: position 0.95 x (n - 1) in the sorted values, as numpy's default
-- and Excel's PERCENTILE.INC). Failed probes are left out: they count against availability, and
-- their latency is usually a timeout, not a response time.
-- Incremental like int_service_periods_measured: the periods that close in the run window are
-- recomputed whole from the probes (pruned to the widened window) and replace their rows.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        unique_key=['agreement_id', 'period_key'],
    )
}}

with

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}
    {% if is_incremental() %}
        where is_in_run_window
    {% endif %}

),

objectives as (

    select * from {{ ref('stg_definitions__objectives') }}

),

service_periods as (

    select * from {{ ref('int_service_periods_measured') }}

),

excluded_minutes as (

    select * from {{ ref('int_maintenance_minutes_excluded') }}
    {% if is_incremental() %}
        where {{ in_run_window('minute_at') }}
    {% endif %}

),

probes as (

    select * from {{ ref('stg_landing__probes') }}
    {% if is_incremental() %}
        where {{ in_run_window('checked_at') }}
    {% endif %}

),

objective_periods as (

    select
        periods.agreement_id,
        periods.period_key,
        objectives.objective_id,
        objectives.service_id,
    from periods
    inner join objectives
        on
            periods.agreement_id = objectives.agreement_id
            and periods.version = objectives.version
    where objectives.kind = 'latency_p95'

),

latencies_in_period as (

    select
        objective_periods.agreement_id,
        objective_periods.period_key,
        objective_periods.objective_id,
        probes.latency_ms,
    from objective_periods
    inner join service_periods
        on
            objective_periods.agreement_id = service_periods.agreement_id
            and objective_periods.period_key = service_periods.period_key
            and objective_periods.service_id = service_periods.service_id
    inner join probes
        on
            objective_periods.service_id = probes.service_id
            and service_periods.period_start_at <= probes.checked_at
            and service_periods.period_end_at > probes.checked_at
    anti join excluded_minutes
        on
            objective_periods.agreement_id = excluded_minutes.agreement_id
            and objective_periods.period_key = excluded_minutes.period_key
            and objective_periods.service_id = excluded_minutes.service_id
            and date_trunc('minute', probes.checked_at) = excluded_minutes.minute_at
    where probes.is_ok and probes.latency_ms is not null

),

percentiles as (

    select
        agreement_id,
        period_key,
        objective_id,
        quantile_cont(latency_ms, 0.95) as p95_latency_ms,
        count(*) as sample_size,
    from latencies_in_period
    group by 1, 2, 3

),

final as (

    select
        objective_periods.agreement_id,
        objective_periods.period_key,
        objective_periods.objective_id,
        objective_periods.service_id,
        service_periods.agreed_minutes,
        service_periods.data_minutes,
        percentiles.p95_latency_ms as actual,
        coalesce(percentiles.sample_size, 0) as sample_size,
        service_periods.coverage_pct,
    from objective_periods
    inner join service_periods
        on
            objective_periods.agreement_id = service_periods.agreement_id
            and objective_periods.period_key = service_periods.period_key
            and objective_periods.service_id = service_periods.service_id
    left join percentiles
        on
            objective_periods.agreement_id = percentiles.agreement_id
            and objective_periods.period_key = percentiles.period_key
            and objective_periods.objective_id = percentiles.objective_id

)

select * from final
