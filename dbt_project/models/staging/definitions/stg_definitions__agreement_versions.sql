with

source as (

    select * from {{ source('definitions', 'agreement_versions') }}

),

final as (

    select
        agreement_id,
        version,
        effective_from,
        effective_to,
        monthly_fee,
        credit_cap_pct,
        min_credit_amount,
        maintenance_notice_seconds,
        chronic_breaches,
        chronic_within_periods,
        maintenance_max_minutes,
        -- termination rights and credit claims (issue 13)
        chronic_count,
        chronic_objective_ids,
        chronic_notice_days,
        claims_within_days,
    from source

)

select * from final
