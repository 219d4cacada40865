-- one row per ticket: the source system's own final SLA verdict (ServiceNow made_sla on the
-- incident's last update), landed by an adapter only to be reconciled with ours
with

source as (

    select * from {{ source('raw', 'ticket_outcomes') }}

),

final as (

    select
        ticket_id,
        made_sla,
        recorded_at,
        source_file,
        source_row,
    from source

)

select * from final
