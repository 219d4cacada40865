-- the file manifest: every landing file with its SHA-256 and row accounting (manifest.json)
with

source as (

    select * from {{ ref('stg_landing__landing_files') }}

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
    from source

)

select * from final
