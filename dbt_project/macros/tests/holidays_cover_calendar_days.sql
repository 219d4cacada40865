{#- a row returned = a calendar with a holiday source and a year of enumerated working days for
    which the definitions hold no holiday: its clocks would silently treat holidays as work -#}
{% test holidays_cover_calendar_days(model) %}

with

days_by_year as (

    select distinct
        calendar_id,
        year(local_date) as calendar_year,
    from {{ model }}

),

holidays_by_year as (

    select distinct
        calendar_id,
        year(closed_date) as calendar_year,
    from {{ ref('stg_definitions__calendar_closed_days') }}
    where reason like 'holiday:%'

),

calendars_with_holidays as (

    select calendar_id,
    from {{ ref('stg_definitions__calendars') }}
    where holiday_country is not null

)

select days_by_year.*
from days_by_year
inner join calendars_with_holidays
    on days_by_year.calendar_id = calendars_with_holidays.calendar_id
anti join holidays_by_year
    on
        days_by_year.calendar_id = holidays_by_year.calendar_id
        and days_by_year.calendar_year = holidays_by_year.calendar_year

{% endtest %}
