"""Load landing files into ``raw.<source>``; rows that break a rule go to ``quarantine.<source>``.

Everything is set-based in DuckDB: a file is read with DuckDB's own reader as text, each rule is a
SQL condition, and the first rule a row breaks becomes its reason. Rows read = loaded + quarantined
for every file, and that equation is recorded in ``raw.landing_files``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.defs.ingest.sources import LandingSource

READERS = {".csv": "read_csv", ".parquet": "read_parquet", ".jsonl": "read_json", ".json": "read_json"}


@dataclass(frozen=True)
class FileReport:
    source: str
    path: str
    status: str  # loaded | unchanged | replaced | rejected
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    message: str = ""


def ensure_tables(connection: duckdb.DuckDBPyConnection, source: LandingSource) -> None:
    """Create the raw, quarantine and file-manifest tables if they do not exist yet."""
    connection.execute("create schema if not exists raw")
    connection.execute("create schema if not exists quarantine")
    typed = ", ".join(f"{c.name} {c.sql_type}" for c in source.columns)
    connection.execute(
        f"create table if not exists raw.{source.name} "
        f"({typed}, source_file varchar, source_row bigint)"
    )
    text = ", ".join(f"{c.name} varchar" for c in source.columns)
    connection.execute(
        f"create table if not exists quarantine.{source.name} "
        f"(source_file varchar, source_row bigint, reason_code varchar, reason varchar, {text})"
    )
    connection.execute(
        """
        create table if not exists raw.landing_files (
            source varchar, file_path varchar, sha256 varchar, status varchar,
            rows_read bigint, rows_loaded bigint, rows_quarantined bigint, message varchar,
            loaded_at timestamp, primary key (source, file_path)
        )
        """
    )


def landing_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in READERS)


def _cast(column_name: str, sql_type: str) -> str:
    value = f"nullif(trim({column_name}), '')"
    if sql_type == "timestamp":
        return f"timezone('UTC', cast({value} as timestamptz))"
    if sql_type == "varchar":
        return value
    return f"cast({value} as {sql_type})"


def load_file(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, path: Path
) -> FileReport:
    """Read one file as text, classify every row, and load or quarantine it."""
    reader = READERS[path.suffix.lower()]
    options = "header = true, all_varchar = true" if reader == "read_csv" else ""
    columns = source.column_names
    listed = ", ".join(f"cast({c} as varchar) as {c}" for c in columns)
    connection.execute(
        f"""
        create or replace temp table landed as
        select row_number() over () as source_row, {listed}
        from {reader}(?{", " + options if options else ""})
        """,
        [str(path)],
    )
    reason = "case " + " ".join(
        f"when {rule.condition} then '{rule.reason_code}'" for rule in source.rules
    ) + " end"
    explanation = "case " + " ".join(
        f"when {rule.condition} then '{rule.reason.replace(chr(39), chr(39) * 2)}'"
        for rule in source.rules
    ) + " end"
    connection.execute(
        f"""
        create or replace temp table classified as
        select *, {reason} as reason_code, {explanation} as reason from landed
        """
    )
    file_label = str(path)
    connection.execute(f"delete from raw.{source.name} where source_file = ?", [file_label])
    connection.execute(f"delete from quarantine.{source.name} where source_file = ?", [file_label])
    casts = ", ".join(_cast(c.name, c.sql_type) for c in source.columns)
    connection.execute(
        f"""
        insert into raw.{source.name}
        select {casts}, ? as source_file, source_row
        from classified where reason_code is null order by source_row
        """,
        [file_label],
    )
    connection.execute(
        f"""
        insert into quarantine.{source.name}
        select ? as source_file, source_row, reason_code, reason, {", ".join(columns)}
        from classified where reason_code is not null order by source_row
        """,
        [file_label],
    )
    read, loaded, quarantined = connection.execute(
        "select count(*), count(*) filter (reason_code is null), "
        "count(*) filter (reason_code is not null) from classified"
    ).fetchone()
    return FileReport(source.name, file_label, "loaded", read, loaded, quarantined)


def ingest_folder(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, folder: Path
) -> list[FileReport]:
    """Load every landing file of one source; return what happened to each."""
    ensure_tables(connection, source)
    reports = []
    for path in landing_files(folder):
        connection.execute("begin transaction")
        try:
            report = load_file(connection, source, path)
            connection.execute("commit")
        except duckdb.Error as error:
            connection.execute("rollback")
            report = FileReport(source.name, str(path), "rejected", 0, 0, 0, str(error))
        reports.append(report)
    return reports
