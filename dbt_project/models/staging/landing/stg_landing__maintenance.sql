with

source as (

    select * from {{ source('raw', 'maintenance') }}

),

final as (

    select
        service_id,
        starts_at,
        ends_at,
        announced_at,
        source_file,
        source_row,
    from source

)

select * from final
