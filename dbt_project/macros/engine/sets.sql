{#- Semi and anti joins: DuckDB `semi join` / `anti join`, Spark `left semi join` /
    `left anti join` (same meaning: the left rows with, or without, a match; no right columns).
    Spark's parser also takes the bare `semi join` / `anti join` (the test macros use them), the
    models spell the join through these macros so that a third engine has one place to change. -#}
{% macro semi_join() -%}
    {{- return(adapter.dispatch('semi_join', 'sla')()) -}}
{%- endmacro %}
{% macro default__semi_join() -%}semi join{%- endmacro %}
{% macro spark__semi_join() -%}left semi join{%- endmacro %}

{% macro anti_join() -%}
    {{- return(adapter.dispatch('anti_join', 'sla')()) -}}
{%- endmacro %}
{% macro default__anti_join() -%}anti join{%- endmacro %}
{% macro spark__anti_join() -%}left anti join{%- endmacro %}
