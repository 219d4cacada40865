"""The Jira Service Management CSV and Zendesk Incremental Export adapters, on small hand-made
files that follow those products' documented export columns and field names
(tests/ingest/exports/): the mapping, every quarantine reason, rows read = loaded +
quarantined."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb

from orchestration.lib.landing import FileReport, ingest_folder
from orchestration.lib.landing.adapters import SourceAdapter
from orchestration.lib.landing.adapters.jira import JIRA, JiraOptions
from orchestration.lib.landing.adapters.zendesk import ZENDESK, ZendeskOptions
from orchestration.lib.landing_contract import SOURCES

EXPORTS = Path(__file__).parent / "exports"
LOAD_TIME = dt.datetime(2026, 12, 1)


def _warehouse() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("create schema definitions")
    connection.execute("create table definitions.agreements as select 'desk' as agreement_id")
    return connection


def _folder(tmp_path: Path, source: str, *names: str) -> Path:
    folder = tmp_path / "landing" / source
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(EXPORTS / name, folder / name)
    return folder


def _ingest(
    connection: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    source: str,
    name: str,
    adapter: SourceAdapter,
) -> FileReport:
    """Load the export ``name`` as the one file of ``source``; its report."""
    folder = _folder(tmp_path, source, name)
    (report,) = ingest_folder(
        connection, SOURCES[source], folder, load_time=LOAD_TIME, adapter=adapter
    )
    return report


def test_jira_issues_map_to_tickets_in_the_exporters_zone(tmp_path):
    connection = _warehouse()
    adapter = SourceAdapter(JIRA, JiraOptions(agreement_id="desk", timezone="Europe/London"))
    report = _ingest(connection, tmp_path, "tickets", "jira_issues.csv", adapter)
    # London is UTC+0 until the last Sunday of March: 12/Mar/24 9:15 AM is 09:15 UTC, and
    # 10:00 PM is 22:00; Highest -> P1, Medium -> P3
    assert connection.execute(
        "select ticket_id, agreement_id, priority, created_at, resolved_at, source_row "
        "from raw.tickets order by ticket_id"
    ).fetchall() == [
        ("ITSM-101", "desk", "P1", dt.datetime(2024, 3, 12, 9, 15),
         dt.datetime(2024, 3, 12, 13, 30), 2),
        ("ITSM-102", "desk", "P3", dt.datetime(2024, 3, 12, 22, 0), None, 3),
    ]  # fmt: skip
    # Blocker is not in the default priority scheme; an empty Priority is a missing value
    assert connection.execute(
        "select source_row, reason_code, reason from quarantine.tickets order by 1"
    ).fetchall() == [
        (4, "unmapped_value", "Priority Blocker is not in the priorities mapping"),
        (5, "missing_value", "priority is empty"),
    ]
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (4, 2, 2)


def test_zendesk_ticket_pages_map_to_tickets_with_their_metric_sets(tmp_path):
    connection = _warehouse()
    adapter = SourceAdapter(ZENDESK, ZendeskOptions(agreement_id="desk"))
    report = _ingest(connection, tmp_path, "tickets", "zendesk_tickets.jsonl", adapter)
    # 35436: urgent -> P1; first response 09:00 + 25 calendar minutes = 09:25; solved 11:45
    assert connection.execute(
        "select ticket_id, priority, created_at, first_response_at, resolved_at, source_row "
        "from raw.tickets order by ticket_id"
    ).fetchall() == [
        ("35436", "P1", dt.datetime(2024, 3, 1, 9, 0), dt.datetime(2024, 3, 1, 9, 25),
         dt.datetime(2024, 3, 1, 11, 45), 1),
        ("35437", "P3", dt.datetime(2024, 3, 1, 10, 30), None, None, 2),
    ]  # fmt: skip
    # records numbered page by page: 2 tickets on page 1, 2 on page 2, then the broken line
    assert connection.execute(
        "select source_row, reason_code from quarantine.tickets order by 1"
    ).fetchall() == [(3, "unmapped_value"), (4, "missing_value"), (5, "malformed_line")]
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (5, 2, 3)


def test_zendesk_agent_work_time_events_are_the_status_history(tmp_path):
    connection = _warehouse()
    adapter = SourceAdapter(ZENDESK, ZendeskOptions(agreement_id="desk"))
    _ingest(connection, tmp_path, "tickets", "zendesk_tickets.jsonl", adapter)
    report = _ingest(
        connection, tmp_path, "ticket_events", "zendesk_ticket_metric_events.jsonl", adapter
    )
    # agent_work_time: activate -> open, pause -> pending, fulfill -> solved; the reply_time
    # event (record 2) is not a status change
    assert connection.execute(
        "select ticket_id, status, changed_at, source_row from raw.ticket_events order by 4"
    ).fetchall() == [
        ("35436", "open", dt.datetime(2024, 3, 1, 9, 0), 1),
        ("35436", "pending", dt.datetime(2024, 3, 1, 10, 0), 3),
        ("35436", "open", dt.datetime(2024, 3, 1, 11, 0), 4),
        ("35436", "solved", dt.datetime(2024, 3, 1, 11, 45), 5),
    ]
    assert connection.execute(
        "select source_row, reason_code from quarantine.ticket_events"
    ).fetchall() == [(6, "unknown_ticket")]
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (5, 4, 1)
    assert report.message == "ignored 1 metric event(s) of other metrics or types"
