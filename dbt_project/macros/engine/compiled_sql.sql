{#-
    Spark's SQL parser rejects the house style's trailing comma after the last column of a select
    list (`a, b, from ...`, `struct(a, b, )`), which DuckDB accepts. Rather than give up the style
    in every model, the Spark table, view and test statements take the compiled SQL through
    strip_trailing_commas: a comma followed only by blanks or `--` comments up to `from` or a
    closing parenthesis is dropped. This is the one textual rewrite of compiled SQL; every other
    engine difference is a dispatched macro (macros/engine/*.sql).
-#}
{% macro strip_trailing_commas(sql) -%}
    {{- return(modules.re.sub(
        ',(?:\\s|--[^\\n]*\\n)*(?=\\bfrom\\b|\\))', ' ', sql, flags=modules.re.IGNORECASE
    )) -}}
{%- endmacro %}

{#- dbt-spark's spark__create_table_as for SQL models (adapters.sql), on the stripped SQL; a
    table without a file_format is Parquet -#}
{% macro spark__create_table_as(temporary, relation, compiled_code, language='sql') -%}
    {%- set compiled_code = sla.strip_trailing_commas(compiled_code) -%}
    {%- if temporary -%}
        {{ create_temporary_view(relation, compiled_code) }}
    {%- else -%}
        {%- set file_format = config.get('file_format', validator=validation.any[basestring]) -%}
        create table {{ relation }}
        using {{ file_format or 'parquet' }}
        {{ options_clause() }}
        {{ tblproperties_clause() }}
        {{ partition_cols(label="partitioned by") }}
        {{ clustered_cols(label="clustered by") }}
        {{ location_clause() }}
        {{ comment_clause() }}
        as
        {{ compiled_code }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__create_view_as(relation, sql) -%}
    create or replace view {{ relation }}
    {{ comment_clause() }}
    as
    {{ sla.strip_trailing_commas(sql) }}
{%- endmacro %}

{% macro spark__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
    select
        {{ fail_calc }} as failures,
        {{ fail_calc }} {{ warn_if }} as should_warn,
        {{ fail_calc }} {{ error_if }} as should_error
    from (
        {{ sla.strip_trailing_commas(main_sql) }}
        {{ "limit " ~ limit if limit != none }}
    ) as dbt_internal_test
{%- endmacro %}

{#- dbt-spark adds a model contract's constraints with ALTER TABLE, which only Delta tables
    support; the Spark marts are Parquet tables, so a contract there is the column list of the
    select (its DuckDB data types are checked by comparing the marts with DuckDB's,
    orchestration/lib/spark/compare.py) and nothing is altered -#}
{% macro spark__persist_constraints(relation, model) -%}
{%- endmacro %}

{#- dbt-core's default__get_unit_test_sql (tests/helpers.sql), on the stripped model SQL -#}
{% macro spark__get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) -%}
    {%- set columns = expected_column_names | join(', ') -%}
    with dbt_internal_unit_test_actual as (
        select {{ columns }}, {{ dbt.string_literal("actual") }} as {{ adapter.quote("actual_or_expected") }}
        from (
            {{ sla.strip_trailing_commas(main_sql) }}
        ) as _dbt_internal_unit_test_actual
    ),
    dbt_internal_unit_test_expected as (
        select {{ columns }}, {{ dbt.string_literal("expected") }} as {{ adapter.quote("actual_or_expected") }}
        from (
            {{ expected_fixture_sql }}
        ) as _dbt_internal_unit_test_expected
    )
    select * from dbt_internal_unit_test_actual
    union all
    select * from dbt_internal_unit_test_expected
{%- endmacro %}
