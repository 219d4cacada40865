-- what drove a breached response or resolution objective: the 5 breached tickets with the
-- largest overrun counted in its breached periods of the review window (largest first)
with

breached as (

    select * from {{ ref('rpt_review_breached_objectives') }}
    where kind in ('first_response', 'resolution')

),

ticket_clocks as (

    select * from {{ ref('ticket_clocks') }}
    where is_breached

),

drivers as (

    select
        breached.review_period_key,
        ticket_clocks.*,
    from breached
    inner join ticket_clocks
        on
            breached.agreement_id = ticket_clocks.agreement_id
            and breached.objective_id = ticket_clocks.objective_id
            and breached.period_key = ticket_clocks.counted_period_key

),

final as (

    select
        *,
        row_number() over (
            partition by agreement_id, review_period_key, objective_id
            order by overrun_seconds desc, ticket_id asc
        ) as driver_rank,
    from drivers
    qualify driver_rank <= 5

)

select * from final
