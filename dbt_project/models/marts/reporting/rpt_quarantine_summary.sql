-- rows the ingestion quarantined, per agreement x period x source (what `sla status` shows):
-- tickets of the agreement and events of those tickets, probes and maintenance of the services
-- its objectives in force for the period measure, placed in the period by their event time.
-- Rows whose time cannot be read belong to no period and are not counted here.
with

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

service_periods as (

    select * from {{ ref('int_service_periods_enumerated') }}

),

quarantined_rows as (

    select * from {{ ref('int_quarantined_rows_attributed') }}

),

rows_placed as (

    select
        periods.agreement_id,
        periods.period_key,
        quarantined_rows.source,
    from quarantined_rows
    inner join periods
        on
            quarantined_rows.agreement_id = periods.agreement_id
            and quarantined_rows.event_at >= periods.period_start_at
            and quarantined_rows.event_at < periods.period_end_at
    union all
    select
        service_periods.agreement_id,
        service_periods.period_key,
        quarantined_rows.source,
    from quarantined_rows
    inner join service_periods
        on
            quarantined_rows.service_id = service_periods.service_id
            and quarantined_rows.event_at >= service_periods.period_start_at
            and quarantined_rows.event_at < service_periods.period_end_at

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
