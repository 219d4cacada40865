with

source as (

    select * from {{ source('definitions', 'objective_penalties') }}

),

final as (

    select
        agreement_id,
        version,
        objective_id,
        amount,
        per,
        is_outside_cap,
    from source

)

select * from final
