-- the rows of probes the ingestion rejected (text as delivered); event_at places a row in time
-- when its checked_at can be read at all (null otherwise: such a row may belong to any window)
with

source as (

    select * from {{ source('quarantine', 'probes') }}

),

final as (

    select
        source_file,
        source_row,
        reason_code,
        reason,
        service_id,
        try_cast(trim(checked_at) as timestamptz) as event_at,
    from source

)

select * from final
