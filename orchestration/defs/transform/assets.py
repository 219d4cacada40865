"""The dbt models (staging -> intermediate -> marts) as Dagster assets."""

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.partitions import monthly_partitions
from orchestration.defs.resources import DbtEngine, SlaPaths
from orchestration.defs.transform.project import dbt_project
from orchestration.defs.transform.translator import SlaDbtTranslator
from orchestration.lib import dbt_launcher
from orchestration.lib.paths import RunPaths
from orchestration.lib.settings import (
    DBT_TARGET_DIR,
    DBT_TARGETS,
    ENV_HANDOVER_DIR,
    ENV_SPARK_HOME,
    FULL_REFRESH_TAG,
    spark_home,
)

# Importing the definitions never runs dbt: the manifest is prepared beforehand by
# ensure_manifest() (`make manifest`, the CLI's runner, the test session's start).
if not dbt_project.manifest_path.exists():
    raise FileNotFoundError(
        f"dbt manifest {dbt_project.manifest_path} is missing: run `make manifest` first"
    )

PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def dbt_build_args(*, full_refresh: bool = False) -> list[str]:
    """``dbt build`` for one run.

    dbt unit tests are left out: they test the SQL against fixed inputs, not the run's data, so
    the test suite runs them (tests/transform/test_dbt_unit_tests.py) and a close does not pay
    for them every month. ``full_refresh`` rebuilds the incremental models from every landed row
    instead of the run's window (after a back-dated definitions change or late data).
    """
    return [
        "build",
        "--exclude-resource-type",
        "unit_test",
        *(["--full-refresh"] if full_refresh else []),
    ]


def dbt_period_env(time_window: dg.TimeWindow) -> dict[str, str]:
    """The partition window as the run period macros/run_period.sql reads.

    Environment variables rather than ``--vars``: a change of vars makes dbt re-parse the whole
    project, a change of an environment variable only the few files that read it.
    """
    return {
        "SLA_PERIOD_START": time_window.start.strftime("%Y-%m-%d"),
        "SLA_PERIOD_END": time_window.end.strftime("%Y-%m-%d"),
    }


# a Spark run keeps its own parse state: dbt parses the whole project again when the target
# changes, so the engines would otherwise spoil each other's partial parsing
SPARK_PARSE_DIR = DBT_TARGET_DIR / "spark"


def _keep_partial_parse(invocation_target: Path, parse_dir: Path = DBT_TARGET_DIR) -> None:
    """Hand this run's parse state to the next run (dagster-dbt copies it from DBT_TARGET_PATH
    into each invocation's own target folder)."""
    source = invocation_target / PARTIAL_PARSE_FILE
    if not source.exists():
        return
    parse_dir.mkdir(parents=True, exist_ok=True)
    staged = parse_dir / f".{PARTIAL_PARSE_FILE}.{os.getpid()}"
    shutil.copyfile(source, staged)
    os.replace(staged, parse_dir / PARTIAL_PARSE_FILE)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=SlaDbtTranslator(),
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def sla_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, paths: SlaPaths, engine: DbtEngine
):
    """Staging views rename and cast the landed data; intermediate models build clocks, pauses
    and minute-level availability; marts hold KPIs, compliance, credits and chronic breaches per
    agreement, period and objective."""
    full_refresh = context.run.tags.get(FULL_REFRESH_TAG) == "true"
    # dbt is killed with this process, so a killed run never leaves it holding the warehouse
    dbt = dbt.model_copy(
        update={"dbt_executable": dbt_launcher.launcher(dbt.dbt_executable, DBT_TARGET_DIR)}
    )
    if engine.name == "spark":
        yield from _build_on_spark(context, dbt, paths, full_refresh=full_refresh)
        return
    # dbt's profile reads the warehouse path, its models the run period, from the environment
    with _environment(
        **dbt_launcher.warehouse_env(paths.warehouse_path),
        **dbt_period_env(context.partition_time_window),
        # where dagster-dbt looks for the previous run's parse state
        DBT_TARGET_PATH=str(DBT_TARGET_DIR),
        **{dbt_launcher.PARENT_PID_ENV: str(os.getpid())},
    ):
        invocation = dbt.cli(dbt_build_args(full_refresh=full_refresh), context=context)
        yield from invocation.stream()
    _keep_partial_parse(invocation.target_path)


def _build_on_spark(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, paths: RunPaths, *, full_refresh: bool
) -> Iterator[Any]:
    """The same ``dbt build`` on Apache Spark (``--target spark``, issue #18).

    The validated inputs (raw, definitions, quarantine) are handed over as Parquet
    (lib/spark/handover.py) into ``<warehouse folder>/spark/handover``, Spark keeps its tables in
    ``<warehouse folder>/spark/warehouse`` and its metastore beside them; the dbt tests run there
    and reach Dagster as the same asset checks. Afterwards every model dbt built (staging views
    aside) is read back into the DuckDB warehouse under its DuckDB name and types
    (lib/spark/readback.py), so the publications read the marts as after a DuckDB build.
    """
    from orchestration.lib.spark import readback
    from orchestration.lib.spark.handover import export_handover

    home = spark_home(paths.warehouse_path)
    handover_dir = home / "handover"
    # one connection at a time per DuckDB file: this one is closed before dbt starts
    with paths.connect(read_only=True) as connection:
        handed_over = export_handover(connection, handover_dir)
    context.log.info(
        f"handed over {len(handed_over)} tables ({sum(handed_over.values()):,} rows) to Spark"
    )
    dbt = dbt.model_copy(update={"target": DBT_TARGETS["spark"]})
    with _environment(
        **{ENV_SPARK_HOME: str(home), ENV_HANDOVER_DIR: str(handover_dir)},
        **dbt_period_env(context.partition_time_window),
        # Spark's derby.log and metastore lock beside its warehouse, not in the project
        **{dbt_launcher.WORKDIR_ENV: str(home)},
        PYSPARK_SUBMIT_ARGS=_without_console_progress(os.environ.get("PYSPARK_SUBMIT_ARGS")),
        DBT_TARGET_PATH=str(SPARK_PARSE_DIR),
        **{dbt_launcher.PARENT_PID_ENV: str(os.getpid())},
    ):
        invocation = dbt.cli(dbt_build_args(full_refresh=full_refresh), context=context)
        yield from invocation.stream()
    _keep_partial_parse(invocation.target_path, SPARK_PARSE_DIR)
    models = readback.built_models(
        readback.load_json(dbt_project.manifest_path),
        readback.load_json(invocation.target_path / "run_results.json"),
    )
    readback.export_views(home, readback.views_to_export(home, models))
    with paths.connect() as connection:
        rows = readback.read_back(connection, home, models)
    context.log.info(
        f"read back {len(rows)} models ({sum(rows.values()):,} rows) from Spark into "
        f"{paths.warehouse_path.name}"
    )


def _without_console_progress(submit_args: str | None) -> str:
    """PySpark's launch arguments with Spark's console progress bar off: it shares dbt's output
    and, written in the middle of a line, spoils dbt's JSON log lines, so dagster-dbt missed the
    materialisation (or test result) reported on such a line."""
    given = (submit_args or "pyspark-shell").strip()
    return f"--conf spark.ui.showConsoleProgress=false {given}"


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for the dbt subprocess only, then restore the process's own."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
