"""Numbered versions of a period's publication, the ledger history and restatements.

Layout: ``reports/<period>/v1/``, ``v2/``, … each a complete publication that is never written
again, and ``reports/<period>/latest`` (a relative symlink ``latest -> v2``; a text file holding
``v2`` where the file system has no symlinks) naming the newest.

The warehouse keeps every published ledger in ``publications.credits_ledger_history`` (append
only; the ledger's columns, then ``version``, ``published_at`` and ``line_number``, the row's
position in the published file). The schema ``publications`` belongs to the publish step: dbt
owns ``marts`` and cannot decide a version number, which is known only when a run publishes.
A restatement is a query over that table (:func:`HistoryTransaction.restatement`).

Ordering (docs/publications.md, "Versions"): the rows of a new version are inserted in one
transaction; the staged version folder is renamed into place *before* that transaction commits,
and ``latest`` moves only after it committed. A failed rename rolls the transaction back; a
failed commit moves the folder back out. A crash in between leaves a folder newer than
``latest``: :func:`recover_period` completes it when the history holds it and removes it when
it does not (it was never published).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

HISTORY_SCHEMA = "publications"
HISTORY_TABLE = f"{HISTORY_SCHEMA}.credits_ledger_history"
LATEST = "latest"
RESTATEMENT_NAME = "credits_restatement.csv"
# files that only the old, unversioned layout put directly into reports/<period>/
LEGACY_MARKERS = ("manifest.json", "credits.csv", "compliance.csv")
LEGACY_PREFIX = ".legacy-"
_VERSION = re.compile(r"^v([1-9][0-9]*)$")


class PublicationError(RuntimeError):
    """The reports folder and the warehouse's history disagree: refuse to publish."""


def version_name(version: int) -> str:
    return f"v{version}"


def version_folders(period_dir: Path) -> dict[int, Path]:
    """The ``v<n>`` folders of a period, by number."""
    if not period_dir.is_dir():
        return {}
    found = {}
    for child in period_dir.iterdir():
        match = _VERSION.match(child.name)
        if match and child.is_dir() and not child.is_symlink():
            found[int(match.group(1))] = child
    return dict(sorted(found.items()))


def read_latest(period_dir: Path) -> int | None:
    """The version ``latest`` names, or None before the first versioned publication."""
    latest = period_dir / LATEST
    if latest.is_symlink():
        target = os.readlink(latest)
    elif latest.is_file():
        target = latest.read_text(encoding="utf-8").strip()
    else:
        return None
    match = _VERSION.match(Path(target).name)
    return int(match.group(1)) if match else None


def point_latest(period_dir: Path, version: int) -> None:
    """Make ``latest`` name ``v<version>`` atomically: write ``latest.tmp``, then rename."""
    tmp = period_dir / f"{LATEST}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    try:
        os.symlink(version_name(version), tmp, target_is_directory=True)
    except (OSError, NotImplementedError):
        # no symlinks here (some Windows and network file systems): a text file naming the folder
        tmp.write_text(version_name(version) + "\n", encoding="utf-8")
    os.replace(tmp, period_dir / LATEST)


def migrate_legacy(reports_dir: Path, period: str) -> str | None:
    """Move a folder published by the unversioned layout into ``<period>/v1`` (once).

    Three renames: ``<period>`` -> ``.legacy-<period>``, a new empty ``<period>``,
    ``.legacy-<period>`` -> ``<period>/v1``; then ``latest -> v1``. A crash in between leaves
    ``.legacy-<period>``, which the next call finishes moving.
    """
    period_dir = reports_dir / period
    parked = reports_dir / f"{LEGACY_PREFIX}{period}"
    if not parked.exists():
        if not any((period_dir / name).is_file() for name in LEGACY_MARKERS):
            return None
        period_dir.rename(parked)
    period_dir.mkdir(exist_ok=True)
    parked.rename(period_dir / version_name(1))
    point_latest(period_dir, 1)
    return f"{period}: moved the unversioned publication into {period}/v1"


