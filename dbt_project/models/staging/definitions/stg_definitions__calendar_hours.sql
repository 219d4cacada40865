with

source as (

    select * from {{ source('definitions', 'calendar_hours') }}

),

final as (

    select
        calendar_id,
        iso_dow,
        interval_index,
        start_minute,
        end_minute,
    from source

)

select * from final
