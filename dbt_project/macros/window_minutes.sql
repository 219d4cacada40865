{#-
    The UTC minutes of a window [start_at, end_at) that lie in the period
    [period_start_at, period_end_at), a row per minute (a select-list expression: see
    unnest_range in macros/engine/series.sql): the minutes whose start lies inside both (the
    first whole minute at or after start_at; period bounds are whole minutes). One statement for
    maintenance windows and window adjustments.
-#}
{% macro window_minutes(start_at, end_at, period_start_at='period_start_at', period_end_at='period_end_at') %}
    {%- set first_minute -%}
        greatest(
            case
                when date_trunc('minute', {{ start_at }}) = {{ start_at }} then {{ start_at }}
                else date_trunc('minute', {{ start_at }}) + interval 1 minute
            end,
            {{ period_start_at }}
        )
    {%- endset -%}
    {%- set last_bound -%}least({{ end_at }}, {{ period_end_at }}){%- endset -%}
    {{ unnest_range(first_minute, last_bound, 'interval 1 minute') }}
{%- endmacro %}
