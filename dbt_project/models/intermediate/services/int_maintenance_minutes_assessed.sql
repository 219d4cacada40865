-- one row per agreement x period x service x maintenance window x UTC minute of the window in
-- the period, and whether the minute is excluded from agreed time. A minute is excludable when
-- its window was announced in time and, if the version lists allowed_windows, its local time
-- (the agreement calendar's zone) lies in one of them. With max_minutes_per_period, the
-- excludable minutes of a service are excluded first come first served in time order, up to
-- the cap per period; a minute of overlapping windows counts once. Every other minute counts as
-- agreed time like any other (downtime when the probes say the service was down), and
-- counted_reason says why: late_notice, outside_allowed_window or beyond_period_cap.
with

windows as (

    -- the calendar's zone under a name that is not also a function's
    select
        *,
        timezone as calendar_timezone,
    from {{ ref('int_maintenance_windows_assessed') }}

),

allowed_windows as (

    select * from {{ ref('stg_definitions__maintenance_allowed_windows') }}

),

minutes_expanded as (

    select
        agreement_id,
        period_key,
        version,
        service_id,
        starts_at,
        ends_at,
        announced_at,
        is_notice_met,
        maintenance_max_minutes,
        calendar_timezone,
        {{ window_minutes('starts_at', 'ends_at') }} as minute_at,
    from windows

),

minutes_localised as (

    select
        *,
        {{ utc_to_local('calendar_timezone', 'minute_at') }} as local_at,
    from minutes_expanded

),

minutes_placed as (

    -- no allowed_windows in the version: maintenance may be excluded at any time
    select
        minutes_localised.*,
        not exists (
            select 1 from allowed_windows as any_window
            where
                any_window.agreement_id = minutes_localised.agreement_id
                and any_window.version = minutes_localised.version
        )
        or exists (
            select 1 from allowed_windows
            where
                allowed_windows.agreement_id = minutes_localised.agreement_id
                and allowed_windows.version = minutes_localised.version
                and allowed_windows.iso_dow = {{ iso_dow('minutes_localised.local_at') }}
                and allowed_windows.start_minute
                <= hour(minutes_localised.local_at) * 60 + minute(minutes_localised.local_at)
                and allowed_windows.end_minute
                > hour(minutes_localised.local_at) * 60 + minute(minutes_localised.local_at)
        ) as is_in_allowed_window,
    from minutes_localised

),

minutes_excludable as (

    select
        agreement_id,
        period_key,
        service_id,
        minute_at,
        max(maintenance_max_minutes) as maintenance_max_minutes,
    from minutes_placed
    where is_notice_met and is_in_allowed_window
    group by 1, 2, 3, 4

),

minutes_excluded as (

    select
        agreement_id,
        period_key,
        service_id,
        minute_at,
    from minutes_excludable
    qualify
        maintenance_max_minutes is null
        or row_number() over (
            partition by agreement_id, period_key, service_id order by minute_at
        ) <= maintenance_max_minutes

),

final as (

    select
        minutes_placed.agreement_id,
        minutes_placed.period_key,
        minutes_placed.service_id,
        minutes_placed.starts_at,
        minutes_placed.ends_at,
        minutes_placed.announced_at,
        minutes_placed.minute_at,
        minutes_excluded.minute_at is not null as is_excluded,
        case
            when minutes_excluded.minute_at is not null then null
            when not minutes_placed.is_notice_met then 'late_notice'
            when not minutes_placed.is_in_allowed_window then 'outside_allowed_window'
            else 'beyond_period_cap'
        end as counted_reason,
    from minutes_placed
    left join minutes_excluded using (agreement_id, period_key, service_id, minute_at)

)

select * from final
