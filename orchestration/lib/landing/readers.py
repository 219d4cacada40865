"""Readers: every landing format read by DuckDB as text rows, then checked into ``checked``.

A reader rejects a file that cannot be used as a whole (``FileRejected``), hands the file's rows
as text (the source's columns by name) to ``rules.check``, and says in a ``Landed`` where the rows
are and how to number them. ``source_row`` is the line number for CSV (the header is line 1, so
data row n is line n + 1, the row a spreadsheet shows) and JSON Lines (line 1 is the first
record), and the 1-based row index for Parquet. DuckDB's CSV reader skips blank lines and reads a
quoted value spanning lines as one row; when a CSV holds either, rows are numbered by record and
the file's message says so.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.landing.adapters import SourceAdapter
from orchestration.lib.landing.files import FileRejected, file_format, newline_count, read_header
from orchestration.lib.landing.rules import check
from orchestration.lib.landing.sql import insertion_order, one, quote
from orchestration.lib.landing_contract import LandingSource

# a unit separator never occurs unescaped in valid JSON, so splitting on it keeps each line whole
JSON_LINE_DELIMITER = "\x1f"


@dataclass(frozen=True)
class Landed:
    """Where a read file's rows are and how to number them."""

    notes: list[str]
    # SQL over `checked`: the row's source_row, and its index in `numbered`
    position: str
    index: str
    # SQL of (row_index, <columns> as text) for every row: reads the text of a clean row again
    # when it turns out to be a duplicate (rare, so a second scan beats keeping every text)
    numbered: str
    # SQL of (source_row, raw_line, read_error) for lines that could not be split into columns
    malformed: str | None = None
    # `checked` has raw_line and read_error (JSON Lines and Parquet keep unreadable rows there)
    has_read_errors: bool = False


def _check_columns(source: LandingSource, present: list[str]) -> list[str]:
    """Reject a file missing a contract column; return notes (e.g. ignored extra columns).

    Only the contract's names and counts are written: a file's own text (its header may be the
    first line of any file at all) never reaches the manifest."""
    missing = [c for c in source.column_names if c not in present]
    if missing:
        raise FileRejected(
            f"missing column(s) {', '.join(missing)}; expected {', '.join(source.column_names)}"
            f" (the file has {len(present)} column(s))"
        )
    extra = [c for c in present if c not in source.column_names]
    return [f"ignored {len(extra)} extra column(s)"] if extra else []


def _csv_relation(path: Path, header: list[str], *, rejects: bool) -> str:
    """SQL reading the CSV's rows as text, in parallel."""
    columns = "{" + ", ".join(f"'{name}': 'varchar'" for name in header) + "}"
    # The contract fixes the dialect (RFC 4180, comma, double quotes), so nothing is sniffed: a
    # sniffer can take a ragged file for a one-column file. Lines that do not split into the
    # header's columns are kept by store_rejects (with their line number) instead of failing
    # the file.
    errors = (
        "store_rejects = true, rejects_table = 'landing_reject_errors', "
        "rejects_scan = 'landing_reject_scans'"
        if rejects
        else "ignore_errors = true"
    )
    return (
        f"read_csv({quote(str(path))}, header = true, auto_detect = false, delim = ',', "
        f"quote = '\"', escape = '\"', columns = {columns}, {errors})"
    )


# the rows of temp table csv_text (see _read_csv) with their index in file order
CSV_NUMBERED = "(select rowid as row_index, * from csv_text)"


def _read_csv(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    path: Path,
    load_time: dt.datetime,
) -> Landed:
    header, has_bom = read_header(path)
    notes = _check_columns(source, header)
    if has_bom:
        notes.append("UTF-8 byte order mark ignored")
    if len(set(header)) != len(header):
        raise FileRejected("duplicate column names in the header (line 1)")
    connection.execute("drop table if exists landing_reject_errors")
    connection.execute("drop table if exists landing_reject_scans")
    # lines are counted while DuckDB reads (it releases the GIL): a second pass over the bytes
    with ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(newline_count, path)
        # The text rows are kept in file order, so a row's rowid is its index among the rows
        # the reader accepts. Numbering them while reading (`with ordinality`) would make DuckDB
        # read and check the whole file on one thread; this way both passes run in parallel, and
        # a duplicate's text is looked up here instead of reading the file again.
        with insertion_order(connection, preserve=True):
            connection.execute(
                "create or replace temp table csv_text as select * from "
                + _csv_relation(path, header, rejects=True)
            )
        check(
            connection, source, CSV_NUMBERED, load_time,
            carried=("row_index",), bounded="csv_text",
        )  # fmt: skip
        newlines, ends_with_newline = counting.result()
    bad_encoding = connection.execute(
        "select line, error_message from landing_reject_errors "
        "where error_type = 'INVALID ENCODING' order by line limit 1"
    ).fetchone()
    if bad_encoding:
        raise FileRejected(
            f"not UTF-8: invalid byte sequence on line {bad_encoding[0]}; save the file as UTF-8"
        )
    connection.execute(
        """
        create or replace temp table csv_rejects as
        select line, string_agg(distinct error_type || ': ' || error_message, '; ') as error,
            any_value(csv_line) as raw_line
        from landing_reject_errors group by line
        """
    )
    accepted, rejected = one(
        connection, "select (select count(*) from checked), (select count(*) from csv_rejects)"
    )
    if accepted + rejected == 0:
        raise FileRejected("header only: the file has no data rows")
    physical_lines = newlines + (0 if ends_with_newline else 1)
    if physical_lines != 1 + accepted + rejected:
        notes.append(
            "blank lines or values spanning lines: source_row counts rows (header = 1), "
            "not physical lines"
        )
    numbered = CSV_NUMBERED
    malformed = "(select line as source_row, raw_line, error as read_error from csv_rejects)"
    if rejected == 0:
        return Landed(notes, "row_index + 2", "row_index", numbered)
    # Rejected lines leave gaps: accepted row i sits on line i + 2 + (rejected lines before it).
    # The k-th rejected line (k from 1, in line order) follows line - 1 - k accepted rows.
    connection.execute(
        """
        create or replace temp table checked as
        with gaps as (
            select line - 1 - row_number() over (order by line) as accepted_before,
                row_number() over (order by line) as shift
            from csv_rejects
        )
        select checked.row_index + 2 + coalesce(gaps.shift, 0) as source_row, checked.*
        from checked asof left join gaps on checked.row_index >= gaps.accepted_before
        """
    )
    return Landed(notes, "source_row", "row_index", numbered, malformed)


