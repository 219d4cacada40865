-- the review pack's scorecard: one row per review x period of its window x objective, with the
-- rating of rpt_objective_periods and the objective's time allowance, so that the pack can state
-- the objective as the agreement does ("P1 first response within 30 min, 95 % of tickets")
with

reviews as (

    select * from {{ ref('rpt_reviews') }}

),

objective_periods as (

    select * from {{ ref('rpt_objective_periods') }}

),

objectives as (

    select * from {{ ref('stg_definitions__objectives') }}

),

final as (

    select
        reviews.review_period_key,
        objective_periods.*,
        objectives.within_seconds,
        objectives.clock,
    from reviews
    inner join objective_periods
        on
            reviews.agreement_id = objective_periods.agreement_id
            and {{ list_has('reviews.period_keys', 'objective_periods.period_key') }}
    inner join objectives
        on
            objective_periods.agreement_id = objectives.agreement_id
            and objective_periods.version = objectives.version
            and objective_periods.objective_id = objectives.objective_id

)

select * from final
