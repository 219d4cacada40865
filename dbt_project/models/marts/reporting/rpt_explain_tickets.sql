-- the tickets behind a ticket objective's figure: one row per agreement x period x objective x
-- ticket that either counts in the period (met or breached there) or was raised in it and does
-- not count there, with the reason it is left out: counted in another period, not counted yet
-- (still within its allowance at the evaluation time), or quarantined at ingestion (listed
-- under every ticket objective of its agreement: a rejected row's priority cannot be trusted)
{{ config(materialized=mart_view()) }}

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

quarantined_tickets as (

    select * from {{ ref('stg_quarantine__tickets') }}

),

ticket_periods as (

    -- a ticket is listed in the period it counts in (met or breached there) and in the period
    -- it was raised in, once when that is the same period
    select
        periods.period_key,
        ticket_clocks.*,
    from ticket_clocks
    inner join periods
        on
            ticket_clocks.agreement_id = periods.agreement_id
            and (
                ticket_clocks.counted_period_key = periods.period_key
                or (
                    ticket_clocks.created_at >= periods.period_start_at
                    and ticket_clocks.created_at < periods.period_end_at
                )
            )

),

clocked as (

    -- a counted ticket has a verdict (its clock stopped in time, or the allowance ran out);
    -- one listed elsewhere has the verdict it reached by the evaluation time, if any
    select
        agreement_id,
        period_key,
        objective_id,
        ticket_id,
        priority,
        clock,
        created_at,
        stopped_at,
        deadline_at,
        evaluated_at,
        allowed_seconds,
        elapsed_seconds,
        paused_seconds,
        coalesce(counted_period_key = period_key, false) as is_counted,
        case
            when is_met then 'met'
            when is_breached then 'breached'
        end as verdict,
        case
            when counted_period_key = period_key then null
            when counted_period_key is null
                then 'not counted yet: within its allowance at the evaluation time'
            else 'counted in ' || counted_period_key
        end as left_out_reason,
    from ticket_periods

),

quarantined as (

    select
        periods.agreement_id,
        periods.period_key,
        objectives.objective_id,
        quarantined_tickets.ticket_id,
        cast(null as {{ type_text() }}) as priority,
        objectives.clock,
        cast(quarantined_tickets.event_at as timestamp) as created_at,
        cast(null as timestamp) as stopped_at,
        cast(null as timestamp) as deadline_at,
        cast(null as timestamp) as evaluated_at,
        objectives.within_seconds as allowed_seconds,
        cast(null as decimal(18, 6)) as elapsed_seconds,
        cast(null as decimal(18, 6)) as paused_seconds,
        false as is_counted,
        cast(null as {{ type_text() }}) as verdict,
        'quarantined: ' || quarantined_tickets.reason as left_out_reason,
    from quarantined_tickets
    inner join periods
        on
            quarantined_tickets.agreement_id = periods.agreement_id
            and quarantined_tickets.event_at >= periods.period_start_at
            and quarantined_tickets.event_at < periods.period_end_at
    inner join objectives
        on
            periods.agreement_id = objectives.agreement_id
            and periods.version = objectives.version
            and objectives.kind in ('first_response', 'resolution')

),

final as (

    select * from clocked
    union all
    select * from quarantined

)

select * from final
