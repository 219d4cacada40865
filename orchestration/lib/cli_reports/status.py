"""`sla status`: every published agreement x period with its versions, quarantine and checks.

Publication versions are read from the reports folder: the versioned layout
``<period>/v<n>/manifest.json`` with ``<period>/latest`` (a relative symlink to ``v<n>``, or a
text file holding ``v<n>``), and the flat layout ``<period>/manifest.json``, read as version 1.
Quarantined rows come from ``marts.rpt_quarantine_summary`` (read-only connection); the checks
from the last run's record beside the warehouse (orchestration/lib/run_record.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib.cli_reports import ReportError
from orchestration.lib.run_record import LastRun, read_last_run
from orchestration.lib.warehouse import connect

PERIOD_FOLDER = re.compile(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")
VERSION_FOLDER = re.compile(r"^v([1-9]\d*)$")
QUARANTINE_SOURCES = ("tickets", "ticket_events", "probes", "maintenance")


@dataclass(frozen=True)
class Publication:
    period: str
    version: int
    folder: Path
    manifest: dict[str, Any]

    @property
    def published_at(self) -> str | None:
        # the versioned layout's published_at; a flat publication has only generated_at
        return self.manifest.get("published_at") or self.manifest.get("generated_at")


@dataclass
class StatusRow:
    agreement_id: str
    period: str
    latest_version: int
    published_at: str | None
    versions: int
    agreement_version: int | None
    run_id: str | None
    quarantined: dict[str, int]
    in_last_run: bool
    checks_failed: list[str] = field(default_factory=list)
    checks_warned: list[str] = field(default_factory=list)
    adjustments_applied: int = 0
    adjustments: list[str] = field(default_factory=list)


@dataclass
class Status:
    reports: Path
    warehouse: Path
    last_run: dict[str, Any] | None
    rows: list[StatusRow]
    unpublished_agreements: list[str]


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return manifest
    except (OSError, ValueError) as error:
        raise ReportError(f"{path}: cannot read the manifest ({error})") from None


def _latest_name(period_folder: Path) -> str | None:
    latest = period_folder / "latest"
    if latest.is_symlink():
        return Path(latest.readlink()).name
    if latest.is_file():
        return latest.read_text(encoding="utf-8").strip()
    return None


def period_publications(period_folder: Path) -> list[Publication]:
    """The versions of one period, oldest first; the latest is the one ``latest`` names (else
    the highest number) and is moved to the end."""
    versions = sorted(
        (int(match.group(1)), child)
        for child in period_folder.iterdir()
        if child.is_dir() and not child.is_symlink()
        and (match := VERSION_FOLDER.match(child.name)) and (child / "manifest.json").exists()
    )  # fmt: skip
    period = period_folder.name
    if not versions:
        if (period_folder / "manifest.json").exists():
            return [Publication(period, 1, period_folder, _read_manifest(period_folder))]
        return []
    publications = [
        Publication(period, number, folder, _read_manifest(folder)) for number, folder in versions
    ]
    latest = _latest_name(period_folder)
    named = [p for p in publications if p.folder.name == latest]
    if named:
        publications = [p for p in publications if p is not named[0]] + named
    return publications


def _quarantine(warehouse: Path) -> dict[tuple[str, str], dict[str, int]]:
    try:
        with connect(warehouse, read_only=True) as connection:
            rows = connection.execute(
                "select agreement_id, period_key, source, rows_quarantined"
                " from marts.rpt_quarantine_summary"
            ).fetchall()
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        raise ReportError(
            f"{warehouse}: cannot read marts.rpt_quarantine_summary ({message})"
        ) from None
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for agreement_id, period, source, count in rows:
        counts.setdefault((agreement_id, period), {})[source] = int(count)
    return counts


def _adjustments(warehouse: Path) -> dict[tuple[str, str], list[str]]:
    """The applied adjustment ids per agreement x period (marts.adjustments decides the status)."""
    try:
        with connect(warehouse, read_only=True) as connection:
            rows = connection.execute(
                "select agreement_id, period_key,"
                " list(distinct adjustment_id order by adjustment_id)"
                " from marts.adjustments where status = 'applied' group by 1, 2"
            ).fetchall()
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        raise ReportError(f"{warehouse}: cannot read marts.adjustments ({message})") from None
    return {(agreement_id, period): list(ids) for agreement_id, period, ids in rows}


def _period_months(period: str) -> tuple[str, str]:
    if "-Q" in period:
        year, quarter = period.split("-Q")
        first = (int(quarter) - 1) * 3 + 1
        return f"{year}-{first:02d}", f"{year}-{first + 2:02d}"
    return period, period


def _covers(run: LastRun, period: str) -> bool:
    first, last = _period_months(period)
    return first <= run.last_period and last >= run.first_period


def collect_status(reports: Path, warehouse: Path, agreement_ids: list[str]) -> Status:
    """Every agreement x period published under ``reports``, newest period last."""
    if not reports.is_dir():
        raise ReportError(f"{reports}: no reports folder (give --reports)")
    if not warehouse.is_file():
        raise ReportError(f"{warehouse}: no warehouse file (give --warehouse)")
    quarantine = _quarantine(warehouse)
    applied = _adjustments(warehouse)
    last_run = read_last_run(warehouse)
    rows: list[StatusRow] = []
    for period_folder in sorted(reports.iterdir()):
        if not period_folder.is_dir() or not PERIOD_FOLDER.match(period_folder.name):
            continue
        publications = period_publications(period_folder)
        if not publications:
            continue
        latest = publications[-1]
        in_last_run = last_run is not None and _covers(last_run, latest.period)
        for entry in latest.manifest.get("agreements", []):
            agreement_id = entry["agreement_id"]
            counts = quarantine.get((agreement_id, latest.period), {})
            rows.append(
                StatusRow(
                    agreement_id=agreement_id,
                    period=latest.period,
                    latest_version=latest.version,
                    published_at=latest.published_at,
                    versions=len(publications),
                    agreement_version=entry.get("version"),
                    run_id=latest.manifest.get("run_id"),
                    quarantined={source: counts.get(source, 0) for source in QUARANTINE_SOURCES},
                    in_last_run=in_last_run,
                    checks_failed=_names(last_run.failed) if in_last_run and last_run else [],
                    checks_warned=_names(last_run.warned) if in_last_run and last_run else [],
                    adjustments_applied=len(applied.get((agreement_id, latest.period), [])),
                    adjustments=applied.get((agreement_id, latest.period), []),
                )
            )
    rows.sort(key=lambda row: (row.agreement_id, row.period))
    published = {row.agreement_id for row in rows}
    return Status(
        reports=reports,
        warehouse=warehouse,
        last_run=_last_run_summary(last_run),
        rows=rows,
        unpublished_agreements=sorted(set(agreement_ids) - published),
    )


def _names(checks: list[Any]) -> list[str]:
    return [f"{check.asset}:{check.name}" for check in checks]


def _last_run_summary(run: LastRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "run_id": run.run_id,
        "started_at": run.started_at,
        "ended_at": run.ended_at,
        "first_period": run.first_period,
        "last_period": run.last_period,
        "success": run.success,
        "checks": len(run.checks),
        "checks_failed": _names(run.failed),
        "checks_warned": _names(run.warned),
    }


def status_as_json(status: Status) -> dict[str, Any]:
    return {
        "reports": str(status.reports),
        "warehouse": str(status.warehouse),
        "last_run": status.last_run,
        "publications": [row.__dict__ for row in status.rows],
        "unpublished_agreements": status.unpublished_agreements,
    }
