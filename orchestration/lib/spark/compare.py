"""Comparing the marts a Spark run computed with the DuckDB warehouse's, row for row.

Issue #18 asks that the same dbt project give the same KPIs, statuses and credits on both
engines, to the cent. Each Spark mart is a Parquet table under the Spark warehouse directory
(`<warehouse>/<schema>.db/<table>/`); DuckDB reads it, casts every column to the type of the
DuckDB mart's column of the same name, and compares the two row sets with `except all` both
ways (a row counts as many times as it occurs; nulls compare equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class MartComparison:
    """The comparison of one mart: rows on each side and the rows only one side has.

    `missing_columns` are DuckDB columns the Spark table lacks (then nothing is compared);
    `only_duckdb` / `only_spark` count the rows of `except all` in each direction.
    """

    model: str
    duckdb_rows: int
    spark_rows: int
    only_duckdb: int
    only_spark: int
    missing_columns: tuple[str, ...] = ()

    @property
    def rows_compared(self) -> int:
        return self.duckdb_rows

    @property
    def rows_differing(self) -> int:
        return self.only_duckdb + self.only_spark

    @property
    def is_equal(self) -> bool:
        return not self.missing_columns and self.rows_differing == 0


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _count(connection: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = connection.execute(f"select count(*) from ({sql})").fetchone()
    return int(row[0]) if row else 0


def compare_marts(
    duckdb_warehouse: Path,
    spark_warehouse_dir: Path,
    models: list[str],
    *,
    schema: str = "marts",
) -> list[MartComparison]:
    """Compare each of `models` (table names in `schema`) between the two warehouses.

    `spark_warehouse_dir` is Spark's `spark.sql.warehouse.dir` (`<SLA_SPARK_HOME>/warehouse`).
    The DuckDB file is opened read-only.
    """
    comparisons: list[MartComparison] = []
    connection = duckdb.connect(str(duckdb_warehouse), read_only=True)
    try:
        connection.execute("set timezone = 'UTC'")
        for model in models:
            columns = connection.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, model],
            ).fetchall()
            table_dir = spark_warehouse_dir / f"{schema}.db" / model
            duckdb_sql = f"select * from {_quoted(schema)}.{_quoted(model)}"
            if not any(table_dir.glob("*.parquet")):
                # no Parquet: the Spark run did not build the mart (every column is missing),
                # or built it empty (Spark writes no file for no rows)
                duckdb_rows = _count(connection, duckdb_sql)
                missing_all = () if table_dir.is_dir() else tuple(str(c[0]) for c in columns)
                comparisons.append(
                    MartComparison(model, duckdb_rows, 0, duckdb_rows, 0, missing_all)
                )
                continue
            files = table_dir / "*.parquet"
            spark_source = f"read_parquet({_literal(str(files))})"
            spark_columns = {
                str(row[0])
                for row in connection.execute(f"describe select * from {spark_source}").fetchall()
            }
            missing = tuple(str(name) for name, _ in columns if name not in spark_columns)
            duckdb_rows = _count(connection, duckdb_sql)
            spark_rows = _count(connection, f"select * from {spark_source}")
            if missing:
                comparisons.append(
                    MartComparison(model, duckdb_rows, spark_rows, duckdb_rows, spark_rows, missing)
                )
                continue
            names = ", ".join(_quoted(str(name)) for name, _ in columns)
            casts = ", ".join(
                f"cast({_quoted(str(name))} as {data_type}) as {_quoted(str(name))}"
                for name, data_type in columns
            )
            duckdb_side = f"select {names} from {_quoted(schema)}.{_quoted(model)}"
            spark_side = f"select {casts} from {spark_source}"
            comparisons.append(
                MartComparison(
                    model=model,
                    duckdb_rows=duckdb_rows,
                    spark_rows=spark_rows,
                    only_duckdb=_count(connection, f"{duckdb_side} except all {spark_side}"),
                    only_spark=_count(connection, f"{spark_side} except all {duckdb_side}"),
                )
            )
    finally:
        connection.close()
    return comparisons
