-- one row per agreement x period x priority, plus priority 'all': how many tickets were
-- reconciled with the source system's verdict, how many agree, the agreement rate (percent,
-- rounded once to 2 decimals) and the disagreements per likely cause (rpt_reconciliation)
with

reconciliation as (

    select * from {{ ref('rpt_reconciliation') }}
    where period_key is not null

),

by_priority as (

    select
        agreement_id,
        period_key,
        priority,
        count(*) as tickets,
        count(*) filter (where agrees) as agreeing,
        count(*) filter (where cause = 'pause_handling') as pause_handling,
        count(*) filter (where cause = 'reopened') as reopened,
        count(*) filter (where cause = 'missing_or_late_resolution')
            as missing_or_late_resolution,
        count(*) filter (where cause = 'clock_start') as clock_start,
        count(*) filter (where cause = 'threshold') as threshold,
    from reconciliation
    group by agreement_id, period_key, priority

),

all_priorities as (

    select
        agreement_id,
        period_key,
        'all' as priority,
        count(*) as tickets,
        count(*) filter (where agrees) as agreeing,
        count(*) filter (where cause = 'pause_handling') as pause_handling,
        count(*) filter (where cause = 'reopened') as reopened,
        count(*) filter (where cause = 'missing_or_late_resolution')
            as missing_or_late_resolution,
        count(*) filter (where cause = 'clock_start') as clock_start,
        count(*) filter (where cause = 'threshold') as threshold,
    from reconciliation
    group by agreement_id, period_key

),

grouped as (

    select * from by_priority
    union all
    select * from all_priorities

),

final as (

    select
        agreement_id,
        period_key,
        priority,
        tickets,
        agreeing,
        cast(round(100.0 * agreeing / tickets, 2) as decimal(5, 2)) as agreement_pct,
        pause_handling,
        reopened,
        missing_or_late_resolution,
        clock_start,
        threshold,
    from grouped

)

select * from final
