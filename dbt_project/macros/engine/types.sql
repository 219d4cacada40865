{#- Type names that differ between the engines: DuckDB's varchar, hugeint and timestamptz are
    Spark's string, decimal(38, 0) and timestamp (Spark timestamps are instants, shown in the
    session zone, UTC). -#}
{% macro type_text() -%}
    {{- return(adapter.dispatch('type_text', 'sla')()) -}}
{%- endmacro %}
{% macro default__type_text() -%}varchar{%- endmacro %}
{% macro spark__type_text() -%}string{%- endmacro %}

{#- an exact integer wide enough for cents times cents (the credit cap's allocation) -#}
{% macro type_wide_integer() -%}
    {{- return(adapter.dispatch('type_wide_integer', 'sla')()) -}}
{%- endmacro %}
{% macro default__type_wide_integer() -%}hugeint{%- endmacro %}
{% macro spark__type_wide_integer() -%}decimal(38, 0){%- endmacro %}

{#- an instant read from text that may carry an offset -#}
{% macro type_instant() -%}
    {{- return(adapter.dispatch('type_instant', 'sla')()) -}}
{%- endmacro %}
{% macro default__type_instant() -%}timestamptz{%- endmacro %}
{% macro spark__type_instant() -%}timestamp{%- endmacro %}

{#- integer division of non-negative integers (DuckDB `//`, Spark `div`) -#}
{% macro int_div(dividend, divisor) -%}
    {{- return(adapter.dispatch('int_div', 'sla')(dividend, divisor)) -}}
{%- endmacro %}
{% macro default__int_div(dividend, divisor) -%}{{ dividend }} // {{ divisor }}{%- endmacro %}
{% macro spark__int_div(dividend, divisor) -%}{{ dividend }} div {{ divisor }}{%- endmacro %}

{#-
    The materialisation of a mart that is a view on DuckDB. On Spark the marts are read back as
    Parquet files (orchestration/lib/spark/readback.py), and a view has none: it is a table there.
-#}
{% macro mart_view() -%}
    {{- return(adapter.dispatch('mart_view', 'sla')()) -}}
{%- endmacro %}

{% macro default__mart_view() -%}
    {{- return('view') -}}
{%- endmacro %}

{% macro spark__mart_view() -%}
    {{- return('table') -}}
{%- endmacro %}
