-- one row per reported outage of a service (landing source downtime_windows: the outage-trace
-- adapter, docs/adapters.md), with whether it counts as down under the deliverer's
-- partial-outage rule (an empty is_down: it does)
with

source as (

    select * from {{ source('raw', 'downtime_windows') }}

),

final as (

    select
        service_id,
        started_at,
        ended_at,
        severity,
        coalesce(is_down, true) as is_down,
        source_ref,
        source_file,
        source_row,
    from source

)

select * from final
