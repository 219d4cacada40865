"""All-or-nothing publication: build every file in a staging folder, then swap folders into place.

Guarantee: a reader of ``reports/<period>/`` sees either the previous complete publication or the
new complete one, never a mixture. Files are written under ``reports/.staging-<run_id>/`` (same
file system, so renames are atomic); only when every period's files exist does the swap begin.
Each period folder is replaced by two renames (old -> ``.backup-<run_id>-<period>``, staged ->
place) and the backup is deleted afterwards. A failure before the swap removes the staging folder
and leaves every published folder untouched; a crash between the two renames of one period
leaves its backup, which :func:`recover` restores at the start of the next publication.

Runs may share a reports folder (each with its own warehouse). Each stages under its own run id
and records its process in ``.staging-<run_id>/.owner.json``; :func:`recover` removes only the
staging folders whose owner process has ended, never a live run's. Creating a staging folder,
recovering and swapping happen under an exclusive ``flock`` on the reports folder itself (held
for milliseconds, not while files are written), so a recovery never sees a half-made staging
folder or a swap in progress, and two runs never swap the same period at once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGING_PREFIX = ".staging-"
BACKUP_PREFIX = ".backup-"
OWNER_FILE = ".owner.json"


@contextmanager
def _reports_locked(reports_dir: Path) -> Iterator[None]:
    """An exclusive flock on the reports folder itself (no lock file to leave behind)."""
    fd = os.open(reports_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _write_owner(staging: Path, run_id: str) -> None:
    owner = {
        "run_id": run_id,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (staging / OWNER_FILE).write_text(json.dumps(owner), encoding="utf-8")


def process_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def _is_stale(staging: Path) -> bool:
    """Whether the run that made this staging folder has ended (its process is gone).

    A folder without an owner file is stale: under the reports lock a live run's folder always
    has one. A folder owned by a process on another host is left alone (its liveness is unknown).
    """
    try:
        owner = json.loads((staging / OWNER_FILE).read_text(encoding="utf-8"))
        pid, host = int(owner["pid"]), str(owner["host"])
    except (OSError, ValueError, KeyError, TypeError):
        return True
    if host != socket.gethostname():
        return False
    return not process_is_alive(pid)


def recover(reports_dir: Path) -> list[str]:
    """Restore interrupted swaps and drop stale staging folders; return what was done.

    Another run's staging folder is left alone while its process lives.
    """
    if not reports_dir.exists():
        return []
    with _reports_locked(reports_dir):
        return _recover(reports_dir)


def _recover(reports_dir: Path) -> list[str]:
    actions: list[str] = []
    # a backup exists outside a swap only when its run died mid-swap: swaps hold the lock
    for backup in sorted(reports_dir.glob(f"{BACKUP_PREFIX}*")):
        period = backup.name.rsplit("--", 1)[-1]
        target = reports_dir / period
        if target.exists():
            shutil.rmtree(backup)
            actions.append(f"removed backup {backup.name} ({period} was published)")
        else:
            backup.rename(target)
            actions.append(f"restored {period} from {backup.name}")
    for staging in sorted(reports_dir.glob(f"{STAGING_PREFIX}*")):
        if _is_stale(staging):
            shutil.rmtree(staging)
            actions.append(f"removed unfinished staging folder {staging.name}")
    return actions


@contextmanager
def staged_publication(reports_dir: Path, run_id: str) -> Iterator[Path]:
    """Yield a staging folder; on success swap each of its period folders into ``reports_dir``.

    On any exception inside the block the staging folder is removed and the exception re-raised.
    """
    reports_dir.mkdir(parents=True, exist_ok=True)
    staging = reports_dir / f"{STAGING_PREFIX}{run_id}"
    with _reports_locked(reports_dir):
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        _write_owner(staging, run_id)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with _reports_locked(reports_dir):
        for folder in sorted(p for p in staging.iterdir() if p.is_dir()):
            _swap(reports_dir, folder, run_id)
        shutil.rmtree(staging)


def _swap(reports_dir: Path, staged: Path, run_id: str) -> None:
    target = reports_dir / staged.name
    # "--" cannot occur in a run id or a period key, so recover() can split the period off
    backup = reports_dir / f"{BACKUP_PREFIX}{run_id}--{staged.name}"
    if target.exists():
        target.rename(backup)
    staged.rename(target)
    if backup.exists():
        shutil.rmtree(backup)
