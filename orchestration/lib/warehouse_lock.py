"""One run at a time per warehouse: ``<warehouse>.lock``, held for the whole run.

DuckDB takes one writing process per file and refuses a second one at once, in the middle of
whatever step first opens the file (and dbt, a subprocess, opens it too). A run takes this lock
before its first step, so a second run on the same warehouse waits at the start, saying once who
holds the warehouse, instead of failing half-way; after ``timeout`` seconds it gives up with one
line. The kernel releases a ``flock`` when its holder's process ends, however it ends, so a killed
run never leaves the warehouse locked; the descriptor is not inherited by dbt or other children.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_SUFFIX = ".lock"
DEFAULT_LOCK_TIMEOUT = 600.0  # seconds; `sla run --lock-timeout` / SLA_LOCK_TIMEOUT
_POLL_SECONDS = 0.25
UNKNOWN = "(unknown)"


class WarehouseBusy(Exception):
    """Another run held the warehouse for longer than this run was willing to wait."""


def lock_path(warehouse: str | Path) -> Path:
    """``<warehouse>.lock`` beside the warehouse file: data/warehouse.duckdb.lock."""
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + LOCK_SUFFIX)


def holder(warehouse: str | Path) -> dict[str, str]:
    """``{run_id, pid, started_at}`` of the run holding the warehouse (as it recorded them)."""
    try:
        record = json.loads(lock_path(warehouse).read_text(encoding="utf-8"))
        return {key: str(record[key]) for key in ("run_id", "pid", "started_at")}
    except (OSError, ValueError, KeyError, TypeError):
        # the holder writes its record right after taking the lock; it may not be there yet
        return {"run_id": UNKNOWN, "pid": "?", "started_at": UNKNOWN}


@contextmanager
def exclusive(
    warehouse: str | Path,
    run_id: str,
    *,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    notify: Callable[[str], None] = lambda message: None,
) -> Iterator[None]:
    """Hold the warehouse for one run; wait up to ``timeout`` s for another run to finish.

    ``notify`` is told once when the run has to wait. Raises WarehouseBusy when the wait ends
    without the lock.
    """
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = time.monotonic()
        deadline = started + timeout
        waiting = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                held = holder(warehouse)
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"warehouse {warehouse} is held by run {held['run_id']} "
                        f"(PID {held['pid']}) since {held['started_at']}; gave up after "
                        f"{timeout:g} s (--lock-timeout, SLA_LOCK_TIMEOUT)"
                    ) from None
                # a holder that has just taken the lock writes its record a moment later
                known = held["run_id"] != UNKNOWN or time.monotonic() > started + 1
                if not waiting and known:
                    notify(
                        f"waiting for the warehouse {warehouse} held by run {held['run_id']} "
                        f"since {held['started_at']} (up to {timeout:g} s)"
                    )
                    waiting = True
                time.sleep(max(0.0, min(_POLL_SECONDS, deadline - time.monotonic())))
        record = {
            "run_id": run_id,
            "pid": os.getpid(),
            "started_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # the record describes the holder: none once released
    finally:
        os.close(fd)  # releases the lock
