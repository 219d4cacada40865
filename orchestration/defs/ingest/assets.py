"""Landed service logs and tickets, loaded into DuckDB ``raw`` tables.

One asset per landing source. Every row read is either loaded or quarantined with a reason.
"""


from pathlib import Path

import dagster as dg

from orchestration.defs.ingest.landing import FileReport, ingest_folder
from orchestration.defs.ingest.sources import SOURCES, LandingSource
from orchestration.defs.partitions import monthly_partitions
from orchestration.defs.resources import SlaPaths

DESCRIPTIONS = {
    "probes": "Synthetic monitoring results: one row per service, probe location and check time, "
    "with ok/failed and latency. Availability and latency objectives are computed from it.",
    "tickets": "Support tickets: one row per ticket with priority, agreement, creation, first "
    "response, resolution and satisfaction score. Response, resolution and CSAT objectives.",
    "ticket_events": "Ticket status history: one row per status change; statuses named in an "
    "objective's pause_on stop its clock (e.g. pending_customer).",
    "maintenance": "Planned maintenance windows per service with their announcement time; windows "
    "announced at least the agreed notice ahead are excluded from agreed service time.",
}

DEPENDENCIES = {"ticket_events": ["tickets"]}


def _metadata(reports: list[FileReport]) -> dict[str, object]:
    read = sum(r.rows_read for r in reports)
    loaded = sum(r.rows_loaded for r in reports)
    quarantined = sum(r.rows_quarantined for r in reports)
    table = "\n".join(
        f"| {Path(r.path).name} | {r.status} | {r.rows_read} | {r.rows_loaded} | "
        f"{r.rows_quarantined} | {r.message} |"
        for r in reports
    )
    return {
        "rows_read": read,
        "rows_loaded": loaded,
        "rows_quarantined": quarantined,
        "files": dg.MetadataValue.md(
            "| file | status | read | loaded | quarantined | message |\n|---|---|---|---|---|---|\n"
            + table
        ),
    }


def _landing_asset(source: LandingSource) -> dg.AssetsDefinition:
    @dg.asset(
        name=source.name,
        key_prefix=["raw"],
        group_name="ingest",
        partitions_def=monthly_partitions,
        deps=[dg.AssetKey(["raw", d]) for d in DEPENDENCIES.get(source.name, [])]
        + [dg.AssetKey(["definitions", "agreements"])],
        kinds={"duckdb"},
        description=DESCRIPTIONS[source.name],
    )
    def _asset(context: dg.AssetExecutionContext, paths: SlaPaths) -> dg.MaterializeResult:
        folder = Path(paths.landing_dir) / source.name
        with paths.connect() as connection:
            reports = ingest_folder(connection, source, folder)
        for report in reports:
            context.log.info(
                f"{source.name}: {report.path}: {report.status}, read {report.rows_read}, "
                f"loaded {report.rows_loaded}, quarantined {report.rows_quarantined}"
                + (f": {report.message}" if report.message else "")
            )
        return dg.MaterializeResult(metadata=_metadata(reports))

    return _asset


landing_assets = [_landing_asset(source) for source in SOURCES.values()]