def _read_jsonl(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    path: Path,
    load_time: dt.datetime,
) -> Landed:
    if path.stat().st_size == 0:
        raise FileRejected("empty file: no records")
    # Each physical line is read as one text value (blank lines included, so row numbers are
    # line numbers), then parsed as JSON in SQL: a line that is not a JSON object is quarantined
    # on its own instead of failing the whole file.
    connection.execute(
        f"""
        create or replace temp table json_lines as
        select text, try_cast(text as json) as record from read_csv(
            ?, header = false, auto_detect = false, delim = '{JSON_LINE_DELIMITER}', quote = '',
            escape = '', columns = {{'text': 'varchar'}}, strict_mode = false
        )
        """,
        [str(path)],
    )
    connection.execute(
        "create or replace temp table json_records as "
        "select rowid + 1 as source_row, * from json_lines"
    )
    connection.execute("delete from json_records where nullif(trim(text), '') is null")
    if not one(connection, "select count(*) from json_records")[0]:
        raise FileRejected("empty file: no records")
    present = connection.execute(
        "select distinct unnest(json_keys(record)) as name from json_records "
        "where json_type(record) = 'OBJECT' order by name"
    ).fetchall()
    if not present:
        raise FileRejected("not JSON Lines: no line holds a JSON object")
    notes = _check_columns(source, [row[0] for row in present])
    # ->> gives a string's value unquoted and any other JSON value as its JSON text
    extracted = ", ".join(
        f"case when is_object then record ->> '{c}' end as {c}" for c in source.column_names
    )
    connection.execute(
        f"""
        create or replace temp table landed as
        select source_row, {extracted},
            case when not is_object then text end as raw_line,
            case when not is_object then 'the line is not a JSON object' end as read_error,
            null::varchar as read_code
        from (
            select *, coalesce(json_type(record) = 'OBJECT', false) as is_object
            from json_records
        )
        """
    )
    return _check_landed(connection, source, load_time, notes)


def _read_parquet(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    path: Path,
    load_time: dt.datetime,
) -> Landed:
    present = [
        row[0]
        for row in connection.execute(
            "select name from parquet_schema(?) where num_children is null or num_children = 0",
            [str(path)],
        ).fetchall()
    ]
    notes = _check_columns(source, present)
    # a naive TIMESTAMP column becomes offset-less text and is quarantined like in a CSV; a
    # TIMESTAMPTZ (isAdjustedToUTC) column becomes text with +00 and loads
    listed = ", ".join(f"cast({c} as varchar) as {c}" for c in source.column_names)
    relation = (
        f"(select file_row_number + 1 as source_row, {listed} "
        f"from read_parquet({quote(str(path))}, file_row_number = true))"
    )
    check(connection, source, relation, load_time, carried=("source_row",))
    if not one(connection, "select count(*) from checked")[0]:
        raise FileRejected("no rows: the Parquet file is empty")
    numbered = f"(select source_row as row_index, * from {relation})"
    return Landed(notes, "source_row", "source_row", numbered)


def _check_landed(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    load_time: dt.datetime,
    notes: list[str],
) -> Landed:
    """JSON Lines and adapters: check temp table ``landed`` (text rows with source_row and read
    errors; ``read_code`` the reason code of a read error, null: malformed_line)."""
    check(
        connection, source, "landed", load_time,
        carried=("source_row", "raw_line", "read_error", "read_code"),
    )  # fmt: skip
    numbered = "(select source_row as row_index, * from landed)"
    return Landed(notes, "source_row", "source_row", numbered, has_read_errors=True)


READERS = {"csv": _read_csv, "jsonl": _read_jsonl, "parquet": _read_parquet}


def read_landed(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    path: Path,
    load_time: dt.datetime,
    adapter: SourceAdapter | None = None,
) -> Landed:
    """Read and check one file into temp table ``checked``; raise FileRejected if unusable.
    With an ``adapter`` the file is the source system's export (adapters/)."""
    if path.stat().st_size == 0:
        raise FileRejected("empty file: 0 bytes")
    fmt = file_format(path)
    try:
        if adapter is not None:
            notes = adapter.adapter.read(connection, source, path, adapter.options)
            return _check_landed(connection, source, load_time, notes)
        return READERS[fmt](connection, source, path, load_time)
    except (FileRejected, duckdb.CatalogException):
        # a missing reference table is the warehouse's fault, not the file's
        raise
    except duckdb.Error as error:
        raise FileRejected(_reader_message(error, fmt)) from None


def _reader_message(error: duckdb.Error, fmt: str) -> str:
    """A fixed reason: DuckDB's own message may quote the file's bytes, which never reach the
    manifest (the file may be anything at all: a symbolic link's target, a binary)."""
    text = str(error).lower()
    if "utf-8" in text or "unicode" in text or "encoding" in text:
        return "not UTF-8: save the file as UTF-8"
    return f"unreadable file: DuckDB cannot read it as {fmt}"
