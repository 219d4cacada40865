with

source as (

    select * from {{ source('definitions', 'calendars') }}

),

final as (

    select
        calendar_id,
        timezone,
        holiday_country,
        holiday_subdivision,
    from source

)

select * from final
