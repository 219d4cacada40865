"""Data-quality gates on the raw tables: Great Expectations suites run as Dagster asset checks.

ERROR checks are ``blocking``: a failure means a KPI computed downstream would be wrong even after
quarantine (a duplicated key double-counts a ticket, a missing source or a probe feed that went
dark turns into a made-up compliance figure), so the dbt models do not run and nothing publishes.
WARN checks make defects visible that quarantine already contained (rejected files, quarantined
rows) or that the KPI layer handles itself (a day with thin probe coverage becomes
``insufficient_data`` downstream, never uptime).

Each check validates a small projection that DuckDB computes from the raw table
(``projections.py``). The checks of one source run as one step (``multi_asset_check``): one
connection, one scan of what the checks share, one GX setup per process. A step per check cost
a connection, a Dagster step and a scan of the raw table each, about 30 of them per run. In the UI
every check keeps its own name, severity, result and metadata; docs/data_quality.md lists them.
"""

# no `from __future__ import annotations`: Dagster reads the check's context annotation at runtime

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import dagster as dg

from orchestration.defs.resources import SlaPaths
from orchestration.lib.landing_contract import PROBES, SOURCES, LandingSource
from orchestration.lib.quality.expectations import Validation, validate
from orchestration.lib.quality.projections import (
    COVERAGE_FLOOR_PCT,
    DAILY_COVERAGE_WARN_PCT,
    STALE_AFTER_DAYS,
    Projection,
    Scan,
    Window,
    coverage_floor,
    daily_coverage,
    has_rows_for_period,
    landing_freshness,
    no_rejected_files,
    quarantined_rows,
    rows_reconcile,
    unique_keys,
)


@dataclass(frozen=True)
class CheckSpec:
    name: str
    description: str
    severity: dg.AssetCheckSeverity
    sources: tuple[str, ...]
    project: Callable[[Scan], Projection]

    @property
    def blocking(self) -> bool:
        return self.severity == dg.AssetCheckSeverity.ERROR


ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN
ALL = tuple(SOURCES)
# the sources an objective is computed from (probes, tickets): they must arrive every period
MEASURED = tuple(name for name, source in SOURCES.items() if source.objective_kinds)
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
        "The source has rows in the period when an objective is measured from it. A quiet "
        "period only warns (its objectives are insufficient_data); a source an agreement lists "
        "in expected_sources blocks: no KPI is computed from a delivery that never arrived.",
        ERROR, MEASURED, has_rows_for_period,
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
        WARN, MEASURED, landing_freshness,
    ),
)  # fmt: skip


def run_check(scan: Scan, spec: CheckSpec) -> tuple[Validation, dict[str, Any]]:
    """Project, validate with GX, and return the validation with Dagster metadata."""
    projection = spec.project(scan)
    validation = validate(
        projection.frame, projection.expectations, f"{scan.source.name}_{spec.name}"
    )
    metadata: dict[str, Any] = {
        "period_start": str(scan.window[0]),
        "period_end": str(scan.window[1]),
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
        # the result's severity: the check's own unless the projection lowers it
        "severity": (projection.severity or spec.severity).value,
    }
    if projection.finding is not None and not validation.success:
        metadata["finding"] = projection.finding
    return validation, metadata


def _window(context: dg.AssetCheckExecutionContext) -> Window:
    window = context.partition_time_window
    return (
        window.start.astimezone(dt.UTC).replace(tzinfo=None),
        window.end.astimezone(dt.UTC).replace(tzinfo=None),
    )


def _source_checks(source: LandingSource) -> dg.AssetChecksDefinition:
    """Every check of ``source`` as one step; a check selected alone (UI re-run) runs alone."""
    asset = dg.AssetKey(["raw", source.name])
    specs = [spec for spec in CHECKS if source.name in spec.sources]

    @dg.multi_asset_check(
        name=f"raw__{source.name}_checks",
        specs=[
            dg.AssetCheckSpec(
                spec.name,
                asset=asset,
                description=f"[{spec.severity.value}] {spec.description}",
                blocking=spec.blocking,
                # not partitioned, as dbt's tests: a range run records one evaluation for its
                # window (period_start/period_end), which a partitioned check would show as
                # "Skipped" for every month of the range
            )
            for spec in specs
        ],
        description=f"The data-quality checks of raw/{source.name}.",
        can_subset=True,
    )
    def _checks(
        context: dg.AssetCheckExecutionContext, paths: SlaPaths
    ) -> Iterator[dg.AssetCheckResult]:
        window = _window(context)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        selected = {key.name for key in context.selected_asset_check_keys}
        with paths.connect(read_only=True) as connection:
            scan = Scan(connection, source, window, now)
            for spec in specs:
                if spec.name not in selected:
                    continue
                validation, metadata = run_check(scan, spec)
                severity = dg.AssetCheckSeverity(metadata["severity"])
                if not validation.success:
                    context.log.warning(
                        f"{severity.value} raw/{source.name}:{spec.name} failed: "
                        + metadata.get(
                            "finding",
                            f"{validation.unexpected_count} unexpected, "
                            f"e.g. {validation.sample_values[:3]}",
                        )
                    )
                # a failed blocking ERROR result fails the step once every result is out, so
                # the checks after it still report and the dbt models still do not run
                yield dg.AssetCheckResult(
                    asset_key=asset,
                    check_name=spec.name,
                    passed=validation.success,
                    severity=severity,
                    metadata=metadata,
                )

    return _checks


ingest_checks = [_source_checks(source) for source in SOURCES.values()]
