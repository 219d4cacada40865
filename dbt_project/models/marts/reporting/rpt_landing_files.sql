-- the file manifest: every landing file with its SHA-256 and row accounting (manifest.json)
with

source as (

    select * from {{ ref('stg_landing__landing_files') }}

),

final as (

    -- the staging model's columns as they are; the contract (YAML) states them
    select * from source

)

select * from final
