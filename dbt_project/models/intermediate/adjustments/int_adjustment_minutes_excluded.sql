-- one row per agreement x period x service x UTC minute removed from agreed time by an applied
-- window adjustment: minutes whose start lies inside [window_start_at, window_end_at), for the
-- service of the entry's availability or latency objective (every such objective for `all`).
-- Unioned into int_maintenance_minutes_excluded, so agreed and down minutes treat it as
-- excluded maintenance.
with

assessed as (

    select * from {{ ref('int_adjustments_assessed') }}

),

service_periods as (

    select * from {{ ref('int_service_periods_enumerated') }}

),

objectives as (

    select * from {{ ref('stg_definitions__objectives') }}

),

minutes_applied as (

    select
        service_periods.agreement_id,
        service_periods.period_key,
        service_periods.service_id,
        {{ window_minutes(
            'assessed.window_start_at', 'assessed.window_end_at',
            'service_periods.period_start_at', 'service_periods.period_end_at'
        ) }} as minute_at,
    from assessed
    inner join service_periods using (agreement_id, period_key)
    inner join objectives
        on
            service_periods.agreement_id = objectives.agreement_id
            and service_periods.version = objectives.version
            and service_periods.service_id = objectives.service_id
            and (assessed.objective_id = 'all' or assessed.objective_id = objectives.objective_id)
    where
        assessed.status = 'applied'
        and assessed.scope = 'window'
        and objectives.kind in ('availability', 'latency_p95')

),

final as (

    select distinct * from minutes_applied

)

select * from final
