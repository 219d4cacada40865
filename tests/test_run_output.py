"""What `sla run` prints (issue 14): a short run with a summary read from the marts in a pipe,
dbt's per-model lines only with --verbose, the last line only with --quiet."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SLA = [sys.executable, "-m", "orchestration.cli"]


def _sla(*args: str) -> subprocess.CompletedProcess[str]:
    # stdout and stderr are pipes: the CLI is not on a terminal, so it prints plain lines
    return subprocess.run(
        [*SLA, *args], capture_output=True, text=True, env=dict(os.environ), timeout=600
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("run_output")
    generated = _sla("generate", "--out", str(root), "--months", "1", "--start", "2026-03",
                     "--tickets", "30")  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    return root


def _run_args(root: Path, *extra: str) -> list[str]:
    return ["run", "--period", "2026-03", "--definitions", str(root / "sla_definitions"),
            "--landing", str(root / "landing"), "--warehouse", str(root / "w.duckdb"),
            "--reports", str(root / "reports"), *extra]  # fmt: skip


@pytest.mark.slow
def test_run_in_a_pipe_is_short_and_ends_with_the_summary(sample):
    result = _sla(*_run_args(sample))
    assert result.returncode == 0, result.stderr
    lines = (result.stderr + result.stdout).splitlines()
    assert len(lines) < 40, "\n".join(lines)
    assert not any(" of " in line and " START " in line for line in lines)  # no dbt lines
    assert not any("WARNING" in line for line in lines)  # no Dagster log lines
    # one plain line per finished stage on stderr (not a terminal: no spinner)
    progress = result.stderr.splitlines()
    assert progress[0] == "running 2026-03: definitions, ingest, checks, dbt models, publications"
    for stage in (
        "definitions",
        "ingest probes",
        "checks probes",
        "ingest tickets",
        "checks tickets",
        "ingest ticket_events",
        "ingest maintenance",
        "publications",
    ):
        assert any(re.fullmatch(rf"{stage}: done in \d+\.\d s", line) for line in progress), stage
    dbt_done = r"dbt models: done in \d+\.\d s, \d+ models"
    assert any(re.fullmatch(dbt_done, line) for line in progress), progress
    out = result.stdout.splitlines()
    # the first publication of March into this warehouse: version 1
    assert out[0] == "periods published: 2026-03 (v1)"
    assert re.fullmatch(r"objectives breached: \d+", out[1]), out
    # the generated acme-hosting misses its targets in 2026-03 (seed 42): one line per agreement
    assert any(
        re.fullmatch(r"  acme-hosting: 2026-03 [a-z0-9-]+(, 2026-03 [a-z0-9-]+)*", line)
        for line in out
    ), out
    assert any(re.fullmatch(r"credits: EUR [\d,]+\.\d\d, GBP [\d,]+\.\d\d", line) for line in out)
    assert any(re.fullmatch(r"rows quarantined: [\d,]+", line) for line in out)
    # the generator dirties probes on purpose (issue 14: in the summary, not as WARN lines)
    assert any(re.fullmatch(r"  probes: [\d,]+ \(commonest: [a-z_]+\)", line) for line in out)
    assert any(
        line.startswith("checks that warned: ") and "raw/probes:quarantined_rows" in line
        for line in out
    ), out
    assert re.fullmatch(
        rf"published 2026-03 to {re.escape(str(sample / 'reports'))} \(run [0-9a-f-]+\)", out[-1]
    )


@pytest.mark.slow
def test_verbose_shows_dbt_lines_and_quiet_only_the_last(sample):
    verbose = _sla(*_run_args(sample, "--verbose"))
    assert verbose.returncode == 0, verbose.stderr
    assert re.search(r"^\d+ of \d+ START sql ", verbose.stdout, re.MULTILINE), verbose.stdout[:2000]
    quiet = _sla(*_run_args(sample, "--quiet"))
    assert quiet.returncode == 0, quiet.stderr
    lines = [line for line in (quiet.stderr + quiet.stdout).splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("published 2026-03 to "), lines
