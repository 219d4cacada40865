-- the review pack's credits: the objectives of each review's periods that were breached or
-- earned a credit (before the cap), with the objective's display name
with

reviews as (

    select * from {{ ref('rpt_reviews') }}

),

objective_credits as (

    select * from {{ ref('objective_credits') }}

),

objective_periods as (

    select * from {{ ref('objective_periods') }}

),

final as (

    select
        reviews.review_period_key,
        {{ star_replace(
            [['cast(objective_credits.actual as decimal(18, 4))', 'actual']], 'objective_credits'
        ) }},
        objective_periods.objective_name,
    from reviews
    inner join objective_credits
        on
            reviews.agreement_id = objective_credits.agreement_id
            and {{ list_has('reviews.period_keys', 'objective_credits.period_key') }}
    left join objective_periods
        on
            objective_credits.agreement_id = objective_periods.agreement_id
            and objective_credits.period_key = objective_periods.period_key
            and objective_credits.objective_id = objective_periods.objective_id
    where objective_credits.status = 'breached' or objective_credits.credit_amount_uncapped > 0

)

select * from final
