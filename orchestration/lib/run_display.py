"""What a run prints at its end: a summary read from the marts, as a table or as plain lines.

Every figure is selected from a mart with an enforced contract (rpt_publication_periods,
rpt_compliance, credits_ledger, rpt_quarantine_summary, rpt_review_quarantine_reasons) over a
read-only connection opened after the run; Python only formats. The checks that warned come
from the run itself (they are Dagster's check results, not a published number).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.status import Status
from rich.table import Table

from orchestration.lib import warehouse


@dataclass(frozen=True)
class RunSummary:
    periods: list[str]
    breaches: list[tuple[str, str, str]]  # agreement, period, objective
    credits: list[tuple[str, Decimal]]  # currency, total of the agreement totals
    quarantined: list[tuple[str, int, str]]  # source, rows, commonest reason
    warned_checks: list[str] = field(default_factory=list)
    # the latest published version of each period (publications.credits_ledger_history)
    versions: dict[str, int] = field(default_factory=dict)


_PERIODS = """
select distinct period_key
from marts.rpt_publication_periods
where period_start between ? and ?
order by 1
"""
_BREACHES = """
select agreement_id, period, objective_id
from marts.rpt_compliance
where status = 'breached' and period in (select unnest(?::varchar[]))
order by 1, 2, objective_order
"""
# the agreement_total rows: the objective rows of the same ledger add up to them
_CREDITS = """
select currency, sum(credit_amount) as credit_amount
from marts.credits_ledger
where row_type = 'agreement_total' and period in (select unnest(?::varchar[]))
group by 1
order by 1
"""
_QUARANTINE = """
with counted as (
    -- every quarantined row of every landed file (the files' own accounting, read = loaded +
    -- quarantined), not only the rows a period's objectives can place: the count the
    -- quarantine tables hold; the commonest reason is among the rows of the run's periods
    select source, sum(rows_quarantined) as rows_quarantined
    from marts.rpt_landing_files
    group by 1
),
reasons as (
    select source, reason_code as reason, sum(row_count) as row_count
    from marts.rpt_review_quarantine_reasons
    where review_period_key in (select unnest(?::varchar[]))
    group by 1, 2
),
commonest as (
    select source, arg_max(reason, row_count) as reason
    from reasons
    group by 1
)
select counted.source, counted.rows_quarantined, coalesce(commonest.reason, '')
from counted
left join commonest on counted.source = commonest.source
order by 1
"""


def read_summary(
    warehouse_path: Path, first: dt.date, last: dt.date, warned_checks: list[str]
) -> RunSummary:
    """The summary of months ``first``..``last`` as the marts hold it after the run."""
    with warehouse.connect(warehouse_path, read_only=True) as connection:
        periods = [row[0] for row in connection.execute(_PERIODS, [first, last]).fetchall()]
        breaches = connection.execute(_BREACHES, [periods]).fetchall()
        credits = connection.execute(_CREDITS, [periods]).fetchall()
        quarantined = connection.execute(_QUARANTINE, [periods]).fetchall()
        versions = _latest_versions(connection, periods)
    return RunSummary(
        periods,
        [(row[0], row[1], row[2]) for row in breaches],
        [(row[0], Decimal(row[1])) for row in credits],
        [(row[0], int(row[1]), row[2]) for row in quarantined],
        warned_checks,
        versions,
    )


def _latest_versions(connection: Any, periods: list[str]) -> dict[str, int]:
    """The newest version of each period the publication history holds (none before the first
    publication into this warehouse)."""
    exists = connection.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'publications' and table_name = 'credits_ledger_history'"
    ).fetchone()
    if not exists or not exists[0]:
        return {}
    rows = connection.execute(
        "select period, max(version) from publications.credits_ledger_history "
        "where list_contains(?, period) group by period",
        [periods],
    ).fetchall()
    return {period: int(version) for period, version in rows}


def summary_lines(summary: RunSummary) -> list[str]:
    """The summary as plain lines (a pipe, a log file, a test)."""
    published = [
        f"{period} (v{summary.versions[period]})" if period in summary.versions else period
        for period in summary.periods
    ]
    lines = [f"periods published: {', '.join(published) or 'none'}"]
    lines.append(f"objectives breached: {len(summary.breaches)}")
    # one line per agreement, so that a long range stays a short summary
    by_agreement: dict[str, list[str]] = {}
    for agreement, period, objective in summary.breaches:
        by_agreement.setdefault(agreement, []).append(f"{period} {objective}")
    for agreement, breaches in by_agreement.items():
        lines.append(f"  {agreement}: {', '.join(breaches)}")
    credits = ", ".join(f"{currency} {amount:,.2f}" for currency, amount in summary.credits)
    lines.append(f"credits: {credits or 'none'}")
    total = sum(rows for _, rows, _ in summary.quarantined)
    lines.append(f"rows quarantined: {total:,}")
    for source, rows, reason in summary.quarantined:
        lines.append(f"  {source}: {rows:,}" + (f" (commonest: {reason})" if reason else ""))
    lines.append(f"checks that warned: {', '.join(summary.warned_checks) or 'none'}")
    return lines


def print_summary(console: Console, summary: RunSummary) -> None:
    """A table on a terminal, the plain lines otherwise."""
    if not console.is_terminal:
        for line in summary_lines(summary):
            console.print(line, markup=False, highlight=False)
        return
    table = Table(title="run summary", show_header=False)
    table.add_column("what")
    table.add_column("found")
    for line in summary_lines(summary):
        what, _, found = line.partition(": ")
        table.add_row(what, found)
    console.print(table)


def stage_name(step_key: str) -> str:
    """A Dagster step as the person running it thinks of it."""
    if step_key == "sla_definitions":
        return "definitions"
    if step_key.startswith("raw__") and step_key.endswith("_checks"):
        return f"checks {step_key.removeprefix('raw__').removesuffix('_checks')}"
    if step_key.startswith("raw__"):
        return f"ingest {step_key.removeprefix('raw__')}"
    if step_key == "sla_dbt_models":
        return "dbt models"
    return step_key.replace("__", " ").replace("_", " ")


class StageProgress:
    """Called with each event of the run: on a terminal it updates the spinner's text (the
    stage done last, dbt models as a count); in a pipe it prints one line per finished stage."""

    def __init__(self, console: Console, status: Status | None):
        self.console = console
        self.status = status
        self.models = 0

    def __call__(self, entry: Any) -> None:
        event = entry.dagster_event
        if event is None or not event.step_key:
            return
        name = stage_name(event.step_key)
        if event.event_type_value == "ASSET_MATERIALIZATION" and name == "dbt models":
            self.models += 1
            self._show(f"dbt models: {self.models} built")
        elif event.event_type_value == "STEP_SUCCESS":
            seconds = event.event_specific_data.duration_ms / 1000
            suffix = f", {self.models} models" if name == "dbt models" else ""
            self._show(f"{name}: done in {seconds:.1f} s{suffix}", line=True)
        elif event.event_type_value == "STEP_START":
            self._show(f"{name} ...")

    def _show(self, text: str, *, line: bool = False) -> None:
        if self.status is not None:
            self.status.update(text)
        elif line:
            self.console.print(text, markup=False, highlight=False)
