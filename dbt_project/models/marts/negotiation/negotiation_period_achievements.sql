-- one row per agreement x as-of period x objective x past period: what the objective achieved
-- in each of the last var('baseline_periods', 12) periods with a measured figure up to the
-- as-of period (insufficient_data periods are left out: they say nothing about what is
-- achievable). As-of periods: each review's closing period (the review pack's baseline) and the
-- latest computed one (`sla baseline`, is_latest). The objectives are those in force in the
-- as-of period; their history follows the objective id across versions.
with

compliance as (

    select
        agreement_id,
        objective_id,
        period_key,
        period_index,
        period_start,
        period_end,
        version,
        objective_order,
        kind,
        unit,
        is_higher_better,
        target,
        actual,
        status,
    from {{ ref('objective_periods') }}

),

reviews as (

    select
        agreement_id,
        review_period_key,
        review_end,
    from {{ ref('rpt_reviews') }}

),

latest_periods as (

    select
        agreement_id,
        {{ value_at_max('period_key', 'period_index') }} as period_key,
        max(period_end) as period_end,
    from compliance
    group by 1

),

as_of_points as (

    -- a baseline as of every review's closing period (the review pack's) and as of the latest
    -- computed period (`sla baseline`)
    select
        agreement_id,
        review_period_key as as_of_period_key,
        review_end as as_of_end,
    from reviews
    union
    select
        agreement_id,
        period_key as as_of_period_key,
        period_end as as_of_end,
    from latest_periods

),

as_of_objectives as (

    -- the objectives of the version in force in the as-of period
    select
        as_of_points.agreement_id,
        as_of_points.as_of_period_key,
        as_of_points.as_of_end,
        as_of_points.as_of_period_key = latest_periods.period_key as is_latest,
        compliance.objective_id,
        compliance.objective_order,
        compliance.kind,
        compliance.unit,
        compliance.is_higher_better,
        compliance.target as current_target,
    from as_of_points
    inner join compliance
        on
            as_of_points.agreement_id = compliance.agreement_id
            and as_of_points.as_of_end = compliance.period_end
    inner join latest_periods
        on as_of_points.agreement_id = latest_periods.agreement_id

),

history_ranked as (

    select
        as_of_objectives.agreement_id,
        as_of_objectives.as_of_period_key,
        as_of_objectives.is_latest,
        as_of_objectives.objective_id,
        as_of_objectives.objective_order,
        as_of_objectives.kind,
        as_of_objectives.unit,
        as_of_objectives.is_higher_better,
        as_of_objectives.current_target,
        compliance.period_key,
        compliance.period_start,
        compliance.version,
        compliance.target as target_in_force,
        compliance.actual,
        compliance.status,
        row_number() over (
            partition by
                as_of_objectives.agreement_id,
                as_of_objectives.as_of_period_key,
                as_of_objectives.objective_id
            order by compliance.period_start desc
        ) as period_recency,
    from as_of_objectives
    inner join compliance
        on
            as_of_objectives.agreement_id = compliance.agreement_id
            and as_of_objectives.objective_id = compliance.objective_id
            and as_of_objectives.as_of_end >= compliance.period_end
    where compliance.status != 'insufficient_data' and compliance.actual is not null

),

final as (

    select
        agreement_id,
        as_of_period_key,
        is_latest,
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
