-- objective_periods as people read it: the measures as exact decimals (whatever type the marts
-- computed them in) and the review colour, stated here once for every publication: grey
-- insufficient data, red breached, amber met inside the warning margin, green met
with

objective_periods as (

    select * from {{ ref('objective_periods') }}

),

final as (

    select
        agreement_id,
        period_key,
        period_start,
        period_end,
        period_index,
        is_in_run_window,
        version,
        objective_id,
        objective_order,
        objective_name,
        kind,
        service_id,
        priority,
        cast(target as decimal(18, 4)) as target,  -- noqa: RF04
        cast(actual as decimal(18, 4)) as actual,
        unit,
        is_higher_better,
        sample_size,
        cast(coverage_pct as decimal(9, 4)) as coverage_pct,
        agreed_minutes,
        down_minutes,
        status,
        cast(margin as decimal(18, 4)) as margin,
        cast(warning_margin as decimal(18, 4)) as warning_margin,
        is_warning,
        case
            when status = 'insufficient_data' then 'grey'
            when status = 'breached' then 'red'
            when is_warning then 'amber'
            else 'green'
        end as rating,
    from objective_periods

)

select * from final
