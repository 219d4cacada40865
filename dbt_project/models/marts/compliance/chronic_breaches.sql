-- one row per agreement x period x counted subject of the chronic-breach rule in force for the
-- period (no rule, no row): with `same_objective` each named objective is a subject and its own
-- breaches count; with `any_objective` the named objectives together are one subject and the
-- periods in which any of them was breached count. The right arises when the count reaches the
-- rule's breaches; the triggering period is the latest breached one in the window (the breach
-- that completes the count) and the right must be exercised by its last day + notice_within
with

compliance as (

    select * from {{ ref('objective_periods') }}

),

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

agreement_versions as (

    select * from {{ ref('stg_definitions__agreement_versions') }}

),

rules_in_force as (

    select
        periods.agreement_id,
        periods.period_key,
        periods.period_index,
        agreement_versions.chronic_count as rule,  -- noqa: RF04
        agreement_versions.chronic_objective_ids as objective_ids,
        agreement_versions.chronic_within_periods as window_periods,
        agreement_versions.chronic_breaches as breaches_required,
        agreement_versions.chronic_notice_days as notice_days,
    from periods
    inner join agreement_versions using (agreement_id, version)
    where agreement_versions.chronic_breaches is not null

),

subjects_listed as (

    -- same_objective: one subject per named objective; any_objective: one for them all
    select
        rules_in_force.*,
        {{ unnest_list('rules_in_force.objective_ids') }} as objective_id,
    from rules_in_force
    where rules_in_force.rule = 'same_objective'
    union all
    select
        rules_in_force.*,
        cast(null as {{ type_text() }}) as objective_id,
    from rules_in_force
    where rules_in_force.rule = 'any_objective'

),

subjects as (

    select
        *,
        coalesce(objective_id, {{ join_list('objective_ids', "','") }}) as objectives,
    from subjects_listed

),

breached_periods as (

    -- a breached period counts once per subject, however many of its objectives were breached;
    -- the window is a range of period ordinals, so periods without data or without a version
    -- in force still take their place in it
    select distinct
        subjects.agreement_id,
        subjects.period_key,
        subjects.objectives,
        breached.period_key as breached_period_key,
        breached.period_index as breached_period_index,
        breached.period_end as breached_period_end,
    from subjects
    inner join compliance as breached
        on
            subjects.agreement_id = breached.agreement_id
            and {{ list_has('subjects.objective_ids', 'breached.objective_id') }}
            and coalesce(subjects.objective_id = breached.objective_id, true)
            and breached.status = 'breached'
            and subjects.period_index >= breached.period_index
            and breached.period_index > subjects.period_index - subjects.window_periods

),

breaches_counted as (

    select
        agreement_id,
        period_key,
        objectives,
        count(*) as breaches_in_window,
        {{ ordered_text_agg('breached_period_key', "','", 'breached_period_index') }}
            as breach_period_keys,
        {{ value_at_max('breached_period_key', 'breached_period_index') }}
            as last_breached_period_key,
        {{ value_at_max('breached_period_end', 'breached_period_index') }}
            as last_breached_period_end,
    from breached_periods
    group by 1, 2, 3

),

rights_assessed as (

    select
        subjects.agreement_id,
        subjects.period_key,
        subjects.rule,
        subjects.objectives,
        subjects.objective_id,
        subjects.window_periods,
        coalesce(breaches_counted.breaches_in_window, 0) as breaches_in_window,
        subjects.breaches_required,
        coalesce(breaches_counted.breaches_in_window, 0)
        >= subjects.breaches_required as has_termination_right,
        breaches_counted.breach_period_keys,
        subjects.notice_days,
        breaches_counted.last_breached_period_key,
        breaches_counted.last_breached_period_end,
    from subjects
    left join breaches_counted using (agreement_id, period_key, objectives)

),

final as (

    select
        agreement_id,
        period_key,
        rule,
        objectives,
        objective_id,
        window_periods,
        breaches_in_window,
        breaches_required,
        has_termination_right,
        breach_period_keys,
        case when has_termination_right then last_breached_period_key end
            as triggering_period_key,
        case
            when has_termination_right
                then {{ deadline_after('last_breached_period_end', 'notice_days') }}
        end as exercise_by,
    from rights_assessed

)

select * from final
