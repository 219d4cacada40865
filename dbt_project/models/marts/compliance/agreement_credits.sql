-- one row per agreement x period: the credit owed in the agreement currency after the cap and
-- the minimum credit amount, the penalties owed beside it, and what the two add up to
with

periods as (

    select
        agreement_id,
        period_key,
        period_start,
        period_end,
        is_in_run_window,
        version,
        currency,
        fee_amount,
        credit_cap_pct,
        min_credit_amount,
    from {{ ref('int_agreement_periods_enumerated') }}

),

objective_credits as (

    select
        agreement_id,
        period_key,
        credit_amount_uncapped,
        credit_amount_capped,
        credit_amount,
        is_capped,
        is_penalty_capped,
        is_below_minimum,
        penalty_amount_uncapped,
        penalty_amount,
    from {{ ref('objective_credits') }}

),

totals as (

    select
        agreement_id,
        period_key,
        sum(credit_amount_uncapped) as credit_amount_uncapped,
        sum(credit_amount_capped) as credit_amount_capped,
        sum(credit_amount) as credit_amount,
        bool_or(is_capped or coalesce(is_penalty_capped, false)) as is_capped,
        bool_or(is_below_minimum) as is_below_minimum,
        sum(penalty_amount_uncapped) as penalty_amount_uncapped,
        sum(penalty_amount) as penalty_amount,
    from objective_credits
    group by 1, 2

),

final as (

    select
        periods.agreement_id,
        periods.period_key,
        periods.period_start,
        periods.period_end,
        periods.is_in_run_window,
        periods.version,
        periods.currency,
        periods.fee_amount,
        periods.credit_cap_pct as cap_pct,
        cast(round(
            cast(periods.fee_amount as decimal(38, 2)) * periods.credit_cap_pct * 0.01, 2
        ) as decimal(18, 2)) as cap_amount,
        periods.min_credit_amount,
        cast(coalesce(totals.credit_amount_uncapped, 0) as decimal(18, 2))
            as credit_amount_uncapped,
        cast(coalesce(totals.credit_amount_capped, 0) as decimal(18, 2))
            as credit_amount_capped,
        cast(coalesce(totals.credit_amount, 0) as decimal(18, 2)) as credit_amount,
        coalesce(totals.is_capped, false) as is_capped,
        coalesce(totals.is_below_minimum, false) as is_below_minimum,
        cast(coalesce(totals.penalty_amount_uncapped, 0) as decimal(18, 2))
            as penalty_amount_uncapped,
        cast(coalesce(totals.penalty_amount, 0) as decimal(18, 2)) as penalty_amount,
        -- one sum of exact decimals: the amount the customer is owed for the period
        cast(
            coalesce(totals.credit_amount, 0) + coalesce(totals.penalty_amount, 0)
            as decimal(18, 2)
        ) as amount_owed,
    from periods
    left join totals using (agreement_id, period_key)

)

select * from final
