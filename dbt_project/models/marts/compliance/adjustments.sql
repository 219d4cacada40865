-- one row per adjustment item with its status (applied, refused, disputed) and why: the
-- adjustments and exclusions ledger that the review pack, `sla explain` and `sla status` read
with

assessed as (

    select * from {{ ref('int_adjustments_assessed') }}

),

final as (

    select
        adjustment_id,
        agreement_id,
        period_key,
        objective_id,
        scope,
        ticket_id,
        window_start_at,
        window_end_at,
        category,
        status,
        status_reason,
        reason,
        approved_by,
        approved_at,
        evidence,
        entry_order,
    from assessed

)

select * from final
