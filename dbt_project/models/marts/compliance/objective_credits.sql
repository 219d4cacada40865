-- one row per agreement x period x objective: the credit tier that applies and its amount.
-- The only rounding is per objective: round_half_up(fee x pct / 100, 2); the agreement cap is
-- handed out in objective_order so capped amounts add up to the cap exactly (see
-- docs/kpi_rules.md), and a period whose total is below min_credit_amount pays nothing.
with

compliance as (

    select * from {{ ref('objective_periods') }}

),

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

tiers as (

    select * from {{ ref('stg_definitions__credit_tiers') }}

),

tiers_matched as (

    -- the most severe tier whose threshold the actual crosses strictly; no credit without data
    select
        compliance.agreement_id,
        compliance.period_key,
        compliance.objective_id,
        tiers.tier_rank,
        tiers.comparator,
        tiers.threshold,
        tiers.credit_pct,
    from compliance
    inner join tiers
        on
            compliance.agreement_id = tiers.agreement_id
            and compliance.version = tiers.version
            and compliance.objective_id = tiers.objective_id
    where
        compliance.status != 'insufficient_data'
        and (
            (tiers.comparator = 'below' and compliance.actual < tiers.threshold)
            or (tiers.comparator = 'above' and compliance.actual > tiers.threshold)
        )
    qualify row_number() over (
        partition by compliance.agreement_id, compliance.period_key, compliance.objective_id
        order by tiers.credit_pct desc, tiers.tier_rank asc
    ) = 1

),

uncapped as (

    select
        compliance.agreement_id,
        compliance.period_key,
        compliance.version,
        compliance.objective_id,
        compliance.objective_order,
        compliance.kind,
        compliance.target,
        compliance.actual,
        compliance.unit,
        compliance.status,
        tiers_matched.tier_rank,
        tiers_matched.comparator as tier_comparator,
        tiers_matched.threshold as tier_threshold,
        cast(coalesce(tiers_matched.credit_pct, 0) as decimal(9, 4)) as credit_pct,
        periods.fee_amount,
        periods.currency,
        periods.min_credit_amount,
        -- x 0.01 keeps DECIMAL arithmetic exact (a DECIMAL division would go through DOUBLE);
        -- DuckDB's round() on a DECIMAL rounds half away from zero = half-up for amounts >= 0
        cast(round(
            cast(periods.fee_amount as decimal(38, 2)) * periods.credit_cap_pct * 0.01, 2
        ) as decimal(18, 2)) as cap_amount,
        cast(round(
            cast(periods.fee_amount as decimal(38, 2))
            * coalesce(tiers_matched.credit_pct, 0) * 0.01,
            2
        ) as decimal(18, 2)) as credit_amount_uncapped,
    from compliance
    inner join periods
        on
            compliance.agreement_id = periods.agreement_id
            and compliance.period_key = periods.period_key
    left join tiers_matched
        on
            compliance.agreement_id = tiers_matched.agreement_id
            and compliance.period_key = tiers_matched.period_key
            and compliance.objective_id = tiers_matched.objective_id

),

cap_allocated as (

    -- earlier objectives keep their full credit, the one that crosses the cap gets what is
    -- left of it, later ones nothing: no second rounding, and the sum equals the cap exactly
    select
        *,
        coalesce(sum(credit_amount_uncapped) over (
            partition by agreement_id, period_key
            order by objective_order
            rows between unbounded preceding and 1 preceding
        ), 0) as credit_before,
    from uncapped

),

capped as (

    select
        *,
        cast(
            greatest(0, least(credit_amount_uncapped, cap_amount - credit_before))
            as decimal(18, 2)
        ) as credit_amount_capped,
    from cap_allocated

),

minimum_applied as (

    select
        *,
        sum(credit_amount_capped) over (partition by agreement_id, period_key)
            as period_credit_capped,
    from capped

),

final as (

    select
        agreement_id,
        period_key,
        version,
        objective_id,
        objective_order,
        kind,
        target,
        actual,
        unit,
        status,
        tier_rank,
        tier_comparator,
        tier_threshold,
        credit_pct,
        fee_amount,
        credit_amount_uncapped,
        credit_amount_capped,
        cast(
            case when period_credit_capped < min_credit_amount then 0 else credit_amount_capped end
            as decimal(18, 2)
        ) as credit_amount,
        currency,
        credit_amount_capped < credit_amount_uncapped as is_capped,
        period_credit_capped > 0 and period_credit_capped < min_credit_amount
            as is_below_minimum,
    from minimum_applied

)

select * from final
