"""One writer, clearly: runs wait for the warehouse, stage on their own, and take dbt with them.

Regression tests for issue 11, point 7: two `sla run` on one warehouse did not wait (either run
failed at dbt with a generic message); two runs sharing a reports folder deleted each other's
staging folder (FileNotFoundError in 2 of 4 trials); after a SIGKILL the dbt child lived on for
2-8 s, holding the DuckDB lock.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from reliability_data import output, sla_run, small_case

from orchestration.lib import warehouse_lock
from orchestration.lib.publish.atomic import OWNER_FILE, recover, staged_publication
from orchestration.lib.settings import PROJECT_ROOT

HOLD = """
import sys, time
from orchestration.lib import warehouse_lock
with warehouse_lock.exclusive(sys.argv[1], "run-a"):
    open(sys.argv[2], "w").close()
    time.sleep(120)
"""


def _hold_lock(tmp_path: Path, warehouse: Path) -> subprocess.Popen:
    ready = tmp_path / "ready"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(warehouse), str(ready)],
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert time.monotonic() < deadline and holder.poll() is None, "the holder did not start"
        time.sleep(0.05)
    return holder


def test_a_second_holder_waits_with_one_message_then_gives_up(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = _hold_lock(tmp_path, warehouse)
    try:
        record = json.loads((tmp_path / "warehouse.duckdb.lock").read_text())
        assert record["run_id"] == "run-a" and record["pid"] == holder.pid
        messages: list[str] = []
        started = time.monotonic()
        with (
            pytest.raises(warehouse_lock.WarehouseBusy) as busy,
            warehouse_lock.exclusive(warehouse, "run-b", timeout=0.5, notify=messages.append),
        ):
            pass
        assert 0.5 <= time.monotonic() - started < 5
        since = record["started_at"]
        assert messages == [
            f"waiting for the warehouse {warehouse} held by run run-a since {since} (up to 0.5 s)"
        ]
        assert str(busy.value) == (
            f"warehouse {warehouse} is held by run run-a (PID {holder.pid}) since {since}; "
            "gave up after 0.5 s (--lock-timeout, SLA_LOCK_TIMEOUT)"
        )
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_holder_leaves_the_warehouse_free(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = _hold_lock(tmp_path, warehouse)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    messages: list[str] = []
    # no waiting at all: the kernel released the killed process's lock
    with warehouse_lock.exclusive(warehouse, "run-c", timeout=0, notify=messages.append):
        record = json.loads((tmp_path / "warehouse.duckdb.lock").read_text())
    assert messages == [] and record["run_id"] == "run-c" and record["pid"] == os.getpid()


def _staging(reports: Path, run_id: str, pid: int | None) -> Path:
    folder = reports / f".staging-{run_id}"
    (folder / "2026-03").mkdir(parents=True)
    if pid is not None:
        owner = {"run_id": run_id, "pid": pid, "host": os.uname().nodename, "started_at": "x"}
        (folder / OWNER_FILE).write_text(json.dumps(owner))
    return folder


def test_recover_removes_only_staging_folders_whose_owner_is_gone(tmp_path):
    reports = tmp_path / "reports"
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    _staging(reports, "live", os.getpid())
    _staging(reports, "dead", ended.pid)
    _staging(reports, "ownerless", None)  # from a version before owners were recorded
    actions = recover(reports)
    assert sorted(p.name for p in reports.iterdir()) == [".staging-live"]
    assert actions == [
        "removed unfinished staging folder .staging-dead",
        "removed unfinished staging folder .staging-ownerless",
    ]


def test_a_recovery_during_another_publication_leaves_it_to_finish(tmp_path):
    """The FileNotFoundError of two runs sharing a reports folder, in one process."""
    reports = tmp_path / "reports"
    with staged_publication(reports, "run-a") as staging:
        (staging / "2026-03").mkdir()
        # another run starts publishing and recovers while run-a is still writing
        assert recover(reports) == []
        (staging / "2026-03" / "credits.csv").write_text("run-a")
    assert (reports / "2026-03" / "credits.csv").read_text() == "run-a"
    assert sorted(p.name for p in reports.iterdir()) == ["2026-03"]


def _holder_of(warehouse: Path, run: subprocess.Popen, timeout: float = 180) -> dict:
    lock = warehouse.with_name(warehouse.name + ".lock")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert run.poll() is None, "the first run ended before it took the warehouse"
        try:
            record = json.loads(lock.read_text())
            if record["pid"] == run.pid:
                return record
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.1)
    raise AssertionError("the first run never took the warehouse")


def _run_ids(path: Path) -> set[str]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return {row["run_id"] for row in rows}


PUBLISHED = {
    f"{period}/v1/{name}"
    for period in ("2026-03", "2026-Q1")
    for name in ("compliance.csv", "compliance.parquet", "credits.csv", "credits.parquet",
                 "credits.xlsx", "credits_objectives.csv", "credits_objectives.parquet",
                 "credits_totals.csv", "credits_totals.parquet", "credits_by_currency.csv",
                 "credits_by_currency.parquet", "chronic_breaches.csv",
                 "chronic_breaches.parquet", "manifest.json")
}  # fmt: skip


@pytest.mark.slow
def test_two_runs_on_one_warehouse_and_reports_folder_wait_and_both_publish(tmp_path):
    case = small_case(tmp_path)
    wh = case.paths.warehouse_path
    first = sla_run(case, "first")
    held = _holder_of(wh, first)
    impatient = sla_run(case, "impatient", SLA_LOCK_TIMEOUT="1")
    patient = sla_run(case, "patient")
    try:
        assert impatient.wait(timeout=300) == 1
        assert first.wait(timeout=600) == 0, output(case, "first")
        assert patient.wait(timeout=600) == 0, output(case, "patient")
    finally:
        for run in (first, impatient, patient):
            run.kill()

    since = held["started_at"]
    _, impatient_err = output(case, "impatient")
    # one message while waiting, then one line: the holder named, nothing run
    assert impatient_err[-2:] == [
        f"waiting for the warehouse {wh} held by run {held['run_id']} since {since} (up to 1 s)",
        f"error: run 2026-03 did not publish: warehouse {wh} is held by run {held['run_id']} "
        f"(PID {first.pid}) since {since}; gave up after 1 s (--lock-timeout, SLA_LOCK_TIMEOUT)",
    ]
    patient_out, patient_err = output(case, "patient")
    waiting = [line for line in patient_err if line.startswith("waiting for the warehouse")]
    assert waiting == [
        f"waiting for the warehouse {wh} held by run {held['run_id']} since {since} (up to 600 s)"
    ]
    first_out, _ = output(case, "first")
    assert first_out[-1] == f"published 2026-03 to {case.paths.reports_dir} (run {held['run_id']})"
    patient_id = patient_out[-1].removesuffix(")").rsplit("(run ", 1)[-1]
    assert patient_out[-1] == f"published 2026-03 to {case.paths.reports_dir} (run {patient_id})"
    assert patient_id != held["run_id"]

    # the first run published v1, complete; the second found the same figures and added no
    # version (docs/publications.md, "Versions"); nothing left behind
    reports = case.paths.reports_dir
    files = {
        p.relative_to(reports).as_posix()
        for p in reports.rglob("*")
        if p.is_file() and "review_packs" not in p.parts
    }
    assert files == PUBLISHED
    assert [p.name for p in reports.iterdir() if p.name.startswith(".")] == []
    for period in ("2026-03", "2026-Q1"):
        latest = reports / period / "latest"
        assert latest.resolve() == (reports / period / "v1").resolve()
        assert _run_ids(latest / "credits.csv") == {held["run_id"]}
        assert _run_ids(latest / "compliance.csv") == {held["run_id"]}
        assert json.loads((latest / "manifest.json").read_text())["run_id"] == held["run_id"]


def _children(pid: int) -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be collected


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_dbt_child_ends_within_a_second_of_a_killed_run(tmp_path):
    case = small_case(tmp_path)
    run = sla_run(case, "killed")
    deadline = time.monotonic() + 300
    dbt = None
    while dbt is None:
        assert time.monotonic() < deadline and run.poll() is None, output(case, "killed")
        dbt = next(
            (pid for pid, cmd in _children(run.pid).items() if "dbt" in cmd and " build " in cmd),
            None,
        )
        time.sleep(0.05)
    time.sleep(1)  # well inside dbt build
    assert _alive(dbt)
    run.send_signal(signal.SIGKILL)
    run.wait()
    killed_at = time.monotonic()
    while _alive(dbt) and time.monotonic() - killed_at < 1:
        time.sleep(0.02)
    assert not _alive(dbt), f"dbt ({dbt}) outlived its run by more than a second"
    # the warehouse is free at once: no lock left, and DuckDB opens it for writing
    with warehouse_lock.exclusive(case.paths.warehouse_path, "next", timeout=0):
        duckdb.connect(str(case.paths.warehouse_path)).close()
