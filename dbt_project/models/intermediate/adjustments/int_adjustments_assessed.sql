-- one row per adjustment item: a tickets entry has one row per ticket, a window entry one row.
-- The one place that decides an entry's status:
--   refused   the ticket is not a ticket of the agreement (unknown ticket), the item lies
--             outside every period of the agreement, or it overlaps an earlier entry (by id)
--             of the same agreement and objective (or all)
--   disputed  a disputed entry that is not refused: it changes no figure, it is shown
--   applied   otherwise: the ticket is not counted / the window's minutes are not agreed time
with

adjustments as (

    select * from {{ ref('stg_definitions__adjustments') }}

),

adjustment_tickets as (

    select * from {{ ref('stg_definitions__adjustment_tickets') }}

),

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

tickets as (

    select * from {{ ref('stg_landing__tickets') }}

),

ticket_clocks as (

    select * from {{ ref('int_ticket_clocks_computed') }}

),

items as (

    select
        adjustments.*,
        adjustment_tickets.ticket_id,
    from adjustments
    left join adjustment_tickets
        on adjustments.adjustment_id = adjustment_tickets.adjustment_id

),

ticket_counted_periods as (

    -- the period in which the ticket counts for the entry's objective (the earliest, for all)
    select
        items.adjustment_id,
        items.ticket_id,
        min(ticket_clocks.counted_period_key) as counted_period_key,
    from items
    inner join ticket_clocks
        on
            items.agreement_id = ticket_clocks.agreement_id
            and items.ticket_id = ticket_clocks.ticket_id
            and (items.objective_id = 'all' or items.objective_id = ticket_clocks.objective_id)
    group by 1, 2

),

items_located as (

    select
        items.*,
        tickets.ticket_id is not null as is_known_ticket,
        case
            when items.scope = 'tickets'
                then coalesce(ticket_counted_periods.counted_period_key, created_period.period_key)
            else window_period.period_key
        end as period_key,
    from items
    left join tickets using (ticket_id, agreement_id)
    left join ticket_counted_periods using (adjustment_id, ticket_id)
    left join periods as created_period
        on
            items.agreement_id = created_period.agreement_id
            and tickets.created_at >= created_period.period_start_at
            and tickets.created_at < created_period.period_end_at
    -- a window must lie inside one period of the agreement
    left join periods as window_period
        on
            items.agreement_id = window_period.agreement_id
            and items.window_start_at >= window_period.period_start_at
            and items.window_end_at <= window_period.period_end_at

),

entries_overlapping as (

    -- the earliest other non-disputed entry (by id) whose scope meets this one's
    select
        later.adjustment_id,
        later.ticket_id,
        min(earlier.adjustment_id) as overlapped_adjustment_id,
    from items_located as later
    inner join items_located as earlier
        on
            later.agreement_id = earlier.agreement_id
            and later.adjustment_id > earlier.adjustment_id
            and (
                later.objective_id = earlier.objective_id
                or later.objective_id = 'all'
                or earlier.objective_id = 'all'
            )
            and (
                (
                    later.scope = 'tickets' and earlier.scope = 'tickets'
                    and later.ticket_id = earlier.ticket_id
                )
                or (
                    later.scope = 'window' and earlier.scope = 'window'
                    and later.window_start_at < earlier.window_end_at
                    and later.window_end_at > earlier.window_start_at
                )
            )
    where later.category != 'disputed' and earlier.category != 'disputed'
    group by 1, 2

),

final as (

    select
        items_located.adjustment_id,
        items_located.agreement_id,
        items_located.objective_id,
        items_located.scope,
        items_located.ticket_id,
        items_located.window_start_at,
        items_located.window_end_at,
        items_located.period_key,
        items_located.category,
        items_located.reason,
        items_located.approved_by,
        items_located.approved_at,
        items_located.evidence,
        case
            when items_located.scope = 'tickets' and not items_located.is_known_ticket
                then 'refused'
            when items_located.period_key is null then 'refused'
            when entries_overlapping.overlapped_adjustment_id is not null then 'refused'
            when items_located.category = 'disputed' then 'disputed'
            else 'applied'
        end as status,
        case
            when items_located.scope = 'tickets' and not items_located.is_known_ticket
                then 'unknown ticket ' || items_located.ticket_id || ' for this agreement'
            when items_located.period_key is null
                -- chr(39), the apostrophe: Spark reads '' as two adjacent literals
                then
                    'outside the agreement' || chr(39)
                    || 's periods (a window lies inside one period)'
            when entries_overlapping.overlapped_adjustment_id is not null
                then 'overlaps ' || entries_overlapping.overlapped_adjustment_id
            when items_located.category = 'disputed' then 'disputed: no figure changed'
            when items_located.scope = 'tickets' then 'ticket not counted'
            else 'window removed from agreed minutes'
        end as status_reason,
        items_located.entry_order,
    from items_located
    left join entries_overlapping
        on
            items_located.adjustment_id = entries_overlapping.adjustment_id
            and items_located.ticket_id is not distinct from entries_overlapping.ticket_id

)

select * from final
