"""Data-quality gates on the raw tables: Great Expectations suites run as Dagster asset checks.

ERROR checks are ``blocking``: a failure means a KPI computed downstream would be wrong even after
quarantine (a duplicated key double-counts a ticket, a missing source or a probe feed that went
dark turns into a made-up compliance figure), so the dbt models do not run and nothing publishes.
WARN checks make defects visible that quarantine already contained (rejected files, quarantined
rows) or that the KPI layer handles itself (a day with thin probe coverage becomes
``insufficient_data`` downstream, never uptime).

Every check validates a small projection that DuckDB computes from the raw table (one row per
offending key, per day, per file): pulling a month of probes (tens of millions of rows) into
pandas for GX would cost minutes and gigabytes, and the projection answers the same question. The
partition window (the agreement month, or the run's range of months) selects the rows a check
looks at; file-level checks look at the whole manifest. docs/data_quality.md lists them.
"""

# no `from __future__ import annotations`: Dagster reads the check's context annotation at runtime

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import dagster as dg
import duckdb

from orchestration.defs.ingest.expectations import Expect, Validation, validate
from orchestration.defs.ingest.sources import PROBES, SOURCES, TICKETS, LandingSource
from orchestration.defs.partitions import monthly_partitions
from orchestration.defs.resources import SlaPaths

if TYPE_CHECKING:
    import pandas as pd

# a monitored service whose probes cover less than this share of the minutes up to the newest
# probe of the period has a feed that went dark: its availability would be computed from a
# fraction of the period. Overridable for a deployment with sparser probing.
COVERAGE_FLOOR_PCT = float(os.environ.get("SLA_PROBE_COVERAGE_FLOOR_PCT", "50"))
# a service-day below this share of minutes probed is shown (WARN): its minutes are unknown
DAILY_COVERAGE_WARN_PCT = 99.0
# no new rows for this many days before the period end (or now, mid-period) looks like a
# delivery that stopped rather than a quiet week
STALE_AFTER_DAYS = 2

Window = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Projection:
    frame: "pd.DataFrame"
    expectations: list[Expect]
    metadata: dict[str, Any]


@dataclass(frozen=True)
class CheckSpec:
    name: str
    description: str
    severity: dg.AssetCheckSeverity
    sources: tuple[str, ...]
    project: Callable[[duckdb.DuckDBPyConnection, LandingSource, Window, dt.datetime], Projection]

    @property
    def blocking(self) -> bool:
        return self.severity == dg.AssetCheckSeverity.ERROR


def _key_text(source: LandingSource, prefix: str = "") -> str:
    return (
        "concat_ws(' | ', "
        + ", ".join(f"coalesce(cast({prefix}{k} as varchar), '(empty)')" for k in source.key)
        + ")"
    )


def unique_keys(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, window: Window, now: dt.datetime
) -> Projection:
    # DuckDB groups the period's rows by key and keeps the keys seen more than once, each
    # repeated as often as it occurs; GX checks uniqueness of that projection, which holds
    # exactly when the table's keys are unique, without pandas ever holding the table
    keys = ", ".join(source.key)
    frame = connection.execute(
        f"""
        with duplicated as (
            select {_key_text(source)} as key, count(*) as occurrences
            from raw.{source.name}
            where {source.event_time} >= ? and {source.event_time} < ?
            group by {keys}
            having count(*) > 1
        )
        select key from duplicated, range(occurrences)
        order by key
        """,
        list(window),
    ).df()
    return Projection(
        frame,
        [Expect("ExpectColumnValuesToBeUnique", column="key")],
        {"key": ", ".join(source.key), "duplicated_keys": int(frame["key"].nunique())},
    )


# which objective kinds are measured from which source: a source no objective reads is optional
KINDS_READING = {
    PROBES.name: ("availability", "latency_p95"),
    TICKETS.name: ("first_response", "resolution", "csat"),
}


def _objectives_reading(connection: duckdb.DuckDBPyConnection, source: LandingSource) -> int:
    kinds = KINDS_READING.get(source.name, ())
    if not kinds or not _has_table(connection, "definitions", "objectives"):
        return 0
    return connection.execute(
        "select count(*) from definitions.objectives where list_contains(?, kind)", [list(kinds)]
    ).fetchone()[0]


