-- the agreement versions in force in some period of each review window (the pack's header)
with

versions as (

    select * from {{ ref('stg_definitions__agreement_versions') }}

),

versions_used as (

    select distinct
        agreement_id,
        review_period_key,
        version,
    from {{ ref('rpt_review_scores') }}

),

final as (

    select
        versions_used.review_period_key,
        versions.*,
    from versions_used
    inner join versions using (agreement_id, version)

)

select * from final
