-- the adjustments touching the periods of each review (applied, refused or disputed, with the
-- reason); an entry refused without a period (unknown ticket, outside the agreement's periods)
-- is listed in every review of its agreement
with

reviews as (

    select * from {{ ref('rpt_reviews') }}

),

adjustments as (

    select * from {{ ref('adjustments') }}

),

final as (

    select
        reviews.review_period_key,
        adjustments.*,
    from reviews
    inner join adjustments
        on
            reviews.agreement_id = adjustments.agreement_id
            and (
                {{ list_has('reviews.period_keys', 'adjustments.period_key') }}
                or adjustments.period_key is null
            )

)

select * from final
