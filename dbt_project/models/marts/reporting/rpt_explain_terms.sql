-- the terms behind a figure (what `sla explain` prints first): one row per agreement x period x
-- objective of the version in force for the period, with that version's commercial terms
{{ config(materialized=mart_view()) }}

with

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

agreement_versions as (

    select * from {{ ref('stg_definitions__agreement_versions') }}

),

objectives as (

    select * from {{ ref('stg_definitions__objectives') }}

),

final as (

    select
        periods.agreement_id,
        periods.period_key,
        periods.period_start,
        periods.period_end,
        periods.version,
        agreement_versions.effective_from,
        agreement_versions.effective_to,
        periods.currency,
        periods.monthly_fee,
        periods.fee_amount,
        periods.credit_cap_pct,
        periods.min_credit_amount,
        periods.maintenance_notice_seconds,
        objectives.objective_id,
        objectives.objective_order,
        objectives.objective_name,
        objectives.kind,
        objectives.service_id,
        objectives.priority,
        objectives.target,
        objectives.unit,
        objectives.is_higher_better,
        objectives.within_seconds,
        objectives.clock,
        objectives.calendar_id,
        objectives.min_downtime_minutes,
        objectives.min_responses,
    from periods
    inner join agreement_versions using (agreement_id, version)
    inner join objectives using (agreement_id, version)

)

select * from final
