-- objective_periods as people read it: the measures as exact decimals (whatever type the marts
-- computed them in) and the review colour, stated here once for every publication: grey
-- insufficient data, red breached, amber met inside the warning margin or met but uncertain
-- (is_verdict_certain false: "unverified" in the pack), green met
with

objective_periods as (

    select * from {{ ref('objective_periods') }}

),

final as (

    select
        {{ star_replace([
            ['cast(target as decimal(18, 4))', 'target'],
            ['cast(actual as decimal(18, 4))', 'actual'],
            ['cast(coverage_pct as decimal(9, 4))', 'coverage_pct'],
            ['cast(margin as decimal(18, 4))', 'margin'],
            ['cast(warning_margin as decimal(18, 4))', 'warning_margin'],
        ]) }},
        case
            when status = 'insufficient_data' then 'grey'
            when status = 'breached' then 'red'
            -- met on the observed minutes, but not if the unknown ones were down: unverified
            when is_warning or not is_verdict_certain then 'amber'
            else 'green'
        end as rating,
    from objective_periods

)

select * from final
