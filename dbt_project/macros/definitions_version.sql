{#- The definitions a published row was computed from: `v<agreement version>@<definitions
    SHA-256>`, e.g. `v2@3f1c...`; one text for the ledger and the compliance table. -#}
{% macro definitions_version(version, definitions_sha256) -%}
    'v' || {{ version }} || '@' || {{ definitions_sha256 }}
{%- endmacro %}
