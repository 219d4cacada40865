-- one row per agreement x period x availability objective of the version in force.
-- Downtime = down minutes in agreed time that belong to a run of at least min_downtime_minutes
-- consecutive down minutes. Uptime % = (agreed - downtime) / agreed x 100: minutes without data
-- are neither up nor down, so downtime counts against all agreed minutes and coverage_pct says
-- how much of the agreed time was observed (the compliance mart turns low coverage into
-- insufficient_data unless the observed downtime alone already breaches the target).
-- Incremental like int_service_periods_measured, so that a period's downtime and its agreed and
-- observed minutes always come from the same run.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        unique_key=['agreement_id', 'period_key'],
    )
}}

with

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}
    {% if is_incremental() %}
        where is_in_run_window
    {% endif %}

),

objectives as (

    select * from {{ ref('stg_definitions__objectives') }}

),

service_periods as (

    select * from {{ ref('int_service_periods_measured') }}

),

down_minutes as (

    select * from {{ ref('int_service_down_minutes_grouped') }}
    {% if is_incremental() %}
        where {{ in_run_window('minute_at') }}
    {% endif %}

),

excluded_minutes as (

    select * from {{ ref('int_maintenance_minutes_excluded') }}
    {% if is_incremental() %}
        where {{ in_run_window('minute_at') }}
    {% endif %}

),

objective_periods as (

    select
        periods.agreement_id,
        periods.period_key,
        objectives.objective_id,
        objectives.service_id,
        coalesce(objectives.min_downtime_minutes, 1) as min_downtime_minutes,
    from periods
    inner join objectives
        on
            periods.agreement_id = objectives.agreement_id
            and periods.version = objectives.version
    where objectives.kind = 'availability'

),

down_in_period as (

    select
        objective_periods.agreement_id,
        objective_periods.period_key,
        objective_periods.objective_id,
        down_minutes.minute_at,
        down_minutes.run_down_minutes >= objective_periods.min_downtime_minutes as is_counted,
    from objective_periods
    inner join service_periods
        on
            objective_periods.agreement_id = service_periods.agreement_id
            and objective_periods.period_key = service_periods.period_key
            and objective_periods.service_id = service_periods.service_id
    inner join down_minutes
        on
            objective_periods.service_id = down_minutes.service_id
            and service_periods.period_start_at <= down_minutes.minute_at
            and service_periods.period_end_at > down_minutes.minute_at
    -- down minutes inside excluded maintenance are not agreed time
    anti join excluded_minutes
        on
            objective_periods.agreement_id = excluded_minutes.agreement_id
            and objective_periods.period_key = excluded_minutes.period_key
            and objective_periods.service_id = excluded_minutes.service_id
            and down_minutes.minute_at = excluded_minutes.minute_at

),

down_counted as (

    select
        agreement_id,
        period_key,
        objective_id,
        count(*) filter (where is_counted) as down_minutes,
        count(*) filter (where not is_counted) as short_down_minutes,
    from down_in_period
    group by 1, 2, 3

),

final as (

    select
        objective_periods.agreement_id,
        objective_periods.period_key,
        objective_periods.objective_id,
        objective_periods.service_id,
        objective_periods.min_downtime_minutes,
        service_periods.period_minutes,
        service_periods.excluded_minutes,
        service_periods.agreed_minutes,
        service_periods.data_minutes,
        coalesce(down_counted.down_minutes, 0) as down_minutes,
        coalesce(down_counted.short_down_minutes, 0) as short_down_minutes,
        -- one division of exact integers: the double is the correctly rounded ratio, so
        -- comparisons with targets and tier thresholds are exact at the boundaries
        -- null without any data: an uptime of 100 % observed from nothing would mislead
        case
            when service_periods.data_minutes > 0
                then
                    cast(
                        (service_periods.agreed_minutes - coalesce(down_counted.down_minutes, 0))
                        * 100 as double
                    )
                    / service_periods.agreed_minutes
        end as actual,
        service_periods.data_minutes as sample_size,
        service_periods.coverage_pct,
    from objective_periods
    inner join service_periods
        on
            objective_periods.agreement_id = service_periods.agreement_id
            and objective_periods.period_key = service_periods.period_key
            and objective_periods.service_id = service_periods.service_id
    left join down_counted
        on
            objective_periods.agreement_id = down_counted.agreement_id
            and objective_periods.period_key = down_counted.period_key
            and objective_periods.objective_id = down_counted.objective_id

)

select * from final
