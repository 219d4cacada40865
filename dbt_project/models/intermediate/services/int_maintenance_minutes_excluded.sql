-- one row per agreement x period x service x UTC minute excluded from agreed time: the maintenance
-- minutes int_maintenance_minutes_assessed excludes (notice, allowed windows, cap). Overlapping
-- windows count each minute once. Applied window adjustments (int_adjustment_minutes_excluded)
-- are excluded the same way.
with

minutes_unioned as (

    -- int_adjustment_minutes_excluded has these four columns in this order
    select
        agreement_id,
        period_key,
        service_id,
        minute_at,
    from {{ ref('int_maintenance_minutes_assessed') }}
    where is_excluded
    union all
    select * from {{ ref('int_adjustment_minutes_excluded') }}

),

final as (

    select distinct * from minutes_unioned

)

select * from final
