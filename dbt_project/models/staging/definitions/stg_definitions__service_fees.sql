with

source as (

    select * from {{ source('definitions', 'service_fees') }}

),

final as (

    select
        agreement_id,
        version,
        service_id,
        monthly_fee,
    from source

)

select * from final
