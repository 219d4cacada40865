"""A scratch copy of the warehouse in which the pipeline's own dbt models run under other terms.

The copy keeps every landed row and every measure; ``definitions.*`` may be replaced by other
agreements (a proposal, a synthetic agreement for a party without one) and the models downstream
of the definitions are rebuilt there with the same SQL the pipeline runs. Each rule stays in one
dbt model, and nothing a run published is touched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib import dbt_launcher
from orchestration.lib.agreements import Catalog
from orchestration.lib.agreements.tables import write_definitions
from orchestration.lib.settings import (
    DBT_PROFILES_DIR,
    DBT_PROJECT_DIR,
    DBT_TARGET_DIR,
    dbt_executable,
)
from orchestration.lib.warehouse_lock import DEFAULT_LOCK_TIMEOUT, exclusive

from . import NegotiationError

# the models a changed definition reaches, and only those: the minute-level probe models do not
# read the definitions and are reused as they are
COMPLIANCE_MODELS = ("agreement_credits", "chronic_breaches")
BASELINE_MODELS = ("negotiation_baselines",)


@dataclass(frozen=True)
class Scratch:
    """A copy of the warehouse (same file name: the dbt manifest names its catalog after it)."""

    warehouse_path: Path
    target_dir: Path

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse_path))

    def write_definitions(self, catalog: Catalog) -> None:
        with self.connect() as connection:
            write_definitions(connection, catalog)

    def run_models(
        self,
        models: Sequence[str],
        *,
        period_start: str | None = None,
        period_end: str | None = None,
        dbt_vars: dict[str, Any] | None = None,
    ) -> None:
        """``dbt run`` of the models downstream of the definitions that ``models`` need, over
        the run window [period_start, period_end) (the pipeline's SLA_PERIOD_START/END)."""
        selectors = [f"source:definitions+,+{model}" for model in models]
        period_env = {}
        if period_start and period_end:
            period_env = {"SLA_PERIOD_START": period_start, "SLA_PERIOD_END": period_end}
        self.run_dbt(["--select", *selectors], dbt_vars=dbt_vars, env=period_env)

    def run_dbt(
        self,
        arguments: Sequence[str],
        *,
        dbt_vars: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        environment = {
            **os.environ,
            **dbt_launcher.warehouse_env(self.warehouse_path),
            dbt_launcher.PARENT_PID_ENV: str(os.getpid()),
            **(env or {}),
        }
        command = [
            dbt_launcher.launcher(dbt_executable(), self.target_dir),
            "run", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
            "--profiles-dir", str(DBT_PROFILES_DIR), "--target-path", str(self.target_dir),
            *arguments,
            *(["--vars", json.dumps(dbt_vars)] if dbt_vars else []),
        ]  # fmt: skip
        result = subprocess.run(
            command, env=environment, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
            raise RuntimeError("dbt failed in the scratch warehouse: " + " | ".join(lines[-6:]))


@contextmanager
def scratch_copy(
    warehouse: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> Iterator[Scratch]:
    """Copy ``warehouse`` (holding its lock, so no run writes it meanwhile) into a temporary
    folder removed afterwards."""
    if not warehouse.is_file():
        raise NegotiationError(
            f"{warehouse}: no warehouse file (run `sla run` or give --warehouse)"
        )
    folder = Path(tempfile.mkdtemp(prefix="sla-negotiation-"))
    try:
        copy = folder / warehouse.name
        with exclusive(warehouse, f"negotiation-{uuid.uuid4()}", timeout=lock_timeout):
            shutil.copyfile(warehouse, copy)
            wal = warehouse.with_name(warehouse.name + ".wal")
            if wal.exists():  # changes not yet checkpointed into the file
                shutil.copyfile(wal, copy.with_name(wal.name))
        target = folder / "target"
        target.mkdir()
        # the project's parse state: dbt re-parses only what the vars change
        parse_state = DBT_TARGET_DIR / "partial_parse.msgpack"
        if parse_state.exists():
            shutil.copyfile(parse_state, target / parse_state.name)
        yield Scratch(copy, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
