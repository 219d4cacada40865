"""``make real-sources``: the public datasets laid out as landing folders, and where the
reconciliation landed.

``python -m orchestration.lib.landing.adapters.real_sources prepare --datasets DIR --out DIR``
unzips the ServiceNow incident event log into ``<out>/servicenow/landing/tickets/`` (linked from
``ticket_events/`` and ``ticket_outcomes/``: one export feeds the three landing sources,
sla_definitions/examples/servicenow/sources.yaml), and copies the outage traces of the services
sla_definitions/examples/outages/sources.yaml names into
``<out>/outages/landing/downtime_windows/``, never into the repository's tracked files.
``... report --warehouse FILE --reports DIR`` prints the reconciliation files of each period's
latest version and the agreement rates of ``marts.rpt_reconciliation_overview`` (the figures
docs/adapters.md quotes; Python only formats them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import zipfile
from pathlib import Path

import duckdb

SERVICENOW_ZIP = Path("servicenow-incident-event-log/incident_event_log.zip")
SERVICENOW_SOURCES = ("tickets", "ticket_events", "ticket_outcomes")
OUTAGE_TRACES = Path("cloud-outage-traces")
# the traces the outages example's agreements name (sources.yaml maps them to service ids)
OUTAGE_TRACE_FILES = (
    "github-status_global-status_operator_reported.csv",
    "slack_global-status_operator_reported.csv",
    "discord_global-status_operator_reported.csv",
)


def prepare_servicenow(datasets: Path, out: Path) -> Path:
    """``<out>/servicenow/landing`` with the export in tickets/ and links beside it."""
    landing = out / "servicenow" / "landing"
    first = landing / SERVICENOW_SOURCES[0]
    first.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(datasets / SERVICENOW_ZIP) as archive:
        for member in archive.namelist():
            if member.endswith(".csv") and not Path(member).name.startswith("."):
                target = first / Path(member).name
                size = archive.getinfo(member).file_size
                if not target.is_file() or target.stat().st_size != size:
                    with archive.open(member) as source, target.open("wb") as sink:
                        shutil.copyfileobj(source, sink)
    for name in SERVICENOW_SOURCES[1:]:
        folder = landing / name
        folder.mkdir(exist_ok=True)
        for export in first.glob("*.csv"):
            link = folder / export.name
            if not link.is_symlink():
                link.symlink_to(os.path.relpath(export, folder))
    return landing


def prepare_outages(datasets: Path, out: Path) -> Path:
    """``<out>/outages/landing`` with the example's traces copied into downtime_windows/ (a
    link leading outside the landing folder is not followed; the traces are small)."""
    landing = out / "outages" / "landing"
    folder = landing / "downtime_windows"
    folder.mkdir(parents=True, exist_ok=True)
    for name in OUTAGE_TRACE_FILES:
        trace, target = datasets / OUTAGE_TRACES / name, folder / name
        if not target.is_file() or target.read_bytes() != trace.read_bytes():
            shutil.copyfile(trace, target)
    return landing


def report(warehouse: Path, reports: Path) -> str:
    """The reconciliation files of each period's latest version and the overview table."""
    lines = ["reconciliation files (latest version of each period):"]
    for latest in sorted(reports.glob("*/latest")):
        for name in ("reconciliation.csv", "reconciliation_summary.csv"):
            if (latest / name).is_file():
                lines.append(f"  {latest / name}")
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select agreement_id, ticket_sample, priority, tickets, agreeing, agreement_pct, "
            "pause_handling, reopened, missing_or_late_resolution, clock_start, threshold "
            "from marts.rpt_reconciliation_overview "
            "order by agreement_id, ticket_sample = 'all', ticket_sample, priority = 'all', "
            "priority"
        ).fetchall()
    header = (
        "| agreement | sample | priority | tickets | agreeing | agreement % | pause_handling "
        "| reopened | missing_or_late_resolution | clock_start | threshold |"
    )
    lines += ["", header, "|" + "---|" * 11]
    lines += ["| " + " | ".join(str(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prepare = commands.add_parser("prepare", help="lay the datasets out as landing folders")
    prepare.add_argument("--datasets", type=Path, required=True)
    prepare.add_argument("--out", type=Path, required=True)
    prepare.add_argument(
        "--example", choices=("all", "servicenow", "outages"), default="all",
        help="lay out only this example's landing folder",
    )  # fmt: skip
    shown = commands.add_parser("report", help="where the reconciliation landed, and its rates")
    shown.add_argument("--warehouse", type=Path, required=True)
    shown.add_argument("--reports", type=Path, required=True)
    arguments = parser.parse_args(argv)
    if arguments.command == "prepare":
        wanted = [SERVICENOW_ZIP, *(OUTAGE_TRACES / name for name in OUTAGE_TRACE_FILES)]
        for needed in wanted:
            if not (arguments.datasets / needed).is_file():
                print(f"error: {arguments.datasets / needed} does not exist", file=sys.stderr)
                return 2
        if arguments.example in ("all", "servicenow"):
            print(f"landing folder: {prepare_servicenow(arguments.datasets, arguments.out)}")
        if arguments.example in ("all", "outages"):
            print(f"landing folder: {prepare_outages(arguments.datasets, arguments.out)}")
        return 0
    print(report(arguments.warehouse, arguments.reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