def recover_period(period_dir: Path, published: set[int]) -> list[str]:
    """Finish or undo a publication interrupted between its folder rename and ``latest``.

    ``published`` are the versions the history table holds for the period. A folder newer than
    ``latest`` that the history holds was committed: ``latest`` moves to it. One the history
    does not hold never committed: it is removed (no reader was ever pointed at it).
    """
    actions = []
    latest = read_latest(period_dir) or 0
    for version, folder in version_folders(period_dir).items():
        if version <= latest:
            continue
        if version in published:
            point_latest(period_dir, version)
            latest = version
            actions.append(f"{period_dir.name}: latest now names {folder.name} (committed)")
        else:
            shutil.rmtree(folder)
            actions.append(f"{period_dir.name}: removed {folder.name} (never committed)")
    tmp = period_dir / f"{LATEST}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    return actions


def history_versions(
    connection: duckdb.DuckDBPyConnection, periods: list[str]
) -> dict[str, set[int]]:
    """``{period: {versions}}`` held by the history table (empty before its first write)."""
    exists = connection.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [HISTORY_SCHEMA, HISTORY_TABLE.split(".")[1]],
    ).fetchone()
    held: dict[str, set[int]] = {period: set() for period in periods}
    if not exists or not exists[0] or not periods:
        return held
    for period, version in connection.execute(
        f"select distinct period, version from {HISTORY_TABLE} where list_contains(?, period)",
        [periods],
    ).fetchall():
        held[period].add(version)
    return held


@contextmanager
def _registered(connection: duckdb.DuckDBPyConnection, table: pa.Table) -> Iterator[str]:
    name = f"_publication_{uuid.uuid4().hex}"
    connection.register(name, table)
    try:
        yield name
    finally:
        connection.unregister(name)


def same_figures(connection: duckdb.DuckDBPyConnection, new: pa.Table, published: Path) -> bool:
    """Whether ``new`` holds the rows of the published Parquet file, ``run_id`` aside (a multiset
    comparison in SQL: both differences empty)."""
    if not published.is_file():
        return False
    old_columns = [
        row[0]
        for row in connection.execute(
            "select name from parquet_schema(?) where num_children is null", [str(published)]
        ).fetchall()
    ]
    if old_columns != new.column_names:
        return False
    # a file without run_id (chronic_breaches) is compared as it is
    rest = "exclude (run_id)" if "run_id" in new.column_names else ""
    with _registered(connection, new) as name:
        counts = connection.execute(
            f"""
            with
            new_rows as (select * {rest} from {name}),
            old_rows as (select * {rest} from read_parquet(?)),
            added as (select * from new_rows except all select * from old_rows),
            removed as (select * from old_rows except all select * from new_rows)
            select (select count(*) from added) + (select count(*) from removed)
            """,
            [str(published)],
        ).fetchone()
    return counts is not None and counts[0] == 0


def restatement_reason(old: dict[str, Any], new: dict[str, Any]) -> str:
    """What differs between two manifests' inputs, by path: landing files, definition files,
    adjustments, else the pipeline's own version (only the code changed)."""
    parts = []
    old_inputs = {f["file_path"]: f["sha256"] for f in old.get("input_files", [])}
    new_inputs = {f["file_path"]: f["sha256"] for f in new.get("input_files", [])}
    parts += _changes("input", old_inputs, new_inputs)
    old_definitions = {f["path"]: f["sha256"] for f in old.get("definition_files", [])}
    new_definitions = {f["path"]: f["sha256"] for f in new.get("definition_files", [])}

    # hook for the adjustments ledger (issue 12, point 2): its files will live under
    # sla_definitions/adjustments/ and are named as adjustments, not as definitions
    def adjustments(files: dict[str, str]) -> dict[str, str]:
        return {p: s for p, s in files.items() if p.startswith("adjustments/")}

    parts += _changes("adjustments", adjustments(old_definitions), adjustments(new_definitions))
    parts += _changes(
        "definitions",
        {p: s for p, s in old_definitions.items() if p not in adjustments(old_definitions)},
        {p: s for p, s in new_definitions.items() if p not in adjustments(new_definitions)},
    )
    if parts:
        return "; ".join(parts)
    old_code = old.get("tools", {}).get("sla-pipeline", "unknown")
    new_code = new.get("tools", {}).get("sla-pipeline", "unknown")
    if old_code != new_code:
        return f"pipeline changed: sla-pipeline {old_code} -> {new_code}"
    return f"pipeline changed: same inputs and definitions, sla-pipeline {new_code}"


