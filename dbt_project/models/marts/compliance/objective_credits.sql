-- one row per agreement x period x objective: the credit tier that applies and its amount, and
-- the objective's fixed penalty. The only rounding is per objective: round_half_up(fee x pct /
-- 100, 2), the fee being the objective's service fee under `fees`; penalties are exact (amount x
-- breaches). When the credits and the penalties inside the cap exceed it, the cap's cents are
-- shared in proportion to those amounts (largest remainder, ties by objective order, a credit
-- before a penalty), so they add up to the cap exactly (docs/kpi_rules.md); a period whose
-- capped credits are below min_credit_amount pays no credit (its penalties are still owed).
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

service_fees as (

    select * from {{ ref('stg_definitions__service_fees') }}

),

penalties as (

    select * from {{ ref('stg_definitions__objective_penalties') }}

),

tickets_measured as (

    select * from {{ ref('int_ticket_objectives_measured') }}

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
    inner join tiers using (agreement_id, version, objective_id)
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

credit_bases as (

    -- an availability or latency objective's credit is a share of its service's fee when the
    -- version gives `fees`; every other objective's (and the cap's) base is the period's fee
    select
        compliance.agreement_id,
        compliance.period_key,
        compliance.objective_id,
        cast(coalesce(
            service_fees.monthly_fee * periods.period_months, periods.fee_amount
        ) as decimal(18, 2)) as fee_amount,
    from compliance
    inner join periods using (agreement_id, period_key)
    left join service_fees
        on
            compliance.agreement_id = service_fees.agreement_id
            and compliance.version = service_fees.version
            and compliance.service_id = service_fees.service_id
            and compliance.kind in ('availability', 'latency_p95')

),

penalties_counted as (

    -- breaches a penalty charges: per period, 1 in a breached period; per breach, the late
    -- tickets of a breached period (a met period owes nothing, as its target allows them)
    select
        compliance.agreement_id,
        compliance.period_key,
        compliance.objective_id,
        penalties.per as penalty_per,
        penalties.amount as penalty_unit_amount,
        penalties.is_outside_cap as is_penalty_outside_cap,
        cast(case
            when compliance.status != 'breached' then 0
            when penalties.per = 'period' then 1
            else coalesce(tickets_measured.missed_count, 0)
        end as integer) as penalty_breaches,
    from compliance
    inner join penalties using (agreement_id, version, objective_id)
    left join tickets_measured using (agreement_id, period_key, objective_id)

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
        credit_bases.fee_amount,
        periods.currency,
        periods.min_credit_amount,
        -- x 0.01 keeps DECIMAL arithmetic exact (a DECIMAL division would go through DOUBLE);
        -- DuckDB's round() on a DECIMAL rounds half away from zero = half-up for amounts >= 0
        cast(round(
            cast(periods.fee_amount as decimal(38, 2)) * periods.credit_cap_pct * 0.01, 2
        ) as decimal(18, 2)) as cap_amount,
        cast(round(
            cast(credit_bases.fee_amount as decimal(38, 2))
            * coalesce(tiers_matched.credit_pct, 0) * 0.01,
            2
        ) as decimal(18, 2)) as credit_amount_uncapped,
        penalties_counted.penalty_per,
        penalties_counted.penalty_unit_amount,
        penalties_counted.is_penalty_outside_cap,
        penalties_counted.penalty_breaches,
        cast(
            penalties_counted.penalty_unit_amount * penalties_counted.penalty_breaches
            as decimal(18, 2)
        ) as penalty_amount_uncapped,
    from compliance
    inner join periods using (agreement_id, period_key)
    inner join credit_bases using (agreement_id, period_key, objective_id)
    left join tiers_matched using (agreement_id, period_key, objective_id)
    left join penalties_counted using (agreement_id, period_key, objective_id)

),

cap_items as (

    -- what shares the cap, in cents: every credit and every penalty not outside it
    select
        agreement_id,
        period_key,
        objective_id,
        objective_order,
        'credit' as item,
        1 as item_order,
        cap_amount,
        cast(credit_amount_uncapped * 100 as {{ type_wide_integer() }}) as uncapped_cents,
    from uncapped
    union all
    select
        agreement_id,
        period_key,
        objective_id,
        objective_order,
        'penalty' as item,
        2 as item_order,
        cap_amount,
        cast(penalty_amount_uncapped * 100 as {{ type_wide_integer() }}) as uncapped_cents,
    from uncapped
    where penalty_per is not null and not is_penalty_outside_cap

),

cap_quotas as (

    -- each item's exact quota of the cap is cap x uncapped / total; integer division of
    -- wide integer cents keeps it exact (floor, and the remainder that ranks the leftover cents)
    select
        *,
        sum(uncapped_cents) over (partition by agreement_id, period_key) as total_cents,
        cast(cap_amount * 100 as {{ type_wide_integer() }}) as cap_cents,
    from cap_items

),

cap_floors as (

    select
        *,
        case
            when total_cents <= cap_cents then uncapped_cents
            else {{ int_div('cap_cents * uncapped_cents', 'total_cents') }}
        end as floor_cents,
        case
            when total_cents <= cap_cents then 0
            else cap_cents * uncapped_cents % total_cents
        end as remainder_cents,
    from cap_quotas

),

cap_shared as (

    -- largest remainder: the cents the floors leave short of the cap go one each to the items
    -- with the largest remainders, ties by objective order and a credit before a penalty
    select
        *,
        case
            when total_cents <= cap_cents then 0
            else cap_cents - sum(floor_cents) over (partition by agreement_id, period_key)
        end as leftover_cents,
        row_number() over (
            partition by agreement_id, period_key
            order by remainder_cents desc, objective_order asc, item_order asc
        ) as remainder_rank,
    from cap_floors

),

capped_items as (

    select
        agreement_id,
        period_key,
        objective_id,
        item,
        -- x 0.01 on a DECIMAL: exact, no division
        cast(
            cast(
                floor_cents + case when remainder_rank <= leftover_cents then 1 else 0 end
                as decimal(38, 0)
            ) * 0.01 as decimal(18, 2)
        ) as amount_capped,
    from cap_shared

),

capped as (

    select
        uncapped.*,
        coalesce(credits_capped.amount_capped, 0) as credit_amount_capped,
        case
            when uncapped.penalty_per is null then null
            when uncapped.is_penalty_outside_cap then uncapped.penalty_amount_uncapped
            else penalties_capped.amount_capped
        end as penalty_amount_capped,
    from uncapped
    left join capped_items as credits_capped
        on
            uncapped.agreement_id = credits_capped.agreement_id
            and uncapped.period_key = credits_capped.period_key
            and uncapped.objective_id = credits_capped.objective_id
            and credits_capped.item = 'credit'
    left join capped_items as penalties_capped
        on
            uncapped.agreement_id = penalties_capped.agreement_id
            and uncapped.period_key = penalties_capped.period_key
            and uncapped.objective_id = penalties_capped.objective_id
            and penalties_capped.item = 'penalty'

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
        -- the penalty (null without a penalty clause): the minimum credit amount never waives it
        penalty_per,
        penalty_unit_amount,
        is_penalty_outside_cap,
        penalty_breaches,
        penalty_amount_uncapped,
        cast(penalty_amount_capped as decimal(18, 2)) as penalty_amount,
        penalty_amount_capped < penalty_amount_uncapped as is_penalty_capped,
    from minimum_applied

)

select * from final
