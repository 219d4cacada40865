with

source as (

    select * from {{ source('definitions', 'adjustment_tickets') }}

),

final as (

    select
        adjustment_id,
        ticket_id,
    from source

)

select * from final
