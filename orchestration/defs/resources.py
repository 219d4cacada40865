"""Resources shared by every domain: the run's paths, the warehouse and dbt."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

from orchestration.lib import warehouse
from orchestration.lib.settings import (
    DBT_PROFILES_DIR,
    DBT_PROJECT_DIR,
    RunPaths,
    dbt_executable,
)


class SlaPaths(dg.ConfigurableResource):
    """Where this run reads definitions and landing files and writes the warehouse and reports."""

    definitions_dir: str
    landing_dir: str
    warehouse_path: str
    reports_dir: str

    @classmethod
    def from_env(cls) -> SlaPaths:
        paths = RunPaths.from_env()
        return cls(
            definitions_dir=str(paths.definitions),
            landing_dir=str(paths.landing),
            warehouse_path=str(paths.warehouse),
            reports_dir=str(paths.reports),
        )

    @property
    def run_paths(self) -> RunPaths:
        return RunPaths(
            definitions=Path(self.definitions_dir),
            landing=Path(self.landing_dir),
            warehouse=Path(self.warehouse_path),
            reports=Path(self.reports_dir),
        )

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse.connect(self.warehouse_path, read_only=read_only) as connection:
            yield connection


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "paths": SlaPaths.from_env(),
            "dbt": DbtCliResource(
                project_dir=str(DBT_PROJECT_DIR),
                profiles_dir=str(DBT_PROFILES_DIR),
                dbt_executable=dbt_executable(),
            ),
        }
    )
