"""Resources shared by every domain: the run's paths, the warehouse and dbt."""

from __future__ import annotations

from typing import TypeAlias

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.lib.paths import RunPaths
from orchestration.lib.settings import (
    DBT_PROFILES_DIR,
    DBT_PROJECT_DIR,
    Engine,
    dbt_executable,
    default_engine,
)

# How an asset asks for the run's paths (resource key ``paths``): ``paths: SlaPaths``. The value
# is the RunPaths the runner was given (it overrides the one below for its run); `dagster dev`
# and `dagster definitions validate` use the one read from the environment here.
SlaPaths: TypeAlias = dg.ResourceParam[RunPaths]


class DbtEngine(dg.ConfigurableResource):
    """The engine that runs the dbt models (resource key ``engine``): ``duckdb`` in the warehouse
    file, or ``spark`` over the Parquet handover with the models read back into the warehouse
    (defs/transform/assets.py). The runner passes the run's; the definitions default to
    SLA_ENGINE, else duckdb."""

    name: Engine = "duckdb"


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "paths": RunPaths.from_env(),
            "engine": DbtEngine(name=default_engine()),
            "dbt": DbtCliResource(
                project_dir=str(DBT_PROJECT_DIR),
                profiles_dir=str(DBT_PROFILES_DIR),
                dbt_executable=dbt_executable(),
            ),
        }
    )
