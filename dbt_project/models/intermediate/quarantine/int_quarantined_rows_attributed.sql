-- one row per row the ingestion quarantined, tied to what places it: tickets and ticket events
-- to the agreement of their ticket (loaded or quarantined itself), probes and maintenance to
-- their service. event_at is null when the row's time cannot be read. The review pack's
-- quarantine tables and `sla status` place these rows in review windows and periods.
with

tickets as (

    select
        ticket_id,
        agreement_id,
    from {{ ref('stg_landing__tickets') }}

),

quarantined_tickets as (

    select
        ticket_id,
        agreement_id,
        source_file,
        source_row,
        reason_code,
        reason,
        event_at,
    from {{ ref('stg_quarantine__tickets') }}

),

quarantined_ticket_events as (

    select
        ticket_id,
        source_file,
        source_row,
        reason_code,
        reason,
        event_at,
    from {{ ref('stg_quarantine__ticket_events') }}

),

ticket_agreements as (

    -- every ticket with its agreement, whether it was loaded or quarantined itself
    select
        ticket_id,
        agreement_id,
    from tickets
    union all
    select
        ticket_id,
        agreement_id,
    from quarantined_tickets

),

ticket_owners as (

    -- the agreement of a quarantined event's ticket; distinct so that an event counts once
    select distinct
        ticket_agreements.ticket_id,
        ticket_agreements.agreement_id,
    from ticket_agreements
    {{ semi_join() }} quarantined_ticket_events
        on ticket_agreements.ticket_id = quarantined_ticket_events.ticket_id

),

service_rows as (

    -- the two staging tables have the same columns, from one macro (quarantined_rows)
    select
        'probes' as source,  -- noqa: RF04
        *,
    from {{ ref('stg_quarantine__probes') }}
    union all
    select
        'maintenance' as source,  -- noqa: RF04
        *,
    from {{ ref('stg_quarantine__maintenance') }}

),

final as (

    select
        'tickets' as source,  -- noqa: RF04
        source_file,
        source_row,
        reason_code,
        reason,
        event_at,
        agreement_id,
        cast(null as {{ type_text() }}) as service_id,
    from quarantined_tickets
    union all
    select
        'ticket_events' as source,  -- noqa: RF04
        quarantined_ticket_events.source_file,
        quarantined_ticket_events.source_row,
        quarantined_ticket_events.reason_code,
        quarantined_ticket_events.reason,
        quarantined_ticket_events.event_at,
        ticket_owners.agreement_id,
        cast(null as {{ type_text() }}) as service_id,
    from quarantined_ticket_events
    inner join ticket_owners on quarantined_ticket_events.ticket_id = ticket_owners.ticket_id
    union all
    select
        source,
        source_file,
        source_row,
        reason_code,
        reason,
        event_at,
        cast(null as {{ type_text() }}) as agreement_id,
        service_id,
    from service_rows

)

select * from final
