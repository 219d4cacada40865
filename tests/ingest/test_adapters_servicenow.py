"""The ServiceNow incident event log adapter: its mapping on lines cut from the public dataset,
every quarantine reason it can give, and rows read = loaded + quarantined per file."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.landing import ingest_folder
from orchestration.lib.landing.adapters import (
    SourceAdapter,
    SourcesConfigError,
    load_sources_config,
)
from orchestration.lib.landing.adapters.servicenow import SERVICENOW, ServiceNowOptions
from orchestration.lib.landing_contract import SOURCES

DATASET = Path("/work/shared/datasets/servicenow-incident-event-log/incident_event_log.zip")
REPO = Path(__file__).parents[2]
LOAD_TIME = dt.datetime(2026, 12, 1)
SERVICENOW_SOURCES = ("tickets", "ticket_events", "ticket_outcomes")


def _excerpt(lines: int) -> str:
    """The header and the first ``lines`` updates of the public log (INC0000045, INC0000047)."""
    with zipfile.ZipFile(DATASET) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        with archive.open(name) as handle:
            return "".join(handle.readline().decode() for _ in range(lines + 1))


def _line(number: str, state: str, mod: int, made_sla: str, opened: str, updated: str,
          priority: str, resolved: str) -> str:  # fmt: skip
    """One update with the dataset's 36 columns; those the adapter does not read are filler."""
    return (
        f"{number},{state},true,0,0,{mod},{made_sla},Caller 1,Opened by 1,{opened},Created by 1,"
        f"{opened},Updated by 1,{updated},Phone,Location 1,Category 1,Subcategory 1,Symptom 1,?,"
        f"2 - Medium,2 - Medium,{priority},Group 1,?,true,false,Do Not Notify,?,?,?,?,code 1,"
        f"Resolved by 1,{resolved},?\n"
    )


def _load(
    tmp_path: Path, text: str, options: ServiceNowOptions | None = None
) -> tuple[duckdb.DuckDBPyConnection, dict[str, object]]:
    folder = tmp_path / "landing" / "tickets"
    folder.mkdir(parents=True)
    (folder / "incident_event_log.csv").write_text(text, encoding="utf-8")
    connection = duckdb.connect()
    connection.execute("create schema definitions")
    connection.execute("create table definitions.agreements as select 'sn' as agreement_id")
    adapter = SourceAdapter(SERVICENOW, options or ServiceNowOptions(agreement_id="sn"))
    reports = {}
    for name in SERVICENOW_SOURCES:
        (report,) = ingest_folder(
            connection, SOURCES[name], folder, load_time=LOAD_TIME, adapter=adapter
        )
        reports[name] = report
    return connection, reports


@pytest.mark.skipif(not DATASET.is_file(), reason="the public dataset is not on this machine")
def test_the_first_updates_of_the_public_log_map_to_tickets_events_and_outcomes(tmp_path):
    connection, reports = _load(tmp_path, _excerpt(6))
    # INC0000045: 4 updates (lines 2-5), its last one (sys_mod_count 4) on line 5;
    # INC0000047: 2 updates (lines 6-7), the last one (sys_mod_count 1) on line 7
    assert connection.execute(
        "select ticket_id, agreement_id, priority, created_at, first_response_at, resolved_at, "
        "source_row from raw.tickets order by ticket_id"
    ).fetchall() == [
        # "29/2/2016 01:16" read day-first in UTC; "3 - Moderate" -> P3
        ("INC0000045", "sn", "P3", dt.datetime(2016, 2, 29, 1, 16), None,
         dt.datetime(2016, 2, 29, 11, 29), 5),
        ("INC0000047", "sn", "P3", dt.datetime(2016, 2, 29, 4, 40), None,
         dt.datetime(2016, 3, 1, 9, 52), 7),
    ]  # fmt: skip
    assert connection.execute(
        "select status, changed_at from raw.ticket_events where ticket_id = 'INC0000045' "
        "order by source_row"
    ).fetchall() == [
        ("new", dt.datetime(2016, 2, 29, 1, 23)),
        ("resolved", dt.datetime(2016, 2, 29, 8, 53)),
        ("resolved", dt.datetime(2016, 2, 29, 11, 29)),
        ("closed", dt.datetime(2016, 3, 5, 12, 0)),
    ]
    assert connection.execute(
        "select ticket_id, made_sla, recorded_at from raw.ticket_outcomes order by 1"
    ).fetchall() == [
        ("INC0000045", True, dt.datetime(2016, 3, 5, 12, 0)),
        ("INC0000047", True, dt.datetime(2016, 2, 29, 5, 30)),
    ]
    # rows read: the incidents for tickets and outcomes, every update for the events
    assert [(r.rows_read, r.rows_loaded, r.rows_quarantined) for r in reports.values()] == [
        (2, 2, 0), (6, 6, 0), (2, 2, 0),
    ]  # fmt: skip


