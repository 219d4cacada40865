-- a row returned = an objective credited although its data was insufficient, or credited
-- without its actual crossing the applied tier's threshold strictly
with

objective_credits as (

    select * from {{ ref('objective_credits') }}

),

final as (

    select *
    from objective_credits
    where
        credit_amount_uncapped > 0
        and (
            status = 'insufficient_data'
            or tier_rank is null
            or (tier_comparator = 'below' and not actual < tier_threshold)
            or (tier_comparator = 'above' and not actual > tier_threshold)
        )

)

select * from final
