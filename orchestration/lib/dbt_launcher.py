"""dbt ends when the run that started it dies.

dagster-dbt starts dbt with ``subprocess.Popen([dbt_executable, ...])`` and offers no hook into
the child. When ``sla run`` was killed (SIGKILL, the OOM killer) its dbt child lived on for
seconds, still holding the DuckDB file, so the next run failed on the lock. On Linux the kernel
can signal a child when its parent dies (``prctl(PR_SET_PDEATHSIG)``); the setting survives
``exec``. :func:`launcher` writes a two-line shell script that dagster-dbt runs as "the dbt
executable": it arms the signal in a short Python shim, checks that the parent is still the one
that started it (it may have died before the signal was armed), then ``exec``\\ s the real dbt,
which keeps the same process id, arguments, environment and output.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import sys
from pathlib import Path

from orchestration.lib.settings import ENV_WAREHOUSE

PARENT_PID_ENV = "SLA_DBT_PARENT_PID"
# the folder dbt runs in: the warehouse's, so the profile names the warehouse by its file name
WORKDIR_ENV = "SLA_DBT_WORKDIR"
PR_SET_PDEATHSIG = 1

_SHIM = f"""\
import ctypes, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl({PR_SET_PDEATHSIG}, signal.SIGKILL, 0, 0, 0) != 0:
    sys.exit("dbt launcher: prctl(PR_SET_PDEATHSIG) failed: " + os.strerror(ctypes.get_errno()))
expected = os.environ.get("{PARENT_PID_ENV}")
if expected and os.getppid() != int(expected):
    sys.exit("dbt launcher: the run that started dbt has ended")
workdir = os.environ.get("{WORKDIR_ENV}")
if workdir:
    os.chdir(workdir)
os.execv(sys.argv[1], sys.argv[1:])
"""


def supported() -> bool:
    return sys.platform.startswith("linux")


def warehouse_env(warehouse: Path) -> dict[str, str]:
    """The environment that points dbt's profile at ``warehouse``.

    dbt re-parses the whole project (~10 s) when the profile's connection settings differ from
    the previous parse's, and the warehouse path is one of them: every test and every scratch
    copy has its own folder. The launcher runs dbt in the warehouse's folder and the profile
    names the file only, so runs on any ``warehouse.duckdb`` share one parse state.
    """
    if not supported():  # no launcher shim to change folder: the full path, and a full parse
        return {ENV_WAREHOUSE: str(warehouse)}
    resolved = warehouse.resolve()
    return {ENV_WAREHOUSE: resolved.name, WORKDIR_ENV: str(resolved.parent)}


def launcher(dbt_executable: str, folder: Path) -> str:
    """An executable that runs ``dbt_executable`` killed with its parent; the executable itself
    where the platform has no parent-death signal."""
    if not supported():
        return dbt_executable
    script = (
        "#!/bin/sh\n"
        "# dbt, killed by the kernel when the process that started it dies (PR_SET_PDEATHSIG)\n"
        f"exec {shlex.quote(sys.executable)} -c {shlex.quote(_SHIM)} "
        f'{shlex.quote(dbt_executable)} "$@"\n'
    )
    # named by its content: concurrent runs with the same Python and dbt share one file
    digest = hashlib.sha256(script.encode()).hexdigest()[:12]
    path = folder / f".dbt-launcher-{digest}"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        staged = folder / f".{path.name}.{os.getpid()}"
        staged.write_text(script, encoding="utf-8")
        staged.chmod(0o755)
        os.replace(staged, path)
    return str(path)
