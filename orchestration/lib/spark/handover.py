"""The handover of the validated inputs from the DuckDB warehouse to a Spark run.

Every table of the schemas raw (accepted landing rows), definitions (the validated agreement and
calendar files) and quarantine (rejected rows, kept for review) is written as one Parquet file,
`<handover_dir>/<schema>/<table>.parquet`; the Spark run's on-run-start hook registers each file
as the source table `<schema>.<table>`, so that the dbt models read exactly the rows DuckDB would.

Timestamps are naive UTC instants on both sides: DuckDB writes TIMESTAMP columns as Parquet
timestamps without a time zone, Spark (session time zone UTC) reads them as the same instants.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

HANDOVER_SCHEMAS: tuple[str, ...] = ("raw", "definitions", "quarantine")


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def export_handover(connection: duckdb.DuckDBPyConnection, handover_dir: Path) -> dict[str, int]:
    """Write the tables of raw, definitions and quarantine to Parquet under `handover_dir`.

    Returns the rows written per table, keyed `schema.table`. A file left from an earlier
    handover is overwritten; a schema missing from the warehouse hands over no tables.
    """
    placeholders = ", ".join("?" for _ in HANDOVER_SCHEMAS)
    tables = connection.execute(
        "select table_schema, table_name from information_schema.tables"
        f" where table_schema in ({placeholders}) and table_type = 'BASE TABLE'"
        " order by table_schema, table_name",
        list(HANDOVER_SCHEMAS),
    ).fetchall()
    rows: dict[str, int] = {}
    for schema, table in tables:
        target = handover_dir / schema / f"{table}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        relation = f"{_quoted(schema)}.{_quoted(table)}"
        path = str(target).replace("'", "''")
        connection.execute(f"copy (select * from {relation}) to '{path}' (format parquet)")
        counted = connection.execute(f"select count(*) from {relation}").fetchone()
        rows[f"{schema}.{table}"] = int(counted[0]) if counted else 0
    return rows
