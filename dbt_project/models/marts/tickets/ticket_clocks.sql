-- the per-ticket clocks behind the ticket objectives: what explanations and review packs show.
-- A view: it only selects int_ticket_clocks_computed's published columns, so a table meant
-- writing the same ~1 M rows (a year of 2 M tickets) a second time on every run; its contract
-- still fixes names and types, and the not-null guarantees are data tests (views hold no
-- constraints)
{{ config(materialized=mart_view()) }}

with

ticket_clocks as (

    select * from {{ ref('int_ticket_clocks_computed') }}

),

final as (

    -- every column of int_ticket_clocks_computed (their order and meaning are stated there and
    -- in this model's contract) but the clocks in microseconds, which only the objectives' and
    -- the adjustments' models read
    select {{ star_except(['elapsed_micros', 'paused_micros']) }}
    from ticket_clocks

)

select * from final
