"""The monthly close schedule and the landing sensor, evaluated as the Dagster daemon does."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.partitions import monthly_partitions
from orchestration.defs.schedules.schedules import monthly_close
from orchestration.defs.schedules.sensors import (
    CHANGED_FILES_TAG,
    NEW_FILES_TAG,
    evaluate_landing,
    landing_files_sensor,
)
from orchestration.lib.paths import RunPaths

TICKET = "T1,acme-hosting,P1,2026-03-02T09:00:00Z,2026-03-02T09:10:00Z,,\n"
LATE_TICKET = "T2,acme-hosting,P1,2026-03-30T09:00:00Z,2026-03-30T11:00:00Z,,\n"


def test_the_close_on_april_2nd_publishes_march():
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 4, 2, 6, tzinfo=dt.UTC)
    )
    request = monthly_close(context)
    assert request.partition_key == "2026-03"
    assert request.run_key == "2026-03"  # the close of a month runs once
    assert monthly_partitions.has_partition_key("2026-03")


def test_the_close_of_december_runs_in_january():
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2027, 1, 2, 6, tzinfo=dt.UTC)
    )
    assert monthly_close(context).partition_key == "2026-12"


class Landing:
    """A landing folder and the sensor's cursor, evaluated tick after tick."""

    def __init__(self, root: Path):
        self.paths = RunPaths(
            definitions_dir=root / "sla_definitions",
            landing_dir=root / "landing",
            warehouse_path=root / "warehouse.duckdb",
            reports_dir=root / "reports",
        )
        self.cursor: str | None = None

    def write(self, relative: str, text: str) -> Path:
        path = self.paths.landing_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def tick(self) -> list[dg.RunRequest]:
        context = dg.build_sensor_context(cursor=self.cursor, resources={"paths": self.paths})
        result = landing_files_sensor(context)
        self.cursor = result.cursor
        return list(result.run_requests or [])


@pytest.fixture
def landing(tmp_path: Path) -> Landing:
    return Landing(tmp_path)


def _previous_month(today: dt.date) -> str:
    last_day_before = today.replace(day=1) - dt.timedelta(days=1)
    return f"{last_day_before:%Y-%m}"


def test_a_new_file_requests_the_previous_month_once(landing):
    landing.write("tickets/march.csv", TICKET)
    landing.write("tickets/README.txt", "not a landing format: never looked at")
    first = landing.tick()
    assert len(first) == 1
    assert first[0].partition_key == _previous_month(dt.datetime.now(dt.UTC).date())
    assert first[0].tags[NEW_FILES_TAG] == "tickets/march.csv"
    assert first[0].tags[CHANGED_FILES_TAG] == "-"

    # nothing changed: no second run
    assert landing.tick() == []


def test_an_unchanged_file_never_triggers_twice(landing):
    path = landing.write("tickets/march.csv", TICKET)
    assert len(landing.tick()) == 1
    # the same bytes written again with a later modification time: content decides, not time
    landing.write("tickets/march.csv", TICKET)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert landing.tick() == []
    # a removed file asks for no run: its rows stay loaded
    path.unlink()
    assert landing.tick() == []


def test_a_changed_file_requests_a_new_run(landing):
    path = landing.write("tickets/march.csv", TICKET)
    (first,) = landing.tick()
    mtime = path.stat().st_mtime_ns
    landing.write("tickets/march.csv", TICKET + LATE_TICKET)
    # same modification time as before (a coarse clock or a copy keeping times): the size differs
    os.utime(path, ns=(mtime, mtime))
    (second,) = landing.tick()
    assert second.run_key != first.run_key
    assert second.tags[CHANGED_FILES_TAG] == "tickets/march.csv"
    assert second.tags[NEW_FILES_TAG] == "-"


def test_a_withdrawn_correction_is_a_new_run(landing):
    """Regression: a run key of the file set alone would make the return to the first content
    (the correction withdrawn) a run key already used, which Dagster skips."""
    landing.write("tickets/march.csv", TICKET)
    (first,) = landing.tick()
    landing.write("tickets/march.csv", TICKET + LATE_TICKET)
    (second,) = landing.tick()
    landing.write("tickets/march.csv", TICKET)
    (third,) = landing.tick()
    assert len({first.run_key, second.run_key, third.run_key}) == 3
    assert third.tags[CHANGED_FILES_TAG] == "tickets/march.csv"


def test_a_retried_tick_asks_for_the_same_run_key(landing):
    # a tick evaluated again from the same cursor (its cursor was never stored) names the same
    # run, which Dagster launches once
    landing.write("probes/p.csv", "web-api,2026-03-01T00:00:00Z,true,120,fra\n")
    before = landing.cursor
    (first,) = landing.tick()
    landing.cursor = before
    (again,) = landing.tick()
    assert again.run_key == first.run_key


def test_the_month_requested_is_the_one_before_the_evaluation(tmp_path):
    (tmp_path / "tickets").mkdir()
    (tmp_path / "tickets" / "t.csv").write_text(TICKET, encoding="utf-8")
    mid_april = dt.datetime(2026, 4, 15, 12, tzinfo=dt.UTC)
    (request,) = evaluate_landing(None, tmp_path, mid_april).run_requests or []
    assert request.partition_key == "2026-03"
    new_year = dt.datetime(2027, 1, 1, 0, 30, tzinfo=dt.UTC)
    (request,) = evaluate_landing(None, tmp_path, new_year).run_requests or []
    assert request.partition_key == "2026-12"


def test_an_empty_or_missing_landing_folder_asks_for_nothing(landing):
    assert landing.tick() == []
    landing.paths.landing_dir.mkdir()
    assert landing.tick() == []
