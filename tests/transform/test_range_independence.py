"""A period's publication does not depend on the run's range (issue 12, point 7).

The demo's data (seed 42, January to June) is published twice, each time into a fresh warehouse
and reports folder: 2026-03 alone, and 2026-03 inside the run 2026-01..2026-06. The two 2026-03
publications must be identical apart from what names the run itself (``run_id``, the generation
time in the review packs' "circulated" line). Before the fix the packs differed: a P2 ticket
raised on 28 March and resolved in April was shown at 16.0 business hours after the March run
and 28.3 after the six-month run, and tickets still open from January at 335.8 and 815.8
(their clocks were read at the end of the whole run, not of the period they count in).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb
import pytest
from pipeline_support import Scenario, published

from orchestration.generate import generate_dataset
from orchestration.lib.paths import RunPaths

pytestmark = pytest.mark.slow

PERIOD = "2026-03"
TABLES = ("credits", "compliance")
# what names the run rather than the figures: the generation time in the circulated line
RUN_STAMPS = (
    (re.compile(r"on \d{4}-\d{2}-\d{2} – data as of \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC"), "on …"),
)


def csv_without_run_id(path: Path) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    drop = rows[0].index("run_id")
    return [row[:drop] + row[drop + 1 :] for row in rows]


def parquet_without_run_id(path: Path) -> list[tuple]:
    with duckdb.connect() as connection:
        return connection.execute(
            f"select * exclude (run_id) from read_parquet('{path}') order by all"
        ).fetchall()


def pack_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    for pattern, replacement in RUN_STAMPS:
        text = pattern.sub(replacement, text)
    return text


@pytest.fixture(scope="module")
def publications(tmp_path_factory) -> dict[str, Path]:
    data = tmp_path_factory.mktemp("demo-data")
    generate_dataset(data, agreements=3, months=6, seed=42, start="2026-01")
    reports = {}
    runs = {"alone": (PERIOD, PERIOD), "range": ("2026-01", "2026-06")}
    for label, (first, last) in runs.items():
        case = Scenario(tmp_path_factory.mktemp(label))
        case.paths = RunPaths(
            definitions_dir=data / "sla_definitions",
            landing_dir=data / "landing",
            warehouse_path=case.root / "warehouse.duckdb",
            reports_dir=case.root / "reports",
        )
        outcome = case.run(first, last)
        assert outcome.success, outcome.reason
        reports[label] = case.paths.reports_dir
    return reports


@pytest.mark.parametrize("table", TABLES)
def test_the_period_alone_and_inside_a_range_publish_the_same_csv(publications, table):
    alone = csv_without_run_id(published(publications["alone"], PERIOD, f"{table}.csv"))
    ranged = csv_without_run_id(published(publications["range"], PERIOD, f"{table}.csv"))

    assert len(alone) > 1  # a header and at least one row: not two empty files
    assert alone == ranged


@pytest.mark.parametrize("table", TABLES)
def test_the_period_alone_and_inside_a_range_publish_the_same_parquet(publications, table):
    alone = parquet_without_run_id(published(publications["alone"], PERIOD, f"{table}.parquet"))
    ranged = parquet_without_run_id(published(publications["range"], PERIOD, f"{table}.parquet"))

    assert alone
    assert alone == ranged


def test_the_period_alone_and_inside_a_range_publish_the_same_review_packs(publications):
    alone_packs = published(publications["alone"], PERIOD, "review_packs")
    range_packs = published(publications["range"], PERIOD, "review_packs")
    names = sorted(p.name for p in alone_packs.glob("*.html"))

    # the demo's three agreements with a review closing in March (quarterly and monthly)
    assert names
    assert names == sorted(p.name for p in range_packs.glob("*.html"))
    for name in names:
        assert pack_text(alone_packs / name) == pack_text(range_packs / name), name


def test_a_ticket_open_past_its_period_shows_the_time_used_by_the_period_end(publications):
    # TKT-202603-001206 (P2, 8 h on business hours) was raised on Sat 28 March 18:51 UTC and
    # breached in March; resolved in April, it is still open at March's end. Read at
    # 1 April 00:00 Berlin, it has used the business days 30 March (8 h) and 31 March (8 h) =
    # 16.0 business hours, 8.0 over the allowance; read at the six-month run's end it showed
    # 28.3. The same reading in both packs.
    for label in ("alone", "range"):
        packs = published(publications[label], PERIOD, "review_packs")
        pack = pack_text(packs / "acme-hosting.html")
        row = pack[pack.index("TKT-202603-001206") :][:2000]
        hours = re.findall(r">(\d+\.\d)<", row)
        assert hours[:3] == ["16.0", "8.0", "8.0"], (label, hours)
