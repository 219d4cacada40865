"""Bring ``raw.<source>`` in line with its landing folder, file by file.

``ingest_folder`` decides per file what to do from the manifest (``manifest.py``): a new file is
loaded, the same bytes again are unchanged, changed bytes replace the file's rows, and unchanged
bytes whose reference data changed are reloaded. ``load_file`` reads (``readers.py``), classifies
(``rules.py``, ``duplicates.py``) and writes (``store.py``) one file in one transaction.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from orchestration.lib.landing.adapters import SourceAdapter
from orchestration.lib.landing.duplicates import (
    classify_duplicates,
    files_no_longer_superseded,
    superseded_files,
)
from orchestration.lib.landing.files import (
    FileRejected,
    classify_entries,
    file_format,
    file_sha256,
    outside_sources,
)
from orchestration.lib.landing.manifest import (
    FileReport,
    record,
    record_ignored,
    record_reference,
    recorded,
    unchanged,
)
from orchestration.lib.landing.readers import read_landed
from orchestration.lib.landing.reconcile import files_touched_by_references, reference_sha256
from orchestration.lib.landing.rules import classify
from orchestration.lib.landing.store import delete_file_rows, ensure_tables, write_rows
from orchestration.lib.landing_contract import SOURCES, LandingSource


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
    shrink_floor: int | None = None,
    replace_rows: bool = False,
    adapter: SourceAdapter | None = None,
) -> FileReport:
    """Load or quarantine every row of one file (replacing its earlier rows); record it.

    With ``shrink_floor`` (the rows read from the file before), a delivery with fewer rows, or
    an unusable one, changes nothing: it is rolled back and reported ``blocked``."""
    fmt = file_format(path)
    connection.execute("drop table if exists carrier_verdicts")
    # read outside the transaction: a reader error would abort it, and the rejection itself
    # (removing the file's earlier rows, recording why) must still be written. A new file's
    # hash is computed meanwhile (hashlib releases the GIL while DuckDB reads).
    rejected: FileRejected | None = None
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(file_sha256, path) if sha256 is None else None
        try:
            landed = read_landed(connection, source, path, load_time, adapter)
        except FileRejected as error:
            rejected = error
        digest = hashing.result() if hashing is not None else sha256 or ""
    connection.execute("begin transaction")
    try:
        if rejected is not None:
            if shrink_floor:
                connection.execute("rollback")
                return _blocked(source, file_label, path, 0, shrink_floor)
            delete_file_rows(connection, source, file_label)
            report = FileReport(source.name, file_label, "rejected", message=str(rejected))
        else:
            classify(connection, source, landed, load_time)
            classify_duplicates(connection, source, landed, file_label)
            # a new file has no earlier rows: skip two scans of tables that grow all year
            if status != "loaded" or replace_rows:
                delete_file_rows(connection, source, file_label)
            read, loaded, quarantined, reasons = write_rows(connection, source, landed, file_label)
            if shrink_floor is not None and read < shrink_floor:
                connection.execute("rollback")
                return _blocked(source, file_label, path, read, shrink_floor)
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


def _same_adapter(known: str, reference: str) -> bool:
    """Whether a file was last read with the adapter (and options) of this run: the part of
    the reference after ``+`` (none for a native file)."""
    return known.partition("+")[2] == reference.partition("+")[2]


def _blocked(source: LandingSource, label: str, path: Path, read: int, before: int) -> FileReport:
    """A shrunk re-delivery, not loaded: the earlier rows and manifest entry stay."""
    message = (
        f"{path} was re-delivered with {read} rows, {before} were loaded before: "
        f"run with --accept-shrunk {path} to accept"
    )
    return FileReport(source.name, label, "blocked", rows_read=read, message=message)


def is_accepted(path: Path, label: str, accept_shrunk: Collection[str]) -> bool:
    """Whether the run was told to accept a shrunk delivery of this file: named by its path
    (made absolute from the working directory) or by its label ``<source>/<name>``."""
    return label in accept_shrunk or os.path.abspath(path) in {
        os.path.abspath(entry) for entry in accept_shrunk
    }


def ingest_folder(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    folder: Path,
    *,
    load_time: dt.datetime | None = None,
    accept_shrunk: Collection[str] = (),
    list_outside_sources: bool = False,
    adapter: SourceAdapter | None = None,
) -> list[FileReport]:
    """Bring ``raw.<source>`` in line with the landing folder; say what happened to each file.

    ``folder`` is ``<landing>/<source>``; files are recorded as ``<source>/<name>``. A file
    re-delivered with fewer rows than were loaded from it (or unusable, e.g. 0 bytes) is not
    loaded and is reported ``blocked`` (its earlier rows stay) unless ``accept_shrunk`` names it.
    Entries of the folder that are not landing files are recorded as ``ignored``; with
    ``list_outside_sources`` so are the landing folder's entries outside any source folder.
    With ``adapter`` the files are a source system's export (adapters/); its fingerprint is
    part of the reference, so a change of format or option reads every file again.
    """
    load_time = load_time or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    ensure_tables(connection, source)
    reference = reference_sha256(connection, source)
    if adapter is not None:
        reference = f"{reference}+{adapter.fingerprint}"
    manifest = recorded(connection, source)
    taken, ignored = classify_entries(folder, source.name)
    if list_outside_sources:
        ignored += outside_sources(folder.parent, set(SOURCES))
    reports: dict[str, FileReport] = {}
    paths = {f"{source.name}/{path.name}": path for path in taken}
    pending: set[str] = set()
    # computed once, and only when some loaded file was checked against other reference data
    touched: set[str] | None = None
    # the file whose name sorts last keeps a shared key (duplicates.py): loading the later files
    # first means an earlier file meets them already loaded, and gives way without a reload
    for label, path in sorted(paths.items(), reverse=True):
        known = manifest.get(label)
        # a new file is loaded whatever its hash: load_file hashes it while DuckDB reads it
        sha256 = file_sha256(path) if known else None
        if (
            known
            and known.sha256 == sha256
            and (
                known.reference == reference
                or (known.status == "rejected" and _same_adapter(known.reference, reference))
            )
        ):
            reports[label] = unchanged(connection, source, label)
            continue
        if known and known.sha256 == sha256 and _same_adapter(known.reference, reference):
            if touched is None:
                touched = files_touched_by_references(connection, source)
            if label not in touched:
                # new reference data (a month's new tickets) changes nothing for this file's
                # rows: record the fingerprint it was checked against instead of re-reading it
                record_reference(connection, source, label, reference)
                reports[label] = unchanged(connection, source, label)
                continue
        if known is None:
            status = "loaded"
        elif known.sha256 != sha256:
            status = "replaced"
        else:
            status = "reloaded"
        shrink_floor = None
        if status == "replaced" and not is_accepted(path, label, accept_shrunk):
            shrink_floor = known.rows_read if known else None
        report = load_file(
            connection, source, path, label,
            load_time=load_time, status=status, sha256=sha256, reference=reference,
            shrink_floor=shrink_floor, adapter=adapter,
        )  # fmt: skip
        reports[label] = report
        if report.status != "blocked":
            pending |= superseded_files(connection, source, label)
    # a blocked file keeps its earlier rows: it is not read again until accepted
    reloadable = {
        label: path for label, path in paths.items() if reports[label].status != "blocked"
    }
    _reload_superseded(
        connection, source, reloadable, pending, reports, load_time, reference, adapter
    )
    listed = [reports[label] for label in sorted(reports)]
    for label in sorted(set(manifest) - set(paths)):
        listed.append(
            FileReport(
                source.name, label, "missing",
                message="no longer in the landing folder; its rows stay loaded",
            )
        )  # fmt: skip
    listed += record_ignored(connection, source.name, ignored, load_time, list_outside_sources)
    return listed


def _reload_superseded(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    paths: dict[str, Path],
    pending: set[str],
    reports: dict[str, FileReport],
    load_time: dt.datetime,
    reference: str,
    adapter: SourceAdapter | None = None,
) -> None:
    """Reload the files whose rows a later-named file now supersedes, or no longer supersedes
    (it was replaced or rejected), until no file's outcome changes. A reload only hands keys to
    later files or takes back keys no later file carries, so this ends; a file is reloaded at
    most once per round, latest name first."""
    # only a file that changed in this run can give a key up (unchanged files were settled)
    changed = any(
        r.status in {"loaded", "replaced", "reloaded", "rejected"} for r in reports.values()
    )
    for _ in range(len(paths) + 1):
        if changed:
            pending |= files_no_longer_superseded(connection, source)
        pending &= set(paths)
        if not pending:
            return
        for label in sorted(pending, reverse=True):
            pending.discard(label)
            previous = reports.get(label)
            status = (
                "loaded" if previous is not None and previous.status == "loaded" else "reloaded"
            )
            reports[label] = load_file(
                connection, source, paths[label], label,
                load_time=load_time, status=status, reference=reference, replace_rows=True,
                adapter=adapter,
            )  # fmt: skip
            pending |= superseded_files(connection, source, label)
    raise RuntimeError(f"{source.name}: superseded files did not settle")  # pragma: no cover
