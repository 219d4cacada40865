"""The publications of a run: compliance table, credits ledger, review packs and manifest.

One multi-asset in one op, because the four outputs are published together or not at all: every
file is written to a staging folder, and each period whose figures changed gets a new version
folder ``reports/<period>/v<n>`` renamed into place at the end, its ledger appended to
``publications.credits_ledger_history`` in the same short transaction (``versions.py``,
docs/publications.md). ``reports/<period>/latest`` names the newest version.
"""

import datetime as dt
from pathlib import Path

import dagster as dg

from orchestration.defs.partitions import monthly_partitions
from orchestration.defs.resources import SlaPaths
from orchestration.lib.publish.publication import publish_window


def _marts(*names: str) -> list[dg.AssetKey]:
    return [dg.AssetKey(["marts", name]) for name in names]


# what each publication reads (orchestration/lib/publish, orchestration/lib/review_pack): the
# asset graph shows the real lineage. Every publication also reads rpt_publication_periods
# (which periods a run publishes); the manifest lists the agreements of each period from it.
PERIODS_DEPS = _marts("rpt_publication_periods")
COMPLIANCE_DEPS = [*PERIODS_DEPS, *_marts("rpt_compliance", "rpt_chronic_breaches")]
CREDITS_DEPS = [*PERIODS_DEPS, *_marts("credits_ledger", "credits_by_currency")]
PACKS_DEPS = [
    *PERIODS_DEPS,
    *_marts(
        "rpt_reviews",
        "rpt_agreements",
        "rpt_review_items",
        "rpt_review_scores",
        "rpt_review_coverage_notes",
        "rpt_review_trends",
        "rpt_review_versions",
        "rpt_review_maintenance",
        "rpt_review_adjustments",
        "rpt_review_credits",
        "rpt_review_credit_totals",
        "rpt_review_chronic_breaches",
        "rpt_review_outage_drivers",
        "rpt_review_ticket_drivers",
        "rpt_review_quarantine_reasons",
        "rpt_review_quarantine_examples",
        "rpt_review_next_term_targets",
    ),
]
RECONCILIATION_DEPS = [
    *PERIODS_DEPS,
    *_marts("rpt_reconciliation", "rpt_reconciliation_summary"),
]
MANIFEST_DEPS = [
    *PERIODS_DEPS,
    *_marts("rpt_definitions_hashes", "rpt_definition_files", "rpt_landing_files"),
]

