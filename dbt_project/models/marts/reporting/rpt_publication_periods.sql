-- one row per agreement period computed in the marts: what a run publishes when the period
-- ends inside its window, and whether the period closes a review. Reviews follow the calendar:
-- a quarterly review closes with the periods ending at the end of March, June, September and
-- December; a review shorter than the agreement period happens every period. The review window
-- is the review_window_months before the period's (exclusive) end.
with

agreements as (

    select
        agreement_id,
        period_months,
        review_months,
        greatest(review_months, period_months) as review_window_months,
    from {{ ref('stg_definitions__agreements') }}

),

agreement_periods as (

    select distinct
        agreement_id,
        period_key,
        period_start,
        period_end,
        version,
    from {{ ref('objective_periods') }}

),

final as (

    select
        agreement_periods.*,
        agreements.period_months,
        agreements.review_months,
        (month(agreement_periods.period_end) - 1) % agreements.review_window_months = 0
            as is_review_closing,
        case
            when (month(agreement_periods.period_end) - 1) % agreements.review_window_months = 0
                then cast(
                    agreement_periods.period_end - {{ months('agreements.review_window_months') }}
                    as date
                )
        end as review_start,
    from agreement_periods
    inner join agreements
        on agreement_periods.agreement_id = agreements.agreement_id

)

select * from final
