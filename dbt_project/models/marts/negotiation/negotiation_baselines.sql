-- one row per agreement x as-of period x objective in force then (as of every review's closing
-- period and of the latest period, is_latest): the achieved
-- distribution over the last var('baseline_periods', 12) measured periods and the target that
-- would have been met in var('baseline_share', 0.9) of them, rounded to contract precision;
-- for ticket objectives also the threshold (`within`) that the same share of the tickets met
-- on the objective's own clock. Rules (docs/negotiation.md):
--   percentiles: nearest rank, exact: the p-th percentile of n values is the value at ascending
--     rank ceil(p x n) (min = rank 1, median = rank ceil(n / 2), max = rank n); no interpolation
--   achievable target, higher is better: the value at descending rank ceil(share x n), so that
--     at least ceil(share x n) periods reached it; lower is better (latency): ascending rank
--   rounded to contract precision, always towards the easier side (never a target history
--     misses): availability down to 99.99 / 99.95 / 99.9 / 99.5 / 99.0, below 99 down to a
--     whole percent; ticket shares down to a whole percent; CSAT down to 0.1; latency up to
--     50 ms; thresholds up to 15m, 30m, 1h, 2h, 4h, 8h, 1d, 2d, 3d, 5d, 10d, then whole days
--   what the recommended target would have cost: the objective's credits over the same periods
--     with its tier ladder moved with the target (every tier threshold shifted by recommended
--     minus the target in force that period, so a tier at the target stays at the target),
--     each period's credit round(fee x pct / 100, 2) as in objective_credits, before the
--     agreement's cap; beside it the credits the terms in force owed, before the cap
{% set share = var('baseline_share', 0.9) %}
with

achievements as (

    select * from {{ ref('negotiation_period_achievements') }}

),

objectives as (

    select * from {{ ref('stg_definitions__objectives') }}

),

ticket_clocks as (

    select * from {{ ref('ticket_clocks') }}

),

objective_credits as (

    select * from {{ ref('objective_credits') }}

),

