"""Build every file of a run's publication in staging, then install it as new period versions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.lib.publish import versions
from orchestration.lib.publish.atomic import recover, staged_publication
from orchestration.lib.publish.chronic_breaches import STEM as CHRONIC_STEM
from orchestration.lib.publish.chronic_breaches import chronic_breaches_table
from orchestration.lib.publish.manifest import (
    MANIFEST_NAME,
    run_inputs,
    tool_versions,
    write_manifest,
)
from orchestration.lib.publish.plan import AgreementPeriod, periods_in_window, reviews_closing
from orchestration.lib.publish.tables import (
    LEDGER_MONEY_COLUMNS,
    OBJECTIVE_ROWS,
    TOTAL_ROWS,
    by_currency_table,
    compliance_table,
    ledger_table,
    reconciliation_tables,
)
from orchestration.lib.publish.writers import write_csv, write_parquet, write_xlsx
from orchestration.lib.review_pack import review_pack
from orchestration.lib.review_pack.review_data import review_contexts


@dataclass
class PublicationSummary:
    """What was published, relative to the reports folder, by asset."""

    periods: list[str] = field(default_factory=list)
    compliance: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    review_packs: list[str] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)  # "<period>/v<n>" of each new version
    restatements: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # periods equal to their latest version
    reconciliation: list[str] = field(default_factory=list)  # adapters: docs/adapters.md
    credit_rows: int = 0
    compliance_rows: int = 0
    recovered: list[str] = field(default_factory=list)


def publish_window(
    connection: duckdb.DuckDBPyConnection,
    reports_dir: Path,
    *,
    start: dt.date,
    end: dt.date,
    run_id: str,
    generated_at: dt.datetime,
    log: Callable[[str], None] = lambda message: None,
    landing_dir: Path | None = None,
    run_started_at: dt.datetime | None = None,
) -> PublicationSummary:
    """Publish every agreement period ending inside ``(start, end]`` and the reviews they close.

    ``landing_dir`` and ``run_started_at`` go into each manifest: the landing folder of the run
    and, per input file, whether the run read it or carried it from an earlier run.

    Each period whose figures changed gets a new version folder ``<period>/v<n>``; a period
    whose ledger and compliance table equal its latest version's (``run_id`` aside) gets none.
    All or nothing: nothing in ``reports_dir`` changes unless every file was written and the
    ledger history committed. ``connection`` must be writable (the history table).
    """
    summary = PublicationSummary(recovered=recover(reports_dir))
    periods = periods_in_window(connection, start, end)
    by_key: dict[str, list[AgreementPeriod]] = {}
    for period in periods:
        by_key.setdefault(period.period_key, []).append(period)
    held = versions.history_versions(connection, sorted(by_key))
    for key in sorted(by_key):
        migrated = versions.migrate_legacy(reports_dir, key)
        summary.recovered += [migrated] if migrated else []
        summary.recovered += versions.recover_period(reports_dir / key, held[key])
    for action in summary.recovered:
        log(action)
    inputs = run_inputs(connection, landing_dir=landing_dir, run_started_at=run_started_at)
    # what a restatement's reason compares with the previous version's manifest
    compared = {**inputs, "tools": tool_versions()}

    with staged_publication(reports_dir, run_id) as staging:
        planned: list[versions.StagedVersion] = []
        shape = None  # a ledger table: gives the history table its columns on first use
        for key, members in sorted(by_key.items()):
            compliance = compliance_table(connection, key, run_id)
            ledger = shape = ledger_table(connection, key, run_id)
            chronic = chronic_breaches_table(connection, key)
            period_dir = reports_dir / key
            latest = versions.read_latest(period_dir)
            if latest is not None:
                published = period_dir / versions.version_name(latest)
                if all(
                    versions.same_figures(connection, table, published / f"{stem}.parquet")
                    for stem, table in (
                        ("credits", ledger),
                        ("compliance", compliance),
                        (CHRONIC_STEM, chronic),
                    )
                ):
                    summary.unchanged.append(key)
                    log(f"{key}: unchanged since v{latest}, no new version")
                    continue
            number = max([*versions.version_folders(period_dir), *held[key], 0]) + 1
            folder = staging / key / versions.version_name(number)
            folder.mkdir(parents=True)
            relative = f"{key}/{folder.name}"
            write_csv(compliance, folder / "compliance.csv")
            write_parquet(compliance, folder / "compliance.parquet")
            # termination rights (issue 13): published with the compliance table they derive from
            write_csv(chronic, folder / f"{CHRONIC_STEM}.csv")
            write_parquet(chronic, folder / f"{CHRONIC_STEM}.parquet")
            # credits.* mixes both row types (finance's scripts read it); the other three can
            # be summed as they are (docs/publications.md, "Credits ledger")
            credit_tables = {
                "credits": ledger,
                "credits_objectives": ledger_table(
                    connection, key, run_id, row_type=OBJECTIVE_ROWS
                ),
                "credits_totals": ledger_table(connection, key, run_id, row_type=TOTAL_ROWS),
                "credits_by_currency": by_currency_table(connection, key),
            }
            for stem, table in credit_tables.items():
                write_csv(table, folder / f"{stem}.csv")
                write_parquet(table, folder / f"{stem}.parquet")
            # a source system's own SLA verdict beside ours, when an adapter landed one
            for stem, table in reconciliation_tables(connection, key).items():
                write_csv(table, folder / f"{stem}.csv")
                summary.reconciliation.append(f"{relative}/{stem}.csv")
            period_end = max(p.period_end for p in members)
            write_xlsx(
                {
                    # the credits sheet stays first: readers open the workbook's first sheet
                    stem.removeprefix("credits_"): table
                    for stem, table in credit_tables.items()
                },
                folder / "credits.xlsx",
                title=f"Service credits {key}",
                # a fixed document time keeps the workbook byte-identical across runs
                document_time=dt.datetime.combine(period_end, dt.time()),
                money_columns=LEDGER_MONEY_COLUMNS,
            )
            reason = ""
            if latest is not None:
                old_manifest = period_dir / versions.version_name(latest) / MANIFEST_NAME
                reason = versions.restatement_reason(
                    json.loads(old_manifest.read_text(encoding="utf-8"))
                    if old_manifest.is_file()
                    else {},
                    compared,
                )
            planned.append(
                versions.StagedVersion(key, number, latest, folder, ledger, reason=reason)
            )
            summary.periods.append(key)
            summary.versions.append(relative)
            summary.compliance += [
                f"{relative}/{stem}.{ext}"
                for stem in ("compliance", CHRONIC_STEM)
                for ext in ("csv", "parquet")
            ]
            summary.credits += [
                f"{relative}/{stem}.{ext}" for stem in credit_tables for ext in ("csv", "parquet")
            ]
            summary.credits.append(f"{relative}/credits.xlsx")
            summary.compliance_rows += compliance.num_rows
            summary.credit_rows += ledger.num_rows
            log(
                f"{relative}: {compliance.num_rows} compliance rows, {ledger.num_rows} ledger rows"
                + (f" (restates v{latest}: {reason})" if latest is not None else "")
            )

        folders = {staged.period: staged.staged for staged in planned}
        reviews = [r for r in reviews_closing(connection, periods) if r.folder in folders]
        contexts = review_contexts(connection, reviews, generated_at=generated_at)
        jobs = []
        for review, context in zip(reviews, contexts, strict=True):
            packs = folders[review.folder] / "review_packs"
            packs.mkdir(exist_ok=True)
            jobs.append(
                review_pack.PackJob(
                    context=context,
                    html_path=packs / f"{review.agreement_id}.html",
                    pdf_path=packs / f"{review.agreement_id}.pdf",
                    document_date=review.review_end,
                    # the provider's variant: adds recommendations and at-risk notes
                    internal_html_path=packs / f"{review.agreement_id}.internal.html",
                    internal_pdf_path=packs / f"{review.agreement_id}.internal.pdf",
                )
            )
            summary.review_packs += [
                f"{review.folder}/{folders[review.folder].name}/review_packs/"
                f"{review.agreement_id}.{variant}{ext}"
                for variant in ("", "internal.")
                for ext in ("html", "pdf")
            ]
        review_pack.render_packs(
            jobs,
            log=lambda job: log(
                f"{job.context['review'].folder}: review pack for "
                f"{job.context['review'].agreement_id} ({job.context['period_label']})"
            ),
        )

        agreements = _agreements(connection, [staged.period for staged in planned])
        # one short transaction at the end (versions.py): history rows in, restatements
        # queried from them, manifests written, folders renamed in, commit; latest afterwards
        published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        if shape is None:
            return summary  # no period ends inside the window
        with versions.history_transaction(connection, reports_dir, shape) as history:
            for key in sorted(by_key):
                for action in history.backfill(key, held[key]):
                    log(action)
            for staged in planned:
                history.record(staged, published_at)
                if staged.previous is not None:
                    restatement = history.restatement(staged)
                    write_csv(restatement, staged.staged / versions.RESTATEMENT_NAME)
                    summary.restatements.append(
                        f"{staged.period}/{staged.staged.name}/{versions.RESTATEMENT_NAME}"
                    )
                write_manifest(
                    staged.staged,
                    period_key=staged.period,
                    run_id=run_id,
                    generated_at=generated_at,
                    window=(start, end),
                    inputs=inputs,
                    agreements=agreements[staged.period],
                    version=staged.version,
                    previous_version=staged.previous,
                    published_at=published_at,
                )
                summary.manifests.append(f"{staged.period}/{staged.staged.name}/{MANIFEST_NAME}")
            for staged in planned:
                history.install(staged)
        for staged in planned:
            versions.point_latest(reports_dir / staged.period, staged.version)
    return summary


def _agreements(
    connection: duckdb.DuckDBPyConnection, keys: list[str]
) -> dict[str, list[dict[str, object]]]:
    """The agreements (and their versions) each period folder publishes, for its manifest."""
    found: dict[str, list[dict[str, object]]] = {key: [] for key in keys}
    for key, agreement_id, version in connection.execute(
        "select period_key, agreement_id, version from marts.rpt_publication_periods "
        "where list_contains(?, period_key) order by all",
        [keys],
    ).fetchall():
        found[key].append({"agreement_id": agreement_id, "version": version})
    return found
