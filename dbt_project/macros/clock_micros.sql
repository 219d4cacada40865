{#-
    Clock arithmetic in exact integer microseconds. A clock reading is a monotone number per
    clock: for `24x7` the epoch microseconds of the instant; for `business` the calendar's
    cumulative working microseconds up to the instant. Time on a clock between two instants is
    the difference of their readings, so weekends, holidays and DST need no special cases.

    `interval` is the alias of an int_working_intervals_enumerated row found by
        asof left join <intervals> as <interval>
            on <calendar_id> = <interval>.calendar_id and <instant> >= <interval>.start_at
    i.e. the last working interval starting at or before the instant (null for 24x7 clocks).
-#}

{% macro clock_micros_at(clock, interval, instant) -%}
    case
        when {{ clock }} = '24x7' then epoch_us({{ instant }})
        else
            {{ interval }}.micros_before
            + least(
                epoch_us({{ instant }}) - epoch_us({{ interval }}.start_at),
                {{ interval }}.working_seconds * 1000000
            )
    end
{%- endmacro %}

{#-
    The inverse: the earliest instant at which the clock reads `micros`. `interval` is the row
    found by
        asof left join <intervals> as <interval>
            on <calendar_id> = <interval>.calendar_id and <micros> > <interval>.micros_before
    i.e. the working interval in which the reading is reached (a reading equal to an interval's
    end resolves to that end, not to the next interval's start).
-#}
{% macro instant_at_clock_micros(clock, interval, micros) -%}
    case
        when {{ clock }} = '24x7' then make_timestamp({{ micros }})
        when {{ micros }} <= {{ interval }}.micros_before + {{ interval }}.working_seconds * 1000000
            then {{ interval }}.start_at
            + to_microseconds({{ micros }} - {{ interval }}.micros_before)
    end
{%- endmacro %}

{#- microseconds as exact decimal seconds -#}
{% macro micros_to_seconds(micros) -%}
    cast(cast({{ micros }} as decimal(18, 0)) * cast(0.000001 as decimal(7, 6)) as decimal(18, 6))
{%- endmacro %}
