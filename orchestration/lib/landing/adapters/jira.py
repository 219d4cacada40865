"""Jira Service Management issue export (CSV, "Export > CSV (all fields)") -> tickets.

Jira writes one row per issue with its fields by display name: ``Issue key``, ``Priority``,
``Created``, ``Resolved`` (empty while unresolved), ``Status`` and many more (a multi-valued
field repeats its column). Dates are written in the exporting user's format and time zone
without an offset: ``12/Mar/24 9:15 AM`` by default (Jira's ``dd/MMM/yy h:mm a``), read with
``options.date_format`` (a strptime format) in ``options.timezone``.

- ticket_id = Issue key; agreement_id = ``options.agreement_id``; created_at = Created;
  resolved_at = Resolved; priority through ``options.priorities`` (Jira's default scheme:
  Highest -> P1, High -> P2, Medium -> P3, Low and Lowest -> P4); a priority the mapping does not
  name is ``unmapped_value``. The CSV has no status history and no first response time: the
  example objectives for Jira are resolution objectives.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
from pydantic import BaseModel, field_validator

from orchestration.lib.landing.adapters.common import (
    UNMAPPED,
    ZonedOptions,
    local_to_utc_text,
    missing_as_null,
    read_export_csv,
    write_landed,
)
from orchestration.lib.landing.sql import quote
from orchestration.lib.landing_contract import PRIORITIES, LandingSource

EXPORT_COLUMNS = ("Issue key", "Priority", "Created", "Resolved")
DEFAULT_PRIORITIES = {"Highest": "P1", "High": "P2", "Medium": "P3", "Low": "P4", "Lowest": "P4"}


class JiraOptions(ZonedOptions):
    """timezone: the exporting user's zone (the CSV's dates carry none)."""

    date_format: str = "%d/%b/%y %I:%M %p"  # Jira's default dd/MMM/yy h:mm a
    priorities: dict[str, str] = DEFAULT_PRIORITIES

    @field_validator("priorities")
    @classmethod
    def _levels(cls, value: dict[str, str]) -> dict[str, str]:
        wrong = sorted(level for level in value.values() if level not in PRIORITIES)
        if wrong:
            raise ValueError(f"priorities map to {', '.join(wrong)}; expected P1..P4")
        return value


def _column(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _stamp(options: JiraOptions) -> Callable[[str], str]:
    def stamp(name: str) -> str:
        text = missing_as_null(_column(name), "")
        return local_to_utc_text(text, options.date_format, options.timezone)

    return stamp


class JiraIssueCsv:
    name: str = "jira_issue_csv"
    sources: tuple[str, ...] = ("tickets",)
    options_model: type[BaseModel] = JiraOptions

    def read(
        self,
        connection: duckdb.DuckDBPyConnection,
        source: LandingSource,
        path: Path,
        options: JiraOptions,
    ) -> list[str]:
        notes = read_export_csv(connection, path, EXPORT_COLUMNS, "jira_rows")
        priority = missing_as_null(_column("Priority"), "")
        mapping = " ".join(
            f"when {quote(name)} then {quote(level)}" for name, level in options.priorities.items()
        )
        stamp = _stamp(options)
        named = ", ".join(quote(name) for name in options.priorities)
        unmapped = f"{priority} is not null and {priority} not in ({named})"
        select = f"""
            select source_row, {missing_as_null(_column("Issue key"), "")} as ticket_id,
                {quote(options.agreement_id)} as agreement_id,
                case {priority} {mapping} end as priority,
                {stamp("Created")} as created_at, null::varchar as first_response_at,
                {stamp("Resolved")} as resolved_at, null::varchar as csat_score,
                case when {unmapped} then 'Priority ' || {priority}
                    || ' is not in the priorities mapping' end as read_error,
                case when {unmapped} then '{UNMAPPED}' end as read_code
            from jira_rows
        """
        write_landed(connection, source, select, "jira_rows_malformed")
        return notes


JIRA = JiraIssueCsv()
