-- one row per agreement x period x service x UTC minute excluded from agreed time: minutes whose
-- start lies inside an excluded window [starts_at, ends_at) and inside the period. Overlapping
-- windows count each minute once. Applied window adjustments (int_adjustment_minutes_excluded)
-- are excluded the same way.
with

windows as (

    select * from {{ ref('int_maintenance_windows_assessed') }}

),

excluded_windows as (

    select
        agreement_id,
        period_key,
        service_id,
        -- the first whole minute starting at or after the window start
        case
            when date_trunc('minute', starts_at) = starts_at then starts_at
            else date_trunc('minute', starts_at) + interval 1 minute
        end as first_minute_at,
        ends_at,
        period_start_at,
        period_end_at,
    from windows
    where is_excluded

),

minutes_expanded as (

    select
        agreement_id,
        period_key,
        service_id,
        period_start_at,
        period_end_at,
        unnest(range(first_minute_at, ends_at, interval 1 minute)) as minute_at,
    from excluded_windows

),

adjustment_minutes as (

    select * from {{ ref('int_adjustment_minutes_excluded') }}

),

maintenance_minutes as (

    select
        agreement_id,
        period_key,
        service_id,
        minute_at,
    from minutes_expanded
    where minute_at >= period_start_at and minute_at < period_end_at

),

minutes_unioned as (

    select * from maintenance_minutes
    union all
    select * from adjustment_minutes

),

final as (

    select distinct * from minutes_unioned

)

select * from final
