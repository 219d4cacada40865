"""The read-back of a Spark run's models into the DuckDB warehouse.

A Spark run computes the dbt models in Spark's own warehouse folder (dbt-spark, `method: session`,
file format Parquet): every table model is a folder `<spark warehouse>/<schema>.db/<table>/` of
Parquet files. The publications, `sla status`, `sla explain` and the negotiation read the marts
from the DuckDB warehouse, so after the build every model dbt built is copied back under the same
`schema.table` name the DuckDB path creates, each column cast to the type it has there: the
model's contract (`data_type` in the YAML, from the DuckDB manifest) where there is one, otherwise
the Parquet type, a Spark timestamp (Parquet `isAdjustedToUTC`, read by DuckDB as
`timestamp with time zone`) as the naive UTC `timestamp` the warehouse stores everywhere.

Views hold no files: the ones outside staging (the `rpt_explain_*` views, `ticket_clocks`, the
pack's cover views) are written to Parquet by Spark itself after dbt has finished
(:func:`export_views`, one short PySpark process on the same metastore) and read back as tables.
Staging views are left out: no Python reads them (docs/architecture.md, layer rules).

Everything is set-based: one `create table ... as select cast(...) from read_parquet(...)` per
model, no row passes through Python.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib.settings import DBT_PROFILES_DIR, ENV_SPARK_HOME

# schemas whose models nothing in Python reads: not read back
SKIPPED_SCHEMAS = frozenset({"staging"})
# the folder (under the Spark home) where export_views writes the views' rows
EXPORTED_VIEWS_FOLDER = "exported_views"
# the DuckDB type a Parquet column is read as, and the warehouse's type for it
_TYPE_FOR_PARQUET = {
    "TIMESTAMP WITH TIME ZONE": "timestamp",
}


class ReadbackError(RuntimeError):
    """A model dbt built on Spark cannot be read back (no files, a contract column missing)."""


@dataclass(frozen=True)
class BuiltModel:
    """One model as the DuckDB path names and types it."""

    unique_id: str
    schema: str
    name: str
    materialized: str
    # (column, data_type or None) in the contract's order
    columns: tuple[tuple[str, str | None], ...]
    contract_enforced: bool

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.name}"


def built_models(manifest: Mapping[str, Any], run_results: Mapping[str, Any]) -> list[BuiltModel]:
    """The models of ``run_results`` (dbt's run_results.json) that dbt built successfully, named
    and typed as ``manifest`` (the DuckDB target's manifest.json) says, in run order."""
    nodes: Mapping[str, Any] = manifest["nodes"]
    models: list[BuiltModel] = []
    for result in run_results.get("results", []):
        unique_id = str(result.get("unique_id", ""))
        node = nodes.get(unique_id)
        if node is None or node.get("resource_type") != "model":
            continue
        if result.get("status") != "success":
            continue
        config = node.get("config", {})
        materialized = str(config.get("materialized", "table"))
        if materialized == "ephemeral":
            continue
        columns = tuple(
            (str(column.get("name") or key), column.get("data_type") or None)
            for key, column in node.get("columns", {}).items()
        )
        models.append(
            BuiltModel(
                unique_id=unique_id,
                schema=str(node["schema"]),
                name=str(node.get("alias") or node["name"]),
                materialized=materialized,
                columns=columns,
                contract_enforced=bool(node.get("contract", {}).get("enforced", False)),
            )
        )
    return models


def load_json(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def spark_table_folder(spark_warehouse: Path, model: BuiltModel) -> Path:
    """Where Spark keeps a table's files: ``spark.sql.warehouse.dir`` layout."""
    return spark_warehouse / f"{model.schema}.db" / model.name


def exported_view_folder(spark_home: Path, model: BuiltModel) -> Path:
    return spark_home / EXPORTED_VIEWS_FOLDER / model.schema / model.name


def to_read_back(models: Iterable[BuiltModel]) -> list[BuiltModel]:
    """The models the warehouse needs back: every one outside the skipped schemas."""
    return [model for model in models if model.schema not in SKIPPED_SCHEMAS]


def views_to_export(spark_home: Path, models: Iterable[BuiltModel]) -> list[BuiltModel]:
    """The models to read back that Spark holds as views (no folder in its warehouse)."""
    warehouse = spark_home / "warehouse"
    return [
        model
        for model in to_read_back(models)
        if not _parquet_files(spark_table_folder(warehouse, model))
    ]


def _parquet_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [
        path
        for path in folder.rglob("*.parquet")
        if not any(part.startswith((".", "_")) for part in path.relative_to(folder).parts)
    ]


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parquet_scan(folder: Path) -> str:
    # Spark's part files (partitioned tables: <column>=<value>/ folders), not its _SUCCESS and
    # .crc files
    pattern = _literal(str(folder / "**" / "*.parquet"))
    return f"read_parquet({pattern}, hive_partitioning = true, union_by_name = true)"


def _select_list(connection: duckdb.DuckDBPyConnection, scan: str, model: BuiltModel) -> list[str]:
    """``cast(<column> as <warehouse type>) as <column>`` for every column of the model."""
    described = connection.execute(f"describe select * from {scan}").fetchall()
    parquet_types = {str(row[0]).lower(): (str(row[0]), str(row[1])) for row in described}
    declared = {name.lower(): data_type for name, data_type in model.columns}
    if model.contract_enforced:
        missing = [name for name, _ in model.columns if name.lower() not in parquet_types]
        if missing:
            raise ReadbackError(
                f"{model.relation}: Spark's table lacks contract column(s) {', '.join(missing)}"
            )
        names = [name for name, _ in model.columns]
    else:
        names = [parquet_name for parquet_name, _ in parquet_types.values()]
    select = []
    for name in names:
        parquet_name, parquet_type = parquet_types[name.lower()]
        data_type = declared.get(name.lower()) or _TYPE_FOR_PARQUET.get(
            parquet_type.upper(), parquet_type
        )
        select.append(f"cast({_quoted(parquet_name)} as {data_type}) as {_quoted(name)}")
    return select


def read_back_model(connection: duckdb.DuckDBPyConnection, folder: Path, model: BuiltModel) -> int:
    """Replace ``model``'s relation in the warehouse by the Parquet files in ``folder``;
    returns its rows."""
    if not _parquet_files(folder):
        raise ReadbackError(f"{model.relation}: no Parquet files in {folder}")
    scan = _parquet_scan(folder)
    relation = f"{_quoted(model.schema)}.{_quoted(model.name)}"
    select = ",\n    ".join(_select_list(connection, scan, model))
    connection.execute(f"create schema if not exists {_quoted(model.schema)}")
    # the DuckDB path may have left a view of that name (ticket_clocks, rpt_explain_*)
    connection.execute(f"drop view if exists {relation}")
    connection.execute(f"create or replace table {relation} as select\n    {select}\nfrom {scan}")
    counted = connection.execute(f"select count(*) from {relation}").fetchone()
    return int(counted[0]) if counted else 0


def read_back(
    connection: duckdb.DuckDBPyConnection, spark_home: Path, models: Sequence[BuiltModel]
) -> dict[str, int]:
    """Read every model of ``models`` outside staging back into the warehouse: tables from
    Spark's warehouse folder, views from their export (:func:`export_views`). Returns the rows
    per ``schema.table``. One transaction: a failure leaves the warehouse as it was."""
    warehouse = spark_home / "warehouse"
    rows: dict[str, int] = {}
    connection.execute("begin transaction")
    try:
        for model in to_read_back(models):
            folder = spark_table_folder(warehouse, model)
            if not _parquet_files(folder):
                folder = exported_view_folder(spark_home, model)
            rows[model.relation] = read_back_model(connection, folder, model)
    except BaseException:
        connection.execute("rollback")
        raise
    connection.execute("commit")
    return rows


def spark_conf(spark_home: Path, profiles_dir: Path = DBT_PROFILES_DIR) -> dict[str, str]:
    """The Spark settings of the profile's ``spark`` target (``server_side_parameters``), with
    ``env_var('SLA_SPARK_HOME')`` rendered as ``spark_home``: a second session on the same
    warehouse folder and metastore as dbt's."""
    import jinja2
    import yaml

    profiles = yaml.safe_load((profiles_dir / "profiles.yml").read_text(encoding="utf-8"))
    target = profiles["sla"]["outputs"].get("spark")
    if not target:
        raise ReadbackError(f"{profiles_dir / 'profiles.yml'} has no `spark` target")

    def env_var(name: str, default: str | None = None) -> str:
        if name == ENV_SPARK_HOME:
            return str(spark_home)
        value = os.environ.get(name, default)
        if value is None:
            raise ReadbackError(f"the spark target reads {name}, which is not set")
        return value

    environment = jinja2.Environment(autoescape=False)
    return {
        str(key): environment.from_string(str(value)).render(env_var=env_var)
        for key, value in (target.get("server_side_parameters") or {}).items()
    }


_EXPORT_SCRIPT = """\
import json, sys
from pyspark.sql import SparkSession
request = json.loads(sys.argv[1])
builder = SparkSession.builder.appName("sla-export-views")
for key, value in request["conf"].items():
    builder = builder.config(key, value)
spark = builder.enableHiveSupport().getOrCreate()
try:
    for relation, folder in request["views"]:
        spark.table(relation).write.mode("overwrite").parquet(folder)
finally:
    spark.stop()
"""


def export_views(
    spark_home: Path, views: Sequence[BuiltModel], python: str = sys.executable
) -> None:
    """Write the rows of each Spark view in ``views`` to Parquet under the Spark home, in one
    PySpark process on dbt's metastore (run after dbt has ended: the embedded metastore takes
    one process at a time)."""
    if not views:
        return
    request = {
        "conf": spark_conf(spark_home),
        "views": [
            [model.relation, str(exported_view_folder(spark_home, model))] for model in views
        ],
    }
    completed = subprocess.run(
        [python, "-c", _EXPORT_SCRIPT, json.dumps(request)],
        cwd=spark_home,  # Spark's derby.log
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
        raise ReadbackError(
            f"exporting the Spark views failed (exit {completed.returncode}):\n{tail}"
        )
