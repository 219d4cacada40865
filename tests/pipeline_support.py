"""Helpers shared by the test modules: tiny landing folders and a real pipeline run.

Imported as ``pipeline_support`` (``tests/`` is on sys.path through its conftest.py); a module
named ``conftest`` cannot be imported reliably when sub-folders have their own conftest.py.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.landing_contract import SOURCES
from orchestration.lib.paths import RunPaths
from orchestration.lib.settings import PROJECT_ROOT

EXAMPLE_DEFINITIONS = PROJECT_ROOT / "sla_definitions"
# a CSV header per landing source: the contract's columns in order
LANDING_HEADERS = {name: ",".join(source.column_names) for name, source in SOURCES.items()}


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


# the marks of a test (or a fixture parameter) that runs dbt on Apache Spark (issue #18): run by
# `make test-spark` (.venv-spark), deselected in `make test`, skipped where PySpark or dbt-spark
# is not importable
SPARK = [
    pytest.mark.spark,
    pytest.mark.skipif(
        not (_importable("pyspark") and _importable("dbt.adapters.spark")),
        reason="needs PySpark and dbt-spark: `make install-spark`, then `make test-spark`",
    ),
]
# a module-scoped scenario fixture's ``params``: the DuckDB run, and the same run on Spark
ENGINES = ["duckdb", pytest.param("spark", marks=SPARK)]


def write_landing(landing: Path, files: dict[str, str]) -> None:
    """Write CSV landing files: ``{"tickets/t.csv": "<rows without header>"}``.

    A file whose text starts with the source's header is written as given; otherwise the header
    is added. Every source folder exists afterwards (empty sources get a header-only file).
    """
    for relative, text in files.items():
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        header = LANDING_HEADERS[path.parent.name]
        body = text.strip("\n")
        content = body if body.startswith(header) else f"{header}\n{body}"
        path.write_text(content + "\n", encoding="utf-8")
    for source in LANDING_HEADERS:
        (landing / source).mkdir(parents=True, exist_ok=True)


def copy_definitions(target: Path, agreements: dict[str, str] | None = None) -> Path:
    """The shipped calendars plus either the shipped agreements or the given YAML texts."""
    shutil.copytree(EXAMPLE_DEFINITIONS / "calendars", target / "calendars")
    (target / "agreements").mkdir(parents=True)
    if agreements is None:
        for file in (EXAMPLE_DEFINITIONS / "agreements").glob("*.yaml"):
            shutil.copy(file, target / "agreements" / file.name)
    else:
        for name, text in agreements.items():
            (target / "agreements" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return target


class Scenario:
    """One isolated pipeline setup under a temporary folder, run on ``engine``."""

    def __init__(self, root: Path, engine: str = "duckdb"):
        self.root = root
        self.engine = engine
        self.paths = RunPaths(
            definitions_dir=root / "sla_definitions",
            landing_dir=root / "landing",
            warehouse_path=root / "warehouse.duckdb",
            reports_dir=root / "reports",
        )

    def run(self, first: str, last: str | None = None):
        import dagster as dg

        from orchestration.runner import run_pipeline

        start = dt.date.fromisoformat(f"{first}-01")
        end = dt.date.fromisoformat(f"{last or first}-01")
        # the CLI records in a persistent instance; tests keep theirs in memory
        with dg.DagsterInstance.ephemeral() as instance:
            return run_pipeline(self.paths, start, end, instance=instance, engine=self.engine)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.paths.warehouse_path), read_only=True) as connection:
            connection.execute("set timezone = 'UTC'")
            return connection.execute(sql, params or []).fetchall()


def published(reports: Path, period: str, name: str) -> Path:
    """A published file of a period, in the flat layout (``reports/<period>/<name>``) or the
    versioned one (``reports/<period>/latest/<name>``)."""
    for candidate in (reports / period / "latest" / name, reports / period / name):
        if candidate.exists():
            return candidate
    raise AssertionError(f"{name} not published for {period} under {reports}")
