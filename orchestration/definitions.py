"""Dagster entry point: load every domain under ``defs/`` and apply project-wide policy.

Policy: the in-process executor, because DuckDB takes one writer per file and dbt writes it from a
subprocess; steps must never overlap.
"""

from pathlib import Path

import dagster as dg

from orchestration import defs as defs_package


def build_defs() -> dg.Definitions:
    """Load the domains; resources read the run's paths from the environment at this moment."""
    return dg.Definitions.merge(
        dg.load_defs(defs_root=defs_package, project_root=Path(__file__).resolve().parents[1]),
        dg.Definitions(executor=dg.in_process_executor),
    )


defs = build_defs()
