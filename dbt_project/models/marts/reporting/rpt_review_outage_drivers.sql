-- what drove a breached availability or latency objective: the 5 longest outages of its
-- service overlapping any of its breached periods in the review window (longest first)
with

breached as (

    select * from {{ ref('rpt_review_breached_objectives') }}
    where kind in ('availability', 'latency_p95') and service_id is not null

),

outages as (

    select * from {{ ref('outages') }}

),

drivers as (

    select distinct
        breached.agreement_id,
        breached.review_period_key,
        breached.objective_id,
        outages.*,
    from breached
    inner join outages
        on
            breached.service_id = outages.service_id
            and breached.period_end > outages.started_at
            and breached.period_start < outages.ended_at

),

final as (

    select
        *,
        row_number() over (
            partition by agreement_id, review_period_key, objective_id
            order by down_minutes desc, started_at asc
        ) as driver_rank,
    from drivers
    qualify driver_rank <= 5

)

select * from final
