{#-
    The staging select of one quarantine table: the rows of `source_name` the ingestion rejected
    (their text as delivered) with the columns that tie a row to an agreement (`id_columns`) and
    `event_at`, the row's `event_time` column read as an instant when it can be read at all (null
    otherwise: such a row may belong to any review window). One macro for the four quarantine
    tables, so that they cannot drift apart.
-#}
{% macro quarantined_rows(source_name, id_columns, event_time) %}
with

source as (

    select * from {{ source('quarantine', source_name) }}

),

final as (

    select
        source_file,
        source_row,
        reason_code,
        reason,
        {%- for column in id_columns %}
        {{ column }},
        {%- endfor %}
        try_cast(trim({{ event_time }}) as {{ type_instant() }}) as event_at,
    from source

)

select * from final
{% endmacro %}
