-- the rows of ticket_events the ingestion rejected (text as delivered); event_at places a row in
-- time when its changed_at can be read at all (null otherwise: such a row may belong to any window)
with

source as (

    select * from {{ source('quarantine', 'ticket_events') }}

),

final as (

    select
        source_file,
        source_row,
        reason_code,
        reason,
        ticket_id,
        try_cast(trim(changed_at) as timestamptz) as event_at,
    from source

)

select * from final