def has_rows_for_period(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, window: Window, now: dt.datetime
) -> Projection:
    # required only when some objective is measured from this source: an agreement with ticket
    # objectives only needs no probes, and the reverse
    readers = _objectives_reading(connection, source)
    frame = connection.execute(
        f"""
        select cast({source.event_time} as date) as day, count(*) as row_count
        from raw.{source.name}
        where {source.event_time} >= ? and {source.event_time} < ?
        group by 1 order by 1
        """,
        list(window),
    ).df()
    return Projection(
        frame,
        [Expect("ExpectTableRowCountToBeBetween", min_value=1 if readers else 0)],
        {
            "days_with_rows": len(frame),
            "rows_in_period": int(frame["row_count"].sum()),
            "objectives_reading_source": readers,
        },
    )


def rows_reconcile(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, window: Window, now: dt.datetime
) -> Projection:
    # per file: the manifest's equation, and the tables agreeing with the manifest (a row in raw
    # or quarantine that no manifest entry accounts for shows up as a mismatch as well)
    frame = connection.execute(
        f"""
        with manifest as (
            select file_path, rows_read, rows_loaded, rows_quarantined
            from raw.landing_files where source = ?
        ),
        loaded as (select source_file, count(*) as n from raw.{source.name} group by 1),
        quarantined as (select source_file, count(*) as n from quarantine.{source.name} group by 1),
        files as (
            select file_path from manifest
            union select source_file from loaded
            union select source_file from quarantined
        )
        select files.file_path,
            coalesce(m.rows_read - m.rows_loaded - m.rows_quarantined, 0) as unaccounted_rows,
            coalesce(l.n, 0) - coalesce(m.rows_loaded, 0) as loaded_mismatch,
            coalesce(q.n, 0) - coalesce(m.rows_quarantined, 0) as quarantined_mismatch
        from files
        left join manifest as m on m.file_path = files.file_path
        left join loaded as l on l.source_file = files.file_path
        left join quarantined as q on q.source_file = files.file_path
        order by 1
        """,
        [source.name],
    ).df()
    columns = ["unaccounted_rows", "loaded_mismatch", "quarantined_mismatch"]
    off = frame[(frame[columns] != 0).any(axis=1)]
    return Projection(
        frame,
        [
            Expect("ExpectColumnValuesToBeBetween", column=c, min_value=0, max_value=0)
            for c in columns
        ],
        {"files": len(frame), "files_not_reconciled": off["file_path"].tolist()[:10]},
    )


def no_rejected_files(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, window: Window, now: dt.datetime
) -> Projection:
    frame = connection.execute(
        """
        select file_path,
            case when status = 'rejected' then file_path || ': ' || message end as rejected_file
        from raw.landing_files where source = ? order by 1
        """,
        [source.name],
    ).df()
    return Projection(
        frame,
        [Expect("ExpectColumnValuesToBeNull", column="rejected_file")],
        {"files": len(frame)},
    )


def quarantined_rows(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, window: Window, now: dt.datetime
) -> Projection:
    # a quarantined row belongs to the period by its event time as delivered; one whose time
    # cannot be read could belong to any period and is shown in every one
    event = source.event_time
    frame = connection.execute(
        f"""
        with placed as (
            select reason_code,
                timezone('UTC', try_cast(trim({event}) as timestamptz)) as placed_at
            from quarantine.{source.name}
        )
        select reason_code, count(*) as row_count,
            reason_code || ': ' || count(*) || ' row(s)' as quarantined
        from placed
        where placed_at is null or (placed_at >= ? and placed_at < ?)
        group by 1 order by 2 desc, 1
        """,
        list(window),
    ).df()
    return Projection(
        frame,
        [Expect("ExpectColumnValuesToBeNull", column="quarantined")],
        {
            "rows_quarantined": int(frame["row_count"].sum()),
            "by_reason": dg.MetadataValue.json(
                {r: int(n) for r, n in zip(frame["reason_code"], frame["row_count"], strict=True)}
            ),
        },
    )


def _probe_horizon(connection: duckdb.DuckDBPyConnection, window: Window) -> dt.datetime | None:
    """The minute after the newest probe of the window: coverage is judged up to there."""
    latest = connection.execute(
        "select max(checked_at) from raw.probes where checked_at >= ? and checked_at < ?",
        list(window),
    ).fetchone()[0]
    if latest is None:
        return None
    return min(window[1], latest.replace(second=0, microsecond=0) + dt.timedelta(minutes=1))


