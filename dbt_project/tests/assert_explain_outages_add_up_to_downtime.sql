-- a row returned = an availability objective's period whose outages, as `sla explain` lists
-- them (rpt_explain_outages), do not add up to the downtime the compliance mart counted
-- the Dagster check of the model it verifies (several refs: dagster-dbt needs it named)
{{ config(meta={'dagster': {'ref': {'name': 'rpt_explain_outages'}}}) }}

with

outages as (

    select * from {{ ref('rpt_explain_outages') }}

),

objective_periods as (

    select * from {{ ref('objective_periods') }}

),

outages_summed as (

    select
        agreement_id,
        period_key,
        objective_id,
        sum(counted_down_minutes) as counted_down_minutes,
    from outages
    group by 1, 2, 3

),

final as (

    select
        objective_periods.agreement_id,
        objective_periods.period_key,
        objective_periods.objective_id,
        objective_periods.down_minutes,
        outages_summed.counted_down_minutes,
    from objective_periods
    left join outages_summed
        on
            objective_periods.agreement_id = outages_summed.agreement_id
            and objective_periods.period_key = outages_summed.period_key
            and objective_periods.objective_id = outages_summed.objective_id
    where
        objective_periods.kind = 'availability'
        and objective_periods.down_minutes is not null
        and coalesce(outages_summed.counted_down_minutes, 0) != objective_periods.down_minutes

)

select * from final
