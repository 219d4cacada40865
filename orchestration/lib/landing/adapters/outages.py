"""Operator-reported outage traces (CSV, the Cloud Uptime Archive) -> downtime_windows.

A trace is one file per service, ``<trace>_operator_reported.csv``, with the columns
start_time, end_time (seconds from the start of the trace, not instants), status (the share of
the service affected, 0..1) and service (the trace's name again).

- service_id = the trace's name from the file name (``github-status_global-status`` from
  ``github-status_global-status_operator_reported.csv``), renamed through ``options.services``
  (e.g. ``github-status_global-status: github``); a row whose ``service`` column names another
  trace is ``unmapped_value`` (it was copied into the wrong file).
- started_at / ended_at = ``options.anchor`` + start_time / end_time seconds. The traces carry no
  date: the anchor is the instant their second 0 stands for, stated in sources.yaml (required).
  A time that is not a number is passed on as text, so the contract quarantines it
  (``unparseable_timestamp``).
- severity = status; is_down = severity >= ``options.min_severity`` (the partial-outage rule,
  docs/adapters.md); source_ref = the trace's name (source_file and source_row say where the
  row is; a line number in source_ref would make a repeated row a conflict, not a duplicate).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
from pydantic import BaseModel, ConfigDict, Field, field_validator

from orchestration.lib.landing.adapters.common import (
    UNMAPPED,
    missing_as_null,
    read_export_csv,
    write_landed,
)
from orchestration.lib.landing.sql import quote
from orchestration.lib.landing_contract import LandingSource

EXPORT_COLUMNS = ("start_time", "end_time", "status", "service")
FILE_SUFFIX = "_operator_reported"


class OutageTraceOptions(BaseModel):
    """anchor: the instant second 0 of every trace stands for (with its offset); min_severity:
    a window counts as down when its severity (share of the service affected) reaches it;
    services: trace name -> service_id, for the traces whose name is not the objective's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    anchor: datetime
    min_severity: float = Field(default=0.5, gt=0, le=1)
    services: dict[str, str] = {}

    @field_validator("anchor")
    @classmethod
    def _with_offset(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("anchor needs a UTC offset, e.g. 2021-01-01T00:00:00Z")
        return value.astimezone(UTC)


def trace_name(path: Path) -> str:
    """The trace's name: the file name without ``_operator_reported.csv``."""
    return path.stem.removesuffix(FILE_SUFFIX)


def _instant(seconds: str, anchor: datetime) -> str:
    """SQL: anchor + seconds as canonical UTC text; text that is not a number is passed on."""
    anchored = (
        f"timestamp '{anchor.replace(tzinfo=None).isoformat()}' "
        f"+ to_microseconds(cast(round(try_cast({seconds} as double) * 1e6) as bigint))"
    )
    return f"coalesce(strftime({anchored}, '%Y-%m-%dT%H:%M:%SZ'), {seconds})"


class OutageTraceCsv:
    name: str = "outage_trace_csv"
    sources: tuple[str, ...] = ("downtime_windows",)
    options_model: type[BaseModel] = OutageTraceOptions

    def read(
        self,
        connection: duckdb.DuckDBPyConnection,
        source: LandingSource,
        path: Path,
        options: OutageTraceOptions,
    ) -> list[str]:
        notes = read_export_csv(connection, path, EXPORT_COLUMNS, "trace_rows")
        trace = trace_name(path)
        service_id = options.services.get(trace, trace)
        named = missing_as_null("service", "")
        status = missing_as_null("status", "")
        wrong_file = f"{named} is not null and {named} <> {quote(trace)}"
        select = f"""
            select source_row, {quote(service_id)} as service_id,
                {_instant(missing_as_null("start_time", ""), options.anchor)} as started_at,
                {_instant(missing_as_null("end_time", ""), options.anchor)} as ended_at,
                {status} as severity,
                case when try_cast({status} as double) >= {options.min_severity!r} then 'true'
                    else 'false' end as is_down,
                {quote(trace)} as source_ref,
                case when {wrong_file} then 'service ' || {named}
                    || ' is not the trace the file name names ({trace})' end as read_error,
                case when {wrong_file} then '{UNMAPPED}' end as read_code
            from trace_rows
        """
        write_landed(connection, source, select, "trace_rows_malformed")
        return notes


OUTAGES = OutageTraceCsv()
