{#-
    The run window in UTC, widened so that it holds every local-time agreement period that
    overlaps [run_period_start(), run_period_end()):

    - back to the start of the quarter holding period_start: a quarterly period that closes in
      the window is recomputed whole (the period grid starts in January, so quarters are
      calendar quarters; monthly periods are covered a fortiori);
    - one day on each side: a local midnight lies within UTC-12..UTC+14 of the UTC one.

    Incremental models recompute exactly these instants (minute-level tables) or the periods
    that close in the window (per-period tables, `is_in_run_window`); every other row keeps
    what the run that last covered it computed. Returned as SQL timestamp literals.
-#}
{% macro run_window_utc() %}
    {%- set period_start = modules.datetime.date.fromisoformat(run_period_start() | string) -%}
    {%- set period_end = modules.datetime.date.fromisoformat(run_period_end() | string) -%}
    {%- set quarter_start = period_start.replace(
        month=((period_start.month - 1) // 3) * 3 + 1, day=1
    ) -%}
    {%- set padding = modules.datetime.timedelta(days=1) -%}
    {{ return({
        'start_at': "timestamp '" ~ (quarter_start - padding).isoformat() ~ "'",
        'end_at': "timestamp '" ~ (period_end + padding).isoformat() ~ "'"
    }) }}
{% endmacro %}


{#- `column` lies in the widened run window (see run_window_utc) -#}
{% macro in_run_window(column) %}
    {%- set bounds = run_window_utc() -%}
    ({{ column }} >= {{ bounds.start_at }} and {{ column }} < {{ bounds.end_at }})
{%- endmacro %}


{#-
    Pre-hook of the minute-level incremental models: forget the rows of the widened run window
    before the model inserts them again, so that a minute that is no longer down (or a bucket
    whose probes were withdrawn) disappears too. Nothing to do on a first or full-refresh build.
-#}
{% macro delete_run_window(column) %}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ in_run_window(column) }}
    {%- endif -%}
{% endmacro %}
