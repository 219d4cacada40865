"""The file manifest ``raw.landing_files``: what happened to each landing file.

Per file, rows read = loaded + quarantined. A ``FileReport`` is one file's outcome in a run; the
manifest keeps the last load of every file (its hash, counts, message and the reference data it
was checked against), which decides what the next run reads again (``ingest.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

import duckdb

from orchestration.lib.landing.sql import one
from orchestration.lib.landing_contract import LANDING_FILES_COLUMNS, SOURCES, LandingSource


@dataclass(frozen=True)
class FileReport:
    source: str
    path: str  # relative to the landing root: <source>/<file>
    # loaded | unchanged | replaced | reloaded | rejected | missing | blocked | ignored
    status: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined


class Recorded(NamedTuple):
    sha256: str
    reference: str
    status: str
    rows_read: int


def recorded(connection: duckdb.DuckDBPyConnection, source: LandingSource) -> dict[str, Recorded]:
    """The manifest's loaded files of ``source`` (not the ignored entries) by path."""
    return {
        path: Recorded(sha, ref, status, rows_read)
        for path, sha, ref, status, rows_read in connection.execute(
            "select file_path, sha256, reference_sha256, status, rows_read "
            "from raw.landing_files where source = ? and status <> 'ignored'",
            [source.name],
        ).fetchall()
    }


def record_ignored(
    connection: duckdb.DuckDBPyConnection,
    source: str,
    ignored: list[tuple[str, str, str]],
    load_time: dt.datetime,
    outside_sources: bool,
) -> list[FileReport]:
    """Replace the ``ignored`` entries of ``source`` (and, with ``outside_sources``, those of
    no known source) by this run's: every entry the loader does not take is listed."""
    where = "source = ?"
    params: list[object] = [source]
    if outside_sources:
        where += f" or source not in ({', '.join('?' for _ in SOURCES)})"
        params += list(SOURCES)
    connection.execute(
        f"delete from raw.landing_files where status = 'ignored' and ({where})", params
    )
    reports = [
        FileReport(name, label, "ignored", message=reason) for name, label, reason in ignored
    ]
    for report in reports:
        record(connection, report, "", "", "", load_time)
    return reports


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
