-- the review pack's scorecard: one row per review x period of its window x objective, with the
-- rating of rpt_objective_periods
with

reviews as (

    select * from {{ ref('rpt_reviews') }}

),

objective_periods as (

    select * from {{ ref('rpt_objective_periods') }}

),

final as (

    select
        reviews.review_period_key,
        objective_periods.*,
    from reviews
    inner join objective_periods
        on
            reviews.agreement_id = objective_periods.agreement_id
            and list_contains(reviews.period_keys, objective_periods.period_key)

)

select * from final
