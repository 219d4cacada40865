{#- the last day of a period plus a number of days: a claim's or a termination right's deadline.
    period_end is exclusive (the first day after the period), so March 2026 with 30 days gives
    2026-03-31 + 30 = 2026-04-30; null days (no such term) give null -#}
{% macro deadline_after(period_end, days) -%}
    cast({{ period_end }} - interval 1 day + {{ sla.days(days) }} as date)
{%- endmacro %}
