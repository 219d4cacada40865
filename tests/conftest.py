"""Shared fixtures: a real pipeline run (DuckDB, dbt, Dagster) on tiny landing data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pipeline_support import Scenario, copy_definitions, write_landing


def pytest_sessionstart(session: pytest.Session) -> None:
    """Parse the dbt project when a dbt file changed: importing the Dagster definitions (some
    test modules do at collection) reads the manifest and never runs dbt itself."""
    from orchestration.defs.transform.project import ensure_manifest

    ensure_manifest()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules with a slow test first, each module's tests kept together and in their order:
    under ``pytest -n 2 --dist loadfile`` (make test) the long pipeline modules start at once
    and the quick ones fill the gaps, instead of one long module running alone at the end."""
    slow_modules = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_modules)


@pytest.fixture
def scenario(tmp_path: Path) -> Callable[..., Scenario]:
    """``scenario(landing={...}, agreements={...}|None)`` -> a Scenario ready to ``run``."""

    def make(landing: dict[str, str], agreements: dict[str, str] | None = None) -> Scenario:
        case = Scenario(tmp_path)
        copy_definitions(case.paths.definitions_dir, agreements)
        write_landing(case.paths.landing_dir, landing)
        return case

    return make
