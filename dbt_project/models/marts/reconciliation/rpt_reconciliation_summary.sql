-- one row per agreement x period x priority, plus priority 'all': how many tickets were
-- reconciled with the source system's verdict, how many agree, the agreement rate (percent,
-- rounded once to 2 decimals) and the disagreements per likely cause (rpt_reconciliation)
with

reconciliation as (

    select * from {{ ref('rpt_reconciliation') }}
    where period_key is not null

),

grouped as (

    {{ reconciliation_by_priority('reconciliation', ['agreement_id', 'period_key']) }}

),

final as (

    select
        agreement_id,
        period_key,
        priority,
        {{ reconciliation_rates() }}
    from grouped

)

select * from final
