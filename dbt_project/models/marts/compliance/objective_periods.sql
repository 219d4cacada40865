-- the compliance table: one row per agreement x period x objective of the version in force,
-- whether or not any data was measured for it
with

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

objectives as (

    select * from {{ ref('stg_definitions__objectives') }}

),

availability as (

    select * from {{ ref('int_availability_objectives_measured') }}

),

latency as (

    select * from {{ ref('int_latency_objectives_measured') }}

),

tiers as (

    select * from {{ ref('stg_definitions__credit_tiers') }}

),

tickets as (

    select * from {{ ref('int_ticket_objectives_measured') }}

),

measured as (

    -- the measures measures_joined publishes; a measure a kind's model does not have is null
    -- (latency: down and unknown minutes; tickets: coverage, agreed, down and unknown minutes)
    select
        agreement_id,
        period_key,
        objective_id,
        actual,
        sample_size,
        coverage_pct,
        agreed_minutes,
        down_minutes,
        missing_data,
        unknown_minutes,
        worst_case_actual,
    from availability
    union all
    select
        agreement_id,
        period_key,
        objective_id,
        actual,
        sample_size,
        coverage_pct,
        agreed_minutes,
        null as down_minutes,
        null as missing_data,
        null as unknown_minutes,
        null as worst_case_actual,
    from latency
    union all
    select
        agreement_id,
        period_key,
        objective_id,
        cast(actual as double) as actual,
        sample_size,
        null as coverage_pct,
        null as agreed_minutes,
        null as down_minutes,
        null as missing_data,
        null as unknown_minutes,
        null as worst_case_actual,
    from tickets

),

objective_periods_enumerated as (

    select
        periods.agreement_id,
        periods.period_key,
        periods.period_start,
        periods.period_end,
        periods.period_index,
        periods.is_in_run_window,
        periods.version,
        objectives.objective_id,
        objectives.objective_order,
        objectives.objective_name,
        objectives.kind,
        objectives.service_id,
        objectives.priority,
        objectives.target,
        objectives.unit,
        objectives.is_higher_better,
        objectives.warning_margin,
        objectives.min_responses,
    from periods
    inner join objectives using (agreement_id, version)

),

measures_joined as (

    select
        objective_periods_enumerated.*,
        measured.actual,
        cast(coalesce(measured.sample_size, 0) as bigint) as sample_size,
        measured.coverage_pct,
        measured.agreed_minutes,
        measured.down_minutes,
        measured.missing_data,
        measured.unknown_minutes,
        measured.worst_case_actual,
        -- met: actual >= target (higher is better) or actual <= target (latency)
        case
            when objective_periods_enumerated.is_higher_better
                then measured.actual >= objective_periods_enumerated.target
            else measured.actual <= objective_periods_enumerated.target
        end as is_target_met,
        case
            when objective_periods_enumerated.is_higher_better
                then measured.actual - objective_periods_enumerated.target
            else objective_periods_enumerated.target - measured.actual
        end as margin,
    from objective_periods_enumerated
    left join measured using (agreement_id, period_key, objective_id)

),

statuses_assigned as (

    select
        *,
        case
            when actual is null or sample_size = 0 then 'insufficient_data'
            when kind = 'csat' and sample_size < coalesce(min_responses, 1)
                then 'insufficient_data'
            -- no-data minutes count as neither up nor down, so the observed uptime is an upper
            -- bound: below target it is a breach however little was observed
            when not is_target_met then 'breached'
            -- only when the agreement leaves unknown minutes out (missing_data exclude): up or
            -- down says what they count as, so every minute is accounted for
            when
                kind = 'availability'
                and missing_data = 'exclude'
                and coverage_pct < {{ var('min_coverage_pct', 90) }}
                then 'insufficient_data'
            else 'met'
        end as status,
    from measures_joined

),

tier_credits as (

    -- the credit of the most severe tier crossed by the actual and by the worst case (unknown
    -- minutes down), as objective_credits selects it: an availability tier applies below its
    -- threshold
    select
        statuses_assigned.agreement_id,
        statuses_assigned.period_key,
        statuses_assigned.objective_id,
        max(tiers.credit_pct) filter (
            where statuses_assigned.actual < tiers.threshold
        ) as actual_credit_pct,
        max(tiers.credit_pct) filter (
            where statuses_assigned.worst_case_actual < tiers.threshold
        ) as worst_case_credit_pct,
    from statuses_assigned
    inner join tiers using (agreement_id, version, objective_id)
    where statuses_assigned.kind = 'availability'
    group by 1, 2, 3

),

verdicts_tested as (

    -- uncertain: counting the unknown minutes as down would change the status or the credit
    -- tier. Latency and ticket objectives have no unknown minutes (a percentile or a share of
    -- the tickets that exist): always certain
    select
        statuses_assigned.*,
        case
            when statuses_assigned.kind != 'availability' then true
            when statuses_assigned.worst_case_actual is null then false
            else
                statuses_assigned.status = case
                    when statuses_assigned.worst_case_actual >= statuses_assigned.target
                        then 'met'
                    else 'breached'
                end
                and coalesce(tier_credits.actual_credit_pct, 0)
                = coalesce(tier_credits.worst_case_credit_pct, 0)
        end as is_verdict_certain,
    from statuses_assigned
    left join tier_credits using (agreement_id, period_key, objective_id)

),

final as (

    select
        agreement_id,
        period_key,
        period_start,
        period_end,
        period_index,
        is_in_run_window,
        version,
        objective_id,
        objective_order,
        objective_name,
        kind,
        service_id,
        priority,
        target,
        actual,
        unit,
        is_higher_better,
        sample_size,
        coverage_pct,
        agreed_minutes,
        down_minutes,
        status,
        margin,
        warning_margin,
        coalesce(
            status = 'met' and margin < warning_margin, false
        ) as is_warning,
        cast(unknown_minutes as bigint) as unknown_minutes,
        is_verdict_certain,
    from verdicts_tested

)

select * from final
