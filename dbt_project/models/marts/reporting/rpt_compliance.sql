-- the compliance table analysts read, every period: one row per agreement x objective x period
-- with actual, target, status, rating, margin, sample size and coverage. run_id is the
-- publication's, added last when the file is written
with

agreements as (

    select * from {{ ref('stg_definitions__agreements') }}

),

objective_periods as (

    select * from {{ ref('rpt_objective_periods') }}

),

final as (

    select
        objective_periods.agreement_id,
        agreements.customer,
        objective_periods.period_key as period,  -- noqa: RF04
        objective_periods.period_start,
        objective_periods.period_end,
        objective_periods.objective_id,
        objective_periods.objective_order,
        objective_periods.objective_name,
        objective_periods.kind,
        objective_periods.service_id,
        objective_periods.priority,
        objective_periods.target,
        objective_periods.actual,
        objective_periods.unit,
        objective_periods.is_higher_better,
        objective_periods.margin,
        objective_periods.warning_margin,
        objective_periods.status,
        objective_periods.is_warning,
        objective_periods.rating,
        objective_periods.sample_size,
        objective_periods.coverage_pct,
        objective_periods.version,
        {{ definitions_version('objective_periods.version', 'agreements.definitions_sha256') }}
            as definitions_version,
        -- after the columns published before unknown time was (issue 13; the writer puts run_id
        -- right after definitions_version), so that a reader by position keeps working
        objective_periods.unknown_minutes,
        objective_periods.is_verdict_certain,
    from objective_periods
    inner join agreements
        on objective_periods.agreement_id = agreements.agreement_id

)

select * from final
