-- one row per agreement x period x service x maintenance window overlapping the period, with
-- the notice given and whether the window is excluded from agreed time
with

windows as (

    select * from {{ ref('int_maintenance_windows_assessed') }}

),

final as (

    select
        windows.agreement_id,
        windows.period_key,
        windows.version,
        windows.service_id,
        windows.starts_at,
        windows.ends_at,
        windows.announced_at,
        windows.notice_seconds,
        windows.required_notice_seconds,
        windows.is_excluded,
    from windows

)

select * from final
