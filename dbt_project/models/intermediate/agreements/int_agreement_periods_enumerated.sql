-- one row per agreement x period with the agreement version in force at the period's start;
-- periods run from the first version's start to the last period complete by run_period_end()
with

agreements as (

    select * from {{ ref('stg_definitions__agreements') }}

),

agreement_versions as (

    select * from {{ ref('stg_definitions__agreement_versions') }}

),

calendars as (

    select * from {{ ref('stg_definitions__calendars') }}

),

versions_ranged as (

    -- a version is in force from its start until the next version starts or it ends: the
    -- latest version started by a date is the one in force, unless it has ended
    select
        *,
        {{ version_in_force_until('agreement_versions') }} as in_force_until,
    from agreement_versions

),

first_period_starts as (

    -- the period grid starts in January: a quarterly agreement's periods are calendar quarters
    select
        agreements.agreement_id,
        make_date(
            year(min(agreement_versions.effective_from)),
            {{ int_div(
                '(month(min(agreement_versions.effective_from)) - 1)', 'agreements.period_months'
            ) }} * agreements.period_months + 1,
            1
        ) as first_period_start,
    from agreements
    inner join agreement_versions
        on agreements.agreement_id = agreement_versions.agreement_id
    group by agreements.agreement_id, agreements.period_months

),

periods_enumerated as (

    -- only complete periods: the last one ends on or before the run window's end
    select
        agreements.agreement_id,
        agreements.period,
        agreements.period_months,
        agreements.currency,
        agreements.calendar_id,
        {{ unnest_series(
            'first_period_starts.first_period_start',
            "cast('" ~ run_period_end() ~ "' as date) - " ~ months('agreements.period_months'),
            months('agreements.period_months'),
            cast_as='date',
        ) }} as period_start,
    from agreements
    inner join first_period_starts
        on agreements.agreement_id = first_period_starts.agreement_id

),

periods_indexed as (

    -- the ordinal counts every calendar period, so chronic-breach windows span version gaps
    select
        *,
        cast(period_start + {{ months('period_months') }} as date) as period_end,
        row_number() over (
            partition by agreement_id order by period_start
        ) as period_index,
    from periods_enumerated

),

versions_in_force as (

    select
        periods_indexed.*,
        versions_ranged.version,
        versions_ranged.monthly_fee,
        versions_ranged.credit_cap_pct,
        versions_ranged.min_credit_amount,
        versions_ranged.maintenance_notice_seconds,
        versions_ranged.chronic_breaches,
        versions_ranged.chronic_within_periods,
    from periods_indexed
    inner join versions_ranged
        on
            periods_indexed.agreement_id = versions_ranged.agreement_id
            and periods_indexed.period_start >= versions_ranged.effective_from
            and (
                versions_ranged.in_force_until is null
                or periods_indexed.period_start < versions_ranged.in_force_until
            )

),

final as (

    select
        versions_in_force.agreement_id,
        {{ period_key('versions_in_force.period', 'versions_in_force.period_start') }}
            as period_key,
        versions_in_force.period_start,
        versions_in_force.period_end,
        -- local midnight in the calendar's zone, as naive UTC
        {{ local_midnight_at('calendars.timezone', 'versions_in_force.period_start') }}
            as period_start_at,
        {{ local_midnight_at('calendars.timezone', 'versions_in_force.period_end') }}
            as period_end_at,
        versions_in_force.period,
        versions_in_force.period_months,
        versions_in_force.version,
        versions_in_force.currency,
        versions_in_force.calendar_id,
        calendars.timezone,
        versions_in_force.monthly_fee,
        cast(
            versions_in_force.monthly_fee * versions_in_force.period_months as decimal(18, 2)
        ) as fee_amount,
        versions_in_force.credit_cap_pct,
        versions_in_force.min_credit_amount,
        versions_in_force.maintenance_notice_seconds,
        versions_in_force.chronic_breaches,
        versions_in_force.chronic_within_periods,
        versions_in_force.period_index,
        -- periods that close inside this run's window: the ones a run publishes
        versions_in_force.period_end > cast('{{ run_period_start() }}' as date)
            as is_in_run_window,
    from versions_in_force
    inner join calendars
        on versions_in_force.calendar_id = calendars.calendar_id

)

select * from final
