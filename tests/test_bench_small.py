"""`make bench-small`: the benchmark code still runs end to end (timings are never asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from orchestration.lib.settings import PROJECT_ROOT


@pytest.mark.slow
def test_bench_small_runs_every_measurement(tmp_path):
    out = tmp_path / "bench"
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--small", "--out", str(out)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = (out / "benchmarks.md").read_text()
    expected = (
        "ingest CSV:",
        "full year: ingest + checks + dbt + publications",
        "of which dbt (s)",
        "of which publish (s)",
        "review packs with ledgers",
        "clock stage: dbt models / reference query",
        "simulate 2 periods of one agreement under proposed terms",
        "monthly close 2026-03",
    )
    for measure in expected:
        assert measure in report
    # every measured step finished: the harness records a failing step as an error row
    assert "Errors:" not in report
