"""Incremental dbt builds: month by month gives the same marts as one full refresh.

The minute-level service models and the per-period measures are incremental (docs/kpi_rules.md,
"What a run recomputes"). One ingestion loads landing data from December 2025 to April 2026;
then dbt itself (the real CLI on the real warehouse) builds:

- incrementally: a first build to 2026-01-01 (as --full-refresh), January, February..March as
  one range run, April;
- once: --full-refresh to 2026-05-01 on a copy of the same warehouse;

and the marts must agree row for row. The data puts outages across every kind of boundary the
windows have: a UTC month end inside a Berlin month, a New York quarter end, the year end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from agreement_texts import agreement_head
from pipeline_support import Scenario, copy_definitions, write_landing

from orchestration.lib.settings import DBT_PROFILES_DIR, DBT_PROJECT_DIR, dbt_executable
from orchestration.runner import run_pipeline

pytestmark = pytest.mark.slow

# monthly in Berlin time (a January of 44,640 minutes from 2025-12-31 23:00Z), a short-outage
# threshold so that a run's length decides whether it counts
MONTHLY = (
    agreement_head("berlin-monthly", customer="Berlin customer", calendar="de-office-hours")
    + """\
versions:
  - version: 1
    effective_from: 2025-12-01
    monthly_fee: 1000.00
    maintenance_notice: 48h
    objectives:
      - {id: avail-x, kind: availability, service: svc-x, target: 99.9, min_downtime_minutes: 5,
         credits: [{below: 99.9, credit_pct: 10}]}
      - {id: latency-x, kind: latency_p95, service: svc-x, target: 300,
         credits: [{above: 300, credit_pct: 5}]}
"""
)

# quarterly in New York time: Q1 closes at 2026-04-01 04:00Z, so its last hours are April in UTC
QUARTERLY = (
    agreement_head(
        "ny-quarterly",
        customer="New York customer",
        currency="USD",
        period="quarterly",
        calendar="us-business-hours",
    )
    + """\
versions:
  - version: 1
    effective_from: 2025-10-01
    monthly_fee: 500.00
    objectives:
      - {id: avail-y, kind: availability, service: svc-y, target: 99.5,
         credits: [{below: 99.5, credit_pct: 10}]}
      - {id: latency-y, kind: latency_p95, service: svc-y, target: 250,
         credits: [{above: 250, credit_pct: 5}]}
"""
)

FIRST_MINUTE = dt.datetime(2025, 12, 1)
LAST_MINUTE = dt.datetime(2026, 5, 1)  # exclusive

# (service, first failed minute UTC, minutes): each run of failed minutes crosses a boundary
OUTAGES = (
    ("svc-x", dt.datetime(2025, 12, 31, 22, 50), 20),  # Berlin year end (23:00Z)
    ("svc-x", dt.datetime(2026, 1, 31, 22, 30), 180),  # Berlin and UTC month ends
    ("svc-x", dt.datetime(2026, 2, 14, 10, 0), 3),  # too short to count (min 5)
    ("svc-y", dt.datetime(2026, 3, 31, 20, 0), 600),  # New York quarter end, UTC month end
    ("svc-y", dt.datetime(2026, 2, 28, 23, 58), 4),  # UTC month end
)


def _iso(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _probes() -> str:
    """Every service probed every 10 minutes (latency varying with the minute), plus every
    minute of the outages failed."""
    failed = {
        (service, start + dt.timedelta(minutes=i))
        for service, start, minutes in OUTAGES
        for i in range(minutes)
    }
    rows = []
    for service in ("svc-x", "svc-y"):
        at = FIRST_MINUTE
        while at < LAST_MINUTE:
            if (service, at) not in failed:
                latency = 100 + (at.hour * 60 + at.minute) * 7 % 300
                rows.append(f"{service},{_iso(at)},true,{latency},l1")
            at += dt.timedelta(minutes=10)
    rows += [f"{service},{_iso(at)},false,,l1" for service, at in sorted(failed)]
    return "\n".join(rows)


# announced a week ahead: excluded from agreed time; it spans the Berlin month end
MAINTENANCE = "svc-x,2026-02-28T22:00:00Z,2026-03-01T02:00:00Z,2026-02-20T00:00:00Z"


def _dbt(warehouse: Path, target: Path, command: str, start: str, end: str, *flags: str) -> dict:
    """One dbt invocation on ``warehouse`` for the window [start, end); its run_results."""
    result = subprocess.run(
        [dbt_executable(), command, "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROFILES_DIR), "--target-path", str(target),
         "--vars", json.dumps({"period_start": start, "period_end": end}), *flags],
        env={**os.environ, "SLA_WAREHOUSE": str(warehouse)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    return json.loads((target / "run_results.json").read_text(encoding="utf-8"))


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """Definitions and landing data loaded into raw.* by the real ingestion (no dbt yet)."""
    case = Scenario(tmp_path_factory.mktemp("incremental"))
    copy_definitions(
        case.paths.definitions_dir, {"berlin-monthly": MONTHLY, "ny-quarterly": QUARTERLY}
    )
    write_landing(
        case.paths.landing_dir,
        {"probes/probes.csv": _probes(), "maintenance/maintenance.csv": MAINTENANCE},
    )
    # the ingestion checks judge the run's month; only the loaded tables matter here
    run_pipeline(
        case.paths,
        dt.date(2026, 4, 1),
        dt.date(2026, 4, 1),
        selection=dg.AssetSelection.groups("definitions", "ingest"),
    )
    assert _rows(case.paths.warehouse_path, "select count(*) from raw.probes")[0][0] > 40_000
    return case


@pytest.fixture(scope="module")
def builds(landed: Scenario, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The warehouse built month by month, and a copy of it rebuilt with one full refresh."""
    root = tmp_path_factory.mktemp("builds")
    target = root / "dbt-target"
    monthly = root / "monthly.duckdb"
    shutil.copy(landed.paths.warehouse_path, monthly)
    _dbt(monthly, target, "run", "2025-12-01", "2026-01-01", "--full-refresh")
    january = _dbt(monthly, target, "run", "2026-01-01", "2026-02-01")
    # the second run takes the incremental path: the probes are read from 2025-12-31 (a day
    # before the quarter holding January) to 2026-02-02 (a day after the window) only
    assert "checked_at >= timestamp '2025-12-31' and checked_at < timestamp '2026-02-02'" in (
        _compiled_sql(january, "int_service_data_minutes_bucketed")
    )
    _dbt(monthly, target, "run", "2026-02-01", "2026-04-01")  # a range run: Feb..Mar
    _dbt(monthly, target, "run", "2026-04-01", "2026-05-01")
    full = root / "full.duckdb"
    shutil.copy(monthly, full)
    _dbt(full, target, "run", "2026-04-01", "2026-05-01", "--full-refresh")
    return {"monthly": monthly, "full": full, "target": target}


