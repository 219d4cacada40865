{#-
    A row per value of a series, in a select list: DuckDB unnests a generate_series / range list,
    Spark explodes a sequence. Spark rejects a sequence whose end lies before its start (DuckDB
    gives an empty list), so the Spark side yields no rows then. Spark's generator cannot sit
    inside another expression: `cast_as` casts the values on DuckDB, where they are timestamps
    otherwise; a Spark sequence of dates is already dates.
-#}

{#- the values start, start + step, ... up to and including stop -#}
{% macro unnest_series(start, stop, step, cast_as=none) -%}
    {{- return(adapter.dispatch('unnest_series', 'sla')(start, stop, step, cast_as)) -}}
{%- endmacro %}
{% macro default__unnest_series(start, stop, step, cast_as) -%}
    {%- if cast_as -%}
        cast(unnest(generate_series({{ start }}, {{ stop }}, {{ step }})) as {{ cast_as }})
    {%- else -%}
        unnest(generate_series({{ start }}, {{ stop }}, {{ step }}))
    {%- endif -%}
{%- endmacro %}
{% macro spark__unnest_series(start, stop, step, cast_as) -%}
    explode(case
        when {{ stop }} >= {{ start }} then sequence({{ start }}, {{ stop }}, {{ step }})
    end)
{%- endmacro %}

{#- the values start, start + step, ... strictly before stop (timestamps, `step` an interval) -#}
{% macro unnest_range(start, stop, step) -%}
    {{- return(adapter.dispatch('unnest_range', 'sla')(start, stop, step)) -}}
{%- endmacro %}
{% macro default__unnest_range(start, stop, step) -%}
    unnest(range({{ start }}, {{ stop }}, {{ step }}))
{%- endmacro %}
{% macro spark__unnest_range(start, stop, step) -%}
    explode(case
        when {{ stop }} > {{ start }} then sequence({{ start }}, {{ stop }} - {{ step }}, {{ step }})
    end)
{%- endmacro %}

{#- a row per element of a list column -#}
{% macro unnest_list(list) -%}
    {{- return(adapter.dispatch('unnest_list', 'sla')(list)) -}}
{%- endmacro %}
{% macro default__unnest_list(list) -%}unnest({{ list }}){%- endmacro %}
{% macro spark__unnest_list(list) -%}explode({{ list }}){%- endmacro %}
