-- the credits ledger finance books from, every period: one row per agreement x objective (zero
-- credits and insufficient data included, so it reconciles row for row with the compliance
-- table) and one agreement_total row per agreement with the amount to book after the cap and
-- the minimum. run_id is the publication's, added when the file is written (after
-- definitions_version); line_number orders a period's rows and is not published. coverage_pct
-- comes last (after the contract's first 16 columns and the extras finance already reads): the
-- share of agreed minutes with probe data behind an availability objective's actual. claim_by
-- is the LAST column: the last day to claim the period's credit (its last day + claims.within)
with

agreements as (

    select * from {{ ref('stg_definitions__agreements') }}

),

objective_credits as (

    select * from {{ ref('objective_credits') }}

),

agreement_credits as (

    select * from {{ ref('agreement_credits') }}

),

objective_periods as (

    select * from {{ ref('objective_periods') }}

),

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

agreement_versions as (

    select * from {{ ref('stg_definitions__agreement_versions') }}

),

objective_rows as (

    select
        objective_credits.agreement_id,
        agreements.customer,
        objective_credits.period_key as period,  -- noqa: RF04
        objective_credits.objective_id,
        objective_credits.kind,
        cast(objective_credits.target as decimal(18, 4)) as target,  -- noqa: RF04
        cast(objective_credits.actual as decimal(18, 4)) as actual,
        objective_credits.unit,
        objective_credits.status,
        cast(objective_credits.credit_pct as decimal(9, 4)) as credit_pct,
        cast(objective_credits.fee_amount as decimal(18, 2)) as fee_amount,
        cast(objective_credits.credit_amount as decimal(18, 2)) as credit_amount,
        objective_credits.currency,
        objective_credits.is_capped as capped,
        {{ definitions_version('objective_credits.version', 'agreements.definitions_sha256') }}
            as definitions_version,
        'objective' as row_type,
        objective_credits.tier_rank,
        cast(objective_credits.credit_amount_uncapped as decimal(18, 2))
            as credit_amount_uncapped,
        cast(null as decimal(18, 2)) as cap_amount,
        objective_credits.is_below_minimum as below_minimum,
        -- the same cast as the compliance table's (rpt_objective_periods)
        case
            when objective_credits.kind = 'availability'
                then cast(objective_periods.coverage_pct as decimal(9, 4))
        end as coverage_pct,
        objective_credits.objective_order as row_order,
    from objective_credits
    inner join agreements
        on objective_credits.agreement_id = agreements.agreement_id
    left join objective_periods
        on
            objective_credits.agreement_id = objective_periods.agreement_id
            and objective_credits.period_key = objective_periods.period_key
            and objective_credits.objective_id = objective_periods.objective_id

),

total_rows as (

    select
        agreement_credits.agreement_id,
        agreements.customer,
        agreement_credits.period_key as period,  -- noqa: RF04
        cast(null as varchar) as objective_id,
        cast(null as varchar) as kind,
        cast(null as decimal(18, 4)) as target,  -- noqa: RF04
        cast(null as decimal(18, 4)) as actual,
        cast(null as varchar) as unit,
        cast(null as varchar) as status,
        cast(null as decimal(9, 4)) as credit_pct,
        cast(agreement_credits.fee_amount as decimal(18, 2)) as fee_amount,
        cast(agreement_credits.credit_amount as decimal(18, 2)) as credit_amount,
        agreement_credits.currency,
        agreement_credits.is_capped as capped,
        {{ definitions_version('agreement_credits.version', 'agreements.definitions_sha256') }}
            as definitions_version,
        'agreement_total' as row_type,
        cast(null as integer) as tier_rank,
        cast(agreement_credits.credit_amount_uncapped as decimal(18, 2))
            as credit_amount_uncapped,
        cast(agreement_credits.cap_amount as decimal(18, 2)) as cap_amount,
        agreement_credits.is_below_minimum as below_minimum,
        cast(null as decimal(9, 4)) as coverage_pct,
        -- after every objective of the agreement
        2147483647 as row_order,
    from agreement_credits
    inner join agreements
        on agreement_credits.agreement_id = agreements.agreement_id

),

ledger_rows as (

    select * from objective_rows
    union all
    select * from total_rows

),

claim_deadlines as (

    -- the version in force for the period states the claims term (issue 13)
    select
        agreement_credits.agreement_id,
        agreement_credits.period_key,
        {{ deadline_after('periods.period_end', 'agreement_versions.claims_within_days') }}
            as claim_by,
    from agreement_credits
    inner join periods
        on
            agreement_credits.agreement_id = periods.agreement_id
            and agreement_credits.period_key = periods.period_key
    inner join agreement_versions
        on
            agreement_credits.agreement_id = agreement_versions.agreement_id
            and agreement_credits.version = agreement_versions.version

),

final as (

    select
        ledger_rows.* exclude (row_order),  -- noqa: RF02
        claim_deadlines.claim_by,
        row_number() over (
            partition by ledger_rows.period
            order by ledger_rows.agreement_id, ledger_rows.row_order, ledger_rows.objective_id
        ) as line_number,
    from ledger_rows
    left join claim_deadlines
        on
            ledger_rows.agreement_id = claim_deadlines.agreement_id
            and ledger_rows.period = claim_deadlines.period_key

)

select * from final
