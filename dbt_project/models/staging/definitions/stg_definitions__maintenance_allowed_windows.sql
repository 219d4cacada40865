-- one row per agreement version x allowed maintenance window x local day piece: a window
-- across midnight is two pieces (its start day to 24:00, the next day from 00:00); minutes
-- after local midnight in the agreement calendar's zone
with

source as (

    select * from {{ source('definitions', 'maintenance_allowed_windows') }}

),

final as (

    select
        agreement_id,
        version,
        window_index,
        iso_dow,
        start_minute,
        end_minute,
    from source

)

select * from final
