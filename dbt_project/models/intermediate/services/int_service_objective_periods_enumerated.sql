-- one row per agreement x period x availability or latency objective of the version in force,
-- with its service's agreed and observed minutes in the period (int_service_periods_measured):
-- the frame that the availability, outage and latency measures share
with

service_periods as (

    select * from {{ ref('int_service_periods_enumerated') }}

),

objectives as (

    select * from {{ ref('stg_definitions__objectives') }}

),

measured as (

    select * from {{ ref('int_service_periods_measured') }}

),

final as (

    select
        service_periods.agreement_id,
        service_periods.period_key,
        objectives.objective_id,
        objectives.kind,
        service_periods.service_id,
        coalesce(objectives.min_downtime_minutes, 1) as min_downtime_minutes,
        coalesce(objectives.missing_data, 'exclude') as missing_data,
        measured.period_start_at,
        measured.period_end_at,
        measured.period_minutes,
        measured.excluded_minutes,
        measured.agreed_minutes,
        -- incident reports leave no minute unknown: every agreed minute is observed
        case
            when objectives.measured_by = 'incidents' then measured.agreed_minutes
            else measured.data_minutes
        end as data_minutes,
        case
            when objectives.measured_by = 'incidents' and measured.agreed_minutes > 0
                then cast(100 as double)
            else measured.coverage_pct
        end as coverage_pct,
        service_periods.is_in_run_window,
    from service_periods
    inner join objectives using (agreement_id, version, service_id)
    inner join measured using (agreement_id, period_key, service_id)
    where objectives.kind in ('availability', 'latency_p95')

)

select * from final
