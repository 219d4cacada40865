-- the review pack's "Targets for the next term": per review and objective in force at its
-- closing period, the baseline as of that period (marts/negotiation/negotiation_baselines, the
-- default var('baseline_periods') and var('baseline_share')), with exact decimal measures
with

reviews as (

    select * from {{ ref('rpt_reviews') }}

),

baselines as (

    select * from {{ ref('negotiation_baselines') }}

),

final as (

    select
        reviews.agreement_id,
        reviews.review_period_key,
        baselines.objective_id,
        baselines.objective_order,
        baselines.unit,
        baselines.is_higher_better,
        baselines.baseline_share,
        baselines.periods_counted,
        baselines.first_period_key,
        baselines.last_period_key,
        baselines.current_target,
        baselines.periods_breached,
        cast(baselines.achieved_min as decimal(18, 4)) as achieved_min,
        cast(baselines.achieved_median as decimal(18, 4)) as achieved_median,
        cast(baselines.achieved_max as decimal(18, 4)) as achieved_max,
        cast(baselines.achieved_p10 as decimal(18, 4)) as achieved_p10,
        cast(baselines.achieved_p90 as decimal(18, 4)) as achieved_p90,
        baselines.recommended_target,
        baselines.periods_breached_at_recommended,
        baselines.currency,
        baselines.credit_amount_in_force,
        baselines.credit_amount_at_recommended,
        baselines.current_within_seconds,
        baselines.recommended_within_seconds,
    from reviews
    inner join baselines
        on
            reviews.agreement_id = baselines.agreement_id
            and reviews.review_period_key = baselines.as_of_period_key

)

select * from final
