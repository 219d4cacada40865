"""What the adapters share: reading an export CSV as text, and its values as landing text."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import available_timezones

import duckdb
from pydantic import BaseModel, ConfigDict, field_validator

from orchestration.lib.landing.files import FileRejected, read_header
from orchestration.lib.landing.sql import insertion_order, quote
from orchestration.lib.landing_contract import LandingSource

# the columns every adapter adds to ``landed`` for a record it cannot map (see __init__)
UNMAPPED = "unmapped_value"


def read_export_csv(
    connection: duckdb.DuckDBPyConnection, path: Path, required: tuple[str, ...], table: str
) -> list[str]:
    """Temp table ``table``: the export's rows as text with ``source_row`` (the line number:
    header = 1), and temp table ``<table>_malformed`` (source_row, raw_line, read_error) for the
    lines that do not split into the header's columns. Reject a file missing a ``required``
    column (named in the message)."""
    header, has_bom = read_header(path)
    missing = [name for name in required if name not in header]
    if missing:
        raise FileRejected(
            f"missing export column(s) {', '.join(missing)} (the file has {len(header)} column(s))"
        )
    # an export may repeat a column name (Jira writes one "Labels" column per label): the
    # repeats are read as "<name>_2", "<name>_3"; the adapters read the first one
    seen: dict[str, int] = {}
    unique: list[str] = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    columns = "{" + ", ".join(f"{quote(name)}: 'varchar'" for name in unique) + "}"
    connection.execute("drop table if exists adapter_reject_errors")
    connection.execute("drop table if exists adapter_reject_scans")
    with insertion_order(connection, preserve=True):
        connection.execute(
            f"create or replace temp table {table}_text as select * from read_csv("
            f"{quote(str(path))}, header = true, auto_detect = false, delim = ',', quote = '\"', "
            f"escape = '\"', columns = {columns}, store_rejects = true, "
            "rejects_table = 'adapter_reject_errors', rejects_scan = 'adapter_reject_scans')"
        )
    connection.execute(
        f"""
        create or replace temp table {table}_malformed as
        select line as source_row, any_value(csv_line) as raw_line,
            string_agg(distinct error_type || ': ' || error_message, '; ') as read_error
        from adapter_reject_errors group by line
        """
    )
    # accepted row i (from 0) sits on line i + 2 plus the rejected lines before it
    connection.execute(
        f"""
        create or replace temp table {table} as
        with numbered as (select rowid as row_index, * from {table}_text),
        gaps as (
            select source_row - 1 - row_number() over (order by source_row) as accepted_before,
                row_number() over (order by source_row) as shift
            from {table}_malformed
        )
        select numbered.row_index + 2 + coalesce(gaps.shift, 0) as source_row,
            numbered.* exclude (row_index)
        from numbered asof left join gaps on numbered.row_index >= gaps.accepted_before
        """
    )
    connection.execute(f"drop table {table}_text")
    notes = ["UTF-8 byte order mark ignored"] if has_bom else []
    (rows,) = connection.execute(
        f"select (select count(*) from {table}) + (select count(*) from {table}_malformed)"
    ).fetchone() or (0,)
    if rows == 0:
        raise FileRejected("header only: the file has no data rows")
    return notes


def missing_as_null(column: str, marker: str = "?") -> str:
    """SQL: the export's text with its missing-value ``marker`` (and empty) as null."""
    return f"nullif(nullif(trim({column}), ''), {quote(marker)})"


def local_to_utc_text(text: str, fmt: str, timezone: str) -> str:
    """SQL: a local wall-clock time in ``fmt`` (no offset), read in ``timezone``, as canonical
    UTC text (``2016-02-29T01:16:00Z``); text that does not parse is passed on as it is, so the
    contract's own rule quarantines it (``unparseable_timestamp``)."""
    parsed = f"try_strptime({text}, {quote(fmt)})"
    utc = f"timezone('UTC', timezone({quote(timezone)}, {parsed}))"
    return f"coalesce(strftime({utc}, '%Y-%m-%dT%H:%M:%SZ'), {text})"


def write_landed(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    select: str,
    malformed: str | None = None,
) -> None:
    """Temp table ``landed`` from ``select`` (source_row, the contract columns, read_error and
    read_code: null when the record maps) plus ``malformed`` lines (source_row, raw_line,
    read_error), which are quarantined as ``malformed_line``."""
    columns = ", ".join(source.column_names)
    nulls = ", ".join(f"null::varchar as {name}" for name in source.column_names)
    lines = (
        f" union all select source_row, {nulls}, raw_line, read_error, "
        f"'malformed_line' as read_code from {malformed}"
        if malformed
        else ""
    )
    connection.execute(
        f"""
        create or replace temp table landed as
        select source_row, {columns}, null::varchar as raw_line, read_error, read_code
        from ({select})
        {lines}
        """
    )


class ZonedOptions(BaseModel):
    """The options of an adapter whose export names no agreement and writes local times
    without an offset: the agreement its tickets are held to, and the zone to read them in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agreement_id: str
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(
                f"unknown time zone {value!r}: an IANA name such as UTC, Europe/Lisbon"
            )
        return value
