with

source as (

    select * from {{ source('raw', 'landing_files') }}

),

final as (

    select
        source,
        file_path,
        sha256,
        status,
        rows_read,
        rows_loaded,
        rows_quarantined,
        message,
        loaded_at,
    from source

)

select * from final
