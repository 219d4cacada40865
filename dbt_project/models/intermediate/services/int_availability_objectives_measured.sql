-- one row per agreement x period x availability objective of the version in force.
-- Downtime = down minutes in agreed time that belong to a run of at least min_downtime_minutes
-- consecutive down minutes (int_availability_outages_assessed). Uptime % = (agreed - downtime)
-- / agreed x 100. Minutes without data (unknown_minutes) follow the objective's missing_data:
-- exclude (the default) and up count them as neither up nor down, so downtime counts against all
-- agreed minutes and coverage_pct says how much of the agreed time was observed (with exclude
-- the compliance mart turns low coverage into insufficient_data unless the observed downtime
-- alone already breaches the target); down counts them as downtime. worst_case_actual counts
-- them as down whatever the rule, for is_verdict_certain.
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

minutes_counted as (

    select
        objective_periods.*,
        coalesce(down_counted.down_minutes, 0) as down_minutes,
        coalesce(down_counted.short_down_minutes, 0) as short_down_minutes,
        objective_periods.agreed_minutes - objective_periods.data_minutes as unknown_minutes,
    from objective_periods
    left join down_counted using (agreement_id, period_key, objective_id)

),

final as (

    select
        {{ star_except(['kind', 'period_start_at', 'period_end_at', 'is_in_run_window']) }},
        -- one division of exact integers: the double is the correctly rounded ratio, so
        -- comparisons with targets and tier thresholds are exact at the boundaries.
        -- null without any data: an uptime of 100 % observed from nothing would mislead.
        -- missing_data down counts the unknown minutes as down; exclude and up leave them
        -- out of the downtime (exclude then lets low coverage make the period
        -- insufficient_data, in objective_periods)
        case
            when data_minutes > 0
                then
                    cast(
                        (
                            agreed_minutes - down_minutes
                            - case when missing_data = 'down' then unknown_minutes else 0 end
                        ) * 100 as double
                    )
                    / agreed_minutes
        end as actual,
        data_minutes as sample_size,
        -- the uptime were every unknown minute down: what a certain verdict must survive
        case
            when data_minutes > 0
                then
                    cast((agreed_minutes - down_minutes - unknown_minutes) * 100 as double)
                    / agreed_minutes
        end as worst_case_actual,
    from minutes_counted

)

select * from final
