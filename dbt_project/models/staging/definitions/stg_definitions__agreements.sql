with

source as (

    select * from {{ source('definitions', 'agreements') }}

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
        expected_sources,
    from source

)

select * from final