def test_the_time_zone_setting_moves_every_timestamp(tmp_path):
    text = _excerpt_header() + _line(
        "INC1", "New", 0, "true", "29/2/2016 01:16", "29/2/2016 01:23", "1 - Critical",
        "29/2/2016 11:29",
    )  # fmt: skip
    berlin = ServiceNowOptions(agreement_id="sn", timezone="Europe/Berlin")
    connection, _ = _load(tmp_path, text, berlin)
    # Berlin is UTC+1 in February: 01:16 local is 00:16 UTC; "1 - Critical" -> P1
    assert connection.execute(
        "select priority, created_at, resolved_at from raw.tickets"
    ).fetchall() == [("P1", dt.datetime(2016, 2, 29, 0, 16), dt.datetime(2016, 2, 29, 10, 29))]
    assert connection.execute("select changed_at from raw.ticket_events").fetchall() == [
        (dt.datetime(2016, 2, 29, 0, 23),)
    ]


def _excerpt_header() -> str:
    return (
        "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,"
        "caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,"
        "sys_updated_at,contact_type,location,category,subcategory,u_symptom,cmdb_ci,impact,"
        "urgency,priority,assignment_group,assigned_to,knowledge,u_priority_confirmation,"
        "notify,problem_id,rfc,vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at\n"
    )


def test_every_quarantine_reason_of_the_adapter(tmp_path):
    ok = ("29/2/2016 01:16", "29/2/2016 01:23")
    text = _excerpt_header() + "".join(
        [
            _line("INC1", "New", 0, "true", *ok, "3 - Moderate", "?"),  # line 2: loads
            _line("INC1", "-100", 1, "true", ok[0], "29/2/2016 02:00", "3 - Moderate", "?"),
            _line("INC1", "New", 2, "true", *ok, "3 - Moderate", "?"),  # line 4: line 2 again
            _line("INC2", "New", 0, "true", *ok, "5 - Planning", "?"),  # no P level
            _line("INC3", "New", 0, "true", "?", ok[1], "2 - High", "?"),  # opened_at missing
            _line("INC4", "New", 0, "maybe", "31/2/2016 01:00", ok[1], "2 - High", "?"),
            'INC5,"unterminated\n',  # line 8: does not split
        ]
    )
    connection, reports = _load(tmp_path, text)
    reasons = dict(
        connection.execute(
            "select source_file || ':' || source_row, reason_code from quarantine.tickets "
            "union all select source_file || ':' || source_row, reason_code "
            "from quarantine.ticket_events "
            "union all select source_file || ':' || source_row, reason_code "
            "from quarantine.ticket_outcomes"
        ).fetchall()
    )
    assert reasons == {
        # tickets: one row per incident, at the line of its last update
        "tickets/incident_event_log.csv:5": "unknown_priority",
        "tickets/incident_event_log.csv:6": "missing_value",
        "tickets/incident_event_log.csv:7": "unparseable_timestamp",
        # events: -100 is no state; line 4 repeats line 2 (same key and content)
        "ticket_events/incident_event_log.csv:3": "unmapped_value",
        "ticket_events/incident_event_log.csv:4": "duplicate_row",
        "ticket_events/incident_event_log.csv:5": "unknown_ticket",
        "ticket_events/incident_event_log.csv:6": "unknown_ticket",
        "ticket_events/incident_event_log.csv:7": "unknown_ticket",
        "ticket_events/incident_event_log.csv:8": "malformed_line",
        # outcomes: INC2 and INC3 have no loaded ticket; INC4's made_sla is no boolean
        "ticket_outcomes/incident_event_log.csv:5": "unknown_ticket",
        "ticket_outcomes/incident_event_log.csv:6": "unknown_ticket",
        "ticket_outcomes/incident_event_log.csv:7": "invalid_boolean",
    }
    for report in reports.values():
        assert report.rows_read == report.rows_loaded + report.rows_quarantined
    # 4 incidents (INC5's line never splits), 7 update lines, 4 incidents
    assert [r.rows_read for r in reports.values()] == [4, 7, 4]


def test_a_file_without_the_export_columns_is_rejected_naming_them(tmp_path):
    _, reports = _load(tmp_path, "number,priority\nINC1,1 - Critical\n")
    assert reports["tickets"].status == "rejected"
    assert reports["tickets"].message.startswith(
        "missing export column(s) incident_state, sys_mod_count, made_sla, opened_at"
    )


def test_sources_yaml_of_the_example_and_its_errors(tmp_path):
    configured = load_sources_config(REPO / "sla_definitions" / "examples" / "servicenow")
    assert {name: c.adapter.name for name, c in configured.items()} == dict.fromkeys(
        SERVICENOW_SOURCES, "servicenow_incident_log"
    )
    assert load_sources_config(tmp_path) == {}  # no sources.yaml: native landing files
    bad = {
        "tickets: {format: excel}": "tickets.format: unknown format 'excel'",
        "probes: {format: servicenow_incident_log}": "probes.format: servicenow_incident_log "
        "delivers only tickets, ticket_events, ticket_outcomes",
        "tickets: {format: servicenow_incident_log, options: {agreement_id: a, timezone: Mars}}":
            "tickets.options.timezone: Value error, unknown time zone 'Mars'",
        "ticket: {format: servicenow_incident_log}": "ticket: unknown landing source",
    }  # fmt: skip
    for text, message in bad.items():
        (tmp_path / "sources.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(SourcesConfigError, match=r"sources\.yaml: ") as caught:
            load_sources_config(tmp_path)
        assert message in str(caught.value)
