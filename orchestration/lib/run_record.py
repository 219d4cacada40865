"""The record of the last run beside the warehouse: ``<warehouse>.last_run.json``.

Runs execute in process on an ephemeral Dagster instance, so no check history outlives them;
this small file keeps what `sla status` needs to say which data-quality checks failed or warned
in the last run: the run id, when it started and ended, the months it covered and one entry per
asset check (asset, name, severity, passed). It is written at the end of every run, published or
not, and replaced by the next one; the warehouse itself is not touched.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

LAST_RUN_SUFFIX = ".last_run.json"


@dataclass(frozen=True)
class CheckOutcome:
    asset: str
    name: str
    severity: str  # ERROR (blocks) or WARN
    passed: bool


@dataclass(frozen=True)
class LastRun:
    run_id: str
    started_at: str | None
    ended_at: str | None
    first_period: str
    last_period: str
    success: bool
    checks: list[CheckOutcome]

    def covers(self, period_start: dt.date) -> bool:
        """True when the run's months include the month ``period_start`` falls in."""
        month = f"{period_start:%Y-%m}"
        return self.first_period <= month <= self.last_period

    @property
    def failed(self) -> list[CheckOutcome]:
        return [check for check in self.checks if not check.passed and check.severity == "ERROR"]

    @property
    def warned(self) -> list[CheckOutcome]:
        return [check for check in self.checks if not check.passed and check.severity != "ERROR"]


def last_run_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + LAST_RUN_SUFFIX)


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return (
        dt.datetime.fromtimestamp(timestamp, dt.UTC).replace(tzinfo=None).isoformat("T", "seconds")
    )


def record_last_run(
    warehouse: Path, result: Any, instance: Any, first: dt.date, last: dt.date
) -> Path:
    """Write the record of ``result`` (a Dagster ExecuteInProcessResult run on ``instance``)."""
    stats = instance.get_run_stats(result.run_id)
    checks = sorted(
        (
            CheckOutcome(
                asset=evaluation.asset_key.to_user_string(),
                name=evaluation.check_name,
                severity=evaluation.severity.value,
                passed=bool(evaluation.passed),
            )
            for evaluation in result.get_asset_check_evaluations()
        ),
        key=lambda check: (check.asset, check.name),
    )
    record = LastRun(
        run_id=result.run_id,
        started_at=_iso(stats.start_time),
        ended_at=_iso(stats.end_time),
        first_period=f"{first:%Y-%m}",
        last_period=f"{last:%Y-%m}",
        success=bool(result.success),
        checks=checks,
    )
    path = last_run_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")
    return path


def read_last_run(warehouse: Path) -> LastRun | None:
    """The last run's record, or None when no run has written one."""
    path = last_run_path(warehouse)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return LastRun(
        run_id=data["run_id"],
        started_at=data.get("started_at"),
        ended_at=data.get("ended_at"),
        first_period=data["first_period"],
        last_period=data["last_period"],
        success=data["success"],
        checks=[CheckOutcome(**check) for check in data.get("checks", [])],
    )
