with

source as (

    select * from {{ source('raw', 'tickets') }}

),

final as (

    select
        ticket_id,
        agreement_id,
        priority,
        created_at,
        first_response_at,
        resolved_at,
        csat_score,
        source_file,
        source_row,
    from source

)

select * from final
