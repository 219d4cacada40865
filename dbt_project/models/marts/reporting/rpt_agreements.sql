-- one row per agreement: the review pack's cover (parties, cadence, responsibilities, escalation)
with

source as (

    select * from {{ ref('stg_definitions__agreements') }}

),

final as (

    select
        agreement_id,
        customer,
        provider,
        currency,
        period,
        period_months,
        calendar_id,
        review_cadence,
        review_months,
        responsibilities_json,
        escalation_json,
        definitions_sha256,
    from source

)

select * from final
