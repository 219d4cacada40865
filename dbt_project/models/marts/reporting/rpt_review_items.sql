-- the action items a review pack carries forward: the agreement's open and in-progress items
with

review_items as (

    select * from {{ ref('stg_definitions__review_items') }}

),

final as (

    select * from review_items
    where status in ('open', 'in_progress')

)

select * from final
