-- one row per agreement: the review pack's cover (parties, cadence, responsibilities, escalation,
-- the agreement's own record) (the staging model's columns and the last day notice can be given
-- to end or not renew the term; the contract in _reporting__models.yml states the columns)
with

agreements as (

    select * from {{ ref('stg_definitions__agreements') }}

),

final as (

    select
        *,
        cast(term_end - {{ days('term_notice_days') }} as date) as term_notice_by,
    from agreements

)

select * from final
