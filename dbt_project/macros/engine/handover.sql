{#-
    on-run-start: the inputs of a Spark run. The validated landing rows (raw), definitions and
    quarantined rows live in the DuckDB warehouse; orchestration/lib/spark/handover.py hands them
    over as Parquet, <SLA_HANDOVER_DIR>/<schema>/<table>.parquet. This hook registers every
    declared source as the external Parquet table <schema>.<table>, so that source() resolves
    unchanged on both engines. DuckDB reads its own tables: nothing to do.
-#}
{% macro register_handover() -%}
    {{- return(adapter.dispatch('register_handover', 'sla')()) -}}
{%- endmacro %}

{% macro default__register_handover() -%}
{%- endmacro %}

{% macro spark__register_handover() -%}
    {%- if execute -%}
        {%- set handover_dir = env_var('SLA_HANDOVER_DIR', '') -%}
        {%- if not handover_dir -%}
            {%- do exceptions.raise_compiler_error(
                'SLA_HANDOVER_DIR must name the Parquet handover of raw, definitions and quarantine'
            ) -%}
        {%- endif -%}
        {%- set schemas = [] -%}
        {%- for source in graph.sources.values() | sort(attribute='unique_id') -%}
            {%- if source.schema not in schemas -%}
                {%- do schemas.append(source.schema) -%}
                {%- do run_query('create schema if not exists ' ~ source.schema) -%}
            {%- endif -%}
            {%- set relation = source.schema ~ '.' ~ source.identifier -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query(
                'create table ' ~ relation ~ ' using parquet location \''
                ~ handover_dir ~ '/' ~ source.schema ~ '/' ~ source.identifier ~ '.parquet\''
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
