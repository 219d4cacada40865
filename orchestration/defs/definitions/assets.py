"""Agreement definitions, validated and loaded into the warehouse for dbt."""

import dagster as dg

from orchestration.defs.partitions import monthly_partitions
from orchestration.defs.resources import SlaPaths
from orchestration.lib.agreements import DefinitionsError, load_catalog
from orchestration.lib.agreements.tables import TABLES, write_definitions

TABLE_DESCRIPTIONS = {
    "agreements": "One row per agreement: parties, currency, period, calendar, review cadence.",
    "agreement_versions": "One row per agreement version: fee, cap, notice, chronic-breach rule; "
    "in force from effective_from until the next version.",
    "objectives": "One row per objective of each version: kind, target, unit, clock, threshold.",
    "objective_pause_statuses": "Ticket statuses that stop an objective's clock.",
    "credit_tiers": "Service-credit schedule rows: threshold (below/above) and credit %.",
    "calendars": "Business calendars: time zone and public-holiday region.",
    "calendar_hours": "Working intervals per calendar and weekday, local minutes.",
    "calendar_closed_days": "Public holidays and closures per calendar and date.",
    "review_items": "Action items carried over from earlier review meetings.",
    "definition_files": "Every definitions file with its SHA-256: what this run was computed from.",
    "adjustments": "Agreed exclusions and disputed figures (adjustments/*.yaml), one row per "
    "entry: agreement, objective or all, scope, category, reason, approval.",
    "adjustment_tickets": "The tickets of each tickets-scoped adjustment.",
    "maintenance_allowed_windows": "Local times in which a version's maintenance may be "
    "excluded (maintenance.allowed_windows), cut into pieces within one local day.",
    "service_fees": "The monthly fee of each service of a version that gives `fees`.",
    "objective_penalties": "Fixed penalties per objective: amount, per breach or period, cap.",
}


def _table_specs() -> list[dg.AssetSpec]:
    # built in a function: Dagster's autoloader would collect module-level specs a second time
    return [
        dg.AssetSpec(
            key=["definitions", table],
            group_name="definitions",
            description=TABLE_DESCRIPTIONS[table],
            kinds={"yaml", "duckdb"},
            partitions_def=monthly_partitions,
        )
        for table in TABLES
    ]


@dg.multi_asset(
    specs=_table_specs(),
    name="sla_definitions",
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),  # a range is one run, as for dbt
)
def sla_definitions(context: dg.AssetExecutionContext, paths: SlaPaths):
    """The service level agreements in force: parties, versions by effective date, objectives,
    credit tiers, and the business calendars (hours, holidays, closures) their clocks run on.

    Validated from ``sla_definitions/`` before anything else runs: an invalid file stops the run
    with every error named by file and field.
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
    for table, count in counts.items():
        yield dg.MaterializeResult(
            asset_key=["definitions", table],
            metadata={"rows": count, "definitions_sha256": catalog.sha256},
        )
