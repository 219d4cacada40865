"""The dbt models (staging -> intermediate -> marts) as Dagster assets."""

import json
import os

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.partitions import monthly_partitions
from orchestration.defs.resources import SlaPaths
from orchestration.defs.transform.project import dbt_project, ensure_manifest
from orchestration.defs.transform.translator import SlaDbtTranslator
from orchestration.lib.settings import ENV_WAREHOUSE, FULL_REFRESH_TAG

ensure_manifest()


def dbt_build_args(time_window: dg.TimeWindow, *, full_refresh: bool = False) -> list[str]:
    """``dbt build`` for one run: the partition window becomes the period vars of the models.

    dbt unit tests are left out: they test the SQL against fixed inputs, not the run's data, so
    the test suite runs them (tests/transform/test_dbt_unit_tests.py) and a close does not pay
    for them every month. ``full_refresh`` rebuilds the incremental models from every landed row
    instead of the run's window (after a back-dated definitions change or late data).
    """
    window = {
        "period_start": time_window.start.strftime("%Y-%m-%d"),
        "period_end": time_window.end.strftime("%Y-%m-%d"),
    }
    return [
        "build",
        "--vars",
        json.dumps(window, sort_keys=True),
        "--exclude-resource-type",
        "unit_test",
        *(["--full-refresh"] if full_refresh else []),
    ]


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
    # dbt's profile reads the warehouse path from the environment
    os.environ[ENV_WAREHOUSE] = paths.warehouse_path
    full_refresh = context.run.tags.get(FULL_REFRESH_TAG) == "true"
    args = dbt_build_args(context.partition_time_window, full_refresh=full_refresh)
    yield from dbt.cli(args, context=context).stream()
