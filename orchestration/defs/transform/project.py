"""The dbt project, parsed once: its manifest drives the asset graph."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.lib.settings import (
    DBT_PROFILES_DIR,
    DBT_PROJECT_DIR,
    DBT_TARGET_DIR,
    DEFAULT_WAREHOUSE,
    ENV_WAREHOUSE,
    dbt_executable,
)

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROFILES_DIR, target_path=DBT_TARGET_DIR
)


def _newest_source_mtime() -> float:
    files = [DBT_PROJECT_DIR / "dbt_project.yml", *(DBT_PROJECT_DIR / "dbt_project").rglob("*")]
    return max(p.stat().st_mtime for p in files if p.is_file())


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than any dbt file.

    ``prepare_if_dev`` only acts under ``dagster dev``; the CLI, tests and CI call this instead.
    """
    manifest = dbt_project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
        subprocess.run(
            [dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
             "--profiles-dir", str(DBT_PROFILES_DIR), "--target-path", str(DBT_TARGET_DIR)],
            check=True,
            # the warehouse as runs name it (dbt_launcher.warehouse_env): the first run's parse
            # is then partial
            env={**os.environ, ENV_WAREHOUSE: Path(DEFAULT_WAREHOUSE).name},
        )  # fmt: skip
    return manifest
