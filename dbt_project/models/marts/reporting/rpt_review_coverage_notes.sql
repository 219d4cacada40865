-- the review pack's coverage notes: the scorecard rows measured on incomplete data (coverage
-- below 100 %) or without enough data for a status
with

scores as (

    select * from {{ ref('rpt_review_scores') }}

),

final as (

    select {{ star_except(['within_seconds', 'clock']) }} from scores
    where status = 'insufficient_data' or coverage_pct < 100

)

select * from final
