-- what a period's credits add up to, per currency: the agreement_total rows of the ledger (the
-- amounts to book, after the cap and the minimum) summed per period and currency. A period
-- folder publishes its rows as credits_by_currency.{csv,parquet} and a sheet of credits.xlsx;
-- amounts of different currencies are never added together
with

ledger as (

    select * from {{ ref('credits_ledger') }}

),

agreement_totals as (

    select * from ledger
    where row_type = 'agreement_total'

),

final as (

    select
        period,
        currency,
        count(distinct agreement_id) as agreements,
        -- a sum of decimal(18, 2) amounts: exact, no second rounding step
        cast(sum(credit_amount) as decimal(18, 2)) as credit_amount,
    from agreement_totals
    group by 1, 2

)

select * from final
