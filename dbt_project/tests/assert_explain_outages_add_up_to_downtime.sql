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
    where kind = 'availability' and down_minutes is not null

),

minutes_signed as (

    -- the counted downtime minus the outages' counted minutes, per objective period
    select
        agreement_id,
        period_key,
        objective_id,
        down_minutes as minutes,
    from objective_periods
    union all
    select
        outages.agreement_id,
        outages.period_key,
        outages.objective_id,
        -outages.counted_down_minutes as minutes,
    from outages
    semi join objective_periods using (agreement_id, period_key, objective_id)

),

final as (

    select
        agreement_id,
        period_key,
        objective_id,
        sum(minutes) as unexplained_down_minutes,
    from minutes_signed
    group by 1, 2, 3
    having sum(minutes) != 0

)

select * from final
