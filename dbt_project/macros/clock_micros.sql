{#-
    Clock arithmetic in exact integer microseconds. A clock reading is a monotone number per
    clock: for `24x7` the epoch microseconds of the instant; for `business` the calendar's
    cumulative working microseconds up to the instant. Time on a clock between two instants is
    the difference of their readings, so weekends, holidays and DST need no special cases.

    `interval` is the alias of an int_working_intervals_enumerated row found by
    join_interval_at below, i.e. the last working interval starting at or before the instant
    (null for 24x7 clocks).
-#}

{% macro clock_micros_at(clock, interval, instant) -%}
    case
        when {{ clock }} = '24x7' then {{ epoch_micros(instant) }}
        else
            {{ interval }}.micros_before
            + least(
                {{ epoch_micros(instant) }} - {{ epoch_micros(interval ~ '.start_at') }},
                {{ interval }}.working_seconds * 1000000
            )
    end
{%- endmacro %}

{#-
    The inverse: the earliest instant at which the clock reads `micros`. `interval` is the row
    found by join_interval_reaching below, i.e. the working interval in which the reading is
    reached (a reading equal to an interval's end resolves to that end, not to the next
    interval's start).
-#}
{% macro instant_at_clock_micros(clock, interval, micros) -%}
    case
        when {{ clock }} = '24x7' then {{ instant_of_micros(micros) }}
        when {{ micros }} <= {{ interval }}.micros_before + {{ interval }}.working_seconds * 1000000
            then {{ add_micros(
                interval ~ '.start_at', '(' ~ micros ~ ' - ' ~ interval ~ '.micros_before)'
            ) }}
    end
{%- endmacro %}

{#- microseconds as exact decimal seconds -#}
{% macro micros_to_seconds(micros) -%}
    cast(cast({{ micros }} as decimal(18, 0)) * cast(0.000001 as decimal(7, 6)) as decimal(18, 6))
{%- endmacro %}

{#-
    The working interval of an instant or a reading, as a left join on a small table instead of
    an asof join (which sorts every probe: ~1 s per million). The model defines the CTEs:
    `intervals_by_day` (each interval under every UTC day from its start to the next interval's
    start, held until held_until_at; the last one up to the last day an instant is read on) and
    `intervals_by_reading` (each interval under every 4 working hours its readings span, with
    micros_until = micros_before + its working micros). The
    equi-join on (calendar, day or 4 hours) finds a few candidates, the bounds keep the one the
    asof join would have found: the last interval starting at or before the instant, or the
    interval with micros_before < reading <= its end (the calendar's intervals are contiguous
    in readings; unique_combination [calendar_id, start_at] holds).
-#}
{% macro utc_day_index(instant) -%}
    {{ int_div(epoch_micros(instant), 86400000000) }}
{%- endmacro %}

{% macro reading_index(micros) -%}
    {{ int_div('(' ~ micros ~ ')', 14400000000) }}
{%- endmacro %}

{% macro join_interval_at(interval, calendar_id, instant) -%}
    left join intervals_by_day as {{ interval }}
        on
            {{ calendar_id }} = {{ interval }}.calendar_id
            and {{ utc_day_index(instant) }} = {{ interval }}.day_index
            and {{ instant }} >= {{ interval }}.start_at
            and {{ instant }} < {{ interval }}.held_until_at
{%- endmacro %}

{% macro join_interval_reaching(interval, calendar_id, micros) -%}
    left join intervals_by_reading as {{ interval }}
        on
            {{ calendar_id }} = {{ interval }}.calendar_id
            and {{ reading_index(micros) }} = {{ interval }}.reading_index
            and {{ micros }} > {{ interval }}.micros_before
            and {{ micros }} <= {{ interval }}.micros_until
{%- endmacro %}
