"""Zendesk Incremental Exports (JSON) -> tickets and ticket_events.

A file holds the API's response pages, one page per line (JSON Lines: each line is the body of
one ``GET /api/v2/incremental/...`` response, as a sync writes them). Zendesk writes timestamps
in ISO 8601 UTC (``2024-03-01T09:00:00Z``).

- ``tickets``: the ``tickets`` of Incremental Ticket Export pages (``/incremental/tickets/
  cursor.json?include=metric_sets``): ticket_id = id, priority urgent -> P1, high -> P2,
  normal -> P3, low -> P4 (empty: ``missing_value``; another value: ``unmapped_value``),
  created_at; from the page's side-loaded ``metric_sets`` (same ticket_id): resolved_at =
  solved_at, first_response_at = created_at + reply_time_in_minutes.calendar minutes.
  agreement_id = ``options.agreement_id``. A ticket exported twice (it changed between two
  exports) is the same key: identical repeats are ``duplicate_row``, changed ones
  ``conflicting_duplicate`` within a file (deliver each sync as its own file: the later-named
  file's row wins).
- ``ticket_events``: the ``ticket_metric_events`` of Incremental Ticket Metric Event Export
  pages, metric ``agent_work_time`` (the clock of Zendesk's resolution SLA): ``activate`` ->
  status open, ``pause`` -> pending (the ticket is pending or on hold), ``fulfill`` -> solved;
  changed_at = time. Events of other metrics are not rows of this source (the file's message
  counts them).

``source_row`` numbers the records of the file in order (page by page); a line that is not a
JSON object is one record, ``malformed_line``.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from pydantic import BaseModel, ConfigDict

from orchestration.lib.landing.adapters.common import UNMAPPED
from orchestration.lib.landing.files import FileRejected
from orchestration.lib.landing.readers import JSON_LINE_DELIMITER
from orchestration.lib.landing.sql import quote
from orchestration.lib.landing_contract import LandingSource

PRIORITIES = {"urgent": "P1", "high": "P2", "normal": "P3", "low": "P4"}
WORK_TIME_STATUSES = {"activate": "open", "pause": "pending", "fulfill": "solved"}
ARRAYS = {"tickets": "tickets", "ticket_events": "ticket_metric_events"}


class ZendeskOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    agreement_id: str


def _read_pages(connection: duckdb.DuckDBPyConnection, path: Path, array: str) -> None:
    """Temp table ``zendesk_records`` (record_index, record json; null for a malformed line,
    with its text) in file order."""
    connection.execute(
        f"""
        create or replace temp table zendesk_text as
        select text from read_csv(
            ?, header = false, auto_detect = false, delim = '{JSON_LINE_DELIMITER}', quote = '',
            escape = '', columns = {{'text': 'varchar'}}, strict_mode = false
        )
        """,
        [str(path)],
    )
    # the text table keeps file order, so its rowid is the line's index
    connection.execute(
        """
        create or replace temp table zendesk_lines as
        select rowid + 1 as line, text, try_cast(text as json) as page from zendesk_text
        where nullif(trim(text), '') is not null
        """
    )
    connection.execute(
        f"""
        create or replace temp table zendesk_records as
        with items as (
            select line, 0 as item, null::json as record, text as raw_line
            from zendesk_lines where coalesce(json_type(page) <> 'OBJECT', true)
            union all
            select line,
                unnest(range(cast(json_array_length(page, '$.{array}') as bigint))) as item,
                null::json as record, null as raw_line
            from zendesk_lines where json_type(page) = 'OBJECT'
        )
        select row_number() over (order by items.line, items.item) as source_row,
            case when items.raw_line is null
                then json_extract(zendesk_lines.page, '$.{array}[' || items.item || ']') end
                as record,
            items.raw_line, zendesk_lines.page
        from items join zendesk_lines using (line)
        """
    )


def _tickets(options: ZendeskOptions) -> str:
    mapping = " ".join(f"when '{name}' then '{level}'" for name, level in PRIORITIES.items())
    named = ", ".join(f"'{name}'" for name in PRIORITIES)
    priority = "nullif(trim(json_extract_string(record, '$.priority')), '')"
    unmapped = f"{priority} is not null and {priority} not in ({named})"
    # the page's metric set of the same ticket (include=metric_sets side-loads them)
    metric = (
        "(select m from (select unnest(cast(json_extract(page, '$.metric_sets') as json[])) as m) "
        "where json_extract_string(m, '$.ticket_id') = json_extract_string(record, '$.id') limit 1)"
    )
    reply = f"try_cast(json_extract_string({metric}, '$.reply_time_in_minutes.calendar') as bigint)"
    created = "try_cast(json_extract_string(record, '$.created_at') as timestamptz)"
    return f"""
        select source_row, json_extract_string(record, '$.id') as ticket_id,
            {quote(options.agreement_id)} as agreement_id,
            coalesce(case {priority} {mapping} end, {priority}) as priority,
            json_extract_string(record, '$.created_at') as created_at,
            strftime(timezone('UTC', {created} + to_minutes({reply})), '%Y-%m-%dT%H:%M:%SZ')
                as first_response_at,
            json_extract_string({metric}, '$.solved_at') as resolved_at,
            null::varchar as csat_score,
            case when raw_line is not null then 'the line is not a JSON object'
                when {unmapped} then 'priority ' || {priority} || ' is not a Zendesk priority'
            end as read_error,
            case when raw_line is null and {unmapped} then '{UNMAPPED}' end as read_code,
            raw_line
        from zendesk_records
    """


def _ticket_events() -> str:
    kinds = ", ".join(f"'{kind}'" for kind in WORK_TIME_STATUSES)
    mapping = " ".join(
        f"when '{kind}' then '{status}'" for kind, status in WORK_TIME_STATUSES.items()
    )
    return f"""
        select source_row, json_extract_string(record, '$.ticket_id') as ticket_id,
            coalesce(case json_extract_string(record, '$.type') {mapping} end,
                json_extract_string(record, '$.type')) as status,
            json_extract_string(record, '$.time') as changed_at,
            case when raw_line is not null then 'the line is not a JSON object' end
                as read_error,
            null::varchar as read_code, raw_line
        from zendesk_records
        where raw_line is not null or (
            json_extract_string(record, '$.metric') = 'agent_work_time'
            and json_extract_string(record, '$.type') in ({kinds})
        )
    """


class ZendeskIncrementalExport:
    name: str = "zendesk_incremental_export"
    sources: tuple[str, ...] = tuple(ARRAYS)
    options_model: type[BaseModel] = ZendeskOptions

    def read(
        self,
        connection: duckdb.DuckDBPyConnection,
        source: LandingSource,
        path: Path,
        options: ZendeskOptions,
    ) -> list[str]:
        _read_pages(connection, path, ARRAYS[source.name])
        (records,) = connection.execute("select count(*) from zendesk_records").fetchone() or (0,)
        if records == 0:
            raise FileRejected(f"no {ARRAYS[source.name]} in the export pages")
        select = _tickets(options) if source.name == "tickets" else _ticket_events()
        columns = ", ".join(source.column_names)
        connection.execute(
            f"""
            create or replace temp table landed as
            select source_row, {columns}, raw_line, read_error, read_code from ({select})
            """
        )
        (kept,) = connection.execute("select count(*) from landed").fetchone() or (0,)
        if kept < records:
            return [f"ignored {records - kept} metric event(s) of other metrics or types"]
        return []


ZENDESK = ZendeskIncrementalExport()
