-- one row per agreement x period x service x maintenance window overlapping the period: whether
-- it was announced at least the version's notice ahead (announced_at <= starts_at - notice).
-- Which of its minutes are excluded (allowed windows, the cap per period) is decided per minute
-- in int_maintenance_minutes_assessed.
with

service_periods as (

    select * from {{ ref('int_service_periods_enumerated') }}

),

maintenance as (

    select * from {{ ref('stg_landing__maintenance') }}

),

final as (

    select
        service_periods.agreement_id,
        service_periods.period_key,
        service_periods.version,
        service_periods.service_id,
        maintenance.starts_at,
        maintenance.ends_at,
        maintenance.announced_at,
        service_periods.period_start_at,
        service_periods.period_end_at,
        service_periods.timezone,
        service_periods.maintenance_max_minutes,
        {{ units_between('second', 'maintenance.announced_at', 'maintenance.starts_at') }}
            as notice_seconds,
        service_periods.required_notice_seconds,
        maintenance.announced_at
        <= maintenance.starts_at - {{ seconds('service_periods.required_notice_seconds') }}
            as is_notice_met,
    from service_periods
    inner join maintenance
        on
            service_periods.service_id = maintenance.service_id
            and service_periods.period_end_at > maintenance.starts_at
            and service_periods.period_start_at < maintenance.ends_at

)

select * from final
