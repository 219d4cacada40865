"""The small frames the data-quality checks validate, computed by DuckDB from the raw tables.

Every check validates a projection (one row per offending key, per day, per file): pulling a month
of probes (tens of millions of rows) into pandas for GX would cost minutes and gigabytes, and the
projection answers the same question. The partition window (the agreement month, or the run's
range of months) selects the rows a check looks at; file-level checks look at the whole manifest.

The checks of one source run together in one step over one ``Scan``, which computes what several
checks share once. Probes are the costly source (about 4.5 M rows a month): one pass over the
window groups them by service and UTC day, keeping the row count, first and last probe and the
set of probed minutes (a 1,440-bit bitstring per service-day). Coverage floor, daily coverage,
rows per day and freshness are all read from that profile of ~3,100 rows a month, and it also
proves most of the key uniqueness: a service-day with as many distinct minutes as rows cannot
hold two rows with the same ``checked_at``, so only service-days with more rows than minutes are
grouped by the full key. Grouping 50 M probes by key or by minute directly took ~30 s each for a
year; the profile takes ~5 s and answers all of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import dagster as dg
import duckdb

from orchestration.lib.landing.sql import one
from orchestration.lib.landing_contract import PROBES, LandingSource
from orchestration.lib.quality.expectations import Expect

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

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
    frame: pd.DataFrame
    expectations: list[Expect]
    metadata: dict[str, Any]
    # a failure's severity when it is not the check's own (has_rows_for_period: a quiet period
    # only warns), and the one line a failure logs in place of the generic one
    severity: dg.AssetCheckSeverity | None = None
    finding: str | None = None


class Scan:
    """One source over one window, on one connection: the checks of a step share its
    projections, computed on first use (a check not selected costs nothing)."""

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        source: LandingSource,
        window: Window,
        now: dt.datetime,
    ):
        self.connection, self.source, self.window, self.now = connection, source, window, now
        # rows after now cannot be judged yet: daily coverage and freshness stop there
        self.until = min(window[1], now)

    def df(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        return self.connection.execute(sql, params or []).df()

    def over(self, name: str, table: pa.Table, sql: str, params: dict[str, Any]) -> pd.DataFrame:
        """Run ``sql`` with the small ``table`` visible as ``name`` (never written: the
        connection is read-only)."""
        self.connection.register(name, table)
        try:
            return self.df(sql, params)
        finally:
            self.connection.unregister(name)

    @functools.cached_property
    def probe_days(self) -> pa.Table:
        """Probes of the window per service and UTC day: rows, first and last probe, distinct
        minutes probed (all, and before ``until``), and the last probe before ``until``."""
        assert self.source.name == PROBES.name
        probed = "bitstring_agg(hour(checked_at) * 60 + minute(checked_at), 0, 1439)"
        params = {"start": self.window[0], "end": self.window[1]}
        # in a closed month `until` is the window end and every row is before it: the columns
        # before `until` are the whole-day ones (DuckDB reads a select alias in the same list)
        minutes_before, last_before = "minutes", "last_at"
        if self.until < self.window[1]:
            before = "filter (where checked_at < $until)"
            minutes_before = f"bit_count({probed} {before})"
            last_before = f"max(checked_at) {before}"
            params["until"] = self.until
        return self.connection.execute(
            f"""
            select
                service_id,
                date_trunc('day', checked_at) as day_start,
                count(*) as row_count,
                min(checked_at) as first_at,
                max(checked_at) as last_at,
                bit_count({probed}) as minutes,
                coalesce({minutes_before}, 0) as minutes_before_until,
                {last_before} as last_before_until,
            from raw.probes
            where checked_at >= $start and checked_at < $end
            group by 1, 2
            """,
            params,
        ).to_arrow_table()

    @functools.cached_property
    def suspect_probe_days(self) -> pa.Table:
        """Service-days with more probes than distinct minutes: the only ones that can hold a
        repeated key (two probes with one ``checked_at`` share its minute)."""
        import pyarrow.compute as pc

        days = self.probe_days
        return days.filter(pc.greater(days["row_count"], days["minutes"])).select(
            ["service_id", "day_start"]
        )

    def has_table(self, schema: str, table: str) -> bool:
        return bool(
            one(
                self.connection,
                "select count(*) from information_schema.tables "
                "where table_schema = ? and table_name = ?",
                [schema, table],
            )[0]
        )


def _key_text(source: LandingSource) -> str:
    return (
        "concat_ws(' | ', "
        + ", ".join(f"coalesce(cast({k} as varchar), '(empty)')" for k in source.key)
        + ")"
    )


def unique_keys(scan: Scan) -> Projection:
    # DuckDB groups the period's rows by key and keeps the keys seen more than once, each
    # repeated as often as it occurs; GX checks uniqueness of that projection, which holds
    # exactly when the table's keys are unique, without pandas ever holding the table
    source = scan.source
    metadata: dict[str, Any] = {"key": ", ".join(source.key)}
    only, suspects = "", None
    if source.name == PROBES.name:
        # two probes with the same key share a minute, so both sit in a service-day with more
        # rows than distinct minutes: only those service-days need the grouping by full key
        suspects = scan.suspect_probe_days
        metadata["service_days_regrouped"] = suspects.num_rows
        only = (
            "and exists (select 1 from suspects as s "
            "where s.service_id is not distinct from probes.service_id "
            "and s.day_start = date_trunc('day', probes.checked_at))"
            if suspects.num_rows
            else "and false"
        )
    sql = f"""
        with duplicated as (
            select {_key_text(source)} as key, count(*) as occurrences
            from raw.{source.name}
            where {source.event_time} >= $start and {source.event_time} < $end {only}
            group by {", ".join(source.key)}
            having count(*) > 1
        )
        select key from duplicated, range(occurrences)
        order by key
    """
    params = {"start": scan.window[0], "end": scan.window[1]}
    if suspects is not None and suspects.num_rows:
        frame = scan.over("suspects", suspects, sql, params)
    else:
        frame = scan.df(sql, params)
    return Projection(
        frame,
        [Expect("ExpectColumnValuesToBeUnique", column="key")],
        {**metadata, "duplicated_keys": int(frame["key"].nunique())},
    )


def _objectives_reading(scan: Scan) -> int:
    kinds = scan.source.objective_kinds
    if not kinds or not scan.has_table("definitions", "objectives"):
        return 0
    count: int = one(
        scan.connection,
        "select count(*) from definitions.objectives where list_contains(?, kind)",
        [list(kinds)],
    )[0]
    return count


def _months_of(scan: Scan, days: pd.DataFrame) -> pd.DataFrame:
    """One row per UTC month of the window: its rows, and the agreements in force in it whose
    file lists the source in ``expected_sources`` (a range run judges each month alone)."""
    import pyarrow as pa

    expecting = (
        "select null::varchar as agreement_id, null::date as month_start where $source is null"
    )
    if scan.has_table("definitions", "agreements"):
        expecting = """
            select agreements.agreement_id, months.month_start
            from months
            inner join definitions.agreement_versions as versions
                on
                    versions.effective_from < months.month_start + interval 1 month
                    and (
                        versions.effective_to is null
                        or versions.effective_to > months.month_start
                    )
            inner join definitions.agreements
                on versions.agreement_id = agreements.agreement_id
            where list_contains(agreements.expected_sources, $source)
        """
    return scan.over(
        "source_days",
        pa.Table.from_pandas(days, preserve_index=False),
        f"""
        with months as (
            select cast(unnest(generate_series(
                cast(date_trunc('month', $start) as date),
                cast($end as date) - 1,
                interval 1 month
            )) as date) as month_start
        ),
        expecting as ({expecting}),
        counts as (
            select cast(date_trunc('month', day) as date) as month_start, sum(row_count) as rows
            from source_days group by 1
        )
        select
            strftime(months.month_start, '%Y-%m') as month,
            cast(coalesce(counts.rows, 0) as bigint) as row_count,
            coalesce(
                (select list(distinct agreement_id order by agreement_id) from expecting
                 where expecting.month_start = months.month_start),
                []
            ) as expected_by,
        from months
        left join counts on months.month_start = counts.month_start
        order by 1
        """,
        {"start": scan.window[0], "end": scan.window[1], "source": scan.source.name},
    )


def has_rows_for_period(scan: Scan) -> Projection:
    # every month of the window must have rows when some objective is measured from this source
    # (an agreement with ticket objectives only needs no probes, and the reverse). Even then a
    # quiet month (no P1 incident, no ticket at all) is normal: it warns and publishes, its
    # objectives insufficient_data. Only an agreement that lists the source in expected_sources
    # turns a month without rows into a missing delivery, and a blocking error.
    readers = _objectives_reading(scan)
    source = scan.source
    if source.name == PROBES.name:
        days = scan.over(
            "probe_days",
            scan.probe_days,
            """
            select cast(day_start as date) as day, cast(sum(row_count) as bigint) as row_count
            from probe_days
            group by 1 order by 1
            """,
            {},
        )
    else:
        days = scan.df(
            f"""
            select cast({source.event_time} as date) as day, count(*) as row_count
            from raw.{source.name}
            where {source.event_time} >= ? and {source.event_time} < ?
            group by 1 order by 1
            """,
            list(scan.window),
        )
    months = _months_of(scan, days)
    empty = months[months["row_count"] == 0]
    expecting = sorted({a for agreements in empty["expected_by"] for a in agreements})
    required = bool(readers) or bool(expecting)
    periods = ", ".join(empty["month"])
    if expecting:
        finding = (
            f"no {source.name} rows for {periods}: expected every period by "
            f"{', '.join(expecting)} (expected_sources); the period is not published"
        )
    else:
        finding = (
            f"no {source.name} rows for {periods}: a quiet period, its {source.name} "
            "objectives are insufficient_data"
        )
    return Projection(
        months[["month", "row_count"]],
        [
            Expect(
                "ExpectColumnValuesToBeBetween", column="row_count", min_value=1 if required else 0
            )
        ],
        {
            "days_with_rows": len(days),
            "rows_in_period": int(days["row_count"].sum()),
            "objectives_reading_source": readers,
            "expected_by": expecting,
        },
        severity=None if expecting else dg.AssetCheckSeverity.WARN,
        finding=finding,
    )


def rows_reconcile(scan: Scan) -> Projection:
    # per file: the manifest's equation, and the tables agreeing with the manifest (a row in raw
    # or quarantine that no manifest entry accounts for shows up as a mismatch as well)
    name = scan.source.name
    frame = scan.df(
        f"""
        with manifest as (
            select file_path, rows_read, rows_loaded, rows_quarantined
            from raw.landing_files where source = ?
        ),
        loaded as (select source_file, count(*) as n from raw.{name} group by 1),
        quarantined as (select source_file, count(*) as n from quarantine.{name} group by 1),
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
        [name],
    )
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


