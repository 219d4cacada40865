-- one row per agreement x period x objective: breaches of the objective within the last
-- chronic_within_periods periods (the current one included) and whether they reach the number
-- that gives the customer a termination right (the version in force for the period decides)
with

compliance as (

    select * from {{ ref('objective_periods') }}

),

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

rules_applied as (

    select
        compliance.agreement_id,
        compliance.period_key,
        compliance.period_index,
        compliance.objective_id,
        periods.chronic_within_periods as window_periods,
        periods.chronic_breaches as breaches_required,
    from compliance
    inner join periods
        on
            compliance.agreement_id = periods.agreement_id
            and compliance.period_key = periods.period_key

),

breaches_in_window as (

    -- the window is a range of period ordinals, so periods without data or without a version
    -- in force still take their place in it
    select
        rules_applied.agreement_id,
        rules_applied.period_key,
        rules_applied.objective_id,
        count(breached.period_key) as breaches_in_window,
        string_agg(breached.period_key, ',' order by breached.period_index)
            as breach_period_keys,
    from rules_applied
    left join compliance as breached
        on
            rules_applied.agreement_id = breached.agreement_id
            and rules_applied.objective_id = breached.objective_id
            and breached.status = 'breached'
            and rules_applied.period_index >= breached.period_index
            and breached.period_index > rules_applied.period_index - rules_applied.window_periods
    group by 1, 2, 3

),

final as (

    select
        rules_applied.agreement_id,
        rules_applied.period_key,
        rules_applied.objective_id,
        rules_applied.window_periods,
        breaches_in_window.breaches_in_window,
        rules_applied.breaches_required,
        coalesce(
            breaches_in_window.breaches_in_window >= rules_applied.breaches_required, false
        ) as has_termination_right,
        breaches_in_window.breach_period_keys,
    from rules_applied
    inner join breaches_in_window
        on
            rules_applied.agreement_id = breaches_in_window.agreement_id
            and rules_applied.period_key = breaches_in_window.period_key
            and rules_applied.objective_id = breaches_in_window.objective_id

)

select * from final