def _changes(kind: str, old: dict[str, str], new: dict[str, str]) -> list[str]:
    parts = []
    for verb, paths in (
        ("added", sorted(new.keys() - old.keys())),
        ("changed", sorted(p for p in new.keys() & old.keys() if new[p] != old[p])),
        ("removed", sorted(old.keys() - new.keys())),
    ):
        if paths:
            parts.append(f"{kind} {verb}: {', '.join(paths)}")
    return parts


@dataclass
class StagedVersion:
    """One period's new version, written under the staging folder, waiting to be installed."""

    period: str
    version: int
    previous: int | None  # the version ``latest`` named before, None for the first
    staged: Path  # <staging>/<period>/v<version>
    ledger: pa.Table
    reason: str = ""


@dataclass
class HistoryTransaction:
    connection: duckdb.DuckDBPyConnection
    reports_dir: Path
    installed: list[tuple[Path, Path]] = field(default_factory=list)  # (staged, published)

    def backfill(self, period: str, held: set[int]) -> list[str]:
        """Insert the on-disk versions the history lacks (a folder migrated from the old layout,
        or a warehouse rebuilt next to kept reports) from their own ``credits.parquet``."""
        actions = []
        for version, folder in version_folders(self.reports_dir / period).items():
            parquet = folder / "credits.parquet"
            if version in held or not parquet.is_file():
                continue
            published_at = _manifest_time(folder / "manifest.json")
            self.connection.execute(
                f"""
                insert into {HISTORY_TABLE} by name
                select * exclude (file_row_number), ? as version, ? as published_at,
                    file_row_number + 1 as line_number
                from read_parquet(?, file_row_number = true)
                """,
                [version, published_at, str(parquet)],
            )
            actions.append(f"{period}: history now holds {folder.name} (from its folder)")
        return actions

    def record(self, staged: StagedVersion, published_at: dt.datetime) -> None:
        """Append the new version's ledger rows, refusing a (period, version) already held."""
        held = self.connection.execute(
            f"select count(*) from {HISTORY_TABLE} where period = ? and version = ?",
            [staged.period, staged.version],
        ).fetchone()
        if held and held[0]:
            raise PublicationError(
                f"{staged.period}: {HISTORY_TABLE} already holds v{staged.version} but "
                f"{self.reports_dir / staged.period} has no such folder; publish to the reports "
                "folder this warehouse published to"
            )
        ledger = staged.ledger.append_column(
            "line_number", pa.array(range(1, staged.ledger.num_rows + 1), pa.int32())
        )
        with _registered(self.connection, ledger) as name:
            self.connection.execute(
                f"insert into {HISTORY_TABLE} by name "
                f"select *, ? as version, ? as published_at from {name}",
                [staged.version, published_at],
            )

    def restatement(self, staged: StagedVersion) -> pa.Table:
        """Every ledger row that changed (any published column but ``run_id``), appeared or
        disappeared between the previous version and the new one, with the credit difference."""
        return self.connection.execute(
            RESTATEMENT_SQL,
            {
                "period": staged.period,
                "old": staged.previous,
                "new": staged.version,
                "reason": staged.reason,
            },
        ).to_arrow_table()

    def install(self, staged: StagedVersion) -> None:
        """Rename the staged version folder into ``reports/<period>/v<n>`` (one atomic rename)."""
        period_dir = self.reports_dir / staged.period
        period_dir.mkdir(parents=True, exist_ok=True)
        target = period_dir / version_name(staged.version)
        if target.exists():
            raise PublicationError(f"{staged.period}: {target} exists already; not overwriting it")
        staged.staged.rename(target)
        self.installed.append((staged.staged, target))
        # the emptied <staging>/<period> must not reach atomic.staged_publication's folder swap
        staged.staged.parent.rmdir()

    def undo_installs(self) -> None:
        for staged, target in reversed(self.installed):
            staged.parent.mkdir(parents=True, exist_ok=True)
            target.rename(staged)
        self.installed.clear()