def no_rejected_files(scan: Scan) -> Projection:
    frame = scan.df(
        """
        select file_path,
            case when status = 'rejected' then file_path || ': ' || message end as rejected_file
        from raw.landing_files where source = ? order by 1
        """,
        [scan.source.name],
    )
    return Projection(
        frame,
        [Expect("ExpectColumnValuesToBeNull", column="rejected_file")],
        {"files": len(frame)},
    )


def quarantined_rows(scan: Scan) -> Projection:
    # a quarantined row belongs to the period by its event time as delivered; one whose time
    # cannot be read could belong to any period and is shown in every one
    source = scan.source
    frame = scan.df(
        f"""
        with placed as (
            select reason_code,
                timezone('UTC', try_cast(trim({source.event_time}) as timestamptz)) as placed_at
            from quarantine.{source.name}
        )
        select reason_code, count(*) as row_count,
            reason_code || ': ' || count(*) || ' row(s)' as quarantined
        from placed
        where placed_at is null or (placed_at >= ? and placed_at < ?)
        group by 1 order by 2 desc, 1
        """,
        list(scan.window),
    )
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


def _probe_horizon(scan: Scan) -> dt.datetime | None:
    """The minute after the newest probe of the window: coverage is judged up to there."""
    import pyarrow.compute as pc

    latest: dt.datetime | None = pc.max(scan.probe_days["last_at"]).as_py()
    if latest is None:
        return None
    return min(scan.window[1], latest.replace(second=0, microsecond=0) + dt.timedelta(minutes=1))


