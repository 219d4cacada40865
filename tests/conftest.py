"""Shared fixtures: a real pipeline run (DuckDB, dbt, Dagster) on tiny landing data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pipeline_support import Scenario, copy_definitions, write_landing


@pytest.fixture
def scenario(tmp_path: Path) -> Callable[..., Scenario]:
    """``scenario(landing={...}, agreements={...}|None)`` -> a Scenario ready to ``run``."""

    def make(landing: dict[str, str], agreements: dict[str, str] | None = None) -> Scenario:
        case = Scenario(tmp_path)
        copy_definitions(case.paths.definitions, agreements)
        write_landing(case.paths.landing, landing)
        return case

    return make
