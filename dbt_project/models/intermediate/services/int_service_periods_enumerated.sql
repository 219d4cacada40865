-- one row per agreement x period x service named by an availability or latency objective of the
-- version in force: the time frame in which that service's minutes and maintenance are judged,
-- with the version's maintenance limits (notice, cap per period) and the calendar's time zone
with

periods as (

    select
        agreement_id,
        period_key,
        version,
        period_start_at,
        period_end_at,
        maintenance_notice_seconds,
        timezone,
        is_in_run_window,
    from {{ ref('int_agreement_periods_enumerated') }}

),

objectives as (

    select
        agreement_id,
        version,
        service_id,
    from {{ ref('stg_definitions__objectives') }}

),

agreement_versions as (

    select
        agreement_id,
        version,
        maintenance_max_minutes,
    from {{ ref('stg_definitions__agreement_versions') }}

),

services_in_force as (

    select distinct
        periods.agreement_id,
        periods.period_key,
        periods.version,
        objectives.service_id,
    from periods
    inner join objectives using (agreement_id, version)
    where objectives.service_id is not null

),

final as (

    select
        services_in_force.agreement_id,
        services_in_force.period_key,
        services_in_force.version,
        services_in_force.service_id,
        periods.period_start_at,
        periods.period_end_at,
        {{ units_between('minute', 'periods.period_start_at', 'periods.period_end_at') }}
            as period_minutes,
        coalesce(periods.maintenance_notice_seconds, 0) as required_notice_seconds,
        agreement_versions.maintenance_max_minutes,
        periods.timezone,
        periods.is_in_run_window,
    from services_in_force
    inner join periods using (agreement_id, period_key)
    inner join agreement_versions
        on
            services_in_force.agreement_id = agreement_versions.agreement_id
            and services_in_force.version = agreement_versions.version

)

select * from final
