"""All-or-nothing publication: build every file in a staging folder, then swap folders into place.

Guarantee: a reader of ``reports/<period>/`` sees either the previous complete publication or the
new complete one, never a mixture. Files are written under ``reports/.staging-<run_id>/`` (same
file system, so renames are atomic); only when every period's files exist does the swap begin.
Each period folder is replaced by two renames (old -> ``.backup-<run_id>-<period>``, staged ->
place) and the backup is deleted afterwards. A failure before the swap removes the staging folder
and leaves every published folder untouched; a crash between the two renames of one period
leaves its backup, which :func:`recover` restores at the start of the next publication.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGING_PREFIX = ".staging-"
BACKUP_PREFIX = ".backup-"


def recover(reports_dir: Path) -> list[str]:
    """Restore interrupted swaps and drop leftover staging folders; return what was done."""
    actions: list[str] = []
    if not reports_dir.exists():
        return actions
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
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
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
