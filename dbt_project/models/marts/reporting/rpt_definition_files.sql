-- every definitions file with its SHA-256 (manifest.json)
with

source as (

    select * from {{ ref('stg_definitions__definition_files') }}

),

final as (

    select
        path,
        sha256,
    from source

)

select * from final
