-- The benchmark's yardstick for the ticket-clock stage: one hand-written DuckDB statement that
-- computes business seconds from creation to resolution for every ticket under every business
-- clock resolution objective, via working intervals with cumulative seconds and two ASOF joins.
-- (No pauses, deadlines or period attribution: the dbt clock stage does more than this.)
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

ticket_objectives as (
    select t.ticket_id, o.objective_id, o.calendar_id, t.created_at, t.resolved_at,
    from raw.tickets as t
    inner join definitions.objectives as o
        on t.agreement_id = o.agreement_id and t.priority = o.priority
    where o.kind = 'resolution' and o.clock = 'business' and t.resolved_at is not null
),

at_start as (
    select
        t.*,
        c.seconds_before + least(greatest(epoch(t.created_at) - epoch(c.start_at), 0),
            epoch(c.end_at) - epoch(c.start_at)) as business_at_created,
    from ticket_objectives as t
    asof left join cumulative as c
        on t.calendar_id = c.calendar_id and t.created_at >= c.start_at
)

select
    s.ticket_id,
    s.objective_id,
    coalesce(c.seconds_before + least(greatest(epoch(s.resolved_at) - epoch(c.start_at), 0),
        epoch(c.end_at) - epoch(c.start_at)), 0)
    - coalesce(s.business_at_created, 0) as business_seconds,
from at_start as s
asof left join cumulative as c
    on s.calendar_id = c.calendar_id and s.resolved_at >= c.start_at
