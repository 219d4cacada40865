"""Landed service logs and tickets, loaded into DuckDB ``raw`` tables.

One asset per landing source. Every row read is either loaded or quarantined with a reason; every
file is recorded in ``raw.landing_files`` (see ``lib/landing/`` for what each status means). Files
are loaded by content hash, not by month: a run for any month brings ``raw`` in line with the
landing folder, and the month (partition) decides which rows the data checks in ``checks.py``
look at.
"""

import json
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.defs.partitions import monthly_partitions
from orchestration.defs.resources import SlaPaths
from orchestration.lib.landing import FileReport, ingest_folder
from orchestration.lib.landing.adapters import load_sources_config
from orchestration.lib.landing_contract import SOURCES, LandingSource
from orchestration.lib.settings import ACCEPT_SHRUNK_TAG

# an event is checked against the loaded tickets, a ticket against the loaded agreements;
DEPENDENCIES = {
    "ticket_events": [["raw", "tickets"]],
    "tickets": [["definitions", "agreements"]],
    # only for its coverage check, which also looks at the services named by objectives
    "probes": [["definitions", "objectives"]],
    "ticket_outcomes": [["raw", "tickets"]],
    # a window of a service no objective names is quarantined (unknown_service)
    "downtime_windows": [["definitions", "objectives"]],
}


# the source whose asset records the landing folder's entries outside every source folder
OUTSIDE_SOURCES_LISTED_BY = next(iter(SOURCES))


def _files_table(reports: list[FileReport]) -> str:
    rows = "\n".join(
        f"| {r.path} | {r.status} | {r.rows_read} | {r.rows_loaded} | {r.rows_quarantined} | "
        f"{', '.join(f'{code} {n}' for code, n in r.reasons.items())} | {r.message} |"
        for r in reports
    )
    return (
        "| file | status | read | loaded | quarantined | reasons | message |\n"
        "|---|---|---|---|---|---|---|\n" + rows
    )


def _metadata(reports: list[FileReport]) -> dict[str, Any]:
    by_status: dict[str, int] = {}
    for report in reports:
        by_status[report.status] = by_status.get(report.status, 0) + 1
    # rows of this run's work: unchanged files were counted when they were loaded
    worked = [r for r in reports if r.status in {"loaded", "replaced", "reloaded"}]
    return {
        "rows_read": sum(r.rows_read for r in worked),
        "rows_loaded": sum(r.rows_loaded for r in worked),
        "rows_quarantined": sum(r.rows_quarantined for r in worked),
        "files_by_status": dg.MetadataValue.json(by_status),
        "rejected_files": dg.MetadataValue.json(
            {r.path: r.message for r in reports if r.status == "rejected"}
        ),
        "missing_files": dg.MetadataValue.json([r.path for r in reports if r.status == "missing"]),
        "ignored_files": dg.MetadataValue.json(
            {r.path: r.message for r in reports if r.status == "ignored"}
        ),
        "files": dg.MetadataValue.md(_files_table(reports)),
    }


def _log(context: dg.AssetExecutionContext, report: FileReport) -> None:
    line = (
        f"{report.path}: {report.status}, read {report.rows_read}, loaded {report.rows_loaded}, "
        f"quarantined {report.rows_quarantined}" + (f": {report.message}" if report.message else "")
    )
    if report.status in {"rejected", "missing", "ignored", "blocked"}:
        context.log.warning(line)
    else:
        context.log.info(line)


def _landing_asset(source: LandingSource) -> dg.AssetsDefinition:
    @dg.asset(
        name=source.name,
        key_prefix=["raw"],
        group_name="ingest",
        partitions_def=monthly_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),  # a range is one run, as for dbt
        deps=[dg.AssetKey(key) for key in DEPENDENCIES.get(source.name, [])],
        kinds={"duckdb"},
        description=source.description,
    )
    def _asset(context: dg.AssetExecutionContext, paths: SlaPaths) -> dg.MaterializeResult:
        folder = Path(paths.landing_dir) / source.name
        accepted = json.loads(context.run.tags.get(ACCEPT_SHRUNK_TAG, "[]"))
        # the source system's export format named in <definitions>/sources.yaml, if any
        adapter = load_sources_config(Path(paths.definitions_dir)).get(source.name)
        with paths.connect() as connection:
            reports = ingest_folder(
                connection, source, folder, accept_shrunk=accepted,
                # one asset lists what lies in the landing folder outside every source folder
                list_outside_sources=source.name == OUTSIDE_SOURCES_LISTED_BY,
                adapter=adapter,
            )  # fmt: skip
        for report in reports:
            _log(context, report)
        blocked = [r.message for r in reports if r.status == "blocked"]
        if blocked:
            # the other files are loaded; the shrunk one keeps its earlier rows, and nothing
            # downstream runs or publishes until the delivery is fixed or accepted
            raise dg.Failure(description="; ".join(blocked), metadata=_metadata(reports))
        return dg.MaterializeResult(metadata=_metadata(reports))

    return _asset


landing_assets = [_landing_asset(source) for source in SOURCES.values()]
