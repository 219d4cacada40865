with

source as (

    select * from {{ source('definitions', 'objective_pause_statuses') }}

),

final as (

    select
        agreement_id,
        version,
        objective_id,
        status,
    from source

)

select * from final
