"""`make bench-small`: the benchmark code still runs end to end (timings are never asserted).

One run of ``python -m bench.run --small`` (module-scoped), then what it must have written: the
measurements, the peer table, the budgets and the scaling curve with its chart. The peers'
agreement on hand-computed clocks is tests/test_bench_peers.py; here only that every peer ran on
the same pairs as the project's clock.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from orchestration.lib.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bench_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "small"
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--small", "--out", str(out)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return out


def _section(report: str, name: str) -> str:
    return report.split(f"<!-- bench:{name} -->")[1].split(f"<!-- /bench:{name} -->")[0]


def test_bench_small_runs_every_measurement(bench_out):
    report = (bench_out / "benchmarks.md").read_text()
    expected = (
        "ingest CSV:",
        "floor: typed DuckDB read of the same files",
        "full year: ingest + checks + dbt + publications",
        "of which dbt (s)",
        "of which publish (s)",
        "review packs with ledgers",
        "clock stage: dbt models / reference query",
        "simulate 2 periods of one agreement under proposed terms",
        "monthly close 2026-03",
    )
    table = _section(report, "table")
    for measure in expected:
        assert measure in table
    assert re.search(r"Commit [0-9a-f]{7}", table)
    # every measured step finished: the harness records a failing step as an error row
    assert "Errors:" not in report


def test_peer_table_compares_every_peer_on_the_projects_pairs(bench_out):
    peers = _section((bench_out / "benchmarks.md").read_text(), "peers")
    rows = {
        cells[0]: cells
        for line in [line for line in peers.splitlines() if line.startswith("|")][2:]
        if (cells := [c.strip() for c in line.strip("|").split("|")])
    }
    assert list(rows) == ["the project: dbt clock stage", "reference", "zendesk",
                          "businesstimedelta"]  # fmt: skip
    project_pairs = int(rows["the project: dbt clock stage"][3].replace(",", ""))
    assert project_pairs > 0
    for peer in ("reference", "zendesk"):
        # the statement peers see every pair the project has (2 months x 3 agreements)
        assert int(rows[peer][3].replace(",", "")) == project_pairs
        assert int(rows[peer][4].replace(",", "")) >= 1
    # the library takes a sample of business-clock pairs only: at most the project's pairs
    assert 0 < int(rows["businesstimedelta"][3].replace(",", "")) <= project_pairs


def test_budgets_table_names_every_budget(bench_out):
    budgets = _section((bench_out / "benchmarks.md").read_text(), "budgets")
    expected = (
        "clock stage ≤ 1.2 × the reference",
        "CSV ingestion with quarantine rules",
        "full year with publications ≤ 120 s",
        "peak RSS ≤ 4 GB",
        "monthly close ≤ 25 s",
        "`make demo` ≤ 30 s",
        "`make test` ≤ 10 min",
    )
    for budget in expected:
        assert budget in budgets
    # --small skips the demo and the suite: said, not judged
    assert budgets.count("not measured") == 2


def test_scaling_curve_has_both_scales_and_a_chart(bench_out):
    scaling = _section((bench_out / "benchmarks.md").read_text(), "scaling")
    assert "| ×0.34 |" in scaling and "| ×1 |" in scaling
    for stage in ("ingest", "dbt", "publish"):
        assert f"- {stage}: exponent" in scaling
    assert "First limit" in scaling or "No limit" in scaling
    chart = bench_out / "benchmarks-scaling.png"
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
