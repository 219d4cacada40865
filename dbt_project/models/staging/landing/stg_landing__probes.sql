with

source as (

    select * from {{ source('raw', 'probes') }}

),

final as (

    select
        service_id,
        checked_at,
        ok as is_ok,
        latency_ms,
        location,
        source_file,
        source_row,
    from source

)

select * from final
