"""The dbt models (staging -> intermediate -> marts) as Dagster assets."""

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.partitions import monthly_partitions
from orchestration.defs.resources import SlaPaths
from orchestration.defs.transform.project import dbt_project
from orchestration.defs.transform.translator import SlaDbtTranslator
from orchestration.lib import dbt_launcher
from orchestration.lib.settings import DBT_TARGET_DIR, FULL_REFRESH_TAG

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


def _keep_partial_parse(invocation_target: Path) -> None:
    """Hand this run's parse state to the next run (dagster-dbt copies it from DBT_TARGET_PATH
    into each invocation's own target folder)."""
    source = invocation_target / PARTIAL_PARSE_FILE
    if not source.exists():
        return
    DBT_TARGET_DIR.mkdir(parents=True, exist_ok=True)
    staged = DBT_TARGET_DIR / f".{PARTIAL_PARSE_FILE}.{os.getpid()}"
    shutil.copyfile(source, staged)
    os.replace(staged, DBT_TARGET_DIR / PARTIAL_PARSE_FILE)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=SlaDbtTranslator(),
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def sla_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, paths: SlaPaths):
    """Staging views rename and cast the landed data; intermediate models build clocks, pauses
    and minute-level availability; marts hold KPIs, compliance, credits and chronic breaches per
    agreement, period and objective."""
    full_refresh = context.run.tags.get(FULL_REFRESH_TAG) == "true"
    # dbt is killed with this process, so a killed run never leaves it holding the warehouse
    dbt = dbt.model_copy(
        update={"dbt_executable": dbt_launcher.launcher(dbt.dbt_executable, DBT_TARGET_DIR)}
    )
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
