"""Tiny landing data and a real `sla run` subprocess, shared by the reliability tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipeline_support import Scenario, copy_definitions, write_landing

from orchestration.lib.settings import PROJECT_ROOT

# acme's P1 first response in March: answered in 10 and in 45 minutes against 30m ->
# 1 of 2 = 50.0 % against a target of 95 -> breached
LANDING = {
    "tickets/tickets.csv": "\n".join(
        [
            "A2,acme-hosting,P1,2026-03-02T10:00:00Z,2026-03-02T10:10:00Z,2026-03-02T12:00:00Z,4",
            "A3,acme-hosting,P1,2026-03-03T10:00:00Z,2026-03-03T10:45:00Z,2026-03-03T15:00:00Z,2",
        ]
    ),
    "ticket_events/events.csv": "",
    "probes/probes.csv": "\n".join(
        f"{service},2026-03-01T00:{minute:02d}:00Z,true,120,fra"
        for service in ("web-api", "platform-api", "search-api")
        for minute in range(10)
    ),
    "maintenance/maintenance.csv": "",
}


def small_case(root: Path) -> Scenario:
    case = Scenario(root)
    copy_definitions(case.paths.definitions_dir)
    write_landing(case.paths.landing_dir, LANDING)
    return case


def sla_run(case: Scenario, name: str, period: str = "2026-03", **env: str) -> subprocess.Popen:
    """`sla run` for ``period`` in its own process; its output goes to ``<root>/<name>.out`` and
    ``<root>/<name>.err`` (files, not pipes: dbt writes more than a pipe holds)."""
    paths = case.paths
    with (case.root / f"{name}.out").open("w") as out, (case.root / f"{name}.err").open("w") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli", "run", "--period", period,
             "--definitions", str(paths.definitions_dir), "--landing", str(paths.landing_dir),
             "--warehouse", str(paths.warehouse_path), "--reports", str(paths.reports_dir)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **env},
            stdout=out,
            stderr=err,
            text=True,
        )  # fmt: skip


def output(case: Scenario, name: str) -> tuple[list[str], list[str]]:
    """The non-empty lines a `sla_run` wrote to stdout and stderr."""
    return tuple(  # type: ignore[return-value]
        [line for line in (case.root / f"{name}.{kind}").read_text().splitlines() if line.strip()]
        for kind in ("out", "err")
    )
