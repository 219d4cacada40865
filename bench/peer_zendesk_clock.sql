-- A port to DuckDB of the business-time computation of fivetran/dbt_zendesk (the package's
-- models named in each CTE; read at github.com/fivetran/dbt_zendesk, models/intermediate/ and
-- models/resolution_times/): the schedule expanded into weekly intervals in UTC
-- (int_zendesk__schedule_spine with int_zendesk__timezone_daylight and
-- int_zendesk__schedule_holiday), each ticket span given its schedule
-- (int_zendesk__ticket_schedules), split into calendar weeks by a cross join with a 208-week
-- series, and the overlaps of each week's slice with the week's intervals summed
-- (int_zendesk__ticket_full_resolution_time_business: weeks, weekly_periods,
-- intercepted_periods). Two departures, both needed to agree with the project to the second:
-- seconds where the package counts whole minutes, and a spine row per schedule week (its DST
-- offset and holidays applied to that week) where the package keeps valid_from/valid_until
-- ranges between offset changes and holiday weeks; the join then picks that week's row, as the
-- package's validity condition does. Pauses: the package's requester-wait and agent-work models
-- sum business time over the status spans that count; here the same spans as every peer
-- (bench/clock_spans.sql: the ticket's span minus its pauses) go through the same weekly
-- expansion. Placeholders: first_day, last_day, evaluated_at, clock_spans.
create or replace table main.bench_zendesk_clock as
with
{clock_spans},

schedule as (
    -- stg_zendesk__schedule: each working interval as seconds from Sunday 00:00 local time
    select
        calendar_id as schedule_id,
        (iso_dow % 7) * 86400 + start_minute * 60 as start_time,
        (iso_dow % 7) * 86400 + end_minute * 60 as end_time,
    from definitions.calendar_hours
),

schedule_weeks as (
    -- int_zendesk__timezone_daylight: every local week (from Sunday) of the calendar span, in
    -- the schedule's time zone, so that each week gets the UTC offset in force that week
    select
        c.calendar_id as schedule_id,
        c.timezone,
        cast(w.week_start as timestamp) as local_week_start,
    from definitions.calendars as c,
        generate_series(
            cast(date_trunc('week', date '{first_day}' + 1) as date) - 8,
            date '{last_day}',
            interval 7 day
        ) as w (week_start)
),

schedule_intervals as (
    -- int_zendesk__schedule_holiday: a closed local day removes its intervals
    select
        w.schedule_id,
        timezone('UTC', timezone(w.timezone, w.local_week_start + s.start_time * interval 1 second))
            as start_at,
        timezone('UTC', timezone(w.timezone, w.local_week_start + s.end_time * interval 1 second))
            as end_at,
    from schedule_weeks as w
    inner join schedule as s on w.schedule_id = s.schedule_id
    anti join definitions.calendar_closed_days as x
        on w.schedule_id = x.calendar_id
        and cast(w.local_week_start as date) + cast(s.start_time // 86400 as integer)
        = x.closed_date
),

schedule_spine as (
    -- int_zendesk__schedule_spine: start_time_utc / end_time_utc from the start of the UTC week
    -- (Sunday, dbt_date.week_start); an interval across a UTC week boundary is in both weeks
    select
        i.schedule_id,
        w.week_start,
        greatest(epoch(i.start_at) - epoch(w.week_start), 0) as start_time_utc,
        least(epoch(i.end_at) - epoch(w.week_start), 7 * 86400) as end_time_utc,
    from schedule_intervals as i,
        unnest(list_distinct([
            date_trunc('week', i.start_at + interval 1 day) - interval 1 day,
            date_trunc('week', i.end_at - interval 1 microsecond + interval 1 day)
            - interval 1 day
        ])) as w (week_start)
),

ticket_schedules as (
    -- int_zendesk__ticket_schedules: each business-clock span with its schedule
    select
        ticket_id,
        objective_id,
        sign,
        calendar_id as schedule_id,
        date_trunc('week', start_at + interval 1 day) - interval 1 day as start_week_date,
        epoch(start_at) - epoch(date_trunc('week', start_at + interval 1 day) - interval 1 day)
            as start_time_in_seconds_from_week,
        greatest(0, epoch(end_at) - epoch(start_at)) as raw_delta_in_seconds,
    from spans
    where clock = 'business'
),

weeks as (
    -- dbt_utils.generate_series(208)
    select generated_number,
    from range(1, 209) as r (generated_number)
),

weeks_cross_ticket_spans as (
    select
        t.*,
        w.generated_number - 1 as week_number,
    from ticket_schedules as t
    cross join weeks as w
    where floor((t.start_time_in_seconds_from_week + t.raw_delta_in_seconds) / (7 * 86400))
        >= w.generated_number - 1
),

weekly_periods as (
    select
        *,
        greatest(0, start_time_in_seconds_from_week - week_number * (7 * 86400))
            as ticket_week_start_time,
        least(
            start_time_in_seconds_from_week + raw_delta_in_seconds - week_number * (7 * 86400),
            7 * 86400
        ) as ticket_week_end_time,
    from weeks_cross_ticket_spans
),

intercepted_periods as (
    select
        p.ticket_id,
        p.objective_id,
        p.sign * (least(p.ticket_week_end_time, s.end_time_utc)
            - greatest(p.ticket_week_start_time, s.start_time_utc)) as seconds,
    from weekly_periods as p
    inner join schedule_spine as s
        on p.schedule_id = s.schedule_id
        and s.week_start = p.start_week_date + p.week_number * interval 7 day
        and p.ticket_week_start_time <= s.end_time_utc
        and p.ticket_week_end_time >= s.start_time_utc
),

every_pair as (
    -- a pair whose spans meet no working interval has zero business seconds
    select ticket_id, objective_id, 0 as seconds,
    from ticket_objectives
)

select ticket_id, objective_id, sum(seconds) as elapsed_seconds,
from (
    select * from intercepted_periods
    union all
    select * from calendar_seconds
    union all
    select * from every_pair
)
group by ticket_id, objective_id
