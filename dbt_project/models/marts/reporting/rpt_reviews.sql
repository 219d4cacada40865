-- one row per review meeting: an agreement, the closing period (review_period_key, the folder
-- its pack is published in), the window [review_start, review_end) and the agreement periods
-- inside it; history_start opens the trend charts' TREND_PERIODS = 12 periods before the end
with

publication_periods as (

    select * from {{ ref('rpt_publication_periods') }}

),

closing_periods as (

    select
        agreement_id,
        period_key as review_period_key,
        review_start,
        period_end as review_end,
        cast(period_end - {{ months('12 * period_months') }} as date) as history_start,
    from publication_periods
    where is_review_closing

),

periods_in_review as (

    select
        closing_periods.agreement_id,
        closing_periods.review_period_key,
        {{ ordered_list_agg('publication_periods.period_key', 'publication_periods.period_key') }}
            as period_keys,
    from closing_periods
    inner join publication_periods
        on
            closing_periods.agreement_id = publication_periods.agreement_id
            and closing_periods.review_start <= publication_periods.period_start
            and closing_periods.review_end >= publication_periods.period_end
    group by 1, 2

),

final as (

    select
        closing_periods.agreement_id,
        closing_periods.review_period_key,
        closing_periods.review_start,
        closing_periods.review_end,
        periods_in_review.period_keys,
        -- chronic breaches are shown as of the review's last period
        {{ last_element('periods_in_review.period_keys') }} as last_period_key,
        closing_periods.history_start,
    from closing_periods
    inner join periods_in_review using (agreement_id, review_period_key)

)

select * from final