def coverage_floor(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, window: Window, now: dt.datetime
) -> Projection:
    # Judged per service from its first probe in the period to the newest probe of any service:
    # a feed that stops on the 10th while others go on fails; a month that is not over, a feed
    # that started mid-month, or a small test landing does not. A source with no probes at all
    # fails has_rows_for_period instead, and a stale feed shows in landing_freshness.
    horizon = _probe_horizon(connection, window)
    frame = connection.execute(
        """
        with covered as (
            select
                service_id,
                date_trunc('minute', min(checked_at)) as first_minute,
                count(distinct date_trunc('minute', checked_at)) as minutes,
            from raw.probes where checked_at >= $start and checked_at < $horizon
            group by 1
        )
        select service_id, minutes as covered_minutes,
            datediff('minute', first_minute, $horizon) as window_minutes,
            round(100.0 * minutes / greatest(datediff('minute', first_minute, $horizon), 1), 3)
                as coverage_pct
        from covered
        where $horizon is not null
        order by coverage_pct, service_id
        """,
        {"start": window[0], "horizon": horizon},
    ).df()
    return Projection(
        frame,
        [
            Expect(
                "ExpectColumnValuesToBeBetween", column="coverage_pct", min_value=COVERAGE_FLOOR_PCT
            )
        ],
        {
            "floor_pct": COVERAGE_FLOOR_PCT,
            "judged_until": str(horizon),
            "coverage": dg.MetadataValue.md(_md_table(frame)),
        },
    )


def daily_coverage(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, window: Window, now: dt.datetime
) -> Projection:
    # every day of the period up to now, for every service probed or named by an availability
    # or latency objective: a minute with no probe result is unknown, and shown here
    until = min(window[1], now)
    objective_services = (
        "union select service_id from definitions.objectives "
        "where kind in ('availability', 'latency_p95') and service_id is not null"
        if _has_table(connection, "definitions", "objectives")
        else ""
    )
    frame = connection.execute(
        f"""
        with services as (select distinct service_id from raw.probes {objective_services}),
        days as (
            select day_start, least(day_start + interval 1 day, $until) as day_end
            from (
                select unnest(generate_series($start, $until - interval 1 second,
                    interval 1 day)) as day_start
            )
        ),
        covered as (
            select service_id, date_trunc('day', checked_at) as day_start,
                count(distinct date_trunc('minute', checked_at)) as minutes
            from raw.probes where checked_at >= $start and checked_at < $until
            group by 1, 2
        )
        select services.service_id, cast(days.day_start as date) as day,
            coalesce(covered.minutes, 0) as covered_minutes,
            datediff('minute', days.day_start, days.day_end) - coalesce(covered.minutes, 0)
                as unprobed_minutes,
            round(100.0 * coalesce(covered.minutes, 0)
                / datediff('minute', days.day_start, days.day_end), 3) as coverage_pct
        from services cross join days
        left join covered
            on covered.service_id = services.service_id and covered.day_start = days.day_start
        order by coverage_pct, services.service_id, day
        """,
        {"start": window[0], "until": until},
    ).df()
    return Projection(
        frame,
        [
            Expect(
                "ExpectColumnValuesToBeBetween",
                column="coverage_pct",
                min_value=DAILY_COVERAGE_WARN_PCT,
            )
        ],
        {
            "threshold_pct": DAILY_COVERAGE_WARN_PCT,
            "service_days_below": int((frame["coverage_pct"] < DAILY_COVERAGE_WARN_PCT).sum()),
            "unprobed_minutes": int(frame["unprobed_minutes"].sum()),
            "lowest": dg.MetadataValue.md(_md_table(frame.head(10))),
        },
    )


def landing_freshness(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, window: Window, now: dt.datetime
) -> Projection:
    reference = min(window[1], now)
    frame = connection.execute(
        f"""
        select max({source.event_time}) as latest_at,
            round(datediff('minute', coalesce(max({source.event_time}), $start), $reference)
                / 1440.0, 2) as days_without_rows
        from raw.{source.name}
        where {source.event_time} >= $start and {source.event_time} < $reference
        """,
        {"start": window[0], "reference": reference},
    ).df()
    return Projection(
        frame,
        [
            Expect(
                "ExpectColumnValuesToBeBetween",
                column="days_without_rows",
                max_value=STALE_AFTER_DAYS,
            )
        ],
        {"judged_at": str(reference), "stale_after_days": STALE_AFTER_DAYS},
    )


