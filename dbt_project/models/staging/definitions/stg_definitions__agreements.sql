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
        -- the agreement's own record (issue 13)
        description,
        term_start,
        term_end,
        term_renewal,
        term_notice_days,
        signed_on,
        signed_by_provider,
        signed_by_customer,
        contacts_json,
    from source

)

select * from final
