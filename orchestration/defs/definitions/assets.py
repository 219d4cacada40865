"""Agreement definitions, validated and loaded into the warehouse for dbt."""


import dagster as dg

from orchestration.defs.partitions import monthly_partitions
from orchestration.defs.resources import SlaPaths
from orchestration.lib.agreements import DefinitionsError, load_catalog
from orchestration.lib.agreements.tables import write_definitions


@dg.asset(
    key=["definitions", "sla_definitions"],
    group_name="definitions",
    partitions_def=monthly_partitions,
    kinds={"yaml", "duckdb"},
)
def sla_definitions(context: dg.AssetExecutionContext, paths: SlaPaths) -> dg.MaterializeResult:
    """The service level agreements in force: parties, versions by effective date, objectives,
    credit tiers, and the business calendars (hours, holidays, closures) their clocks run on.

    Validated from ``sla_definitions/`` before anything else runs: an invalid file stops the run
    with every error named by file and field. Grain: one row per agreement, version, objective,
    tier and calendar day closed, in the ``definitions`` schema.
    """
    try:
        catalog = load_catalog(paths.definitions_dir)
    except DefinitionsError as error:
        raise dg.Failure(
            description=f"SLA definitions are invalid ({len(error.errors)} error(s))",
            metadata={"errors": dg.MetadataValue.md("\n".join(f"- {e}" for e in error.errors))},
        ) from error
    with paths.connect() as connection:
        counts = write_definitions(connection, catalog)
    context.log.info(f"loaded definitions {catalog.sha256[:12]} from {paths.definitions_dir}")
    return dg.MaterializeResult(
        metadata={
            "definitions_sha256": catalog.sha256,
            "agreements": len(catalog.agreements),
            **{f"rows_{name}": count for name, count in counts.items()},
        }
    )
