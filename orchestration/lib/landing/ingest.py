"""Bring ``raw.<source>`` in line with its landing folder, file by file.

``ingest_folder`` decides per file what to do from the manifest (``manifest.py``): a new file is
loaded, the same bytes again are unchanged, changed bytes replace the file's rows, and unchanged
bytes whose reference data changed are reloaded. ``load_file`` reads (``readers.py``), classifies
(``rules.py``, ``duplicates.py``) and writes (``store.py``) one file in one transaction.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from orchestration.lib.landing.duplicates import classify_duplicates
from orchestration.lib.landing.files import FileRejected, file_format, file_sha256, landing_files
from orchestration.lib.landing.manifest import (
    FileReport,
    record,
    record_reference,
    recorded,
    unchanged,
)
from orchestration.lib.landing.readers import read_landed
from orchestration.lib.landing.reconcile import files_touched_by_references, reference_sha256
from orchestration.lib.landing.rules import classify
from orchestration.lib.landing.store import delete_file_rows, ensure_tables, write_rows
from orchestration.lib.landing_contract import LandingSource


def load_file(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    path: Path,
    file_label: str,
    *,
    load_time: dt.datetime,
    status: str = "loaded",
    sha256: str | None = None,
    reference: str = "",
) -> FileReport:
    """Load or quarantine every row of one file (replacing its earlier rows); record it."""
    fmt = file_format(path)
    # read outside the transaction: a reader error would abort it, and the rejection itself
    # (removing the file's earlier rows, recording why) must still be written. A new file's
    # hash is computed meanwhile (hashlib releases the GIL while DuckDB reads).
    rejected: FileRejected | None = None
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(file_sha256, path) if sha256 is None else None
        try:
            landed = read_landed(connection, source, path, load_time)
        except FileRejected as error:
            rejected = error
        digest = hashing.result() if hashing is not None else sha256 or ""
    connection.execute("begin transaction")
    try:
        if rejected is not None:
            delete_file_rows(connection, source, file_label)
            report = FileReport(source.name, file_label, "rejected", message=str(rejected))
        else:
            classify(connection, source, landed, load_time)
            classify_duplicates(connection, source, landed, file_label)
            # a new file has no earlier rows: skip two scans of tables that grow all year
            if status != "loaded":
                delete_file_rows(connection, source, file_label)
            read, loaded, quarantined, reasons = write_rows(connection, source, landed, file_label)
            report = FileReport(
                source.name, file_label, status, read, loaded, quarantined,
                "; ".join(landed.notes), reasons,
            )  # fmt: skip
        record(connection, report, digest, fmt, reference, load_time)
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    finally:
        # a month of probes as text is hundreds of megabytes: free it before the next file
        connection.execute("drop table if exists csv_text")
    return report


def ingest_folder(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    folder: Path,
    *,
    load_time: dt.datetime | None = None,
) -> list[FileReport]:
    """Bring ``raw.<source>`` in line with the landing folder; say what happened to each file.

    ``folder`` is ``<landing>/<source>``; files are recorded as ``<source>/<name>``.
    """
    load_time = load_time or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    ensure_tables(connection, source)
    reference = reference_sha256(connection, source)
    manifest = recorded(connection, source)
    reports: list[FileReport] = []
    seen: set[str] = set()
    # computed once, and only when some loaded file was checked against other reference data
    touched: set[str] | None = None
    for path in landing_files(folder):
        label = f"{source.name}/{path.name}"
        seen.add(label)
        known = manifest.get(label)
        # a new file is loaded whatever its hash: load_file hashes it while DuckDB reads it
        sha256 = file_sha256(path) if known else None
        if known and known[0] == sha256 and (known[1] == reference or known[2] == "rejected"):
            reports.append(unchanged(connection, source, label))
            continue
        if known and known[0] == sha256:
            if touched is None:
                touched = files_touched_by_references(connection, source)
            if label not in touched:
                # new reference data (a month's new tickets) changes nothing for this file's
                # rows: record the fingerprint it was checked against instead of re-reading it
                record_reference(connection, source, label, reference)
                reports.append(unchanged(connection, source, label))
                continue
        if known is None:
            status = "loaded"
        elif known[0] != sha256:
            status = "replaced"
        else:
            status = "reloaded"
        reports.append(
            load_file(
                connection, source, path, label,
                load_time=load_time, status=status, sha256=sha256, reference=reference,
            )
        )  # fmt: skip
    for label in sorted(set(manifest) - seen):
        reports.append(
            FileReport(
                source.name, label, "missing",
                message="no longer in the landing folder; its rows stay loaded",
            )
        )  # fmt: skip
    return reports