COMPLIANCE_KEY = dg.AssetKey(["publish", "compliance_report"])
CREDITS_KEY = dg.AssetKey(["publish", "credits_ledger"])
PACKS_KEY = dg.AssetKey(["publish", "review_packs"])
MANIFEST_KEY = dg.AssetKey(["publish", "publication_manifest"])
RECONCILIATION_KEY = dg.AssetKey(["publish", "reconciliation"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            COMPLIANCE_KEY,
            deps=COMPLIANCE_DEPS,
            kinds={"csv", "parquet"},
            description="The compliance table analysts read: one row per agreement × objective "
            "× period with actual, target, status (met/breached/insufficient data), margin, "
            "sample size and coverage. reports/<period>/latest/compliance.{csv,parquet}; with "
            "it the termination rights of each agreement with a chronic-breach rule, "
            "chronic_breaches.{csv,parquet}.",
        ),
        dg.AssetSpec(
            CREDITS_KEY,
            deps=CREDITS_DEPS,
            kinds={"csv", "parquet", "xlsx"},
            description="The credits ledger finance books from: one row per agreement × "
            "objective (zero credits included, so it reconciles with the compliance table) and "
            "one agreement_total row per agreement with the amount payable after cap and "
            "minimum. Byte-identical for the same inputs and run id. "
            "reports/<period>/latest/credits.{csv,parquet,xlsx}, with the rows split for a "
            "spreadsheet sum into credits_objectives and credits_totals and the totals per "
            "currency in credits_by_currency (.csv, .parquet, sheets of the XLSX); every "
            "version's ledger "
            "is kept in publications.credits_ledger_history and a re-run that changes figures "
            "writes credits_restatement.csv into its new version.",
        ),
        dg.AssetSpec(
            PACKS_KEY,
            deps=PACKS_DEPS,
            kinds={"html", "pdf"},
            description="One review pack per agreement and review period (the agreement's "
            "review cadence), circulated before the service review meeting: scorecard, trends, "
            "breach drivers, credits, chronic breaches, data quality, recommendations and "
            "action items. reports/<period>/latest/review_packs/<agreement_id>.{html,pdf} for "
            "the customer and <agreement_id>.internal.{html,pdf} for the provider (adds the "
            "recommendations and at-risk notes).",
        ),
        dg.AssetSpec(
            RECONCILIATION_KEY,
            deps=RECONCILIATION_DEPS,
            kinds={"csv"},
            description="Our verdict per ticket and resolution objective beside the source "
            "system's own final SLA verdict (ServiceNow made_sla, landed by an adapter), with "
            "the likely cause of each disagreement, and the agreement rate per priority "
            "(docs/adapters.md). reports/<period>/latest/reconciliation.csv and "
            "reconciliation_summary.csv, for the periods with such tickets.",
        ),
        dg.AssetSpec(
            MANIFEST_KEY,
            deps=MANIFEST_DEPS,
            kinds={"json"},
            description="Per period version: version number, publication time, run id, tool "
            "versions, the definitions' SHA-256, every input file's SHA-256 and row counts, "
            "and every published file's SHA-256. reports/<period>/latest/manifest.json.",
        ),
    ],
    group_name="publish",
    partitions_def=monthly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    can_subset=False,
)
def publications(context: dg.AssetExecutionContext, paths: SlaPaths):
    """Publish every agreement period that ends inside the run's partition window."""
    window = context.partition_time_window
    start, end = window.start.date(), window.end.date()
    generated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    # writable: the publication appends to publications.credits_ledger_history
    # the run's start (naive UTC): landing files loaded since were read by this run
    record = context.instance.get_run_record_by_id(context.run_id)
    started = record.start_time if record is not None else None
    run_started_at = (
        dt.datetime.fromtimestamp(started, dt.UTC).replace(tzinfo=None) if started else None
    )
    with paths.connect() as connection:
        summary = publish_window(
            connection,
            Path(paths.reports_dir),
            start=start,
            end=end,
            run_id=context.run_id,
            generated_at=generated_at,
            log=context.log.info,
            landing_dir=Path(paths.landing_dir),
            run_started_at=run_started_at,
        )
    reports = str(Path(paths.reports_dir))
    common = {
        "reports_dir": reports,
        "periods": ", ".join(summary.periods) or "none",
        "versions": ", ".join(summary.versions) or "none",
        "unchanged": ", ".join(summary.unchanged) or "none",
    }
    yield dg.MaterializeResult(
        asset_key=COMPLIANCE_KEY,
        metadata={
            **common,
            "rows": summary.compliance_rows,
            "files": "\n".join(summary.compliance),
        },
    )
    yield dg.MaterializeResult(
        asset_key=CREDITS_KEY,
        metadata={
            **common,
            "rows": summary.credit_rows,
            "files": "\n".join(summary.credits),
            "restatements": "\n".join(summary.restatements) or "none",
        },
    )
    yield dg.MaterializeResult(
        asset_key=PACKS_KEY,
        metadata={
            **common,
            # four files a pack: the customer's and the internal variant, HTML and PDF
            "packs": len(summary.review_packs) // 4,
            "files": "\n".join(summary.review_packs),
        },
    )
    yield dg.MaterializeResult(
        asset_key=RECONCILIATION_KEY,
        metadata={**common, "files": "\n".join(summary.reconciliation) or "none"},
    )
    yield dg.MaterializeResult(
        asset_key=MANIFEST_KEY,
        metadata={**common, "files": "\n".join(summary.manifests)},
    )
