"""The whole job as a scheduler runs it: `sla` from another working directory, relative paths."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

SLA = str(Path(sys.executable).with_name("sla"))


@pytest.mark.slow
def test_generate_then_run_from_any_directory(tmp_path):
    env = {**os.environ, "SLA_DBT_TARGET": str(tmp_path / "dbt-target")}
    generated = subprocess.run(
        [SLA, "generate", "--out", "data", "--agreements", "3", "--months", "2", "--seed", "3",
         "--tickets", "40"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr

    # defaults: --landing data/landing, --warehouse data/warehouse.duckdb, --reports reports,
    # all resolved against the caller's directory (tmp_path), not the project's
    ran = subprocess.run(
        [SLA, "run", "--from", "2026-01", "--to", "2026-02",
         "--definitions", "data/sla_definitions"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert ran.stdout.strip().splitlines()[-1].startswith("published 2026-01..2026-02")
    assert (tmp_path / "data" / "warehouse.duckdb").exists()

    for month in ("2026-01", "2026-02"):
        ledger = tmp_path / "reports" / month / "latest" / "credits.csv"
        with ledger.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        # the two monthly example agreements each have a ledger block in every month
        assert {"acme-hosting", "initech-platform"} <= {r["agreement_id"] for r in rows}
        assert (tmp_path / "reports" / month / "latest" / "manifest.json").exists()

    # a full refresh rebuilds the incremental models from every landed row; on unchanged data it
    # must publish the same ledger as the month-window build (run_id aside)
    before = _ledger_without_run_id(tmp_path / "reports" / "2026-02" / "latest" / "credits.csv")
    # a row outside every window of the data: a window rebuild keeps it, a full refresh does not
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            "insert into intermediate.int_service_data_minutes_bucketed by name "
            "select 'sentinel' as service_id, timestamp '2020-01-01' as bucket_at, "
            "15 as data_minutes"
        )
    refreshed = subprocess.run(
        [SLA, "run", "--period", "2026-02", "--full-refresh",
         "--definitions", "data/sla_definitions"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert refreshed.returncode == 0, refreshed.stdout[-3000:] + refreshed.stderr[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        sentinels = connection.execute(
            "select count(*) from intermediate.int_service_data_minutes_bucketed "
            "where service_id = 'sentinel'"
        ).fetchone()[0]  # type: ignore[index]
    assert sentinels == 0
    assert (
        _ledger_without_run_id(tmp_path / "reports" / "2026-02" / "latest" / "credits.csv")
        == before
    )
    # ... so the refreshed run published no new version of 2026-02
    assert sorted(p.name for p in (tmp_path / "reports" / "2026-02").iterdir()) == ["latest", "v1"]

    # a bad period is refused with a one-line reason and a non-zero exit
    refused = subprocess.run(
        [SLA, "run", "--period", "2026-1"], cwd=tmp_path, env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert refused.returncode != 0
    assert refused.stderr.strip().splitlines() == [
        "error: '2026-1' is not a period: expected YYYY-MM or YYYY-Qn, e.g. 2026-03 or 2026-Q1"
    ]


def _ledger_without_run_id(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: v for k, v in row.items() if k != "run_id"} for row in csv.DictReader(handle)]
