-- one row per ticket x ticket objective (first_response, resolution) of the agreement version
-- in force at the ticket's creation: time on the objective's clock, pauses, deadline, verdict
-- and the period the ticket counts in. All clock arithmetic is in exact integer microseconds
-- (macros/clock_micros.sql); business time comes from cumulative working time, the working
-- interval of each instant (or reading) found by a hash join on its day (or its 4 working
-- hours) plus the interval's bounds: no asof join, whose sort of a million probes cost about
-- a second each (docs/benchmarks.md)
with

tickets as (

    select * from {{ ref('stg_landing__tickets') }}

),

ticket_events as (

    select * from {{ ref('stg_landing__ticket_events') }}

),

agreements as (

    select * from {{ ref('stg_definitions__agreements') }}

),

agreement_versions as (

    select * from {{ ref('stg_definitions__agreement_versions') }}

),

calendars as (

    select * from {{ ref('stg_definitions__calendars') }}

),

objectives as (

    select * from {{ ref('stg_definitions__objectives') }}

),

objective_pause_statuses as (

    select * from {{ ref('stg_definitions__objective_pause_statuses') }}

),

working_intervals as (

    select * from {{ ref('int_working_intervals_enumerated') }}

),

periods as (

    select * from {{ ref('int_agreement_periods_enumerated') }}

),

