"""Run one stage of the pipeline alone (a subprocess target for the benchmark).

``python -m bench.stage STAGE FIRST LAST [STEPS_JSON]`` with the run's paths in the SLA_*
environment variables; STAGE is one of: ingest, dbt, publish, build (all but publish), all.
STEPS_JSON receives the duration of every Dagster step: one build tells what each stage cost.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import dagster as dg

from orchestration.lib.paths import RunPaths
from orchestration.runner import run_pipeline

STAGES = {
    "ingest": dg.AssetSelection.groups("definitions", "ingest"),
    "dbt": dg.AssetSelection.groups("staging", "intermediate", "marts"),
    "publish": dg.AssetSelection.groups("publish"),
    "build": dg.AssetSelection.groups("definitions", "ingest", "staging", "intermediate", "marts"),
    "all": None,
}


def main(stage: str, first: str, last: str, steps_json: str | None = None) -> int:
    outcome = run_pipeline(
        RunPaths.from_env(),
        dt.date.fromisoformat(f"{first}-01"),
        dt.date.fromisoformat(f"{last}-01"),
        selection=STAGES[stage],
    )
    if steps_json:
        Path(steps_json).write_text(json.dumps(outcome.step_seconds, indent=2, sort_keys=True))
    if not outcome.success:
        print(f"stage {stage} failed: {outcome.reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
