-- one row per agreement x sample x priority (plus priority 'all') over every reconciled ticket
-- of the warehouse: ticket_sample 'fit' (created before var('reconciliation_fit_before'): where
-- an example may have chosen its targets), 'held_out' (the later tickets) and 'all'. The
-- figures docs/adapters.md quotes.
with

reconciliation as (

    select * from {{ ref('rpt_reconciliation') }}

),

samples as (

    select
        *,
        case when is_fit_sample then 'fit' else 'held_out' end as ticket_sample,
    from reconciliation
    union all
    select
        *,
        'all' as ticket_sample,
    from reconciliation

),

grouped as (

    {{ reconciliation_by_priority('samples', ['agreement_id', 'ticket_sample']) }}

),

final as (

    select
        agreement_id,
        ticket_sample,
        priority,
        {{ reconciliation_rates() }}
    from grouped

)

select * from final
