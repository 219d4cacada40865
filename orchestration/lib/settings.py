"""Where things are: the project's own files (found from the package) and the caller's paths.

The project's files (dbt project, templates) are located from this package so that ``sla`` works
from any working directory; the caller's paths (definitions, landing, warehouse, reports) come
from the command line or the environment and are held by orchestration.lib.paths.RunPaths.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Literal

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

# environment variables that carry the caller's paths across a process boundary: into dbt, into
# the benchmark's child processes and into `dagster dev` (orchestration.lib.paths.RunPaths)
ENV_DEFINITIONS = "SLA_DEFINITIONS"
ENV_LANDING = "SLA_LANDING"
ENV_WAREHOUSE = "SLA_WAREHOUSE"
ENV_REPORTS = "SLA_REPORTS"

# the Dagster instance (run history, materialisations, check results) `sla run` records in and
# `dagster dev` shows: DAGSTER_HOME when set, otherwise the folder `dagster` beside the warehouse
# (data/dagster for the default warehouse and for `sla demo --out data`)
ENV_DAGSTER_HOME = "DAGSTER_HOME"
DAGSTER_HOME_FOLDER = "dagster"


def dagster_home(warehouse_path: Path) -> Path:
    """The folder of the persistent Dagster instance of runs on ``warehouse_path``."""
    given = os.environ.get(ENV_DAGSTER_HOME)
    if given:
        return Path(given).expanduser().resolve()
    return warehouse_path.parent / DAGSTER_HOME_FOLDER


# the engine that runs the dbt models (issue #18): DuckDB in the warehouse file itself, or Apache
# Spark over a Parquet handover of the validated inputs, its models read back into the warehouse
# (orchestration/lib/spark/). `sla run --engine`, else SLA_ENGINE, else duckdb.
ENV_ENGINE = "SLA_ENGINE"
Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")
DEFAULT_ENGINE: Engine = "duckdb"
# the dbt target of each engine (dbt_project/profiles.yml)
DBT_TARGETS = {"duckdb": "local", "spark": "spark"}
# the Spark run's folder beside the warehouse file: handover/, warehouse/, metastore_db/
SPARK_FOLDER = "spark"
ENV_SPARK_HOME = "SLA_SPARK_HOME"
ENV_HANDOVER_DIR = "SLA_HANDOVER_DIR"


def as_engine(name: str, what: str = ENV_ENGINE) -> Engine:
    """``name`` as an engine; ValueError naming ``what`` (the option or variable) otherwise."""
    given = name.strip().lower()
    for engine in ENGINES:
        if given == engine:
            return engine
    raise ValueError(f"{what}={name!r} is not one of {', '.join(ENGINES)}")


def default_engine() -> Engine:
    """SLA_ENGINE when set (it must name an engine), otherwise duckdb."""
    return as_engine(os.environ.get(ENV_ENGINE) or DEFAULT_ENGINE)


def spark_home(warehouse_path: Path) -> Path:
    """The Spark run's folder of the warehouse ``warehouse_path``: ``<its folder>/spark``."""
    return warehouse_path.resolve().parent / SPARK_FOLDER


# run tag asking the dbt step to rebuild its incremental models from every landed row
FULL_REFRESH_TAG = "sla/full_refresh"
# run tag: a JSON list of the landing files whose shrunk re-delivery the run accepts
ACCEPT_SHRUNK_TAG = "sla/accept_shrunk"


def dbt_executable() -> str:
    """The ``dbt`` beside this Python (the project's venv), so a caller's PATH does not matter."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")
