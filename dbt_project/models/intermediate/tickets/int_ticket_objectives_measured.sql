-- one row per agreement x period x ticket objective (first_response, resolution, csat) in
-- force for the period (the period's version); no row for a period with nothing counted.
-- actual is not rounded: one division of exact integer counts, so a share that equals the
-- target or a tier threshold compares as equal, and one a hair below it compares as below.
-- Tickets excluded by an applied adjustment (int_adjustments_assessed) are not counted.
with

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

objectives as (

    select * from {{ ref('stg_definitions__objectives') }}

),

ticket_clocks as (

    select * from {{ ref('int_ticket_clocks_computed') }}

),

tickets as (

    select * from {{ ref('stg_landing__tickets') }}

),

tickets_excluded as (

    select * from {{ ref('int_adjustments_assessed') }}
    where status = 'applied' and scope = 'tickets'

),

clocks_kept as (

    select ticket_clocks.*
    from ticket_clocks
    {{ anti_join() }} tickets_excluded
        on {{ adjustment_covers_ticket(
            'tickets_excluded', 'ticket_clocks', 'ticket_clocks.objective_id') }}

),

period_objectives as (

    select
        periods.agreement_id,
        periods.period_key,
        periods.period_start_at,
        periods.period_end_at,
        objectives.objective_id,
        objectives.kind,
    from periods
    inner join objectives
        on
            periods.agreement_id = objectives.agreement_id
            and periods.version = objectives.version
            and objectives.kind in ('first_response', 'resolution', 'csat')

),

clocks_counted as (

    -- a ticket counts in the period in which it was met (stopped) or breached (ran out)
    select
        agreement_id,
        counted_period_key as period_key,
        objective_id,
        count(*) filter (where is_met) as met_count,
        count(*) as counted_count,
    from clocks_kept
    where counted_period_key is not null
    group by agreement_id, counted_period_key, objective_id

),

clock_objectives_measured as (

    select
        period_objectives.agreement_id,
        period_objectives.period_key,
        period_objectives.objective_id,
        cast(100 * clocks_counted.met_count as double) / clocks_counted.counted_count
            as actual,
        clocks_counted.counted_count as sample_size,
        -- the late tickets a `per: breach` penalty counts (objective_credits)
        clocks_counted.counted_count - clocks_counted.met_count as missed_count,
    from period_objectives
    inner join clocks_counted
        on
            period_objectives.agreement_id = clocks_counted.agreement_id
            and period_objectives.period_key = clocks_counted.period_key
            and period_objectives.objective_id = clocks_counted.objective_id
    where period_objectives.kind in ('first_response', 'resolution')

),

csat_objectives_measured as (

    -- mean score of the tickets resolved within the period's local bounds
    select
        period_objectives.agreement_id,
        period_objectives.period_key,
        period_objectives.objective_id,
        cast(sum(tickets.csat_score) as double) / count(*) as actual,
        count(*) as sample_size,
        cast(null as bigint) as missed_count,
    from period_objectives
    inner join tickets
        on
            period_objectives.agreement_id = tickets.agreement_id
            and period_objectives.period_start_at <= tickets.resolved_at
            and period_objectives.period_end_at > tickets.resolved_at
    {{ anti_join() }} tickets_excluded
        on {{ adjustment_covers_ticket(
            'tickets_excluded', 'tickets', 'period_objectives.objective_id') }}
    where
        period_objectives.kind = 'csat'
        and tickets.csat_score is not null
    group by
        period_objectives.agreement_id,
        period_objectives.period_key,
        period_objectives.objective_id

),

final as (

    select * from clock_objectives_measured
    union all
    select * from csat_objectives_measured

)

select * from final
