with

source as (

    select * from {{ source('definitions', 'definition_files') }}

),

final as (

    select
        path,
        sha256,
    from source

)

select * from final
