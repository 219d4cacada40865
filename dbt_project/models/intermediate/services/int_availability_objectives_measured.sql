-- one row per agreement x period x availability objective of the version in force.
-- Downtime = down minutes in agreed time that belong to a run of at least min_downtime_minutes
-- consecutive down minutes (int_availability_outages_assessed). Uptime % = (agreed - downtime)
-- / agreed x 100: minutes without data are neither up nor down, so downtime counts against all
-- agreed minutes and coverage_pct says how much of the agreed time was observed (the compliance
-- mart turns low coverage into insufficient_data unless the observed downtime alone already
-- breaches the target).
-- Incremental like int_service_periods_measured, so that a period's downtime and its agreed and
-- observed minutes always come from the same run.
with

objective_periods as (

    {{ run_window_rows('int_service_objective_periods_enumerated', where="kind = 'availability'") }}

),

outages as (

    select * from {{ ref('int_availability_outages_assessed') }}

),

down_counted as (

    select
        agreement_id,
        period_key,
        objective_id,
        -- bigint like the counts it adds up (a sum of bigints is a hugeint in DuckDB)
        cast(sum(counted_down_minutes) as bigint) as down_minutes,
        cast(sum(agreed_down_minutes - counted_down_minutes) as bigint) as short_down_minutes,
    from outages
    group by 1, 2, 3

),

final as (

    select
        objective_periods.agreement_id,
        objective_periods.period_key,
        objective_periods.objective_id,
        objective_periods.service_id,
        objective_periods.min_downtime_minutes,
        objective_periods.period_minutes,
        objective_periods.excluded_minutes,
        objective_periods.agreed_minutes,
        objective_periods.data_minutes,
        coalesce(down_counted.down_minutes, 0) as down_minutes,
        coalesce(down_counted.short_down_minutes, 0) as short_down_minutes,
        -- one division of exact integers: the double is the correctly rounded ratio, so
        -- comparisons with targets and tier thresholds are exact at the boundaries
        -- null without any data: an uptime of 100 % observed from nothing would mislead
        case
            when objective_periods.data_minutes > 0
                then
                    cast(
                        (objective_periods.agreed_minutes - coalesce(down_counted.down_minutes, 0))
                        * 100 as double
                    )
                    / objective_periods.agreed_minutes
        end as actual,
        objective_periods.data_minutes as sample_size,
        objective_periods.coverage_pct,
    from objective_periods
    left join down_counted
        on
            objective_periods.agreement_id = down_counted.agreement_id
            and objective_periods.period_key = down_counted.period_key
            and objective_periods.objective_id = down_counted.objective_id

)

select * from final
