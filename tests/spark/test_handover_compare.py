"""The Spark handover and the mart comparison, on DuckDB alone (no Spark needed)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.lib.spark.compare import compare_marts
from orchestration.lib.spark.handover import export_handover


def _warehouse(path: Path) -> None:
    connection = duckdb.connect(str(path))
    connection.execute("set timezone = 'UTC'")
    connection.execute("create schema raw")
    connection.execute("create schema definitions")
    connection.execute("create schema quarantine")
    connection.execute("create schema marts")
    connection.execute(
        "create table raw.probes as select 's1' as service_id,"
        " timestamp '2026-03-01 10:00:00' as checked_at, true as ok"
    )
    connection.execute("create table definitions.agreements (agreement_id varchar)")
    connection.execute("create table quarantine.probes as select 'f.csv' as source_file")
    connection.execute(
        "create table marts.ledger as select * from (values"
        " ('a', 1.25::decimal(18, 2)), ('b', 0.10::decimal(18, 2))) as t(agreement_id, amount)"
    )
    connection.execute("create table marts.outages as select 's1' as service_id")
    connection.close()


def test_export_handover_writes_every_input_table(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse)
    connection = duckdb.connect(str(warehouse), read_only=True)
    rows = export_handover(connection, tmp_path / "handover")
    connection.close()

    assert rows == {"definitions.agreements": 0, "quarantine.probes": 1, "raw.probes": 1}
    probes = duckdb.sql(
        f"select checked_at from read_parquet('{tmp_path}/handover/raw/probes.parquet')"
    ).fetchall()
    # a naive UTC instant stays the same instant
    assert probes == [(datetime(2026, 3, 1, 10, 0),)]


def _spark_table(directory: Path, sql: str) -> None:
    directory.mkdir(parents=True)
    duckdb.sql(f"copy ({sql}) to '{directory}/part-00000.parquet' (format parquet)")


def test_compare_marts_counts_rows_each_side_lacks(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse)
    spark = tmp_path / "spark" / "warehouse"
    # Spark wrote the amount as a double: compared after the cast to decimal(18, 2)
    _spark_table(
        spark / "marts.db" / "ledger",
        "select * from (values ('b', 0.1::double), ('a', 1.26::double)) as t(agreement_id, amount)",
    )

    [ledger, missing] = compare_marts(warehouse, spark, ["ledger", "outages"])

    assert (ledger.duckdb_rows, ledger.spark_rows) == (2, 2)
    assert (ledger.only_duckdb, ledger.only_spark) == (1, 1)
    assert not ledger.is_equal
    # a mart the Spark run did not build: every column missing, every row unmatched
    assert missing.missing_columns == ("service_id",)
    assert (missing.spark_rows, missing.only_duckdb, missing.is_equal) == (0, 1, False)


def test_compare_marts_equal_to_the_cent(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse)
    spark = tmp_path / "spark" / "warehouse"
    _spark_table(
        spark / "marts.db" / "ledger",
        "select amount, agreement_id from (values ('a', 1.25::decimal(38, 6)),"
        " ('b', 0.1::decimal(38, 6))) as t(agreement_id, amount)",
    )

    [ledger] = compare_marts(warehouse, spark, ["ledger"])

    assert ledger.is_equal and ledger.rows_compared == 2
