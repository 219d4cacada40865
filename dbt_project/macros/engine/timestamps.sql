{#-
    Time arithmetic. Timestamps are naive UTC instants on DuckDB and instants in a UTC session on
    Spark; local times (an agreement's calendar) are naive timestamps of the zone `timezone`.
-#}

{#- the UTC instant of the local time `local_at` in the zone `timezone` -#}
{% macro local_to_utc(timezone, local_at) -%}
    {{- return(adapter.dispatch('local_to_utc', 'sla')(timezone, local_at)) -}}
{%- endmacro %}
{% macro default__local_to_utc(timezone, local_at) -%}
    timezone('UTC', timezone({{ timezone }}, {{ local_at }}))
{%- endmacro %}
{% macro spark__local_to_utc(timezone, local_at) -%}
    to_utc_timestamp({{ local_at }}, {{ timezone }})
{%- endmacro %}

{#- the local time in the zone `timezone` of the UTC instant `utc_at` -#}
{% macro utc_to_local(timezone, utc_at) -%}
    {{- return(adapter.dispatch('utc_to_local', 'sla')(timezone, utc_at)) -}}
{%- endmacro %}
{% macro default__utc_to_local(timezone, utc_at) -%}
    timezone({{ timezone }}, timezone('UTC', {{ utc_at }}))
{%- endmacro %}
{% macro spark__utc_to_local(timezone, utc_at) -%}
    from_utc_timestamp({{ utc_at }}, {{ timezone }})
{%- endmacro %}

{#- microseconds since the epoch of an instant, and back -#}
{% macro epoch_micros(instant) -%}
    {{- return(adapter.dispatch('epoch_micros', 'sla')(instant)) -}}
{%- endmacro %}
{% macro default__epoch_micros(instant) -%}epoch_us({{ instant }}){%- endmacro %}
{% macro spark__epoch_micros(instant) -%}unix_micros({{ instant }}){%- endmacro %}

{% macro instant_of_micros(micros) -%}
    {{- return(adapter.dispatch('instant_of_micros', 'sla')(micros)) -}}
{%- endmacro %}
{% macro default__instant_of_micros(micros) -%}make_timestamp({{ micros }}){%- endmacro %}
{% macro spark__instant_of_micros(micros) -%}timestamp_micros({{ micros }}){%- endmacro %}

{#- the instant `micros` microseconds after `instant` -#}
{% macro add_micros(instant, micros) -%}
    {{- return(adapter.dispatch('add_micros', 'sla')(instant, micros)) -}}
{%- endmacro %}
{% macro default__add_micros(instant, micros) -%}
    {{ instant }} + to_microseconds({{ micros }})
{%- endmacro %}
{% macro spark__add_micros(instant, micros) -%}
    timestamp_micros(unix_micros({{ instant }}) + {{ micros }})
{%- endmacro %}

{#- durations of a whole number of units, to add to a date or a timestamp (DuckDB to_days,
    to_minutes, ...; Spark interval constructors) -#}
{% macro months(count) -%}
    {{- return(adapter.dispatch('months', 'sla')(count)) -}}
{%- endmacro %}
{% macro default__months(count) -%}to_months({{ count }}){%- endmacro %}
{% macro spark__months(count) -%}make_ym_interval(0, {{ count }}){%- endmacro %}

{% macro days(count) -%}
    {{- return(adapter.dispatch('days', 'sla')(count)) -}}
{%- endmacro %}
{% macro default__days(count) -%}to_days({{ count }}){%- endmacro %}
{% macro spark__days(count) -%}make_interval(0, 0, 0, {{ count }}){%- endmacro %}

{% macro minutes(count) -%}
    {{- return(adapter.dispatch('minutes', 'sla')(count)) -}}
{%- endmacro %}
{% macro default__minutes(count) -%}to_minutes({{ count }}){%- endmacro %}
{% macro spark__minutes(count) -%}make_dt_interval(0, 0, {{ count }}){%- endmacro %}

{% macro seconds(count) -%}
    {{- return(adapter.dispatch('seconds', 'sla')(count)) -}}
{%- endmacro %}
{% macro default__seconds(count) -%}to_seconds({{ count }}){%- endmacro %}
{% macro spark__seconds(count) -%}make_dt_interval(0, 0, 0, {{ count }}){%- endmacro %}

{#- calendar units between two instants, counted as DuckDB's date_diff counts them: the unit
    boundaries crossed (exact for period and interval bounds, which lie on whole minutes);
    `unit` is 'second' or 'minute' -#}
{% macro units_between(unit, start_at, end_at) -%}
    {{- return(adapter.dispatch('units_between', 'sla')(unit, start_at, end_at)) -}}
{%- endmacro %}
{% macro default__units_between(unit, start_at, end_at) -%}
    date_diff('{{ unit }}', {{ start_at }}, {{ end_at }})
{%- endmacro %}
{% macro spark__units_between(unit, start_at, end_at) -%}
    {%- set seconds = {'second': 1, 'minute': 60}[unit] -%}
    (unix_seconds({{ end_at }}) div {{ seconds }} - unix_seconds({{ start_at }}) div {{ seconds }})
{%- endmacro %}

{#- an instant later than any other (an open upper bound) -#}
{% macro end_of_time() -%}
    {{- return(adapter.dispatch('end_of_time', 'sla')()) -}}
{%- endmacro %}
{% macro default__end_of_time() -%}cast('infinity' as timestamp){%- endmacro %}
{% macro spark__end_of_time() -%}timestamp '9999-12-31 23:59:59.999999'{%- endmacro %}

{#- ISO day of the week, 1 = Monday .. 7 = Sunday -#}
{% macro iso_dow(day) -%}
    {{- return(adapter.dispatch('iso_dow', 'sla')(day)) -}}
{%- endmacro %}
{% macro default__iso_dow(day) -%}isodow({{ day }}){%- endmacro %}
{% macro spark__iso_dow(day) -%}extract(dow_iso from {{ day }}){%- endmacro %}

{#- a date or timestamp as text: 'year' (2026) or 'month' (2026-03) -#}
{% macro format_date(day, part) -%}
    {{- return(adapter.dispatch('format_date', 'sla')(day, part)) -}}
{%- endmacro %}
{% macro default__format_date(day, part) -%}
    strftime({{ day }}, '{{ {"year": "%Y", "month": "%Y-%m"}[part] }}')
{%- endmacro %}
{% macro spark__format_date(day, part) -%}
    date_format({{ day }}, '{{ {"year": "yyyy", "month": "yyyy-MM"}[part] }}')
{%- endmacro %}