def coverage_floor(scan: Scan) -> Projection:
    # Judged per service from its first probe in the period to the newest probe of any service:
    # a feed that stops on the 10th while others go on fails; a month that is not over, a feed
    # that started mid-month, or a small test landing does not. A source with no probes at all
    # fails has_rows_for_period instead, and a stale feed shows in landing_freshness. Every probe
    # of the window is before the horizon, so a service's minutes are those of all its days.
    horizon = _probe_horizon(scan)
    frame = scan.over(
        "probe_days",
        scan.probe_days,
        """
        with covered as (
            select
                service_id,
                date_trunc('minute', min(first_at)) as first_minute,
                cast(sum(minutes) as bigint) as minutes,
            from probe_days
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
        {"horizon": horizon},
    )
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
            "coverage": dg.MetadataValue.md(md_table(frame)),
        },
    )


def daily_coverage(scan: Scan) -> Projection:
    # every day of the period up to now, for every service probed or named by an availability
    # or latency objective: a minute with no probe result is unknown, and shown here
    kinds = ", ".join(f"'{kind}'" for kind in PROBES.objective_kinds)
    objective_services = (
        "union select service_id from definitions.objectives "
        f"where kind in ({kinds}) and service_id is not null"
        if scan.has_table("definitions", "objectives")
        else ""
    )
    frame = scan.over(
        "probe_days",
        scan.probe_days,
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
            select service_id, day_start, minutes_before_until as minutes from probe_days
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
        {"start": scan.window[0], "until": scan.until},
    )
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
            "lowest": dg.MetadataValue.md(md_table(frame.head(10))),
        },
    )


def landing_freshness(scan: Scan) -> Projection:
    source = scan.source
    sql = """
        select max({latest}) as latest_at,
            round(datediff('minute', coalesce(max({latest}), $start), $reference)
                / 1440.0, 2) as days_without_rows
        from {rows}
    """
    params = {"start": scan.window[0], "reference": scan.until}
    if source.name == PROBES.name:
        # the newest probe before the reference, per service-day in the profile
        sql = sql.format(latest="last_before_until", rows="probe_days")
        frame = scan.over("probe_days", scan.probe_days, sql, params)
    else:
        event = source.event_time
        rows = f"raw.{source.name} where {event} >= $start and {event} < $reference"
        frame = scan.df(sql.format(latest=event, rows=rows), params)
    return Projection(
        frame,
        [
            Expect(
                "ExpectColumnValuesToBeBetween",
                column="days_without_rows",
                max_value=STALE_AFTER_DAYS,
            )
        ],
        {"judged_at": str(scan.until), "stale_after_days": STALE_AFTER_DAYS},
    )


def md_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "(no rows)"
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([header, rule, *rows])
