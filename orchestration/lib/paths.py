"""The caller's four locations of a run: one object from the command line to every asset.

The CLI and the tests build it from their arguments, the benchmark's child processes and
``dagster dev`` from the environment (the process boundary); the runner hands it to Dagster as
the resource ``paths``, which assets declare as ``paths: SlaPaths`` (defs/resources.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from pydantic import BaseModel, ConfigDict, field_validator

from orchestration.lib import warehouse
from orchestration.lib.settings import (
    DEFAULT_DEFINITIONS,
    DEFAULT_LANDING,
    DEFAULT_REPORTS,
    DEFAULT_WAREHOUSE,
    ENV_DEFINITIONS,
    ENV_LANDING,
    ENV_REPORTS,
    ENV_WAREHOUSE,
)


class RunPaths(BaseModel):
    """Where a run reads definitions and landing files and writes the warehouse and reports.

    Every path is made absolute against the working directory when the object is built, so a
    later change of directory (dbt runs from the project root) cannot move them.
    """

    model_config = ConfigDict(frozen=True)

    definitions_dir: Path
    landing_dir: Path
    warehouse_path: Path
    reports_dir: Path

    @field_validator("*")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @classmethod
    def from_env(cls) -> RunPaths:
        """The paths in the SLA_* environment variables, the defaults for those unset."""
        return cls(
            definitions_dir=Path(os.environ.get(ENV_DEFINITIONS) or DEFAULT_DEFINITIONS),
            landing_dir=Path(os.environ.get(ENV_LANDING) or DEFAULT_LANDING),
            warehouse_path=Path(os.environ.get(ENV_WAREHOUSE) or DEFAULT_WAREHOUSE),
            reports_dir=Path(os.environ.get(ENV_REPORTS) or DEFAULT_REPORTS),
        )

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection to this run's warehouse (see orchestration.lib.warehouse)."""
        with warehouse.connect(self.warehouse_path, read_only=read_only) as connection:
            yield connection
