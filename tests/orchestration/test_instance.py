"""One Dagster instance for the CLI and the UI: a run is recorded where `dagster dev` looks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pytest

from orchestration.lib.settings import dagster_home
from orchestration.runner import run_pipeline


def test_the_instance_lives_beside_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    assert dagster_home(warehouse) == tmp_path / "data" / "dagster"


def test_dagster_home_wins_when_set(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "elsewhere"))
    assert dagster_home(tmp_path / "data" / "warehouse.duckdb") == tmp_path / "elsewhere"


def _probes(day: str) -> str:
    return "\n".join(f"web-api,{day}T00:{m:02d}:00Z,true,120,fra" for m in range(30))


@pytest.mark.slow
def test_a_range_run_is_one_run_in_the_persistent_instance(scenario, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    case = scenario(
        landing={
            # coverage is judged from a service's first probe in the window: half an hour, full
            "probes/p.csv": _probes("2026-02-01"),
            "tickets/t.csv": "T1,acme-hosting,P1,2026-01-05T09:00:00Z,2026-01-05T09:10:00Z,,\n"
            "T2,acme-hosting,P1,2026-02-05T09:00:00Z,2026-02-05T09:10:00Z,,",
        }
    )
    # no instance given: the runner opens the persistent one, as `sla run` does
    outcome = run_pipeline(case.paths, dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    assert outcome.success, outcome.reason

    home = Path(case.paths.warehouse_path).parent / "dagster"
    assert (home / "storage").is_dir()
    # a second process opening the folder (the UI) sees the run, its partitions and its checks
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_run_records()
        assert [record.dagster_run.run_id for record in runs] == [outcome.run_id]
        tags = runs[0].dagster_run.tags
        assert tags["dagster/asset_partition_range_start"] == "2026-01"
        assert tags["dagster/asset_partition_range_end"] == "2026-02"
        # one run, one materialisation per month of the range, under the UI's keys
        tickets = dg.AssetKey(["raw", "tickets"])
        assert instance.get_materialized_partitions(tickets) == {"2026-01", "2026-02"}
        credits = dg.AssetKey(["marts", "credits_ledger"])
        assert instance.get_materialized_partitions(credits) == {"2026-01", "2026-02"}
        check = dg.AssetCheckKey(tickets, "has_rows_for_period")
        records = instance.event_log_storage.get_asset_check_execution_history(check, limit=5)
        evaluated = [(r.run_id, r.partition, r.status.value) for r in records]
        assert {run_id for run_id, _, _ in evaluated} == {outcome.run_id}
        # the latest record, the one the UI shows, is the run's one evaluation over its window
        # (Dagster also keeps a record per planned month, as for dbt's tests)
        assert evaluated[0] == (outcome.run_id, None, "SUCCEEDED")