@contextmanager
def history_transaction(
    connection: duckdb.DuckDBPyConnection, reports_dir: Path, ledger_shape: pa.Table
) -> Iterator[HistoryTransaction]:
    """One short transaction: history rows in, folders renamed, commit; undo on any failure.

    ``ledger_shape`` gives the history table its columns (the published ledger's) the first time.
    """
    transaction = HistoryTransaction(connection, reports_dir)
    connection.execute("begin transaction")
    try:
        _ensure_history_table(connection, ledger_shape)
        yield transaction
        connection.execute("commit")
    except BaseException:
        # a failed commit has already ended the transaction
        with contextlib.suppress(duckdb.Error):
            connection.execute("rollback")
        transaction.undo_installs()
        raise


def _ensure_history_table(connection: duckdb.DuckDBPyConnection, ledger: pa.Table) -> None:
    """Create the history table on first use; a ledger column it lacks (one added since the
    warehouse first published, such as coverage_pct) is added to it, null for the versions
    recorded before. Rows are inserted by name, so its column order does not matter."""
    connection.execute(f"create schema if not exists {HISTORY_SCHEMA}")
    with _registered(connection, ledger.slice(0, 0)) as name:
        connection.execute(
            f"create table if not exists {HISTORY_TABLE} as "
            f"select *, null::integer as version, null::timestamp as published_at, "
            f"null::integer as line_number from {name} limit 0"
        )
        held = {
            row[0]
            for row in connection.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = 'credits_ledger_history'",
                [HISTORY_SCHEMA],
            ).fetchall()
        }
        for column, data_type in connection.execute(
            f"select column_name, column_type from (describe select * from {name})"
        ).fetchall():
            if column not in held:
                connection.execute(f'alter table {HISTORY_TABLE} add column "{column}" {data_type}')


def _manifest_time(path: Path) -> dt.datetime | None:
    if not path.is_file():
        return None
    manifest = json.loads(path.read_text(encoding="utf-8"))
    stamp = manifest.get("published_at") or manifest.get("generated_at")
    return dt.datetime.fromisoformat(stamp) if stamp else None


# rows are matched by (agreement_id, row_type, objective_id): the agreement_total row has no
# objective. A row "changed" when any published column but run_id differs (a multiset
# difference in both directions, like the equality check that decided a new version).
RESTATEMENT_SQL = f"""
with

old_rows as (
    select * from {HISTORY_TABLE} where period = $period and version = $old
),

new_rows as (
    select * from {HISTORY_TABLE} where period = $period and version = $new
),

differing as (
    (
        select * exclude (run_id, version, published_at, line_number) from old_rows
        except
        select * exclude (run_id, version, published_at, line_number) from new_rows
    )
    union
    (
        select * exclude (run_id, version, published_at, line_number) from new_rows
        except
        select * exclude (run_id, version, published_at, line_number) from old_rows
    )
),

changed_keys as (
    select distinct agreement_id, row_type, objective_id from differing
),

paired as (
    select
        changed_keys.agreement_id,
        changed_keys.row_type,
        changed_keys.objective_id,
        old_rows.credit_amount as old_credit_amount,
        new_rows.credit_amount as new_credit_amount,
        coalesce(new_rows.currency, old_rows.currency) as currency,
        coalesce(new_rows.line_number, old_rows.line_number) as line_number,
    from changed_keys
    left join old_rows
        on changed_keys.agreement_id = old_rows.agreement_id
        and changed_keys.row_type = old_rows.row_type
        and changed_keys.objective_id is not distinct from old_rows.objective_id
    left join new_rows
        on changed_keys.agreement_id = new_rows.agreement_id
        and changed_keys.row_type = new_rows.row_type
        and changed_keys.objective_id is not distinct from new_rows.objective_id
),

final as (
    select
        agreement_id,
        $period as period,
        objective_id,
        old_credit_amount,
        new_credit_amount,
        (coalesce(new_credit_amount, 0) - coalesce(old_credit_amount, 0))::decimal(18, 2)
            as difference,
        currency,
        $old::integer as old_version,
        $new::integer as new_version,
        $reason as reason,
    from paired
    order by agreement_id, row_type = 'agreement_total', line_number
)

select * from final
"""
