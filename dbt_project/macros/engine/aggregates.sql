{#- Aggregates and list functions named differently on the two engines. -#}

{#- the exact continuous quantile (linear interpolation between the closest ranks): DuckDB
    quantile_cont, Spark percentile (the exact one, not percentile_approx) -#}
{% macro quantile_exact(value, fraction) -%}
    {{- return(adapter.dispatch('quantile_exact', 'sla')(value, fraction)) -}}
{%- endmacro %}
{% macro default__quantile_exact(value, fraction) -%}
    quantile_cont({{ value }}, {{ fraction }})
{%- endmacro %}
{% macro spark__quantile_exact(value, fraction) -%}
    percentile({{ value }}, {{ fraction }})
{%- endmacro %}

{#- `value` of the row with the largest `ordering` -#}
{% macro value_at_max(value, ordering) -%}
    {{- return(adapter.dispatch('value_at_max', 'sla')(value, ordering)) -}}
{%- endmacro %}
{% macro default__value_at_max(value, ordering) -%}
    arg_max({{ value }}, {{ ordering }})
{%- endmacro %}
{% macro spark__value_at_max(value, ordering) -%}
    max_by({{ value }}, {{ ordering }})
{%- endmacro %}

{#- the texts of a group joined with `separator`, in the order of `ordering` -#}
{% macro ordered_text_agg(value, separator, ordering) -%}
    {{- return(adapter.dispatch('ordered_text_agg', 'sla')(value, separator, ordering)) -}}
{%- endmacro %}
{% macro default__ordered_text_agg(value, separator, ordering) -%}
    string_agg({{ value }}, {{ separator }} order by {{ ordering }})
{%- endmacro %}
{% macro spark__ordered_text_agg(value, separator, ordering) -%}
    listagg({{ value }}, {{ separator }}) within group (order by {{ ordering }})
{%- endmacro %}

{#- the values of a group as a list, in the order of `ordering` -#}
{% macro ordered_list_agg(value, ordering) -%}
    {{- return(adapter.dispatch('ordered_list_agg', 'sla')(value, ordering)) -}}
{%- endmacro %}
{% macro default__ordered_list_agg(value, ordering) -%}
    list({{ value }} order by {{ ordering }})
{%- endmacro %}
{% macro spark__ordered_list_agg(value, ordering) -%}
    transform(
        array_sort(collect_list(struct({{ ordering }} as ordering, {{ value }} as value))),
        element -> element.value
    )
{%- endmacro %}

{#- the list `list` holds `value` -#}
{% macro list_has(list, value) -%}
    {{- return(adapter.dispatch('list_has', 'sla')(list, value)) -}}
{%- endmacro %}
{% macro default__list_has(list, value) -%}list_contains({{ list }}, {{ value }}){%- endmacro %}
{% macro spark__list_has(list, value) -%}array_contains({{ list }}, {{ value }}){%- endmacro %}

{#- the list of the parts of a text split at a literal separator -#}
{% macro split_text(text, separator) -%}
    {{- return(adapter.dispatch('split_text', 'sla')(text, separator)) -}}
{%- endmacro %}
{% macro default__split_text(text, separator) -%}
    string_split({{ text }}, {{ separator }})
{%- endmacro %}
{% macro spark__split_text(text, separator) -%}
    split({{ text }}, {{ separator }}, -1)
{%- endmacro %}

{#- `select * exclude (...)` / Spark `* except (...)`: all columns of `relation` (or of the
    from clause) but `columns` -#}
{% macro star_except(columns, relation=none) -%}
    {{- return(adapter.dispatch('star_except', 'sla')(columns, relation)) -}}
{%- endmacro %}
{% macro default__star_except(columns, relation) -%}
    {{ relation ~ '.' if relation }}* exclude ({{ columns | join(', ') }})
{%- endmacro %}
{% macro spark__star_except(columns, relation) -%}
    {{ relation ~ '.' if relation }}* except ({{ columns | join(', ') }})
{%- endmacro %}

{#- the texts of a list joined with `separator` -#}
{% macro join_list(list, separator) -%}
    {{- return(adapter.dispatch('join_list', 'sla')(list, separator)) -}}
{%- endmacro %}
{% macro default__join_list(list, separator) -%}
    array_to_string({{ list }}, {{ separator }})
{%- endmacro %}
{% macro spark__join_list(list, separator) -%}
    array_join({{ list }}, {{ separator }})
{%- endmacro %}

{#- `select * replace (...)`: all columns of `relation` (or of the from clause) with some
    replaced by expressions, `replacements` a list of [expression, column] pairs. DuckDB keeps
    each column in its place; Spark has no replace, so there the replaced columns come after the
    others (the Spark marts are compared by column name) -#}
{% macro star_replace(replacements, relation=none) -%}
    {{- return(adapter.dispatch('star_replace', 'sla')(replacements, relation)) -}}
{%- endmacro %}
{% macro default__star_replace(replacements, relation) -%}
    {{ relation ~ '.' if relation }}* replace (
    {%- for expression, column in replacements %}
        {{ expression }} as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}
{% macro spark__star_replace(replacements, relation) -%}
    {{ star_except(replacements | map('last') | list, relation) }},
    {%- for expression, column in replacements %}
        {{ expression }} as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- the last element of a list (null for an empty list) -#}
{% macro last_element(list) -%}
    {{- return(adapter.dispatch('last_element', 'sla')(list)) -}}
{%- endmacro %}
{% macro default__last_element(list) -%}{{ list }}[-1]{%- endmacro %}
{% macro spark__last_element(list) -%}element_at({{ list }}, -1){%- endmacro %}
