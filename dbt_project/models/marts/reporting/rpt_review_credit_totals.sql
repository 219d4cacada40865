-- the review pack's credits and cap: each period of the review with the fee, the cap and the
-- credit owed after cap and minimum
with

reviews as (

    select * from {{ ref('rpt_reviews') }}

),

agreement_credits as (

    select * from {{ ref('agreement_credits') }}

),

final as (

    select
        reviews.review_period_key,
        agreement_credits.*,
    from reviews
    inner join agreement_credits
        on
            reviews.agreement_id = agreement_credits.agreement_id
            and {{ list_has('reviews.period_keys', 'agreement_credits.period_key') }}

)

select * from final
