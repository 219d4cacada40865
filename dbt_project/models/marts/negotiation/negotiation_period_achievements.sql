-- one row per agreement x objective x past period: what the objective achieved in each of the
-- last var('baseline_periods', 12) periods with a measured figure (insufficient_data periods
-- are left out: they say nothing about what is achievable). The objectives are those of the
-- version in force in the agreement's latest period; their history follows the objective id
-- across versions.
with

compliance as (

    select * from {{ ref('objective_periods') }}

),

latest_periods as (

    select
        agreement_id,
        max(period_index) as latest_period_index,
    from compliance
    group by 1

),

current_objectives as (

    select compliance.*
    from compliance
    inner join latest_periods
        on
            compliance.agreement_id = latest_periods.agreement_id
            and compliance.period_index = latest_periods.latest_period_index

),

history_ranked as (

    select
        compliance.agreement_id,
        compliance.objective_id,
        current_objectives.objective_order,
        current_objectives.kind,
        current_objectives.unit,
        current_objectives.is_higher_better,
        current_objectives.target as current_target,
        compliance.period_key,
        compliance.period_start,
        compliance.version,
        compliance.target as target_in_force,
        compliance.actual,
        compliance.status,
        row_number() over (
            partition by compliance.agreement_id, compliance.objective_id
            order by compliance.period_start desc
        ) as period_recency,
    from compliance
    inner join current_objectives
        on
            compliance.agreement_id = current_objectives.agreement_id
            and compliance.objective_id = current_objectives.objective_id
    where compliance.status != 'insufficient_data' and compliance.actual is not null

),

final as (

    select
        agreement_id,
        objective_id,
        objective_order,
        kind,
        unit,
        is_higher_better,
        current_target,
        period_key,
        period_start,
        version,
        target_in_force,
        actual,
        status,
        period_recency,
    from history_ranked
    where period_recency <= {{ var('baseline_periods', 12) }}

)

select * from final
