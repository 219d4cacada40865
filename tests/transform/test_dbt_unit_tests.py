"""The dbt unit tests (YAML `unit_tests:` beside the models) run here, not in pipeline runs.

A close runs `dbt build --exclude-resource-type unit_test`: unit tests check the SQL against
fixed inputs, whatever the month's data. This module runs every one of them on an empty but
complete warehouse (dbt needs the input relations to read their column types).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from pipeline_support import Scenario, copy_definitions, write_landing

from orchestration.defs.transform.assets import dbt_build_args, dbt_period_env
from orchestration.lib.landing import ensure_tables
from orchestration.lib.landing_contract import SOURCES
from orchestration.lib.settings import DBT_PROFILES_DIR, DBT_PROJECT_DIR, dbt_executable
from orchestration.runner import run_pipeline

pytestmark = pytest.mark.slow


def _dbt(warehouse: Path, target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROFILES_DIR), "--target-path", str(target)],
        env={**os.environ, "SLA_WAREHOUSE": str(warehouse)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_pipeline_build_leaves_unit_tests_out():
    args = dbt_build_args()
    assert args[0] == "build"
    assert args[args.index("--exclude-resource-type") + 1] == "unit_test"
    assert "--full-refresh" not in args
    assert "--full-refresh" in dbt_build_args(full_refresh=True)
    # the window reaches dbt as environment variables, never --vars (which force a full re-parse)
    assert "--vars" not in args
    window = dg.TimeWindow(dt.datetime(2026, 3, 1), dt.datetime(2026, 4, 1))
    assert dbt_period_env(window) == {
        "SLA_PERIOD_START": "2026-03-01",
        "SLA_PERIOD_END": "2026-04-01",
    }


def test_every_dbt_unit_test_passes(tmp_path: Path):
    case = Scenario(tmp_path)
    copy_definitions(case.paths.definitions_dir)
    write_landing(case.paths.landing_dir, {})
    # the shipped definitions, the ingestion's (empty) raw tables, then every model with no rows
    run_pipeline(
        case.paths,
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 1),
        selection=dg.AssetSelection.groups("definitions"),
    )
    with duckdb.connect(str(case.paths.warehouse_path)) as connection:
        for source in SOURCES.values():
            ensure_tables(connection, source)
    target = tmp_path / "dbt-target"
    empty = _dbt(case.paths.warehouse_path, target, "run", "--empty")
    assert empty.returncode == 0, empty.stdout[-4000:]

    ran = _dbt(case.paths.warehouse_path, target, "test", "--select", "test_type:unit")

    # dbt exits non-zero when any unit test fails; the counts prove none was skipped
    assert ran.returncode == 0, ran.stdout[-4000:]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    assert len(manifest["unit_tests"]) >= 7
    # the run also reports the on-run-start hook (macros/engine/handover.sql, empty on DuckDB)
    unit_results = [r for r in results if r["unique_id"].startswith("unit_test.")]
    assert sorted(r["unique_id"] for r in unit_results) == sorted(manifest["unit_tests"])
    assert {r["status"] for r in unit_results} == {"pass"}
