"""The data-quality checks' projections on a real DuckDB file with hand-placed probes, validated
by real GX: the probe checks read one (service, day) profile of probed minutes, so these cases
pin what that profile must still tell apart: two locations probing in one minute (not a
duplicate) from one probe landed twice (a duplicate), minutes from rows, and probes after "now"
in a month in progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from orchestration.defs.ingest.checks import CHECKS, run_check
from orchestration.lib import warehouse
from orchestration.lib.landing_contract import PROBES, create_table_sql, raw_columns
from orchestration.lib.quality.expectations import Validation
from orchestration.lib.quality.projections import Scan

MARCH = (dt.datetime(2025, 3, 1), dt.datetime(2025, 4, 1))
LATER = dt.datetime(2025, 6, 1)  # "now" for a closed month
SPECS = {spec.name: spec for spec in CHECKS}


def at(minute: int, second: int = 30, day: int = 1) -> dt.datetime:
    return dt.datetime(2025, 3, day, 0, minute, second)


class Probes:
    """raw.probes in a real warehouse file: rows are added, then checks read it read-only."""

    def __init__(self, path: Path):
        self.path = path
        self.rows: list[tuple[str, dt.datetime, str]] = []
        self.written = False

    def __iadd__(self, rows: list[tuple[str, dt.datetime, str]]) -> Probes:
        self.rows += rows
        return self

    def check(self, name: str, now: dt.datetime = LATER) -> tuple[Validation, dict[str, Any]]:
        if not self.written:
            with warehouse.connect(self.path) as connection:
                connection.execute("create schema raw")
                # the table the loader creates, from the landing contract
                connection.execute(create_table_sql("raw.probes", raw_columns(PROBES)))
                connection.executemany(
                    "insert into raw.probes (service_id, checked_at, ok, latency_ms, location, "
                    "source_file, source_row) values (?, ?, true, 100, ?, 'probes/p.csv', ?)",
                    [(s, t, loc, i + 2) for i, (s, t, loc) in enumerate(self.rows)],
                )
            self.written = True
        with warehouse.connect(self.path, read_only=True) as connection:
            return run_check(Scan(connection, PROBES, MARCH, now), SPECS[name])


@pytest.fixture
def probes(tmp_path: Path) -> Probes:
    return Probes(tmp_path / "warehouse.duckdb")


def test_two_locations_in_one_minute_are_not_a_duplicate_but_a_repeated_probe_is(probes):
    probes += [
        # svc-a: fra and ams both probe minute 0, then fra minute 1: 3 rows, 2 minutes, no
        # repeated key -> regrouped by key, and passes
        ("svc-a", at(0, 10), "fra"),
        ("svc-a", at(0, 40), "ams"),
        ("svc-a", at(1, 10), "fra"),
        # svc-b: the 00:00:05 fra probe landed twice: a duplicate key
        ("svc-b", at(0, 5), "fra"),
        ("svc-b", at(0, 5), "fra"),
        ("svc-b", at(1, 5), "fra"),
        # svc-c: one probe per minute on 2 March: rows = minutes, never regrouped
        ("svc-c", at(0, day=2), "fra"),
        ("svc-c", at(1, day=2), "fra"),
        # the same probe twice in February is outside the window
        ("svc-c", dt.datetime(2025, 2, 10), "fra"),
        ("svc-c", dt.datetime(2025, 2, 10), "fra"),
    ]
    validation, metadata = probes.check("unique_keys")

    assert not validation.success
    # the two svc-a/svc-b service-days of 1 March have 3 rows in 2 minutes each
    assert metadata["service_days_regrouped"] == 2
    assert metadata["duplicated_keys"] == 1
    # GX sees the duplicated key once per occurrence: 2 unexpected values
    assert validation.unexpected_count == 2
    assert validation.sample_values == ["svc-b | 2025-03-01 00:00:05 | fra"] * 2


def test_unique_probes_pass_without_regrouping(probes):
    probes += [("svc-a", at(m), "fra") for m in range(3)]
    validation, metadata = probes.check("unique_keys")

    assert validation.success
    assert (metadata["service_days_regrouped"], metadata["duplicated_keys"]) == (0, 0)


def thirty_and_six(probes: Probes) -> None:
    # svc-a: minutes 0..29 probed from two locations (60 rows, 30 minutes);
    # svc-b: minutes 0..4 and 20 (6 rows, 6 minutes); the newest probe is 00:29:30
    probes += [("svc-a", at(m, s), loc) for m in range(30) for s, loc in ((10, "fra"), (40, "ams"))]
    probes += [("svc-b", at(m), "fra") for m in (0, 1, 2, 3, 4, 20)]


def test_coverage_floor_counts_minutes_not_rows(probes):
    thirty_and_six(probes)
    validation, metadata = probes.check("coverage_floor")

    # judged up to the minute after the newest probe: 00:30, so 30 minutes from 00:00;
    # svc-a 30/30 = 100% (not 60 rows/30 = 200%); svc-b 6/30 = 20% < 50% floor
    assert metadata["judged_until"] == "2025-03-01 00:30:00"
    assert not validation.success
    assert validation.unexpected_count == 1
    assert validation.sample_values == [20.0]
    assert "| svc-a | 30 | 30 | 100.0 |" in metadata["coverage"].value


def test_daily_coverage_of_a_closed_month(probes):
    thirty_and_six(probes)
    validation, metadata = probes.check("daily_coverage")

    # 2 services x 31 days, every service-day under 99%: 1 March has 30 and 6 of 1,440 minutes
    assert not validation.success
    assert metadata["service_days_below"] == 62
    # 2 x 31 x 1,440 = 89,280 minutes, 36 of them probed
    assert metadata["unprobed_minutes"] == 89_280 - 36
    assert validation.unexpected_count == 62
    # the lowest first: svc-a's unprobed 2 March leads (coverage, then service, then day)
    lowest = metadata["lowest"].value.splitlines()
    assert lowest[2] == "| svc-a | 2025-03-02 00:00:00 | 0 | 1440 | 0.0 |"


def test_a_month_in_progress_is_judged_up_to_now(probes):
    thirty_and_six(probes)
    # now is 00:10: the month has 10 minutes so far; probes after now do not count
    now = at(10, 0)
    validation, metadata = probes.check("daily_coverage", now=now)

    # svc-a 10 of 10 minutes (not 30), svc-b 5 of 10 (00:20 is after now): 50% < 99%
    assert (metadata["service_days_below"], metadata["unprobed_minutes"]) == (1, 5)
    assert validation.sample_values == [50.0]
    assert "| svc-a | 2025-03-01 00:00:00 | 10 | 0 | 100.0 |" in metadata["lowest"].value

    freshness, meta = probes.check("landing_freshness", now=now)
    # newest probe before now: 00:09:30, one minute boundary before 00:10 -> 1/1440 = 0.0 days
    assert freshness.success
    assert meta["judged_at"] == "2025-03-01 00:10:00"


def test_a_closed_month_whose_feed_stopped_on_day_one_is_stale(probes):
    thirty_and_six(probes)
    validation, _ = probes.check("landing_freshness")

    # newest probe 1 March 00:29:30, month end 1 April 00:00: 31 x 1440 - 29 = 44,611 minutes
    # = 30.98 days > 2
    assert not validation.success
    assert validation.sample_values == [30.98]


def test_rows_per_day_for_the_period(probes):
    thirty_and_six(probes)
    probes += [("svc-b", at(0, day=3), "fra")]
    validation, metadata = probes.check("has_rows_for_period")

    # 60 + 6 rows on 1 March and 1 on 3 March; no objectives table, so no row is required
    assert validation.success
    assert (metadata["days_with_rows"], metadata["rows_in_period"]) == (2, 67)
