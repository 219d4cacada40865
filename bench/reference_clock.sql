-- The benchmark's yardstick for the ticket-clock stage: one hand-written DuckDB statement that
-- computes, for the same ticket x objective pairs as the dbt clock stage, the time on the
-- objective's clock from creation to the stop (or the evaluation time), minus the time spent in
-- the objective's pause statuses. Business seconds between two instants come from working
-- intervals with cumulative seconds and two ASOF joins. It leaves out what the dbt stage adds
-- on top: deadlines, verdicts, the period a ticket counts in, exact microseconds.
-- The pairs and their spans come from bench/clock_spans.sql (clock_spans, shared with the
-- other peers). Placeholders: first_day, last_day (calendar span), evaluated_at (UTC instant).
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

{clock_spans},

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
)

select ticket_id, objective_id, sum(seconds) as elapsed_seconds,
from (
    select * from business_seconds
    union all
    select * from calendar_seconds
)
group by ticket_id, objective_id
