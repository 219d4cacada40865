-- one row per review x objective breached in at least one period of the review window, with the
-- objective's terms as the scorecard shows them (the kind of its first period in the window,
-- the service of its latest: a new version may move it) and its breached periods
with

scores as (

    select * from {{ ref('rpt_review_scores') }}

),

terms as (

    select
        agreement_id,
        review_period_key,
        objective_id,
        first_value(kind) over by_period as kind,
        last_value(service_id) over by_period as service_id,
    from scores
    window
        by_period as (
            partition by agreement_id, review_period_key, objective_id
            order by period_key
            rows between unbounded preceding and unbounded following
        )
    -- row_number takes no frame on Spark: the partition and order of by_period, spelled out
    qualify row_number() over (
        partition by agreement_id, review_period_key, objective_id order by period_key
    ) = 1

),

breached_periods as (

    select
        agreement_id,
        review_period_key,
        objective_id,
        period_key,
        period_start,
        period_end,
    from scores
    where status = 'breached'

),

final as (

    select
        breached_periods.agreement_id,
        breached_periods.review_period_key,
        breached_periods.objective_id,
        terms.kind,
        terms.service_id,
        breached_periods.period_key,
        breached_periods.period_start,
        breached_periods.period_end,
    from breached_periods
    inner join terms using (agreement_id, review_period_key, objective_id)

)

select * from final
