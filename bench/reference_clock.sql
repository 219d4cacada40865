-- The benchmark's yardstick for the ticket-clock stage: one hand-written DuckDB statement that
-- computes, for the same ticket x objective pairs as the dbt clock stage, the time on the
-- objective's clock from creation to the stop (or the evaluation time), minus the time spent in
-- the objective's pause statuses. Business seconds between two instants come from working
-- intervals with cumulative seconds and two ASOF joins. It leaves out what the dbt stage adds
-- on top: deadlines, verdicts, the period a ticket counts in, exact microseconds.
-- Placeholders: {first_day}, {last_day} (calendar span), {evaluated_at} (UTC instant).
create or replace table main.bench_reference_clock as
with
days as (
    select c.calendar_id, c.timezone, cast(d.day as date) as local_day,
    from definitions.calendars as c,
        generate_series(date '{first_day}', date '{last_day}', interval 1 day) as d (day)
),

intervals as (
    select
        d.calendar_id,
        timezone('UTC', timezone(d.timezone, d.local_day + h.start_minute * interval 1 minute))
            as start_at,
        timezone('UTC', timezone(d.timezone, d.local_day + h.end_minute * interval 1 minute))
            as end_at,
    from days as d
    inner join definitions.calendar_hours as h
        on d.calendar_id = h.calendar_id and isodow(d.local_day) = h.iso_dow
    anti join definitions.calendar_closed_days as x
        on d.calendar_id = x.calendar_id and d.local_day = x.closed_date
),

cumulative as (
    select
        calendar_id,
        start_at,
        end_at,
        sum(epoch(end_at) - epoch(start_at)) over (
            partition by calendar_id order by start_at rows unbounded preceding
        ) - (epoch(end_at) - epoch(start_at)) as seconds_before,
    from intervals
),

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

business_start as (
    select
        s.*,
        coalesce(c.seconds_before + least(greatest(epoch(s.start_at) - epoch(c.start_at), 0),
            epoch(c.end_at) - epoch(c.start_at)), 0) as business_at_start,
    from spans as s
    asof left join cumulative as c
        on s.calendar_id = c.calendar_id and s.start_at >= c.start_at
    where s.clock = 'business'
),

business_seconds as (
    select
        s.ticket_id,
        s.objective_id,
        s.sign * (coalesce(c.seconds_before + least(greatest(epoch(s.end_at) - epoch(c.start_at),
            0), epoch(c.end_at) - epoch(c.start_at)), 0) - s.business_at_start) as seconds,
    from business_start as s
    asof left join cumulative as c
        on s.calendar_id = c.calendar_id and s.end_at >= c.start_at
),

calendar_seconds as (
    select ticket_id, objective_id, sign * (epoch(end_at) - epoch(start_at)) as seconds,
    from spans
    where clock = '24x7'
)

select ticket_id, objective_id, sum(seconds) as elapsed_seconds,
from (
    select * from business_seconds
    union all
    select * from calendar_seconds
)
group by ticket_id, objective_id
