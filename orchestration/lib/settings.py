"""Where things are: the project's own files (found from the package) and the caller's paths.

The project's files (dbt project, templates) are located from this package so that ``sla`` works
from any working directory; the caller's paths (definitions, landing, warehouse, reports) come
from the command line or the environment and are resolved against the caller's directory.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
PROJECT_ROOT = PACKAGE_ROOT.parent
DBT_PROJECT_DIR = PROJECT_ROOT  # dbt_project.yml sits at the repository root
DBT_PROFILES_DIR = PROJECT_ROOT / "dbt_project"
# overridable so that parallel runs (tests, the benchmark) never share a dbt target folder
DBT_TARGET_DIR = Path(os.environ.get("SLA_DBT_TARGET") or PROJECT_ROOT / "target")
TEMPLATES_DIR = PACKAGE_ROOT / "lib" / "review_pack" / "templates"

# the memory DuckDB may use in every connection, Python's and dbt's (SLA_DUCKDB_MEMORY_LIMIT)
DUCKDB_MEMORY_LIMIT = os.environ.get("SLA_DUCKDB_MEMORY_LIMIT") or "4GB"

DEFAULT_DEFINITIONS = "sla_definitions"
DEFAULT_LANDING = "data/landing"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
DEFAULT_REPORTS = "reports"

# environment variables through which the CLI hands the caller's paths to Dagster and dbt
ENV_DEFINITIONS = "SLA_DEFINITIONS"
ENV_LANDING = "SLA_LANDING"
ENV_WAREHOUSE = "SLA_WAREHOUSE"
ENV_REPORTS = "SLA_REPORTS"

# run tag asking the dbt step to rebuild its incremental models from every landed row
FULL_REFRESH_TAG = "sla/full_refresh"
# run tag: a JSON list of the landing files whose shrunk re-delivery the run accepts
ACCEPT_SHRUNK_TAG = "sla/accept_shrunk"


@dataclass(frozen=True)
class RunPaths:
    """The four locations a run reads and writes, as absolute paths."""

    definitions: Path
    landing: Path
    warehouse: Path
    reports: Path

    @classmethod
    def from_env(cls) -> RunPaths:
        def pick(name: str, default: str) -> Path:
            return Path(os.environ.get(name) or default).expanduser().resolve()

        return cls(
            definitions=pick(ENV_DEFINITIONS, DEFAULT_DEFINITIONS),
            landing=pick(ENV_LANDING, DEFAULT_LANDING),
            warehouse=pick(ENV_WAREHOUSE, DEFAULT_WAREHOUSE),
            reports=pick(ENV_REPORTS, DEFAULT_REPORTS),
        )

    def export(self) -> None:
        """Put these paths in the environment, where Dagster resources and dbt read them."""
        os.environ[ENV_DEFINITIONS] = str(self.definitions)
        os.environ[ENV_LANDING] = str(self.landing)
        os.environ[ENV_WAREHOUSE] = str(self.warehouse)
        os.environ[ENV_REPORTS] = str(self.reports)


def dbt_executable() -> str:
    """The ``dbt`` beside this Python (the project's venv), so a caller's PATH does not matter."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")
