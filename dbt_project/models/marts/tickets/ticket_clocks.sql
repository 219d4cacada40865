-- the per-ticket clocks behind the ticket objectives: what explanations and review packs show.
-- A view: it only selects int_ticket_clocks_computed's published columns, so a table meant
-- writing the same ~1 M rows (a year of 2 M tickets) a second time on every run; its contract
-- still fixes names and types, and the not-null guarantees are data tests (views hold no
-- constraints)
{{ config(materialized='view') }}

with

ticket_clocks as (

    select * from {{ ref('int_ticket_clocks_computed') }}

),

final as (

    select
        agreement_id,
        version,
        objective_id,
        kind,
        ticket_id,
        priority,
        clock,
        calendar_id,
        created_at,
        stopped_at,
        deadline_at,
        evaluated_at,
        counted_at,
        allowed_seconds,
        elapsed_seconds,
        paused_seconds,
        is_met,
        is_breached,
        counted_period_key,
        overrun_seconds,
    from ticket_clocks

)

select * from final
