"""The read-back of Spark's Parquet tables into the DuckDB warehouse, without Spark.

DuckDB writes the files here as Spark would lay them out (`<schema>.db/<table>/part-*.parquet`
beside `_SUCCESS` and `.crc` files, timestamps adjusted to UTC); the read-back must give every
column the DuckDB path's type: the contract's where there is one, a naive UTC timestamp for a
Spark timestamp otherwise. Runs in `make test` (no PySpark needed).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.lib.spark import readback

MANIFEST = {
    "nodes": {
        "model.sla.objective_credits": {
            "resource_type": "model",
            "name": "objective_credits",
            "alias": "objective_credits",
            "schema": "marts",
            "config": {"materialized": "table"},
            "contract": {"enforced": True},
            "columns": {
                "agreement_id": {"name": "agreement_id", "data_type": "varchar"},
                "credit_amount": {"name": "credit_amount", "data_type": "decimal(18,2)"},
                "tier_rank": {"name": "tier_rank", "data_type": "integer"},
                "decided_at": {"name": "decided_at", "data_type": "timestamp"},
            },
        },
        "model.sla.int_minutes": {
            "resource_type": "model",
            "name": "int_minutes",
            "alias": "int_minutes",
            "schema": "intermediate",
            "config": {"materialized": "incremental"},
            "contract": {"enforced": False},
            "columns": {},
        },
        "model.sla.ticket_clocks": {
            "resource_type": "model",
            "name": "ticket_clocks",
            "alias": "ticket_clocks",
            "schema": "marts",
            "config": {"materialized": "view"},
            "contract": {"enforced": True},
            "columns": {"ticket_id": {"name": "ticket_id", "data_type": "varchar"}},
        },
        "model.sla.stg_tickets": {
            "resource_type": "model",
            "name": "stg_tickets",
            "alias": "stg_tickets",
            "schema": "staging",
            "config": {"materialized": "view"},
            "contract": {"enforced": False},
            "columns": {},
        },
        "test.sla.not_null_x": {"resource_type": "test", "name": "not_null_x", "schema": "marts"},
    }
}
RUN_RESULTS = {
    "results": [
        {"unique_id": "model.sla.stg_tickets", "status": "success"},
        {"unique_id": "model.sla.int_minutes", "status": "success"},
        {"unique_id": "model.sla.objective_credits", "status": "success"},
        {"unique_id": "model.sla.ticket_clocks", "status": "success"},
        {"unique_id": "test.sla.not_null_x", "status": "pass"},
    ]
}


def _write_spark_table(folder: Path, select: str) -> None:
    folder.mkdir(parents=True)
    (folder / "_SUCCESS").write_text("")
    (folder / ".part-00000.snappy.parquet.crc").write_bytes(b"crc")
    with duckdb.connect() as connection:
        connection.execute("set timezone = 'UTC'")
        connection.execute(f"copy ({select}) to '{folder / 'part-00000.snappy.parquet'}'")


@pytest.fixture
def spark_home(tmp_path: Path) -> Path:
    home = tmp_path / "spark"
    warehouse = home / "warehouse"
    # column order and types as Spark would leave them: another order, wider integers, a
    # timestamp adjusted to UTC, the decimal of a Spark sum
    _write_spark_table(
        warehouse / "marts.db" / "objective_credits",
        "select 3::bigint as tier_rank, 'acme'::varchar as agreement_id,"
        " 600.00::decimal(28,2) as credit_amount,"
        " timestamptz '2026-03-31 22:00:00+00' as decided_at",
    )
    _write_spark_table(
        warehouse / "intermediate.db" / "int_minutes",
        "select timestamptz '2026-03-01 00:01:00+00' as minute_at, 2::bigint as down",
    )
    # a Spark view: exported by export_views
    _write_spark_table(
        home / readback.EXPORTED_VIEWS_FOLDER / "marts" / "ticket_clocks",
        "select 'T1' as ticket_id",
    )
    return home


def test_built_models_are_the_models_dbt_built() -> None:
    models = readback.built_models(MANIFEST, RUN_RESULTS)
    assert [model.relation for model in models] == [
        "staging.stg_tickets",
        "intermediate.int_minutes",
        "marts.objective_credits",
        "marts.ticket_clocks",
    ]
    assert [model.relation for model in readback.to_read_back(models)] == [
        "intermediate.int_minutes",
        "marts.objective_credits",
        "marts.ticket_clocks",
    ]


def test_views_to_export_are_those_without_files(spark_home: Path) -> None:
    models = readback.built_models(MANIFEST, RUN_RESULTS)
    assert [m.relation for m in readback.views_to_export(spark_home, models)] == [
        "marts.ticket_clocks"
    ]


def test_read_back_casts_to_the_duckdb_types(tmp_path: Path, spark_home: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    models = readback.built_models(MANIFEST, RUN_RESULTS)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("set timezone = 'UTC'")
        # the DuckDB path's view of the same name is replaced by the table
        connection.execute("create schema marts")
        connection.execute("create view marts.ticket_clocks as select 'old' as ticket_id")
        rows = readback.read_back(connection, spark_home, models)
        assert rows == {
            "intermediate.int_minutes": 1,
            "marts.objective_credits": 1,
            "marts.ticket_clocks": 1,
        }
        credits = connection.execute("describe marts.objective_credits").fetchall()
        assert [(row[0], row[1]) for row in credits] == [
            ("agreement_id", "VARCHAR"),
            ("credit_amount", "DECIMAL(18,2)"),
            ("tier_rank", "INTEGER"),
            ("decided_at", "TIMESTAMP"),
        ]
        assert (
            connection.execute("select * from marts.objective_credits").fetchall()[0][3].isoformat()
            == "2026-03-31T22:00:00"
        )
        minutes = connection.execute("describe intermediate.int_minutes").fetchall()
        assert [(row[0], row[1]) for row in minutes] == [
            ("minute_at", "TIMESTAMP"),
            ("down", "BIGINT"),
        ]
        assert connection.execute("select * from marts.ticket_clocks").fetchall() == [("T1",)]


def test_a_contract_column_missing_on_spark_fails(tmp_path: Path, spark_home: Path) -> None:
    manifest = {"nodes": dict(MANIFEST["nodes"])}
    credits = dict(manifest["nodes"]["model.sla.objective_credits"])
    credits["columns"] = {
        **credits["columns"],
        "currency": {"name": "currency", "data_type": "varchar"},
    }
    manifest["nodes"]["model.sla.objective_credits"] = credits
    models = readback.built_models(manifest, RUN_RESULTS)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        connection.execute("create table keep as select 1 as x")
        with pytest.raises(readback.ReadbackError, match="currency"):
            readback.read_back(connection, spark_home, models)
        # rolled back: nothing half-read
        tables = connection.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
        ).fetchall()
        assert tables == [("main.keep",)]


def test_spark_conf_renders_the_spark_home(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles.yml"
    profiles.write_text(
        "sla:\n  outputs:\n    spark:\n      type: spark\n      server_side_parameters:\n"
        '        spark.master: "local[2]"\n'
        "        spark.sql.warehouse.dir:"
        " \"{{ env_var('SLA_SPARK_HOME', 'data/spark') }}/warehouse\"\n",
        encoding="utf-8",
    )
    conf = readback.spark_conf(Path("/x/spark"), tmp_path)
    assert conf == {"spark.master": "local[2]", "spark.sql.warehouse.dir": "/x/spark/warehouse"}
