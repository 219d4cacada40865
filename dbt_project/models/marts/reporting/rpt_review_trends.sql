-- the review pack's trend charts and the recommendations' input: per review and objective the
-- periods of the last 12 (rpt_reviews.history_start) up to the review's end
with

reviews as (

    select * from {{ ref('rpt_reviews') }}

),

objective_periods as (

    select * from {{ ref('rpt_objective_periods') }}

),

final as (

    select
        reviews.agreement_id,
        reviews.review_period_key,
        objective_periods.objective_id,
        objective_periods.period_key,
        objective_periods.status,
        objective_periods.is_warning,
        objective_periods.target,
        objective_periods.actual,
        objective_periods.unit,
    from reviews
    inner join objective_periods
        on
            reviews.agreement_id = objective_periods.agreement_id
            and reviews.history_start <= objective_periods.period_start
            and reviews.review_end >= objective_periods.period_end

)

select * from final