agreements_evaluated as (

    -- what the run knows: facts up to the end of its window (local midnight of
    -- run_period_end() in the agreement's zone); stops and status changes after it are not
    -- known yet. A counted ticket is then read again at the end of the period it counts in
    -- (read_at below), so that a period's figures do not depend on the run's range
    select
        agreements.agreement_id,
        agreements.period,
        agreements.period_months,
        calendars.timezone,
        {{ local_midnight_at('calendars.timezone', "'" ~ run_period_end() ~ "'") }}
            as evaluated_at,
    from agreements
    inner join calendars
        on agreements.calendar_id = calendars.calendar_id

),

intervals_sequenced as (

    -- an instant reads the working interval it falls in, or the last one before it (a night,
    -- a weekend): the interval holds the instants from its start to the next one's start
    select
        *,
        lead(start_at) over (partition by calendar_id order by start_at) as next_start_at,
    from working_intervals

),

intervals_last_day as (

    -- the last day an instant can be looked up on: every instant the clocks read (creation,
    -- stop, pause bounds, read_at) is at or before the run's evaluation time
    select
        greatest(
            (select max({{ utc_day_index('start_at') }}) from working_intervals),
            (select max({{ utc_day_index('evaluated_at') }}) from agreements_evaluated)
        ) as day_index,

),

intervals_by_day as (

    -- every UTC day on which an instant can read the interval: from its start to the next
    -- interval's start (the last interval: to intervals_last_day). held_until_at is a plain
    -- bound (no `or ... is null`): a disjunction in a left join's condition turns DuckDB's hash
    -- join into a nested loop
    select
        intervals_sequenced.*,
        coalesce(intervals_sequenced.next_start_at, {{ end_of_time() }})
            as held_until_at,
        {{ unnest_series(
            utc_day_index('intervals_sequenced.start_at'),
            'coalesce(' ~ utc_day_index('intervals_sequenced.next_start_at')
            ~ ', intervals_last_day.day_index)',
            '1',
        ) }} as day_index,
    from intervals_sequenced
    cross join intervals_last_day

),

intervals_by_reading as (

    -- every 4 working hours a clock reading in (micros_before, micros_before + working] can
    -- fall in: readings are contiguous, so each has one interval (none past the last one)
    select
        working_intervals.*,
        working_intervals.micros_before + working_intervals.working_seconds * 1000000
            as micros_until,
        {{ unnest_series(
            reading_index('working_intervals.micros_before'),
            reading_index(
                'working_intervals.micros_before + working_intervals.working_seconds * 1000000'
            ),
            '1',
        ) }} as reading_index,
    from working_intervals

),

versions_ranged as (

    -- a version is in force from its start until the next version starts or it ends, as UTC
    -- instants of local midnights: tickets are matched by instant, with no per-ticket time
    -- zone conversion
    select
        agreement_versions.agreement_id,
        agreement_versions.version,
        agreement_versions.effective_from,
        {{ local_midnight_at(
            'agreements_evaluated.timezone', 'agreement_versions.effective_from') }}
            as in_force_from_at,
        {{ local_midnight_at(
            'agreements_evaluated.timezone', version_in_force_until('agreement_versions')) }}
            as in_force_until_at,
    from agreement_versions
    inner join agreements_evaluated
        on agreement_versions.agreement_id = agreements_evaluated.agreement_id

),

local_months as (

    -- every local month from before the first version to after the evaluation, with its
    -- start (local midnight, as UTC) and the key of the agreement period holding it
    select
        agreement_id,
        month_start,
        {{ local_midnight_at('timezone', 'month_start') }} as month_start_at,
        {{ period_key('period', 'month_start') }} as period_key,
    from (
        select
            agreements_evaluated.agreement_id,
            agreements_evaluated.period,
            agreements_evaluated.timezone,
            {{ unnest_series(
                "cast(date_trunc('month', min(versions_ranged.effective_from)) as date)"
                ~ ' - interval 1 month',
                "cast('" ~ run_period_end() ~ "' as date) + interval 1 month",
                'interval 1 month',
                cast_as='date',
            ) }} as month_start,
        from agreements_evaluated
        inner join versions_ranged
            on agreements_evaluated.agreement_id = versions_ranged.agreement_id
        group by
            agreements_evaluated.agreement_id,
            agreements_evaluated.period,
            agreements_evaluated.timezone
    ) as months

),

utc_months as (

    -- an instant in UTC month m lies in local month m - 1, m or m + 1 (offsets are under a
    -- day): one equi-join on the UTC month and two comparisons place it, no time zone
    -- conversion per ticket
    select
        agreement_id,
        cast(month_start as timestamp) as utc_month,
        month_start_at,
        lead(month_start_at) over (
            partition by agreement_id order by month_start
        ) as next_month_start_at,
        lag(period_key) over (partition by agreement_id order by month_start) as previous_key,
        period_key,
        lead(period_key) over (partition by agreement_id order by month_start) as next_key,
    from local_months

),

tickets_versioned as (

    -- the version in force when the ticket was raised; the ticket is held to that version's
    -- objectives for its whole life, even when a new version starts before it is resolved
    select
        tickets.ticket_id,
        tickets.agreement_id,
        tickets.priority,
        tickets.created_at,
        tickets.first_response_at,
        tickets.resolved_at,
        agreements_evaluated.evaluated_at,
        versions_ranged.version,
    from tickets
    inner join agreements_evaluated
        on tickets.agreement_id = agreements_evaluated.agreement_id
    inner join versions_ranged
        on
            tickets.agreement_id = versions_ranged.agreement_id
            and tickets.created_at >= versions_ranged.in_force_from_at
            and (
                versions_ranged.in_force_until_at is null
                or tickets.created_at < versions_ranged.in_force_until_at
            )
    where tickets.created_at < agreements_evaluated.evaluated_at

),

ticket_objectives as (

    select
        tickets_versioned.agreement_id,
        tickets_versioned.version,
        objectives.objective_id,
        objectives.kind,
        tickets_versioned.ticket_id,
        tickets_versioned.priority,
        objectives.clock,
        objectives.calendar_id,
        tickets_versioned.evaluated_at,
        tickets_versioned.created_at,
        case objectives.kind
            when 'first_response' then tickets_versioned.first_response_at
            else tickets_versioned.resolved_at
        end as recorded_stop_at,
        objectives.within_seconds as allowed_seconds,
        objectives.within_seconds * 1000000 as allowed_micros,
    from tickets_versioned
    inner join objectives
        on
            tickets_versioned.agreement_id = objectives.agreement_id
            and tickets_versioned.version = objectives.version
            and tickets_versioned.priority = objectives.priority
            and objectives.kind in ('first_response', 'resolution')

),

ticket_objectives_bounded as (

    -- a stop after the evaluation time is not known yet; the clock then runs to evaluated_at
    select
        *,
        case when recorded_stop_at <= evaluated_at then recorded_stop_at end as stopped_at,
        greatest(
            created_at, least(coalesce(recorded_stop_at, evaluated_at), evaluated_at)
        ) as measured_until,
    from ticket_objectives

),

ticket_objectives_clocked as (

    -- a 24x7 clock reads epoch time; only business clocks need the calendar
    select
        *,
        {{ epoch_micros('created_at') }} as created_clock_micros,
        {{ epoch_micros('measured_until') }} as until_clock_micros,
    from ticket_objectives_bounded
    where clock = '24x7'

    -- the same columns in the same order in both branches
    union all

    select
        ticket_objectives_bounded.*,
        {{ clock_micros_at(
            'ticket_objectives_bounded.clock', 'created_interval',
            'ticket_objectives_bounded.created_at') }} as created_clock_micros,
        {{ clock_micros_at(
            'ticket_objectives_bounded.clock', 'until_interval',
            'ticket_objectives_bounded.measured_until') }} as until_clock_micros,
    from ticket_objectives_bounded
    {{ join_interval_at(
        'created_interval', 'ticket_objectives_bounded.calendar_id',
        'ticket_objectives_bounded.created_at') }}
    {{ join_interval_at(
        'until_interval', 'ticket_objectives_bounded.calendar_id',
        'ticket_objectives_bounded.measured_until') }}
    where ticket_objectives_bounded.clock = 'business'

),

paused_tickets as (

    -- only tickets held to an objective with pause statuses need their status history
    select distinct ticket_objectives_clocked.ticket_id,
    from ticket_objectives_clocked
    {{ semi_join() }} objective_pause_statuses
        on
            ticket_objectives_clocked.agreement_id = objective_pause_statuses.agreement_id
            and ticket_objectives_clocked.version = objective_pause_statuses.version
            and ticket_objectives_clocked.objective_id = objective_pause_statuses.objective_id

),

status_spans as (

    -- a status holds from its change until the ticket's next status change (or for ever);
    -- changes at the same instant are taken in landing order
    select
        ticket_events.ticket_id,
        ticket_events.status,
        ticket_events.changed_at as span_start_at,
        lead(ticket_events.changed_at) over (
            partition by ticket_events.ticket_id
            order by
                ticket_events.changed_at, ticket_events.source_file, ticket_events.source_row
        ) as span_end_at,
    from ticket_events
    {{ semi_join() }} paused_tickets
        on ticket_events.ticket_id = paused_tickets.ticket_id

),

pauses_bounded as (

    -- spans in one of the objective's pause statuses, cut to [created_at, measured_until]:
    -- a pause that never ends runs to the stop or the evaluation time
    select
        ticket_objectives_clocked.agreement_id,
        ticket_objectives_clocked.objective_id,
        ticket_objectives_clocked.ticket_id,
        ticket_objectives_clocked.clock,
        ticket_objectives_clocked.calendar_id,
        ticket_objectives_clocked.allowed_micros,
        ticket_objectives_clocked.created_clock_micros,
        greatest(status_spans.span_start_at, ticket_objectives_clocked.created_at)
            as pause_start_at,
        least(
            coalesce(status_spans.span_end_at, ticket_objectives_clocked.measured_until),
            ticket_objectives_clocked.measured_until
        ) as pause_end_at,
    from status_spans
    inner join ticket_objectives_clocked
        on status_spans.ticket_id = ticket_objectives_clocked.ticket_id
    inner join objective_pause_statuses
        on
            ticket_objectives_clocked.agreement_id = objective_pause_statuses.agreement_id
            and ticket_objectives_clocked.version = objective_pause_statuses.version
            and ticket_objectives_clocked.objective_id = objective_pause_statuses.objective_id
            and status_spans.status = objective_pause_statuses.status
    where
        status_spans.span_start_at < ticket_objectives_clocked.measured_until
        and coalesce(status_spans.span_end_at, ticket_objectives_clocked.measured_until)
        > ticket_objectives_clocked.created_at

),

pauses_clocked as (

    -- pauses are measured on the objective's own clock: a night inside a pause costs nothing
    select
        pauses_bounded.*,
        {{ clock_micros_at(
            'pauses_bounded.clock', 'start_interval', 'pauses_bounded.pause_start_at') }}
            as start_clock_micros,
        {{ clock_micros_at(
            'pauses_bounded.clock', 'end_interval', 'pauses_bounded.pause_end_at') }}
            as end_clock_micros,
    from pauses_bounded
    {{ join_interval_at(
        'start_interval', 'pauses_bounded.calendar_id', 'pauses_bounded.pause_start_at') }}
    {{ join_interval_at(
        'end_interval', 'pauses_bounded.calendar_id', 'pauses_bounded.pause_end_at') }}

),

pauses_accumulated as (

    -- running time already used when each pause starts: once it reaches the allowance, the
    -- deadline has passed and this and later pauses no longer move it
    select
        *,
        end_clock_micros - start_clock_micros as paused_micros,
        coalesce(sum(end_clock_micros - start_clock_micros) over (
            partition by agreement_id, objective_id, ticket_id
            order by pause_start_at
            rows between unbounded preceding and 1 preceding
        ), 0) as paused_before_micros,
    from pauses_clocked

),

pauses_summed as (

    select
        agreement_id,
        objective_id,
        ticket_id,
        cast(sum(paused_micros) as bigint) as paused_micros,
        cast(min(paused_before_micros) filter (
            where start_clock_micros - created_clock_micros - paused_before_micros
            >= allowed_micros
        ) as bigint) as paused_before_deadline_micros,
    from pauses_accumulated
    group by agreement_id, objective_id, ticket_id

),

clocks_measured as (

    select
        ticket_objectives_clocked.*,
        coalesce(pauses_summed.paused_micros, 0) as paused_micros,
        ticket_objectives_clocked.until_clock_micros
        - ticket_objectives_clocked.created_clock_micros
        - coalesce(pauses_summed.paused_micros, 0) as elapsed_micros,
        -- the clock reading at which the allowance runs out, counting the pauses before it
        ticket_objectives_clocked.created_clock_micros
        + ticket_objectives_clocked.allowed_micros
        + coalesce(
            pauses_summed.paused_before_deadline_micros, pauses_summed.paused_micros, 0
        ) as deadline_clock_micros,
    from ticket_objectives_clocked
    left join pauses_summed
        on
            ticket_objectives_clocked.agreement_id = pauses_summed.agreement_id
            and ticket_objectives_clocked.objective_id = pauses_summed.objective_id
            and ticket_objectives_clocked.ticket_id = pauses_summed.ticket_id

),

deadlines_found as (

    select
        *,
        {{ instant_of_micros('deadline_clock_micros') }} as deadline_at,
    from clocks_measured
    where clock = '24x7'

    -- the same columns in the same order in both branches
    union all

    select
        clocks_measured.*,
        {{ instant_at_clock_micros(
            'clocks_measured.clock', 'deadline_interval',
            'clocks_measured.deadline_clock_micros') }} as deadline_at,
    from clocks_measured
    {{ join_interval_reaching(
        'deadline_interval', 'clocks_measured.calendar_id',
        'clocks_measured.deadline_clock_micros') }}
    where clocks_measured.clock = 'business'

),

verdicts as (

    -- met: stopped within the allowance (exactly the allowance is met); breached: more than
    -- the allowance used, stopped or not. Met tickets count when they stop, breached ones
    -- when the allowance ran out; tickets still within their allowance are not counted yet.
    select
        *,
        stopped_at is not null and elapsed_micros <= allowed_micros as is_met,
        elapsed_micros > allowed_micros as is_breached,
    from deadlines_found

),

counted as (

    select
        *,
        case
            when is_met then stopped_at
            when is_breached then deadline_at
        end as counted_at,
    from verdicts

),

counted_in_period as (

    select
        counted.*,
        case
            when counted.counted_at < utc_months.month_start_at then utc_months.previous_key
            when counted.counted_at >= utc_months.next_month_start_at then utc_months.next_key
            else utc_months.period_key
        end as counted_period_key,
    from counted
    left join utc_months
        on
            counted.agreement_id = utc_months.agreement_id
            and date_trunc('month', counted.counted_at) = utc_months.utc_month

),

read_points as (

    -- a ticket is read at the end of the period it counts in (or at the run's end when that
    -- is earlier, or when it is not counted yet): the verdict and the period are those of the
    -- run's end (a stop or a deadline inside the period is known at its end), but a ticket
    -- still open at the period end shows the time used by then, whatever the run's range
    select
        counted_in_period.*,
        least(
            coalesce(periods.period_end_at, counted_in_period.evaluated_at),
            counted_in_period.evaluated_at
        ) as read_at,
    from counted_in_period
    left join periods
        on
            counted_in_period.agreement_id = periods.agreement_id
            and counted_in_period.counted_period_key = periods.period_key

),

reads_open_at_period_end as (

    -- the few counted tickets measured past their period's end (breached, stopped later or
    -- still open): the clock reading at read_at
    select
        read_points.agreement_id,
        read_points.objective_id,
        read_points.ticket_id,
        read_points.read_at,
        {{ clock_micros_at('read_points.clock', 'read_interval', 'read_points.read_at') }}
            as read_clock_micros,
    from read_points
    {{ join_interval_at(
        'read_interval', 'read_points.calendar_id', 'read_points.read_at') }}
    where read_points.measured_until > read_points.read_at

),

