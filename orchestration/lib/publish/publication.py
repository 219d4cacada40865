"""Build every file of a run's publication in staging, then swap it into the reports folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.lib.publish.atomic import recover, staged_publication
from orchestration.lib.publish.manifest import run_inputs, write_manifest
from orchestration.lib.publish.plan import AgreementPeriod, periods_in_window, reviews_closing
from orchestration.lib.publish.tables import (
    LEDGER_MONEY_COLUMNS,
    compliance_table,
    ledger_table,
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
) -> PublicationSummary:
    """Publish every agreement period ending inside ``(start, end]`` and the reviews they close.

    All or nothing: nothing in ``reports_dir`` changes unless every file was written.
    """
    summary = PublicationSummary(recovered=recover(reports_dir))
    for action in summary.recovered:
        log(action)
    periods = periods_in_window(connection, start, end)
    reviews = reviews_closing(connection, periods)
    inputs = run_inputs(connection)
    by_key: dict[str, list[AgreementPeriod]] = {}
    for period in periods:
        by_key.setdefault(period.period_key, []).append(period)

    with staged_publication(reports_dir, run_id) as staging:
        for key, members in sorted(by_key.items()):
            folder = staging / key
            folder.mkdir()
            compliance = compliance_table(connection, key, run_id)
            write_csv(compliance, folder / "compliance.csv")
            write_parquet(compliance, folder / "compliance.parquet")
            ledger = ledger_table(connection, key, run_id)
            write_csv(ledger, folder / "credits.csv")
            write_parquet(ledger, folder / "credits.parquet")
            period_end = max(p.period_end for p in members)
            write_xlsx(
                ledger,
                folder / "credits.xlsx",
                sheet="credits",
                title=f"Service credits {key}",
                # a fixed document time keeps the workbook byte-identical across runs
                document_time=dt.datetime.combine(period_end, dt.time()),
                money_columns=LEDGER_MONEY_COLUMNS,
            )
            summary.periods.append(key)
            summary.compliance += [f"{key}/compliance.csv", f"{key}/compliance.parquet"]
            summary.credits += [f"{key}/credits.{ext}" for ext in ("csv", "parquet", "xlsx")]
            summary.compliance_rows += compliance.num_rows
            summary.credit_rows += ledger.num_rows
            log(f"{key}: {compliance.num_rows} compliance rows, {ledger.num_rows} ledger rows")

        contexts = review_contexts(connection, reviews, generated_at=generated_at)
        jobs = []
        for review, context in zip(reviews, contexts, strict=True):
            packs = staging / review.folder / "review_packs"
            packs.mkdir(exist_ok=True)
            jobs.append(
                review_pack.PackJob(
                    context=context,
                    html_path=packs / f"{review.agreement_id}.html",
                    pdf_path=packs / f"{review.agreement_id}.pdf",
                    document_date=review.review_end,
                )
            )
            summary.review_packs += [
                f"{review.folder}/review_packs/{review.agreement_id}.{ext}"
                for ext in ("html", "pdf")
            ]
        review_pack.render_packs(
            jobs,
            log=lambda job: log(
                f"{job.context['review'].folder}: review pack for "
                f"{job.context['review'].agreement_id} ({job.context['period_label']})"
            ),
        )

        for key in sorted(by_key):
            agreements = [
                {"agreement_id": agreement_id, "version": version}
                for agreement_id, version in connection.execute(
                    "select agreement_id, version from marts.rpt_publication_periods "
                    "where period_key = ? order by all",
                    [key],
                ).fetchall()
            ]
            write_manifest(
                staging / key,
                period_key=key,
                run_id=run_id,
                generated_at=generated_at,
                window=(start, end),
                inputs=inputs,
                agreements=agreements,
            )
            summary.manifests.append(f"{key}/manifest.json")
    return summary
