-- a row returned = an outage run that overlaps another run of the same service, or whose
-- minutes disagree with the down minutes it was built from
-- the Dagster check of the model it verifies (several refs: dagster-dbt needs it named)
{{ config(meta={'dagster': {'ref': {'name': 'outages'}}}) }}

with

outages as (

    select * from {{ ref('outages') }}

),

down_minutes as (

    select * from {{ ref('int_service_down_minutes_grouped') }}

),

overlapping as (

    select
        earlier.service_id,
        earlier.started_at,
    from outages as earlier
    inner join outages as later
        on
            earlier.service_id = later.service_id
            and earlier.started_at < later.started_at
            and earlier.ended_at >= later.started_at

),

miscounted as (

    select
        outages.service_id,
        outages.started_at,
    from outages
    left join down_minutes
        on
            outages.service_id = down_minutes.service_id
            and outages.started_at <= down_minutes.minute_at
            and outages.ended_at > down_minutes.minute_at
    group by outages.service_id, outages.started_at, outages.down_minutes
    having count(down_minutes.minute_at) != outages.down_minutes

),

final as (

    select * from overlapping
    union all
    select * from miscounted

)

select * from final
