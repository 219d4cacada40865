-- one row per agreement x period x service x maintenance window overlapping the period, with
-- the notice given, whether it was in time, and how many of its minutes were excluded from
-- agreed time or counted like any other time, and why (int_maintenance_minutes_assessed)
with

windows as (

    select
        service_id,
        starts_at,
        ends_at,
        announced_at,
        notice_seconds,
        required_notice_seconds,
        is_notice_met,
        agreement_id,
        period_key,
        version,
    from {{ ref('int_maintenance_windows_assessed') }}

),

minutes as (

    select
        agreement_id,
        period_key,
        service_id,
        starts_at,
        is_excluded,
        counted_reason,
    from {{ ref('int_maintenance_minutes_assessed') }}

),

minutes_counted as (

    select
        agreement_id,
        period_key,
        service_id,
        starts_at,
        count(*) filter (where is_excluded) as excluded_minutes,
        count(*) filter (where not is_excluded) as counted_minutes,
        count(*) filter (where counted_reason = 'late_notice') as late_notice_minutes,
        count(*) filter (
            where counted_reason = 'outside_allowed_window'
        ) as outside_window_minutes,
        count(*) filter (where counted_reason = 'beyond_period_cap') as beyond_cap_minutes,
    from minutes
    group by 1, 2, 3, 4

),

final as (

    select
        windows.agreement_id,
        windows.period_key,
        windows.version,
        windows.service_id,
        windows.starts_at,
        windows.ends_at,
        windows.announced_at,
        windows.notice_seconds,
        windows.required_notice_seconds,
        windows.is_notice_met as is_excluded,
        coalesce(minutes_counted.excluded_minutes, 0) as excluded_minutes,
        coalesce(minutes_counted.counted_minutes, 0) as counted_minutes,
        coalesce(minutes_counted.late_notice_minutes, 0) as late_notice_minutes,
        coalesce(minutes_counted.outside_window_minutes, 0) as outside_window_minutes,
        coalesce(minutes_counted.beyond_cap_minutes, 0) as beyond_cap_minutes,
    from windows
    left join minutes_counted using (agreement_id, period_key, service_id, starts_at)

)

select * from final
