-- the definitions the warehouse was computed from: one row per SHA-256 of the definitions
-- files in use (normally one; manifest.json)
with

agreements as (

    select * from {{ ref('stg_definitions__agreements') }}

),

final as (

    select distinct definitions_sha256
    from agreements

)

select * from final
