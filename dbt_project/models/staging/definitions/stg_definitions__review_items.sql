with

source as (

    select * from {{ source('definitions', 'review_items') }}

),

final as (

    select
        agreement_id,
        item_index,
        description,
        owner,
        target_date,
        status,
        raised_on,
    from source

)

select * from final
