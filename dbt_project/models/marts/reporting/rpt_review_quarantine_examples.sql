-- the review pack's data-quality examples: the first 8 quarantined rows touching each review,
-- by source, file and row
with

quarantined as (

    select * from {{ ref('rpt_review_quarantine') }}

),

final as (

    select
        *,
        row_number() over (
            partition by agreement_id, review_period_key
            order by source, source_file, source_row
        ) as example_rank,
    from quarantined
    qualify example_rank <= 8

)

select * from final
