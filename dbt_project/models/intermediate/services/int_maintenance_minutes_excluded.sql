-- one row per agreement x period x service x UTC minute excluded from agreed time: minutes whose
-- start lies inside an excluded window [starts_at, ends_at) and inside the period. Overlapping
-- windows count each minute once. Applied window adjustments (int_adjustment_minutes_excluded)
-- are excluded the same way.
with

windows as (

    select * from {{ ref('int_maintenance_windows_assessed') }}

),

adjustment_minutes as (

    select * from {{ ref('int_adjustment_minutes_excluded') }}

),

maintenance_minutes as (

    select
        agreement_id,
        period_key,
        service_id,
        unnest({{ window_minutes('starts_at', 'ends_at') }}) as minute_at,
    from windows
    where is_excluded

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
