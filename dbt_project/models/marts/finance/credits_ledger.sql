-- the credits ledger finance books from, every period: one row per agreement x objective (zero
-- credits and insufficient data included, so it reconciles row for row with the compliance
-- table) and one agreement_total row per agreement with the amount to book after the cap and
-- the minimum. run_id is the publication's, added when the file is written (after
-- definitions_version); line_number orders a period's rows and is not published. coverage_pct
-- comes last (after the contract's first 16 columns and the extras finance already reads): the
-- share of agreed minutes with probe data behind an availability objective's actual; then
-- claim_by, the last day to claim the period's credit (its last day + claims.within), and
-- penalty_breaches. Penalty rows (row_type penalty, after the objective row of their objective,
-- every period for every objective with a penalty clause) carry the penalty owed in
-- credit_amount and the breaches it charges in penalty_breaches; the agreement_total row books
-- credits and penalties together (agreement_credits.amount_owed)
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

objective_lines as (

    -- an objective's ledger lines: its credit, then its penalty when it has a penalty clause.
    -- A penalty line's fee_amount is the period's fee (a penalty is a fixed sum, not a share of
    -- it); capped and the uncapped amount say what the shared cap did to it
    select
        objective_credits.*,
        'objective' as row_type,
        objective_credits.credit_pct as line_credit_pct,
        objective_credits.fee_amount as line_fee_amount,
        objective_credits.credit_amount as line_amount,
        objective_credits.is_capped as line_is_capped,
        objective_credits.tier_rank as line_tier_rank,
        objective_credits.credit_amount_uncapped as line_amount_uncapped,
        objective_credits.is_below_minimum as line_is_below_minimum,
        cast(null as integer) as line_penalty_breaches,
        objective_credits.objective_order * 2 as row_order,
    from objective_credits
    union all
    select
        objective_credits.*,
        'penalty' as row_type,
        null as line_credit_pct,
        agreement_credits.fee_amount as line_fee_amount,
        objective_credits.penalty_amount as line_amount,
        objective_credits.is_penalty_capped as line_is_capped,
        null as line_tier_rank,
        objective_credits.penalty_amount_uncapped as line_amount_uncapped,
        false as line_is_below_minimum,
        objective_credits.penalty_breaches as line_penalty_breaches,
        objective_credits.objective_order * 2 + 1 as row_order,
    from objective_credits
    inner join agreement_credits using (agreement_id, period_key)
    where objective_credits.penalty_per is not null

),

objective_rows as (

    select
        objective_lines.agreement_id,
        agreements.customer,
        objective_lines.period_key as period,  -- noqa: RF04
        objective_lines.objective_id,
        objective_lines.kind,
        cast(objective_lines.target as decimal(18, 4)) as target,  -- noqa: RF04
        cast(objective_lines.actual as decimal(18, 4)) as actual,
        objective_lines.unit,
        objective_lines.status,
        cast(objective_lines.line_credit_pct as decimal(9, 4)) as credit_pct,
        cast(objective_lines.line_fee_amount as decimal(18, 2)) as fee_amount,
        cast(objective_lines.line_amount as decimal(18, 2)) as credit_amount,
        objective_lines.currency,
        objective_lines.line_is_capped as capped,
        {{ definitions_version('objective_lines.version', 'agreements.definitions_sha256') }}
            as definitions_version,
        objective_lines.row_type,
        cast(objective_lines.line_tier_rank as integer) as tier_rank,
        cast(objective_lines.line_amount_uncapped as decimal(18, 2))
            as credit_amount_uncapped,
        cast(null as decimal(18, 2)) as cap_amount,
        objective_lines.line_is_below_minimum as below_minimum,
        -- the same cast as the compliance table's (rpt_objective_periods)
        case
            when objective_lines.row_type = 'objective' and objective_lines.kind = 'availability'
                then cast(objective_periods.coverage_pct as decimal(9, 4))
        end as coverage_pct,
        objective_lines.line_penalty_breaches as penalty_breaches,
        objective_lines.row_order,
    from objective_lines
    inner join agreements using (agreement_id)
    left join objective_periods using (agreement_id, period_key, objective_id)

),

total_rows as (

    select
        agreement_credits.agreement_id,
        agreements.customer,
        agreement_credits.period_key as period,  -- noqa: RF04
        cast(null as {{ type_text() }}) as objective_id,
        cast(null as {{ type_text() }}) as kind,
        cast(null as decimal(18, 4)) as target,  -- noqa: RF04
        cast(null as decimal(18, 4)) as actual,
        cast(null as {{ type_text() }}) as unit,
        cast(null as {{ type_text() }}) as status,
        cast(null as decimal(9, 4)) as credit_pct,
        cast(agreement_credits.fee_amount as decimal(18, 2)) as fee_amount,
        cast(agreement_credits.amount_owed as decimal(18, 2)) as credit_amount,
        agreement_credits.currency,
        agreement_credits.is_capped as capped,
        {{ definitions_version('agreement_credits.version', 'agreements.definitions_sha256') }}
            as definitions_version,
        'agreement_total' as row_type,
        cast(null as integer) as tier_rank,
        cast(
            agreement_credits.credit_amount_uncapped + agreement_credits.penalty_amount_uncapped
            as decimal(18, 2)
        ) as credit_amount_uncapped,
        cast(agreement_credits.cap_amount as decimal(18, 2)) as cap_amount,
        agreement_credits.is_below_minimum as below_minimum,
        cast(null as decimal(9, 4)) as coverage_pct,
        cast(null as integer) as penalty_breaches,
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
    inner join periods using (agreement_id, period_key)
    inner join agreement_versions
        on
            agreement_credits.agreement_id = agreement_versions.agreement_id
            and agreement_credits.version = agreement_versions.version

),

final as (

    select
        {{ star_except(['row_order', 'penalty_breaches'], 'ledger_rows') }},  -- noqa: RF02
        claim_deadlines.claim_by,
        ledger_rows.penalty_breaches,
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
