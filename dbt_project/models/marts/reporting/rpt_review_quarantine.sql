-- the quarantined rows that touch each review: tickets of its agreement, ticket events of those
-- tickets (loaded or quarantined themselves) and probes and maintenance of the services its
-- objectives measure, placed inside the review window by their event time. Rows whose time
-- cannot be read are included: they may belong here.
with

reviews as (

    select * from {{ ref('rpt_reviews') }}

),

scores as (

    select * from {{ ref('rpt_review_scores') }}

),

tickets as (

    select * from {{ ref('stg_landing__tickets') }}

),

quarantined_tickets as (

    select * from {{ ref('stg_quarantine__tickets') }}

),

quarantined_ticket_events as (

    select * from {{ ref('stg_quarantine__ticket_events') }}

),

quarantined_probes as (

    select * from {{ ref('stg_quarantine__probes') }}

),

quarantined_maintenance as (

    select * from {{ ref('stg_quarantine__maintenance') }}

),

review_services as (

    select distinct
        agreement_id,
        review_period_key,
        service_id,
    from scores
    where service_id is not null

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
    semi join quarantined_ticket_events
        on ticket_agreements.ticket_id = quarantined_ticket_events.ticket_id

),

ticket_rows as (

    select
        reviews.agreement_id,
        reviews.review_period_key,
        reviews.review_start,
        reviews.review_end,
        'tickets' as source,  -- noqa: RF04
        quarantined_tickets.source_file,
        quarantined_tickets.source_row,
        quarantined_tickets.reason_code,
        quarantined_tickets.reason,
        quarantined_tickets.event_at,
    from quarantined_tickets
    inner join reviews on quarantined_tickets.agreement_id = reviews.agreement_id

),

ticket_event_rows as (

    select
        reviews.agreement_id,
        reviews.review_period_key,
        reviews.review_start,
        reviews.review_end,
        'ticket_events' as source,  -- noqa: RF04
        quarantined_ticket_events.source_file,
        quarantined_ticket_events.source_row,
        quarantined_ticket_events.reason_code,
        quarantined_ticket_events.reason,
        quarantined_ticket_events.event_at,
    from quarantined_ticket_events
    inner join ticket_owners on quarantined_ticket_events.ticket_id = ticket_owners.ticket_id
    inner join reviews on ticket_owners.agreement_id = reviews.agreement_id

),

service_rows as (

    select
        'probes' as source,  -- noqa: RF04
        source_file,
        source_row,
        reason_code,
        reason,
        event_at,
        service_id,
    from quarantined_probes
    union all
    select
        'maintenance' as source,  -- noqa: RF04
        source_file,
        source_row,
        reason_code,
        reason,
        event_at,
        service_id,
    from quarantined_maintenance

),

service_rows_joined as (

    select
        reviews.agreement_id,
        reviews.review_period_key,
        reviews.review_start,
        reviews.review_end,
        service_rows.source,
        service_rows.source_file,
        service_rows.source_row,
        service_rows.reason_code,
        service_rows.reason,
        service_rows.event_at,
    from service_rows
    inner join review_services on service_rows.service_id = review_services.service_id
    inner join reviews
        on
            review_services.agreement_id = reviews.agreement_id
            and review_services.review_period_key = reviews.review_period_key

),

touching as (

    select * from ticket_rows
    union all
    select * from ticket_event_rows
    union all
    select * from service_rows_joined

),

final as (

    select
        agreement_id,
        review_period_key,
        source,
        source_file,
        source_row,
        reason_code,
        reason,
    from touching
    where event_at is null or (event_at >= review_start and event_at < review_end)

)

select * from final
