-- the credit tiers of each objective in force for a period, in the agreement's order
{{ config(materialized=mart_view()) }}

with

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

credit_tiers as (

    select * from {{ ref('stg_definitions__credit_tiers') }}

),

final as (

    select
        periods.agreement_id,
        periods.period_key,
        credit_tiers.objective_id,
        credit_tiers.tier_rank,
        credit_tiers.comparator,
        credit_tiers.threshold,
        credit_tiers.credit_pct,
    from periods
    inner join credit_tiers using (agreement_id, version)

)

select * from final
