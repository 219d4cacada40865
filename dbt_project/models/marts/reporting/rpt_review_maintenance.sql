-- the maintenance windows overlapping the periods of each review, with notice and exclusion
with

reviews as (

    select * from {{ ref('rpt_reviews') }}

),

maintenance_windows as (

    select * from {{ ref('maintenance_windows') }}

),

final as (

    select
        reviews.review_period_key,
        maintenance_windows.*,
    from reviews
    inner join maintenance_windows
        on
            reviews.agreement_id = maintenance_windows.agreement_id
            and {{ list_has('reviews.period_keys', 'maintenance_windows.period_key') }}

)

select * from final
