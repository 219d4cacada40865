-- the published chronic_breaches file of each period (reports/<period>/v<n>/): one row per
-- agreement and subject of its chronic-breach rule; agreements without a rule have no row
with

chronic_breaches as (

    select * from {{ ref('chronic_breaches') }}

),

final as (

    select
        agreement_id,
        period_key as period,  -- noqa: RF04
        rule,
        objectives,
        breaches_in_window,
        breaches_required as required,
        window_periods,
        has_termination_right,
        exercise_by,
    from chronic_breaches

)

select * from final
