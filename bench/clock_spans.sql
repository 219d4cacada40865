-- The ticket x objective pairs of the clock stage and the spans each peer turns into seconds:
-- the ticket's span from creation to the stop (or the evaluation time) counts positively, each
-- stretch in one of the objective's pause statuses negatively. Every peer of the benchmark's
-- peer table (bench/peers.py) starts from these CTEs, so they differ only in how they count
-- business seconds; `calendar_seconds` is the 24x7 clock, the same for all of them.
-- Included as text after `with` in the peers' statements: placeholders first_day,
-- last_day (calendar span) and evaluated_at (UTC instant).
versions as (
    select
        agreement_id,
        version,
        cast(effective_from as timestamp) as in_force_from,
        coalesce(
            cast(least(effective_to, lead(effective_from) over (
                partition by agreement_id order by effective_from
            )) as timestamp),
            timestamp '9999-12-31'
        ) as in_force_until,
    from definitions.agreement_versions
),

ticket_objectives as (
    select
        t.ticket_id,
        o.agreement_id,
        o.version,
        o.objective_id,
        o.clock,
        o.calendar_id,
        t.created_at,
        least(
            coalesce(
                case o.kind when 'first_response' then t.first_response_at else t.resolved_at end,
                timestamp '{evaluated_at}'
            ),
            timestamp '{evaluated_at}'
        ) as stop_at,
    from raw.tickets as t
    inner join versions as v
        on t.agreement_id = v.agreement_id
        and t.created_at >= v.in_force_from and t.created_at < v.in_force_until
    inner join definitions.objectives as o
        on v.agreement_id = o.agreement_id and v.version = o.version
        and t.priority = o.priority and o.kind in ('first_response', 'resolution')
    where t.created_at < timestamp '{evaluated_at}'
),

status_spans as (
    select
        ticket_id,
        status,
        changed_at as start_at,
        lead(changed_at) over (
            partition by ticket_id order by changed_at, source_file, source_row
        ) as end_at,
    from raw.ticket_events
    -- only tickets held to an objective with pause statuses need their status history
    semi join (
        select o.ticket_id,
        from ticket_objectives as o
        semi join definitions.objective_pause_statuses as p
            on o.agreement_id = p.agreement_id and o.version = p.version
            and o.objective_id = p.objective_id
    ) as paused
        on ticket_events.ticket_id = paused.ticket_id
),

pauses as (
    select
        o.ticket_id,
        o.objective_id,
        o.clock,
        o.calendar_id,
        greatest(s.start_at, o.created_at) as start_at,
        least(coalesce(s.end_at, o.stop_at), o.stop_at) as end_at,
    from ticket_objectives as o
    inner join definitions.objective_pause_statuses as p
        on o.agreement_id = p.agreement_id and o.version = p.version
        and o.objective_id = p.objective_id
    inner join status_spans as s
        on o.ticket_id = s.ticket_id and p.status = s.status
    where s.start_at < o.stop_at and coalesce(s.end_at, o.stop_at) > o.created_at
),

spans as (
    -- the ticket's whole span counts positively, each pause negatively
    select ticket_id, objective_id, clock, calendar_id, created_at as start_at,
        greatest(stop_at, created_at) as end_at, 1 as sign,
    from ticket_objectives
    union all
    select ticket_id, objective_id, clock, calendar_id, start_at, end_at, -1 as sign,
    from pauses
),

calendar_seconds as (
    select ticket_id, objective_id, sign * (epoch(end_at) - epoch(start_at)) as seconds,
    from spans
    where clock = '24x7'
)
