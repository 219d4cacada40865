-- the review pack's data-quality counts: per review, source and reason code the quarantined
-- rows touching the review, with the reason text of the first of them (the text may name rows:
-- "the first" keeps the pack the same from run to run) and the review's total
with

quarantined as (

    select * from {{ ref('rpt_review_quarantine') }}

),

final as (

    select
        agreement_id,
        review_period_key,
        source,
        reason_code,
        reason,
        count(*) over by_reason as row_count,
        count(*) over (partition by agreement_id, review_period_key) as review_row_count,
    from quarantined
    window by_reason as (partition by agreement_id, review_period_key, source, reason_code)
    -- the window spelled out: Spark cannot extend a named window with an order
    qualify row_number() over (
        partition by agreement_id, review_period_key, source, reason_code
        order by source_file, source_row
    ) = 1

)

select * from final
