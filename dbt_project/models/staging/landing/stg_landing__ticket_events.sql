with

source as (

    select * from {{ source('raw', 'ticket_events') }}

),

final as (

    select
        ticket_id,
        status,
        changed_at,
        source_file,
        source_row,
    from source

)

select * from final
