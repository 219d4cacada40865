{#- custom schemas are used as they are (staging, intermediate, marts), not prefixed with the
    target schema: the publication code and analysts query marts.<model> directly -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
