{#-
    The import select of an incremental model: the rows of `model_name`, pruned on incremental
    runs to the widened run window (`column` in it, see run_window_utc) or, without a column, to
    the periods that close in the window (`is_in_run_window`). `where` adds a condition that
    always holds. One statement of the pruning the incremental services models share.
-#}
{% macro run_window_rows(model_name, column=none, where=none) -%}
    {%- set conditions = [where] if where else [] -%}
    {%- if is_incremental() -%}
        {%- do conditions.append(in_run_window(column) if column else 'is_in_run_window') -%}
    {%- endif -%}
    select * from {{ ref(model_name) }}
    {%- if conditions %} where {{ conditions | join(' and ') }}{% endif %}
{%- endmacro %}
