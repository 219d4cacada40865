-- one row per agreement: the review pack's cover (parties, cadence, responsibilities, escalation)
with

source as (

    select * from {{ ref('stg_definitions__agreements') }}

),

final as (

    -- the staging model's columns as they are; the contract (YAML) states them
    select * from source

)

select * from final
