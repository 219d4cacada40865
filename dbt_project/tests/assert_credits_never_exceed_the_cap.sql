-- a row returned = an agreement-period whose objective credits and penalties inside the cap add
-- up to more than its cap (or, when capped, to anything but the cap), or whose ledger total
-- differs from the sum of its objective credits
-- the Dagster check of the model it verifies (several refs: dagster-dbt needs it named)
{{ config(meta={'dagster': {'ref': {'name': 'agreement_credits'}}}) }}

with

objective_credits as (

    select
        agreement_id,
        period_key,
        credit_amount,
        credit_amount_capped,
        penalty_amount,
        is_penalty_outside_cap,
    from {{ ref('objective_credits') }}

),

agreement_credits as (

    select
        agreement_id,
        period_key,
        cap_amount,
        credit_amount,
        is_capped,
    from {{ ref('agreement_credits') }}

),

sums as (

    select
        agreement_id,
        period_key,
        sum(credit_amount) as credit_amount,
        sum(credit_amount_capped) as credit_amount_capped,
        sum(credit_amount_capped) + coalesce(sum(penalty_amount) filter (
            where not is_penalty_outside_cap
        ), 0) as under_cap_amount,
    from objective_credits
    group by 1, 2

),

final as (

    select
        agreement_credits.agreement_id,
        agreement_credits.period_key,
        agreement_credits.cap_amount,
        sums.credit_amount_capped,
        sums.under_cap_amount,
        sums.credit_amount,
        agreement_credits.credit_amount as ledger_amount,
    from agreement_credits
    inner join sums using (agreement_id, period_key)
    where
        sums.under_cap_amount > agreement_credits.cap_amount
        or sums.credit_amount != agreement_credits.credit_amount
        or (
            agreement_credits.is_capped
            and sums.under_cap_amount != agreement_credits.cap_amount
        )

)

select * from final
