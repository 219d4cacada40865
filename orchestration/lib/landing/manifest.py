"""The file manifest ``raw.landing_files``: what happened to each landing file.

Per file, rows read = loaded + quarantined. A ``FileReport`` is one file's outcome in a run; the
manifest keeps the last load of every file (its hash, counts, message and the reference data it
was checked against), which decides what the next run reads again (``ingest.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from orchestration.lib.landing.sql import one
from orchestration.lib.landing_contract import LANDING_FILES_COLUMNS, LandingSource


@dataclass(frozen=True)
class FileReport:
    source: str
    path: str  # relative to the landing root: <source>/<file>
    status: str  # loaded | unchanged | replaced | reloaded | rejected | missing
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined


def recorded(
    connection: duckdb.DuckDBPyConnection, source: LandingSource
) -> dict[str, tuple[str, str, str]]:
    """The manifest's files of ``source``: path -> (sha256, reference_sha256, status)."""
    return {
        path: (sha, ref, status)
        for path, sha, ref, status in connection.execute(
            "select file_path, sha256, reference_sha256, status from raw.landing_files "
            "where source = ?",
            [source.name],
        ).fetchall()
    }


def record(
    connection: duckdb.DuckDBPyConnection,
    report: FileReport,
    sha256: str,
    file_format: str,
    reference: str,
    load_time: dt.datetime,
) -> None:
    connection.execute(
        "insert or replace into raw.landing_files values "
        f"({', '.join('?' for _ in LANDING_FILES_COLUMNS)})",
        [
            report.source,
            report.path,
            sha256,
            report.status,
            report.rows_read,
            report.rows_loaded,
            report.rows_quarantined,
            report.message,
            load_time,
            file_format,
            reference,
        ],
    )


def record_reference(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, label: str, reference: str
) -> None:
    """The file's rows were judged again against ``reference`` without reading it."""
    connection.execute(
        "update raw.landing_files set reference_sha256 = ? where source = ? and file_path = ?",
        [reference, source.name, label],
    )


def unchanged(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, label: str
) -> FileReport:
    read, loaded, quarantined, status, message = one(
        connection,
        "select rows_read, rows_loaded, rows_quarantined, status, message from raw.landing_files "
        "where source = ? and file_path = ?",
        [source.name, label],
    )
    note = (
        "same content as already loaded" if status != "rejected" else f"still rejected: {message}"
    )
    return FileReport(source.name, label, "unchanged", read, loaded, quarantined, note)
