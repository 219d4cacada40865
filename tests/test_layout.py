"""The layout's rule: library code under orchestration/lib/ is importable without Dagster."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LIB = Path(__file__).parents[1] / "orchestration" / "lib"
# modules that still import Dagster; the move out of Dagster is under way (issue 10)
STILL_IMPORT_DAGSTER = {"orchestration.lib.quality.projections"}

# one interpreter in which `import dagster` fails (a None entry in sys.modules makes the import
# raise ImportError); prints the modules that could not be imported
PROBE = """
import importlib, json, sys
for name in ("dagster", "dagster_dbt"):
    sys.modules[name] = None
failed = []
for module in json.loads(sys.argv[1]):
    try:
        importlib.import_module(module)
    except ImportError:
        failed.append(module)
print(json.dumps(failed))
"""


def _lib_modules() -> list[str]:
    root = LIB.parents[1]
    return sorted(
        ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        for path in LIB.rglob("*.py")
    )


def test_lib_modules_import_without_dagster():
    modules = _lib_modules()
    assert "orchestration.lib.paths" in modules  # the walk finds the modules
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(modules)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert set(json.loads(result.stdout)) == STILL_IMPORT_DAGSTER


def test_importing_the_definitions_never_runs_dbt(tmp_path):
    """Regression: the transform module parsed the dbt project on import (seconds, a subprocess,
    inside `dagster dev` and every test collection). Without a manifest the import now fails with
    the command that prepares it, and no dbt run leaves a manifest behind."""
    target = tmp_path / "dbt-target"
    result = subprocess.run(
        [sys.executable, "-c", "import orchestration.definitions"],
        capture_output=True,
        text=True,
        env={**os.environ, "SLA_DBT_TARGET": str(target)},
    )
    assert result.returncode != 0
    assert "run `make manifest` first" in result.stderr
    assert not (target / "manifest.json").exists()
