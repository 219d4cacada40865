"""The landing sensor: a run of the monthly close when a landing file is new or its content changed.

Files are keyed by content (SHA-256, ``hashlib.file_digest``), not by name or time: a file that
is copied again, touched or renamed back with the same bytes never asks for a second run. The
cursor holds, per file ``<source>/<name>``, its size, modification time and hash (a file whose
size and time are unchanged is not hashed again) and how many runs the sensor has requested.

Which month a request publishes: the month before the evaluation's (the month the monthly close
last closed, or is about to close on the 1st). What month a new file's rows fall in is unknown
without reading it, and a month still running is not published early. Late data for an older
month is published with ``sla run --period YYYY-MM`` (the ingestion of any run loads every new
file, whatever its month). A file removed from the landing folder asks for no run: its rows stay
loaded (docs/landing.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from orchestration.defs.resources import SlaPaths
from orchestration.defs.schedules.schedules import closing_month, monthly_close_job
from orchestration.lib.landing.files import file_sha256, landing_files
from orchestration.lib.landing_contract import SOURCES

NEW_FILES_TAG = "sla/landing_new_files"
CHANGED_FILES_TAG = "sla/landing_changed_files"
TAG_NAMES = 10  # files named in a tag; a first evaluation over a full landing folder sees all


@dataclass(frozen=True)
class LandedFile:
    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True)
class LandingCursor:
    """What the sensor saw at its last evaluation, and how many runs it has requested."""

    files: dict[str, LandedFile] = field(default_factory=dict)
    requests: int = 0

    @classmethod
    def parse(cls, text: str | None) -> LandingCursor:
        if not text:
            return cls()
        data = json.loads(text)
        files = {label: LandedFile(*values) for label, values in data["files"].items()}
        return cls(files, data["requests"])

    def dump(self) -> str:
        files = {label: [f.size, f.mtime_ns, f.sha256] for label, f in sorted(self.files.items())}
        return json.dumps({"requests": self.requests, "files": files}, separators=(",", ":"))


def scan_landing(landing_dir: Path, known: dict[str, LandedFile]) -> dict[str, LandedFile]:
    """Every landing file with its hash; a file of the same size and time as in ``known`` keeps
    its known hash (hashing a year of probes takes seconds, listing them milliseconds)."""
    files: dict[str, LandedFile] = {}
    for source in SOURCES:
        for path in landing_files(landing_dir / source):
            label = f"{source}/{path.name}"
            stat = path.stat()
            seen = known.get(label)
            if seen is not None and (seen.size, seen.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                files[label] = seen
            else:
                files[label] = LandedFile(stat.st_size, stat.st_mtime_ns, file_sha256(path))
    return files


def landing_fingerprint(files: dict[str, LandedFile]) -> str:
    """SHA-256 of the set of (file, content hash) pairs: equal sets, equal fingerprints."""
    lines = "".join(f"{label}\t{f.sha256}\n" for label, f in sorted(files.items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def evaluate_landing(
    cursor_text: str | None, landing_dir: Path, now: dt.datetime
) -> dg.SensorResult:
    """The sensor's decision, for a cursor, a landing folder and a moment."""
    cursor = LandingCursor.parse(cursor_text)
    files = scan_landing(landing_dir, cursor.files)
    before = {label: f.sha256 for label, f in cursor.files.items()}
    new = sorted(label for label in files if label not in before)
    changed = sorted(
        label for label, f in files.items() if label in before and before[label] != f.sha256
    )
    if not new and not changed:
        return dg.SensorResult(
            skip_reason=f"no new or changed file in {landing_dir} ({len(files)} file(s) seen)",
            cursor=LandingCursor(files, cursor.requests).dump(),
        )
    requests = cursor.requests + 1
    partition_key = closing_month(now)
    # the request number makes a return to an earlier set of files (a correction withdrawn) a
    # new run; re-evaluating one cursor (a tick retried before its cursor was stored) asks for
    # the same run key, which Dagster launches once
    run_key = f"landing-{requests}-{landing_fingerprint(files)[:16]}"
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=run_key,
                partition_key=partition_key,
                tags={NEW_FILES_TAG: _names(new), CHANGED_FILES_TAG: _names(changed)},
            )
        ],
        cursor=LandingCursor(files, requests).dump(),
    )


def _names(labels: list[str]) -> str:
    """``"-"``, or the files by name, the first ``TAG_NAMES`` of them and how many more."""
    if not labels:
        return "-"
    more = len(labels) - TAG_NAMES
    return ", ".join(labels[:TAG_NAMES]) + (f" and {more} more" if more > 0 else "")


@dg.sensor(
    name="landing_files",
    job=monthly_close_job,
    minimum_interval_seconds=60,
    description="A run of the month before this one when a landing file is new or its content "
    "changed (by SHA-256); unchanged, touched or removed files ask for nothing.",
)
def landing_files_sensor(context: dg.SensorEvaluationContext, paths: SlaPaths) -> dg.SensorResult:
    result = evaluate_landing(context.cursor, paths.landing_dir, dt.datetime.now(dt.UTC))
    for request in result.run_requests or []:
        context.log.info(
            f"requesting {request.partition_key}: new {request.tags[NEW_FILES_TAG]}; "
            f"changed {request.tags[CHANGED_FILES_TAG]}"
        )
    return result
