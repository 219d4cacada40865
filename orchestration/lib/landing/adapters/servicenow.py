"""ServiceNow incident event log (CSV) -> tickets, ticket_events and ticket_outcomes.

The export (the audit log of the ``incident`` table, one row per update of an incident) has the
columns number, incident_state, sys_mod_count, made_sla, opened_at, sys_updated_at, resolved_at,
priority and more; ``?`` marks a missing value and timestamps are day-first local wall-clock
times without seconds or offset (``29/2/2016 01:16``), read in ``options.timezone`` (UTC unless
set: the export does not say which zone the instance displayed; docs/adapters.md).

- ``tickets``: one row per incident, from its last update (highest sys_mod_count; ties: the
  later sys_updated_at, then the later line): ticket_id = number, priority ``1 - Critical`` ->
  P1 .. ``4 - Low`` -> P4, created_at = opened_at, resolved_at = resolved_at (empty when
  ``?``), agreement_id = ``options.agreement_id``. source_row is the line of that last update, so
  the file's rows read are its incidents.
- ``ticket_events``: one row per update: status = incident_state in snake case
  (``Awaiting User Info`` -> awaiting_user_info), changed_at = sys_updated_at. A state that is
  not a ServiceNow incident state (``-100``) is ``unmapped_value``. An update that repeats the
  state at the same minute is the same fact and is quarantined as ``duplicate_row``.
- ``ticket_outcomes``: one row per incident from its last update: made_sla, recorded_at =
  sys_updated_at (the final outcome, which the reconciliation compares with ours).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from pydantic import BaseModel

from orchestration.lib.landing.adapters.common import (
    UNMAPPED,
    ZonedOptions,
    local_to_utc_text,
    missing_as_null,
    read_export_csv,
    write_landed,
)
from orchestration.lib.landing_contract import LandingSource

EXPORT_COLUMNS = (
    "number", "incident_state", "sys_mod_count", "made_sla", "opened_at", "sys_updated_at",
    "resolved_at", "priority",
)  # fmt: skip
# ServiceNow's incident states as the event log writes them (its "-100" is no state)
STATES = (
    "New", "Active", "Awaiting User Info", "Awaiting Vendor", "Awaiting Problem",
    "Awaiting Evidence", "Resolved", "Closed",
)  # fmt: skip
TIMESTAMP_FORMAT = "%d/%m/%Y %H:%M"


class ServiceNowOptions(ZonedOptions):
    """agreement_id: the agreement every incident is held to; timezone: the zone the export's
    wall-clock times are read in."""


def _text(column: str) -> str:
    return missing_as_null(column)


def _timestamp(column: str, options: ServiceNowOptions) -> str:
    return local_to_utc_text(_text(column), TIMESTAMP_FORMAT, options.timezone)


def _last_updates() -> str:
    """Each incident's last update: the row whose made_sla is the final outcome."""
    return """
        select * from servicenow_rows
        qualify row_number() over (
            partition by nullif(trim(number), '')
            order by try_cast(sys_mod_count as integer) desc nulls last,
                try_strptime(sys_updated_at, '%d/%m/%Y %H:%M') desc nulls last,
                source_row desc
        ) = 1
    """


def _tickets(options: ServiceNowOptions) -> str:
    # "1 - Critical" -> P1; another text is passed on as it is: the contract's unknown_priority
    priority = (
        f"case when regexp_matches({_text('priority')}, '^[1-4] - ') "
        f"then 'P' || left(trim(priority), 1) else {_text('priority')} end"
    )
    return f"""
        select source_row, {_text("number")} as ticket_id,
            '{options.agreement_id.replace("'", "''")}' as agreement_id,
            {priority} as priority, {_timestamp("opened_at", options)} as created_at,
            null::varchar as first_response_at, {_timestamp("resolved_at", options)} as resolved_at,
            null::varchar as csat_score, null::varchar as read_error, null::varchar as read_code
        from ({_last_updates()})
    """


def _ticket_events(options: ServiceNowOptions) -> str:
    states = ", ".join(f"'{state}'" for state in STATES)
    state = _text("incident_state")
    mapped = f"case when {state} in ({states}) then lower(replace({state}, ' ', '_')) end"
    unmapped = f"{state} is not null and {state} not in ({states})"
    return f"""
        select source_row, {_text("number")} as ticket_id,
            coalesce({mapped}, {state}) as status,
            {_timestamp("sys_updated_at", options)} as changed_at,
            case when {unmapped} then 'incident_state ' || {state}
                || ' is not a ServiceNow incident state' end as read_error,
            case when {unmapped} then '{UNMAPPED}' end as read_code
        from servicenow_rows
    """


def _ticket_outcomes(options: ServiceNowOptions) -> str:
    return f"""
        select source_row, {_text("number")} as ticket_id, {_text("made_sla")} as made_sla,
            {_timestamp("sys_updated_at", options)} as recorded_at,
            null::varchar as read_error, null::varchar as read_code
        from ({_last_updates()})
    """


SELECTS = {
    "tickets": _tickets,
    "ticket_events": _ticket_events,
    "ticket_outcomes": _ticket_outcomes,
}


class ServiceNowIncidentLog:
    name: str = "servicenow_incident_log"
    sources: tuple[str, ...] = tuple(SELECTS)
    options_model: type[BaseModel] = ServiceNowOptions

    def read(
        self,
        connection: duckdb.DuckDBPyConnection,
        source: LandingSource,
        path: Path,
        options: ServiceNowOptions,
    ) -> list[str]:
        notes = read_export_csv(connection, path, EXPORT_COLUMNS, "servicenow_rows")
        # a line that does not split is an update of no known incident: it counts once, in the
        # events (the tickets and outcomes of a file are its incidents)
        malformed = "servicenow_rows_malformed" if source.name == "ticket_events" else None
        write_landed(connection, source, SELECTS[source.name](options), malformed)
        return notes


SERVICENOW = ServiceNowIncidentLog()
