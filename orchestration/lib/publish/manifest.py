"""manifest.json: what a period version was made from and what it holds (audit, reconciliation)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb

TOOLS = ("duckdb", "dbt-core", "dbt-duckdb", "dagster", "dagster-dbt", "sla-pipeline")
MANIFEST_NAME = "manifest.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tool_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _rows(
    connection: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, params or {})
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def run_inputs(
    connection: duckdb.DuckDBPyConnection,
    *,
    landing_dir: Path | None = None,
    run_started_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The definitions' hash and files, the landing folder, and every landing file with its row
    accounting and whether this run read it (``read_in_run``: it was loaded after the run
    started) or carried it from an earlier run (unchanged, so not read again). ``read_in_run``
    is null when the run's start is unknown (a publication outside a pipeline run)."""
    sha = connection.execute(
        "select definitions_sha256 from marts.rpt_definitions_hashes order by all"
    ).fetchall()
    return {
        "definitions_sha256": sha[0][0] if len(sha) == 1 else [s for (s,) in sha],
        "definition_files": _rows(
            connection, "select path, sha256 from marts.rpt_definition_files order by path"
        ),
        "landing_folder": str(landing_dir) if landing_dir is not None else None,
        "input_files": _rows(
            connection,
            "select source, file_path, sha256, status, rows_read, rows_loaded, rows_quarantined, "
            "message, case when $started is null then null else loaded_at >= $started end "
            "as read_in_run from marts.rpt_landing_files order by source, file_path",
            {"started": run_started_at},
        ),
    }


def write_manifest(
    folder: Path,
    *,
    period_key: str,
    run_id: str,
    generated_at: dt.datetime,
    window: tuple[dt.date, dt.date],
    inputs: dict[str, Any],
    agreements: list[dict[str, Any]],
    version: int,
    published_at: dt.datetime,
    previous_version: int | None = None,
) -> Path:
    """Write ``folder/manifest.json`` listing every other file of the folder with its SHA-256.

    ``folder`` is one version of a period (``<period>/v<version>``); ``previous_version`` is the
    version it restates (None for the first).
    """
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST_NAME)
    document = {
        "run_id": run_id,
        "generated_at": generated_at.isoformat(),
        "period": period_key,
        "version": version,
        "previous_version": previous_version,
        "published_at": published_at.isoformat(),
        "run_window": {"start": window[0].isoformat(), "end_exclusive": window[1].isoformat()},
        "tools": tool_versions(),
        **inputs,
        "agreements": agreements,
        "files": [
            {
                "path": path.relative_to(folder).as_posix(),
                "sha256": sha256_file(path),
                "bytes": path.stat().st_size,
            }
            for path in files
        ],
    }
    target = folder / MANIFEST_NAME
    target.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    return target