def _compiled_sql(run_results: dict, model: str) -> str:
    """The SQL dbt compiled for ``model`` in that invocation."""
    result = next(r for r in run_results["results"] if r["unique_id"].endswith(f".{model}"))
    assert result["status"] == "success"
    return result["compiled_code"]


MART_QUERIES = {
    "objective_periods": "select * from marts.objective_periods",
    "outages": "select * from marts.outages",
    "objective_credits": "select * from marts.objective_credits",
}


@pytest.mark.parametrize("mart", sorted(MART_QUERIES))
def test_month_by_month_equals_full_refresh(builds, mart):
    monthly = sorted(_rows(builds["monthly"], MART_QUERIES[mart]), key=repr)
    full = sorted(_rows(builds["full"], MART_QUERIES[mart]), key=repr)
    assert monthly == full
    assert monthly  # a comparison of two empty tables would prove nothing


def test_outages_cross_every_window_boundary(builds):
    # each run of failed minutes is one outage however the windows cut it
    rows = _rows(
        builds["monthly"],
        "select service_id, started_at, down_minutes, is_counted from marts.outages "
        "order by service_id, started_at",
    )
    assert rows == [
        ("svc-x", dt.datetime(2025, 12, 31, 22, 50), 20, True),
        ("svc-x", dt.datetime(2026, 1, 31, 22, 30), 180, True),
        ("svc-x", dt.datetime(2026, 2, 14, 10, 0), 3, False),  # 3 < min_downtime_minutes 5
        ("svc-y", dt.datetime(2026, 2, 28, 23, 58), 4, True),  # no threshold: 1 minute counts
        ("svc-y", dt.datetime(2026, 3, 31, 20, 0), 600, True),
    ]


def test_quarter_is_measured_whole_in_a_range_run(builds):
    # Q1 in New York: 2026-01-01 05:00Z .. 2026-04-01 04:00Z = 90 days minus the spring-forward
    # hour = 129,600 - 60 = 129,540 minutes; the 600-minute outage from 03-31 20:00Z has 480
    # minutes before 04-01 04:00Z in Q1 and svc-y's 4 minutes at 02-28 23:58Z: 484 down
    rows = _rows(
        builds["monthly"],
        "select period_key, agreed_minutes, down_minutes from marts.objective_periods "
        "where objective_id = 'avail-y' order by period_key",
    )
    assert rows == [("2025-Q4", 132_540, 0), ("2026-Q1", 129_540, 484)]


def _avail_x_january(warehouse: Path) -> tuple:
    return _rows(
        warehouse,
        "select down_minutes, agreed_minutes from marts.objective_periods "
        "where objective_id = 'avail-x' and period_key = '2026-01'",
    )[0]


def test_late_probes_count_only_when_their_month_runs_again(builds, tmp_path):
    # Berlin January = 2025-12-31 23:00Z .. 2026-01-31 23:00Z (44,640 minutes): 10 minutes of
    # the year-end outage (23:00..23:09Z) + 30 of the month-end one (22:30..22:59Z) = 40 down
    late = tmp_path / "late.duckdb"
    shutil.copy(builds["monthly"], late)
    assert _avail_x_january(late) == (40, 44_640)
    # 9 failed minutes land late for 2026-01-15 10:01..10:09Z (between the 10-minute probes)
    with duckdb.connect(str(late)) as connection:
        connection.execute(
            "insert into raw.probes (service_id, checked_at, ok, latency_ms, location, "
            "source_file, source_row) "
            "select 'svc-x', timestamp '2026-01-15 10:00' + to_minutes(i), false, null, 'l1', "
            "'late.csv', i from range(1, 10) as minutes(i)"
        )
    _dbt(late, builds["target"], "run", "2026-04-01", "2026-05-01")
    assert _avail_x_january(late) == (40, 44_640)  # January is closed: April does not touch it
    _dbt(late, builds["target"], "run", "2026-01-01", "2026-02-01")
    assert _avail_x_january(late) == (49, 44_640)  # re-run: 40 + 9 (a run of 9 >= 5 counts)
