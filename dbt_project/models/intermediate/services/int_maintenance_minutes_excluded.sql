-- one row per agreement x period x service x UTC minute excluded from agreed time: the maintenance
-- minutes int_maintenance_minutes_assessed excludes (notice, allowed windows, cap). Overlapping
-- windows count each minute once. Applied window adjustments (int_adjustment_minutes_excluded)
-- are excluded the same way.
with

maintenance_minutes_assessed as (

    select * from {{ ref('int_maintenance_minutes_assessed') }}

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
    from maintenance_minutes_assessed
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
