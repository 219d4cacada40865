-- one row per calendar, local day and working interval, in naive UTC, with the calendar's
-- cumulative working time before each interval: business time between two instants is the
-- difference of the cumulative time at each (macros/clock_micros.sql, join_interval_at)
with

calendars as (

    select * from {{ ref('stg_definitions__calendars') }}

),

calendar_hours as (

    select * from {{ ref('stg_definitions__calendar_hours') }}

),

calendar_closed_days as (

    select * from {{ ref('stg_definitions__calendar_closed_days') }}

),

agreement_versions as (

    select * from {{ ref('stg_definitions__agreement_versions') }}

),

day_span as (

    -- clocks never look past the run's evaluation time (var period_end); deadlines of tickets
    -- still running may lie beyond it, hence the padding after as well as before
    select
        cast(
            min(effective_from) - {{ days(var('calendar_padding_days')) }} as date
        ) as first_date,
        cast(
            cast('{{ run_period_end() }}' as date)
            + {{ days(var('calendar_padding_days')) }} as date
        ) as last_date,
    from agreement_versions

),

days_enumerated as (

    select
        {{ unnest_series('first_date', 'last_date', 'interval 1 day', cast_as='date') }}
            as local_date,
    from day_span

),

working_days as (

    -- weekdays with hours, minus holidays and closures
    select
        calendars.calendar_id,
        calendars.timezone,
        days_enumerated.local_date,
        calendar_hours.interval_index,
        calendar_hours.start_minute,
        calendar_hours.end_minute,
    from calendars
    cross join days_enumerated
    inner join calendar_hours
        on
            calendars.calendar_id = calendar_hours.calendar_id
            and {{ iso_dow('days_enumerated.local_date') }} = calendar_hours.iso_dow
    {{ anti_join() }} calendar_closed_days
        on
            calendars.calendar_id = calendar_closed_days.calendar_id
            and days_enumerated.local_date = calendar_closed_days.closed_date

),

intervals_in_utc as (

    -- local wall-clock bounds to UTC through the zone's rules: DST days get 23 or 25 hours
    select
        calendar_id,
        local_date,
        interval_index,
        {{ local_to_utc(
            'timezone', 'cast(local_date as timestamp) + ' ~ minutes('start_minute')
        ) }} as start_at,
        {{ local_to_utc(
            'timezone', 'cast(local_date as timestamp) + ' ~ minutes('end_minute')
        ) }} as end_at,
    from working_days

),

intervals_measured as (

    select
        *,
        {{ units_between('second', 'start_at', 'end_at') }} as working_seconds,
    from intervals_in_utc
    -- an interval inside a skipped DST hour has no length
    where end_at > start_at

),

intervals_accumulated as (

    select
        *,
        cast(coalesce(sum(working_seconds) over (
            partition by calendar_id
            order by start_at
            rows between unbounded preceding and 1 preceding
        ), 0) as bigint) as seconds_before,
    from intervals_measured

),

final as (

    select
        calendar_id,
        local_date,
        interval_index,
        start_at,
        end_at,
        working_seconds,
        seconds_before,
        -- the same in microseconds: clocks work in exact integer microseconds
        seconds_before * 1000000 as micros_before,
    from intervals_accumulated

)

select * from final
