-- the rows of tickets the ingestion rejected (text as delivered); event_at places a row in time
-- when its created_at can be read at all (null otherwise: such a row may belong to any window)
with

source as (

    select * from {{ source('quarantine', 'tickets') }}

),

final as (

    select
        source_file,
        source_row,
        reason_code,
        reason,
        ticket_id,
        agreement_id,
        try_cast(trim(created_at) as timestamptz) as event_at,
    from source

)

select * from final