def _has_table(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def _md_table(frame: "pd.DataFrame") -> str:
    if frame.empty:
        return "(no rows)"
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([header, rule, *rows])


ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN
ALL = tuple(SOURCES)
CHECKS = (
    CheckSpec(
        "rows_reconcile",
        "Every landed row is accounted for: per file, rows read = loaded + quarantined, and "
        "the raw and quarantine tables hold exactly what the file manifest says.",
        ERROR, ALL, rows_reconcile,
    ),
    CheckSpec(
        "unique_keys",
        "No two rows of the period share the natural key (a repeated ticket or probe would be "
        "counted twice in a KPI).",
        ERROR, ALL, unique_keys,
    ),
    CheckSpec(
        "has_rows_for_period",
        "The source has rows in the period when an objective is measured from it: no KPI is "
        "computed from a source that never arrived.",
        ERROR, (PROBES.name, TICKETS.name), has_rows_for_period,
    ),
    CheckSpec(
        "coverage_floor",
        f"Every probed service has probe results for at least {COVERAGE_FLOOR_PCT:g}% of the "
        "minutes from its first probe in the period to the newest probe of any service.",
        ERROR, (PROBES.name,), coverage_floor,
    ),
    CheckSpec(
        "no_rejected_files",
        "No landing file was rejected as a whole (missing column, not UTF-8, empty, unreadable). "
        "A rejected file's rows are not used; the other files are.",
        WARN, ALL, no_rejected_files,
    ),
    CheckSpec(
        "quarantined_rows",
        "No row of the period was quarantined; quarantined rows are set aside with a reason and "
        "the KPIs use the valid rows.",
        WARN, ALL, quarantined_rows,
    ),
    CheckSpec(
        "daily_coverage",
        f"Every service has probe results for at least {DAILY_COVERAGE_WARN_PCT:g}% of each "
        "day's minutes; unprobed minutes are unknown, never uptime.",
        WARN, (PROBES.name,), daily_coverage,
    ),
    CheckSpec(
        "landing_freshness",
        f"New rows arrived within {STALE_AFTER_DAYS} days of the period end (or of now).",
        WARN, (PROBES.name, TICKETS.name), landing_freshness,
    ),
)  # fmt: skip


def run_check(
    connection: duckdb.DuckDBPyConnection,
    spec: CheckSpec,
    source: LandingSource,
    window: Window,
    now: dt.datetime,
) -> tuple[Validation, dict[str, Any]]:
    """Project, validate with GX, and return the validation with Dagster metadata."""
    projection = spec.project(connection, source, window, now)
    validation = validate(projection.frame, projection.expectations, f"{source.name}_{spec.name}")
    metadata: dict[str, Any] = {
        "period_start": str(window[0]),
        "period_end": str(window[1]),
        "rows_validated": validation.element_count,
        "unexpected_count": validation.unexpected_count,
        "sample_values": dg.MetadataValue.json(validation.sample_values),
        "expectations": dg.MetadataValue.json(
            [
                {
                    "expectation": o.expectation,
                    "column": o.column,
                    "success": o.success,
                    "unexpected_count": o.unexpected_count,
                    "observed_value": o.observed_value,
                }
                for o in validation.outcomes
            ]
        ),
        **projection.metadata,
    }
    return validation, metadata


def _window(context: dg.AssetCheckExecutionContext) -> Window:
    window = context.partition_time_window
    return (
        window.start.astimezone(dt.UTC).replace(tzinfo=None),
        window.end.astimezone(dt.UTC).replace(tzinfo=None),
    )


def _asset_check(spec: CheckSpec, source: LandingSource) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", source.name]),
        name=spec.name,
        description=f"[{spec.severity.value}] {spec.description}",
        blocking=spec.blocking,
        partitions_def=monthly_partitions,
    )
    def _check(context: dg.AssetCheckExecutionContext, paths: SlaPaths) -> dg.AssetCheckResult:
        window = _window(context)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with paths.connect(read_only=True) as connection:
            validation, metadata = run_check(connection, spec, source, window, now)
        if not validation.success:
            context.log.warning(
                f"{spec.severity.value} raw/{source.name}:{spec.name} failed: "
                f"{validation.unexpected_count} unexpected, e.g. {validation.sample_values[:3]}"
            )
        return dg.AssetCheckResult(
            passed=validation.success, severity=spec.severity, metadata=metadata
        )

    return _check


ingest_checks = [_asset_check(spec, SOURCES[name]) for spec in CHECKS for name in spec.sources]
