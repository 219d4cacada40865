-- rows the ingestion quarantined, per agreement x period x source (what `sla status` shows):
-- tickets of the agreement and events of those tickets, probes and maintenance of the services
-- its objectives in force for the period measure, placed in the period by their event time.
-- Rows whose time cannot be read belong to no period and are not counted here.
with

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

objectives as (

    select * from {{ ref('stg_definitions__objectives') }}

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

ticket_owners as (

    -- the agreement of every ticket, loaded or quarantined itself; distinct so that an event
    -- counts once
    select distinct
        ticket_id,
        agreement_id,
    from (
        select
            ticket_id,
            agreement_id,
        from tickets
        union all
        select
            ticket_id,
            agreement_id,
        from quarantined_tickets
    ) as owners

),

agreement_rows as (

    select
        agreement_id,
        'tickets' as source,  -- noqa: RF04
        event_at,
    from quarantined_tickets
    union all
    select
        ticket_owners.agreement_id,
        'ticket_events' as source,  -- noqa: RF04
        quarantined_ticket_events.event_at,
    from quarantined_ticket_events
    inner join ticket_owners on quarantined_ticket_events.ticket_id = ticket_owners.ticket_id

),

service_rows as (

    select
        service_id,
        'probes' as source,  -- noqa: RF04
        event_at,
    from quarantined_probes
    union all
    select
        service_id,
        'maintenance' as source,  -- noqa: RF04
        event_at,
    from quarantined_maintenance

),

period_services as (

    select distinct
        periods.agreement_id,
        periods.period_key,
        periods.period_start_at,
        periods.period_end_at,
        objectives.service_id,
    from periods
    inner join objectives
        on
            periods.agreement_id = objectives.agreement_id
            and periods.version = objectives.version
    where objectives.service_id is not null

),

rows_placed as (

    select
        periods.agreement_id,
        periods.period_key,
        agreement_rows.source,
    from agreement_rows
    inner join periods
        on
            agreement_rows.agreement_id = periods.agreement_id
            and agreement_rows.event_at >= periods.period_start_at
            and agreement_rows.event_at < periods.period_end_at
    union all
    select
        period_services.agreement_id,
        period_services.period_key,
        service_rows.source,
    from service_rows
    inner join period_services
        on
            service_rows.service_id = period_services.service_id
            and service_rows.event_at >= period_services.period_start_at
            and service_rows.event_at < period_services.period_end_at

),

final as (

    select
        agreement_id,
        period_key,
        source,
        count(*) as rows_quarantined,
    from rows_placed
    group by 1, 2, 3

)

select * from final
