-- a row returned = an objective of the version in force for a spine period that has no row in
-- the compliance table (every objective must be reported, even without data)
-- the Dagster check of the model it verifies (several refs: dagster-dbt needs it named)
{{ config(meta={'dagster': {'ref': {'name': 'objective_periods'}}}) }}

with

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

objectives as (

    select * from {{ ref('stg_definitions__objectives') }}

),

compliance as (

    select * from {{ ref('objective_periods') }}

),

expected as (

    select
        periods.agreement_id,
        periods.period_key,
        objectives.objective_id,
    from periods
    inner join objectives using (agreement_id, version)

),

final as (

    select expected.*
    from expected
    left join compliance using (agreement_id, period_key, objective_id)
    where compliance.objective_id is null

)

select * from final
