{#-
    A row returned = a combination of the given columns that occurs more than once.

    With `window_column`, only combinations that occur in the run's (widened) window are checked:
    the rows of earlier months were checked by the runs that covered them, and a staging view over
    a raw table of a year would otherwise be grouped whole every month. When the window column is
    part of the key, every repeat of a key in the window lies in the window too, so the rows are
    simply filtered; otherwise the keys found in the window are checked against every row, so a
    repeat of an older key is still caught.
-#}
{% test unique_combination(model, columns, window_column=none) %}

{%- set keys = columns | join(', ') %}

with

{% if window_column is none -%}
checked as (

    select * from {{ model }}

),
{%- elif window_column in columns -%}
checked as (

    select * from {{ model }}
    where {{ in_run_window(window_column) }}

),
{%- else -%}
keys_in_window as (

    select distinct {{ keys }} from {{ model }}
    where {{ in_run_window(window_column) }}

),

checked as (

    select * from {{ model }}
    semi join keys_in_window using ({{ keys }})

),
{%- endif %}

repeated as (

    select
        {{ keys }},
        count(*) as occurrences,
    from checked
    group by {{ keys }}
    having count(*) > 1

)

select * from repeated

{% endtest %}
