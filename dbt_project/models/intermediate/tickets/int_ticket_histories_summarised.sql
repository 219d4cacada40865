-- one row per ticket with a status history: when its first status change was recorded and
-- whether it was reopened (a status other than resolved or closed after a resolved one). The
-- reconciliation with the source system's own verdict reads it to name a likely cause.
with

ticket_events as (

    select * from {{ ref('stg_landing__ticket_events') }}

),

first_resolutions as (

    select
        ticket_id,
        min(changed_at) filter (where status = 'resolved') as first_resolved_at,
        min(changed_at) as first_event_at,
    from ticket_events
    group by ticket_id

),

final as (

    select
        first_resolutions.ticket_id,
        first_resolutions.first_event_at,
        coalesce(bool_or(
            ticket_events.changed_at > first_resolutions.first_resolved_at
            and ticket_events.status not in ('resolved', 'closed')
        ), false) as is_reopened,
    from first_resolutions
    inner join ticket_events
        on first_resolutions.ticket_id = ticket_events.ticket_id
    group by first_resolutions.ticket_id, first_resolutions.first_event_at

)

select * from final
