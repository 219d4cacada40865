-- the quarantined rows that touch each review: tickets of its agreement, ticket events of those
-- tickets (loaded or quarantined themselves) and probes and maintenance of the services its
-- objectives measure, placed inside the review window by their event time. Rows whose time
-- cannot be read are included: they may belong here.
with

quarantined_rows as (

    select * from {{ ref('int_quarantined_rows_attributed') }}

),

reviews as (

    select
        agreement_id,
        review_period_key,
        review_start,
        review_end,
    from {{ ref('rpt_reviews') }}

),

review_services as (

    select distinct
        agreement_id,
        review_period_key,
        service_id,
    from {{ ref('rpt_review_scores') }}
    where service_id is not null

),

rows_of_reviews as (

    select
        reviews.agreement_id,
        reviews.review_period_key,
        reviews.review_start,
        reviews.review_end,
        -- the review's agreement: a quarantined row's own (null for a service's rows) is left out
        {{ star_except(['agreement_id'], 'quarantined_rows') }},
    from quarantined_rows
    inner join reviews on quarantined_rows.agreement_id = reviews.agreement_id
    union all
    select
        reviews.agreement_id,
        reviews.review_period_key,
        reviews.review_start,
        reviews.review_end,
        -- the review's agreement: a quarantined row's own (null for a service's rows) is left out
        {{ star_except(['agreement_id'], 'quarantined_rows') }},
    from quarantined_rows
    inner join review_services on quarantined_rows.service_id = review_services.service_id
    inner join reviews
        on
            review_services.agreement_id = reviews.agreement_id
            and review_services.review_period_key = reviews.review_period_key

),

final as (

    select
        agreement_id,
        review_period_key,
        source,
        source_file,
        source_row,
        reason_code,
        reason,
    from rows_of_reviews
    where event_at is null or (event_at >= review_start and event_at < review_end)

)

select * from final
