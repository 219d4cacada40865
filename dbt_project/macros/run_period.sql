{#- The run window [period_start, period_end) as local dates (YYYY-MM-DD).

    By hand: `dbt build --vars '{"period_start": "2026-03-01", "period_end": "2026-04-01"}'`.
    The pipeline sets SLA_PERIOD_START and SLA_PERIOD_END instead: dbt re-parses the whole
    project whenever --vars change (every month), but only the files that read an environment
    variable when its value changes, so a run keeps dbt's partial parsing (~3 s a run). -#}

{% macro run_period_start() -%}
    {{- return(var('period_start', env_var('SLA_PERIOD_START', '2026-01-01'))) -}}
{%- endmacro %}

{% macro run_period_end() -%}
    {{- return(var('period_end', env_var('SLA_PERIOD_END', '2026-02-01'))) -}}
{%- endmacro %}
