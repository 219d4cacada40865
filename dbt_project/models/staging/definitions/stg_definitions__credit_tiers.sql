with

source as (

    select * from {{ source('definitions', 'credit_tiers') }}

),

final as (

    select
        agreement_id,
        version,
        objective_id,
        tier_rank,
        comparator,
        threshold,
        credit_pct,
    from source

)

select * from final