pauses_at_read as (

    -- pauses up to read_at: the clock is monotonic, so a pause cut at read_at ends at
    -- least(its end reading, the reading at read_at), with no further asof join
    select
        pauses_clocked.agreement_id,
        pauses_clocked.objective_id,
        pauses_clocked.ticket_id,
        cast(sum(
            least(pauses_clocked.end_clock_micros, reads_open_at_period_end.read_clock_micros)
            - pauses_clocked.start_clock_micros
        ) as bigint) as paused_micros,
    from pauses_clocked
    inner join reads_open_at_period_end
        on
            pauses_clocked.agreement_id = reads_open_at_period_end.agreement_id
            and pauses_clocked.objective_id = reads_open_at_period_end.objective_id
            and pauses_clocked.ticket_id = reads_open_at_period_end.ticket_id
    where pauses_clocked.pause_start_at < reads_open_at_period_end.read_at
    group by
        pauses_clocked.agreement_id,
        pauses_clocked.objective_id,
        pauses_clocked.ticket_id

),

read_at_period_end as (

    select
        -- read_points with the four columns read at read_at replaced (final names its columns)
        {{ star_except(
            ['stopped_at', 'elapsed_micros', 'paused_micros', 'evaluated_at'], 'read_points'
        ) }},
        case
            when reads_open_at_period_end.ticket_id is null then read_points.stopped_at
        end as stopped_at,
        coalesce(
            reads_open_at_period_end.read_clock_micros
            - read_points.created_clock_micros
            - coalesce(pauses_at_read.paused_micros, 0),
            read_points.elapsed_micros
        ) as elapsed_micros,
        case
            when reads_open_at_period_end.ticket_id is null then read_points.paused_micros
            else coalesce(pauses_at_read.paused_micros, 0)
        end as paused_micros,
        read_points.read_at as evaluated_at,
    from read_points
    left join reads_open_at_period_end
        on
            read_points.agreement_id = reads_open_at_period_end.agreement_id
            and read_points.objective_id = reads_open_at_period_end.objective_id
            and read_points.ticket_id = reads_open_at_period_end.ticket_id
    left join pauses_at_read
        on
            read_points.agreement_id = pauses_at_read.agreement_id
            and read_points.objective_id = pauses_at_read.objective_id
            and read_points.ticket_id = pauses_at_read.ticket_id

),

final as (

    select
        agreement_id,
        version,
        objective_id,
        kind,
        ticket_id,
        priority,
        clock,
        calendar_id,
        created_at,
        stopped_at,
        deadline_at,
        evaluated_at,
        counted_at,
        allowed_seconds,
        {{ micros_to_seconds('elapsed_micros') }} as elapsed_seconds,
        {{ micros_to_seconds('paused_micros') }} as paused_seconds,
        is_met,
        is_breached,
        counted_period_key,
        {{ micros_to_seconds('greatest(elapsed_micros - allowed_micros, 0)') }}
            as overrun_seconds,
        elapsed_micros,
        paused_micros,
    from read_at_period_end

)

select * from final