tiers as (

    select * from {{ ref('stg_definitions__credit_tiers') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by agreement_id, as_of_period_key, objective_id
            order by actual asc, period_start asc
        ) as ascending_rank,
        count(*) over (
            partition by agreement_id, as_of_period_key, objective_id
        ) as periods_counted,
    from achievements

),

ranks_needed as (

    select
        agreement_id,
        as_of_period_key,
        objective_id,
        any_value(is_latest) as is_latest,
        any_value(objective_order) as objective_order,
        any_value(kind) as kind,
        any_value(unit) as unit,
        any_value(is_higher_better) as is_higher_better,
        any_value(current_target) as current_target,
        any_value(periods_counted) as periods_counted,
        -- the periods that must reach the target: ceil(share x n), exact decimal arithmetic
        cast(ceil(cast({{ share }} as decimal(9, 4)) * any_value(periods_counted)) as bigint)
            as periods_required,
        count(*) filter (where status = 'breached') as periods_breached,
        min(period_key) as first_period_key,
        max(period_key) as last_period_key,
    from ranked
    group by 1, 2, 3

),

distribution as (

    select
        ranks_needed.agreement_id,
        ranks_needed.as_of_period_key,
        ranks_needed.objective_id,
        min(ranked.actual) as achieved_min,
        any_value(ranked.actual) filter (
            where ranked.ascending_rank = greatest(1, ceil(0.1 * ranks_needed.periods_counted))
        ) as achieved_p10,
        any_value(ranked.actual) filter (
            where ranked.ascending_rank = greatest(1, ceil(0.5 * ranks_needed.periods_counted))
        ) as achieved_median,
        any_value(ranked.actual) filter (
            where ranked.ascending_rank = greatest(1, ceil(0.9 * ranks_needed.periods_counted))
        ) as achieved_p90,
        max(ranked.actual) as achieved_max,
        any_value(ranked.actual) filter (
            where ranked.ascending_rank = case
                when ranks_needed.is_higher_better
                    then ranks_needed.periods_counted - ranks_needed.periods_required + 1
                else ranks_needed.periods_required
            end
        ) as achievable_actual,
    from ranks_needed
    inner join ranked
        on
            ranks_needed.agreement_id = ranked.agreement_id
            and ranks_needed.as_of_period_key = ranked.as_of_period_key
            and ranks_needed.objective_id = ranked.objective_id
    group by 1, 2, 3

),

current_ticket_objectives as (

    -- the clock and threshold of the version the baseline's objectives come from
    select distinct
        achievements.agreement_id,
        achievements.as_of_period_key,
        achievements.objective_id,
        objectives.version,
        objectives.priority,
        objectives.clock,
        objectives.within_seconds,
    from achievements
    inner join objectives
        on
            achievements.agreement_id = objectives.agreement_id
            and achievements.objective_id = objectives.objective_id
            and achievements.version = objectives.version
    where
        achievements.period_recency = 1
        and achievements.kind in ('first_response', 'resolution')

),

tickets_counted as (

    -- every ticket counted in one of the baseline's periods, on the objective's own clock
    select
        achievements.agreement_id,
        achievements.as_of_period_key,
        achievements.objective_id,
        ticket_clocks.elapsed_seconds,
        row_number() over (
            partition by
                achievements.agreement_id,
                achievements.as_of_period_key,
                achievements.objective_id
            order by ticket_clocks.elapsed_seconds asc, ticket_clocks.ticket_id asc
        ) as ascending_rank,
        count(*) over (
            partition by
                achievements.agreement_id,
                achievements.as_of_period_key,
                achievements.objective_id
        ) as tickets_counted,
    from ticket_clocks
    inner join achievements
        on
            ticket_clocks.agreement_id = achievements.agreement_id
            and ticket_clocks.objective_id = achievements.objective_id
            and ticket_clocks.counted_period_key = achievements.period_key
    where ticket_clocks.elapsed_seconds is not null

),

thresholds as (

    select
        current_ticket_objectives.agreement_id,
        current_ticket_objectives.as_of_period_key,
        current_ticket_objectives.objective_id,
        any_value(current_ticket_objectives.priority) as priority,
        any_value(current_ticket_objectives.clock) as clock,
        any_value(current_ticket_objectives.within_seconds) as current_within_seconds,
        count(tickets_counted.elapsed_seconds) as tickets_counted,
        count(*) filter (
            where tickets_counted.elapsed_seconds <= current_ticket_objectives.within_seconds
        ) as tickets_within_current,
        -- the smallest threshold met by ceil(share x n) tickets: ascending rank ceil(share x n)
        cast(any_value(tickets_counted.elapsed_seconds) filter (
            where tickets_counted.ascending_rank = ceil(
                cast({{ share }} as decimal(9, 4)) * tickets_counted.tickets_counted
            )
        ) as bigint) as achievable_within_seconds,
    from current_ticket_objectives
    left join tickets_counted
        on
            current_ticket_objectives.agreement_id = tickets_counted.agreement_id
            and current_ticket_objectives.as_of_period_key = tickets_counted.as_of_period_key
            and current_ticket_objectives.objective_id = tickets_counted.objective_id
    group by 1, 2, 3

),

rounded as (

    select
        ranks_needed.*,
        distribution.achieved_min,
        distribution.achieved_p10,
        distribution.achieved_median,
        distribution.achieved_p90,
        distribution.achieved_max,
        distribution.achievable_actual,
        cast(case
            when ranks_needed.kind = 'availability'
                then case
                    when distribution.achievable_actual >= 99.99 then 99.99
                    when distribution.achievable_actual >= 99.95 then 99.95
                    when distribution.achievable_actual >= 99.9 then 99.9
                    when distribution.achievable_actual >= 99.5 then 99.5
                    when distribution.achievable_actual >= 99 then 99
                    else floor(distribution.achievable_actual)
                end
            when ranks_needed.kind = 'csat' then floor(distribution.achievable_actual * 10) / 10
            when ranks_needed.kind = 'latency_p95'
                then ceil(distribution.achievable_actual / 50) * 50
            else floor(distribution.achievable_actual)
        end as decimal(18, 4)) as recommended_target,
        thresholds.priority,
        thresholds.clock,
        thresholds.current_within_seconds,
        thresholds.tickets_counted,
        thresholds.tickets_within_current,
        thresholds.achievable_within_seconds,
        cast(case
            when thresholds.achievable_within_seconds is null then null
            when thresholds.achievable_within_seconds <= 900 then 900
            when thresholds.achievable_within_seconds <= 1800 then 1800
            when thresholds.achievable_within_seconds <= 3600 then 3600
            when thresholds.achievable_within_seconds <= 7200 then 7200
            when thresholds.achievable_within_seconds <= 14400 then 14400
            when thresholds.achievable_within_seconds <= 28800 then 28800
            when thresholds.achievable_within_seconds <= 86400 then 86400
            when thresholds.achievable_within_seconds <= 172800 then 172800
            when thresholds.achievable_within_seconds <= 259200 then 259200
            when thresholds.achievable_within_seconds <= 432000 then 432000
            when thresholds.achievable_within_seconds <= 864000 then 864000
            else ceil(thresholds.achievable_within_seconds / 86400) * 86400
        end as bigint) as recommended_within_seconds,
    from ranks_needed
    inner join distribution
        on
            ranks_needed.agreement_id = distribution.agreement_id
            and ranks_needed.as_of_period_key = distribution.as_of_period_key
            and ranks_needed.objective_id = distribution.objective_id
    left join thresholds
        on
            ranks_needed.agreement_id = thresholds.agreement_id
            and ranks_needed.as_of_period_key = thresholds.as_of_period_key
            and ranks_needed.objective_id = thresholds.objective_id

),

achievements_at_recommended as (

    -- what the recommended target would have meant over the same periods
    select
        rounded.agreement_id,
        rounded.as_of_period_key,
        rounded.objective_id,
        count(*) filter (
            where case
                when rounded.is_higher_better then achievements.actual < rounded.recommended_target
                else achievements.actual > rounded.recommended_target
            end
        ) as periods_breached_at_recommended,
    from rounded
    inner join achievements
        on
            rounded.agreement_id = achievements.agreement_id
            and rounded.as_of_period_key = achievements.as_of_period_key
            and rounded.objective_id = achievements.objective_id
    group by 1, 2, 3

),

credits_by_period as (

    -- each baseline period's credit under the terms in force and the tier crossed with the
    -- ladder moved to the recommended target (the most severe: the highest credit_pct)
    select
        rounded.agreement_id,
        rounded.as_of_period_key,
        rounded.objective_id,
        achievements.period_key,
        any_value(objective_credits.currency) as currency,
        any_value(objective_credits.fee_amount) as fee_amount,
        any_value(objective_credits.credit_amount_uncapped) as credit_amount_in_force,
        coalesce(max(tiers.credit_pct), 0) as credit_pct_at_recommended,
    from rounded
    inner join achievements
        on
            rounded.agreement_id = achievements.agreement_id
            and rounded.as_of_period_key = achievements.as_of_period_key
            and rounded.objective_id = achievements.objective_id
    inner join objective_credits
        on
            achievements.agreement_id = objective_credits.agreement_id
            and achievements.period_key = objective_credits.period_key
            and achievements.objective_id = objective_credits.objective_id
    left join tiers
        on
            achievements.agreement_id = tiers.agreement_id
            and achievements.version = tiers.version
            and achievements.objective_id = tiers.objective_id
            and (
                (
                    tiers.comparator = 'below'
                    and achievements.actual < tiers.threshold
                    + rounded.recommended_target - achievements.target_in_force
                )
                or (
                    tiers.comparator = 'above'
                    and achievements.actual > tiers.threshold
                    + rounded.recommended_target - achievements.target_in_force
                )
            )
    group by 1, 2, 3, 4

),

credits_at_recommended as (

    select
        agreement_id,
        as_of_period_key,
        objective_id,
        any_value(currency) as currency,
        cast(sum(credit_amount_in_force) as decimal(18, 2)) as credit_amount_in_force,
        -- x 0.01 keeps DECIMAL arithmetic exact; round() on a DECIMAL rounds half-up (>= 0)
        cast(sum(round(
            cast(fee_amount as decimal(38, 2)) * credit_pct_at_recommended * 0.01, 2
        )) as decimal(18, 2)) as credit_amount_at_recommended,
    from credits_by_period
    group by 1, 2, 3

),

final as (

    select
        rounded.agreement_id,
        rounded.as_of_period_key,
        rounded.is_latest,
        rounded.objective_id,
        rounded.objective_order,
        rounded.kind,
        rounded.unit,
        rounded.is_higher_better,
        rounded.priority,
        rounded.clock,
        cast({{ share }} as decimal(9, 4)) as baseline_share,
        rounded.periods_counted,
        rounded.periods_required,
        rounded.first_period_key,
        rounded.last_period_key,
        rounded.current_target,
        rounded.periods_breached,
        rounded.achieved_min,
        rounded.achieved_p10,
        rounded.achieved_median,
        rounded.achieved_p90,
        rounded.achieved_max,
        rounded.achievable_actual,
        rounded.recommended_target,
        achievements_at_recommended.periods_breached_at_recommended,
        credits_at_recommended.currency,
        credits_at_recommended.credit_amount_in_force,
        credits_at_recommended.credit_amount_at_recommended,
        rounded.current_within_seconds,
        rounded.tickets_counted,
        rounded.tickets_within_current,
        rounded.achievable_within_seconds,
        rounded.recommended_within_seconds,
    from rounded
    inner join achievements_at_recommended
        on
            rounded.agreement_id = achievements_at_recommended.agreement_id
            and rounded.as_of_period_key = achievements_at_recommended.as_of_period_key
            and rounded.objective_id = achievements_at_recommended.objective_id
    left join credits_at_recommended
        on
            rounded.agreement_id = credits_at_recommended.agreement_id
            and rounded.as_of_period_key = credits_at_recommended.as_of_period_key
            and rounded.objective_id = credits_at_recommended.objective_id

)

select * from final
