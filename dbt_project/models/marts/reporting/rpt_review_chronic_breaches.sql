-- the chronic breaches as of each review's last period, with the objective's display name;
-- objective_order orders them and is not shown
with

reviews as (

    select * from {{ ref('rpt_reviews') }}

),

chronic_breaches as (

    select * from {{ ref('chronic_breaches') }}

),

objective_periods as (

    select * from {{ ref('objective_periods') }}

),

final as (

    select
        reviews.review_period_key,
        chronic_breaches.*,
        objective_periods.objective_name,
        objective_periods.objective_order,
    from reviews
    inner join chronic_breaches
        on
            reviews.agreement_id = chronic_breaches.agreement_id
            and reviews.last_period_key = chronic_breaches.period_key
    left join objective_periods
        on
            chronic_breaches.agreement_id = objective_periods.agreement_id
            and chronic_breaches.period_key = objective_periods.period_key
            and chronic_breaches.objective_id = objective_periods.objective_id

)

select * from final
