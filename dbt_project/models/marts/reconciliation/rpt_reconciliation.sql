-- one row per ticket x ticket objective whose ticket has a final verdict of its source system
-- (stg_landing__ticket_outcomes, e.g. ServiceNow made_sla): our verdict beside it, whether they
-- agree and, when not, the likely cause, tested in this order (the first that explains it):
--   missing_or_late_resolution  our clock has not stopped: no resolution known at evaluation;
--   reopened                    the ticket was resolved, then reopened (judged on its last
--                               resolution here; the source may have judged the first);
--   pause_handling              our verdict without the pauses would agree;
--   clock_start                 started at the first recorded status change (earlier or
--                               later) instead of created_at, our verdict would agree;
--   threshold                   anything else: the source's own target differs from ours.
-- period_key: the period the ticket counts in, or, while it is not counted, the period of its
-- creation; is_fit_sample: created before var('reconciliation_fit_before'), the date before
-- which an example may have fitted its targets (the later tickets are the held-out check).
with

ticket_clocks as (

    select * from {{ ref('ticket_clocks') }}

),

ticket_outcomes as (

    select * from {{ ref('stg_landing__ticket_outcomes') }}

),

ticket_histories as (

    select * from {{ ref('int_ticket_histories_summarised') }}

),

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

verdicts as (

    select
        ticket_clocks.agreement_id,
        ticket_clocks.objective_id,
        ticket_clocks.ticket_id,
        ticket_clocks.priority,
        ticket_clocks.created_at,
        ticket_clocks.stopped_at,
        ticket_clocks.allowed_seconds,
        ticket_clocks.elapsed_seconds,
        ticket_clocks.paused_seconds,
        ticket_clocks.counted_period_key,
        ticket_outcomes.made_sla,
        coalesce(ticket_histories.is_reopened, false) as is_reopened,
        ticket_histories.first_event_at,
        case
            when ticket_clocks.is_met then 'met'
            when ticket_clocks.is_breached then 'breached'
            else 'open'
        end as our_status,
    from ticket_clocks
    inner join ticket_outcomes
        on ticket_clocks.ticket_id = ticket_outcomes.ticket_id
    left join ticket_histories
        on ticket_clocks.ticket_id = ticket_histories.ticket_id
    where ticket_clocks.kind = 'resolution'

),

causes as (

    select
        *,
        (our_status = 'met') = made_sla as agrees,
        -- the verdicts under the alternative rules, for the cause
        stopped_at is not null
        and elapsed_seconds + paused_seconds <= allowed_seconds as is_met_without_pauses,
        -- null without a status history: then the start cannot be the cause
        stopped_at is not null
        and elapsed_seconds
        + ({{ epoch_micros('created_at') }} - {{ epoch_micros('first_event_at') }}) / 1000000
        <= allowed_seconds as is_met_from_first_event,
    from verdicts

),

final as (

    select
        causes.agreement_id,
        coalesce(causes.counted_period_key, periods.period_key) as period_key,
        causes.ticket_id as number,
        causes.priority,
        causes.objective_id,
        causes.our_status,
        causes.made_sla,
        causes.agrees,
        case
            when causes.agrees then null
            when causes.stopped_at is null then 'missing_or_late_resolution'
            when causes.is_reopened then 'reopened'
            when causes.paused_seconds > 0 and causes.is_met_without_pauses = causes.made_sla
                then 'pause_handling'
            when causes.is_met_from_first_event = causes.made_sla then 'clock_start'
            else 'threshold'
        end as cause,
        causes.created_at,
        causes.created_at < cast('{{ var("reconciliation_fit_before", "2016-05-01") }}' as date)
            as is_fit_sample,
    from causes
    left join periods
        on
            causes.agreement_id = periods.agreement_id
            and causes.created_at >= periods.period_start_at
            and causes.created_at < periods.period_end_at

)

select * from final
