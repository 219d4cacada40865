"""Load landing files into ``raw.<source>``; rows that break a rule go to ``quarantine.<source>``.

Everything that touches rows is set-based in DuckDB: a file is read with DuckDB's own reader as
text, every rule is a SQL condition, and the first rule a row breaks becomes its reason. Python
only looks at files as a whole (hash, first line, byte order mark).

Per file, ``raw.landing_files`` records what happened, and rows read = loaded + quarantined:

- a new file is ``loaded``; the same bytes again are ``unchanged`` and nothing is written;
- changed bytes are ``replaced``: that file's rows (raw and quarantine) are deleted and reloaded;
- unchanged bytes whose reference data changed (the agreements a ticket may name, the tickets an
  event may belong to) are ``reloaded`` the same way, so a row quarantined as ``unknown_ticket``
  is loaded once its ticket arrives;
- a file that cannot be read as a whole is ``rejected`` with a message; its earlier rows, if any,
  are removed (the delivered file is what counts, and it is unusable);
- a file in the manifest that is no longer in the landing folder is reported ``missing`` and its
  rows stay: a landing folder is a delivery inbox, and deleting a file there must not silently
  rewrite a period that may already have been published.

The statements per file (a month of probes, 4.5 M rows, takes seconds, not a minute):

1. ``checked``: one pass judges every row on the fast path (landing_contract.py): typed values for all
   rows, text only for the ~1 % that are not clean. A CSV is first read as text into temp table
   ``csv_text`` in file order (both steps run on every core; numbering rows while reading would
   not), and a reference is looked up only in the range of the file's own values;
2. ``slow``: those rows (and lines the reader could not split) checked in full; the first rule
   a row breaks is its reason;
3. ``suspects``: the hashes of keys that repeat, in the file or against rows already loaded in
   its time span, found by sorting the hashes; ``keyed``: the exact duplicate and conflict
   verdicts for the few rows with such a hash;
4. one insert into ``raw`` (unordered: row order is not part of the contract) and one into
   ``quarantine``, whose rows keep their text as delivered (a duplicate found among clean rows
   has its text read again from the file).

``source_row`` is the line number for CSV (the header is line 1, so data row n is line n + 1,
the row a spreadsheet shows) and JSON Lines (line 1 is the first record), and the 1-based row
index for Parquet. DuckDB's CSV reader skips blank lines and reads a quoted value spanning lines
as one row; when a CSV holds either, rows are numbered by record and the file's message says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.lib.landing_contract import LandingSource

FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
UTF8_BOM = b"\xef\xbb\xbf"
# a unit separator never occurs unescaped in valid JSON, so splitting on it keeps each line whole
JSON_LINE_DELIMITER = "\x1f"


class FileRejected(Exception):
    """The file as a whole cannot be used; the message says why in the deliverer's terms."""


@dataclass(frozen=True)
class FileReport:
    source: str
    path: str  # relative to the landing root: <source>/<file>
    status: str  # loaded | unchanged | replaced | reloaded | rejected | missing
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined


def ensure_tables(connection: duckdb.DuckDBPyConnection, source: LandingSource) -> None:
    """Create the raw, quarantine and file-manifest tables if they do not exist yet."""
    connection.execute("create schema if not exists raw")
    connection.execute("create schema if not exists quarantine")
    typed = ", ".join(f"{c.name} {c.sql_type}" for c in source.columns)
    connection.execute(
        f"create table if not exists raw.{source.name} "
        f"({typed}, source_file varchar, source_row bigint)"
    )
    text = ", ".join(f"{c.name} varchar" for c in source.columns)
    # raw_line keeps a CSV line or JSON record that could not be split into columns
    connection.execute(
        f"create table if not exists quarantine.{source.name} (source_file varchar, "
        f"source_row bigint, reason_code varchar, reason varchar, {text}, raw_line varchar)"
    )
    connection.execute(
        """
        create table if not exists raw.landing_files (
            source varchar, file_path varchar, sha256 varchar, status varchar,
            rows_read bigint, rows_loaded bigint, rows_quarantined bigint, message varchar,
            loaded_at timestamp, file_format varchar, reference_sha256 varchar,
            primary key (source, file_path)
        )
        """
    )


def landing_files(folder: Path) -> list[Path]:
    """The files of one source folder that have a landing format, in name order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in FORMATS)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def reference_sha256(connection: duckdb.DuckDBPyConnection, source: LandingSource) -> str:
    """A fingerprint of the reference data this source's rules look up (empty when none)."""
    parts = []
    for column, query, _ in source.references:
        value = connection.execute(
            "select coalesce(md5(string_agg(distinct v, ',' order by v)), '') from "
            f"(select cast({column} as varchar) as v from ({query}) where {column} is not null)"
        ).fetchone()
        parts.append(value[0] if value else "")
    return hashlib.sha256("|".join(parts).encode()).hexdigest() if parts else ""


# --- reading: every format ends as temp table `checked` -----------------------------------------
# A reader hands a relation of text rows (the source's columns by name) to `_check`, which reads
# it once into temp table `checked`: per row `is_clean` (every value canonical and no rule
# broken), the typed values `v_<column>` (valid where is_clean), and the text as delivered only
# for the rows that are not clean (the slow path checks them in full). Storing text for the clean
# 99 % would cost as much as reading the file.


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


def _read_header(path: Path) -> tuple[list[str], bool]:
    """The CSV header's column names and whether the file starts with a UTF-8 byte order mark."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip(UTF8_BOM + b" \r\n\t"):
        raise FileRejected("empty file: no header and no rows")
    has_bom = head.startswith(UTF8_BOM)
    first_line = head[len(UTF8_BOM) if has_bom else 0 :].split(b"\n", 1)[0]
    try:
        text = first_line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileRejected(
            f"not UTF-8: the header has byte 0x{first_line[error.start]:02x} at position "
            f"{error.start + 1}; save the file as UTF-8"
        ) from None
    names = next(csv.reader(io.StringIO(text)), [])
    return [name.strip() for name in names], has_bom


def _check_columns(source: LandingSource, present: list[str]) -> list[str]:
    """Reject a file missing a contract column; return notes (e.g. ignored extra columns)."""
    missing = [c for c in source.column_names if c not in present]
    if missing:
        raise FileRejected(
            f"missing column(s) {', '.join(missing)}; expected {', '.join(source.column_names)}"
            f" (found {', '.join(present) or 'none'})"
        )
    extra = [c for c in present if c not in source.column_names]
    return [f"ignored extra column(s) {', '.join(extra)}"] if extra else []


def _newline_count(path: Path) -> tuple[int, bool]:
    count, last = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count, last == b"\n"


def _sql_literal(value: dt.datetime) -> str:
    return f"timestamp '{value:%Y-%m-%d %H:%M:%S.%f}'"


def _check(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    relation: str,
    load_time: dt.datetime,
    *,
    carried: tuple[str, ...] = (),
    bounded: str | None = None,
) -> None:
    """Temp table ``checked`` from ``relation`` (text rows) in one pass; see the comment above.
    ``carried`` columns of the relation are kept as they are (source_row, raw_line, read_error);
    a row with a read_error is never clean. ``bounded``: a table holding the same text rows,
    cheap to scan for the range of values the references are looked up for."""
    load_time_sql = _sql_literal(load_time)
    canonical = [c.canonical for c in source.columns]
    if "read_error" in carried:
        canonical.append("read_error is null")
    # a canonical value is its own trimmed text, and its plain cast is its parsed value
    typed = ", ".join(
        f"{c.name} as t_{c.name}, {c.cast(c.name)} as v_{c.name}" for c in source.columns
    )
    breaks = [rule.canonical_condition for rule in source.rules if rule.canonical_condition]
    for column, query, _ in source.references:
        breaks.append(f"v_{column} not in ({_near(connection, source, column, query, bounded)})")
    # CASE WHEN treats a null condition as false; so does coalesce(..., false) here
    passes = " and ".join(
        f"not coalesce({condition.replace(':load_time', load_time_sql)}, false)"
        for condition in breaks
        if condition != "false"
    )
    key_hash = "hash(" + ", ".join(f"v_{k}" for k in source.key) + ")"
    kept = "".join(f"{name}, " for name in carried)
    texts = ", ".join(f"case when not is_clean then {c} end as {c}" for c in source.column_names)
    connection.execute(
        f"""
        create or replace temp table checked as
        with lines as (
            select {kept}{", ".join(source.column_names)},
                {" and ".join(canonical)} as is_canonical
            from {relation}
        ),
        typed as (select *, {typed} from lines),
        verdicts as (select *, is_canonical and {passes or "true"} as is_clean from typed)
        select {kept}is_clean, {key_hash} as key_hash,
            {", ".join(f"v_{c}" for c in source.column_names)}, {texts}
        from verdicts
        """
    )


def _near(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    column: str,
    query: str,
    bounded: str | None,
) -> str:
    """The reference query, narrowed to the range of the file's own values when that is cheap.

    Every event of a month names a ticket of a few months: looking it up among those (the zone
    maps of raw.tickets skip the rest) instead of hashing every ticket of the year per file.
    Narrowing cannot make a row clean that was not: a canonical text value is its own value and
    lies in the range, and a null is kept in the reference. It may make a row with an empty value
    not clean (an empty narrowed reference) when it was; such a row breaks a rule anyway, and the
    slow path judges every row that is not clean against the whole reference.
    """
    if bounded is None or source.column(column).sql_type != "varchar":
        return query
    low, high = connection.execute(f"select min({column}), max({column}) from {bounded}").fetchone()
    if low is None:
        return query
    return (
        f"select {column} from ({query}) where {column} is null "
        f"or {column} between {_quote(low)} and {_quote(high)}"
    )


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
        f"read_csv({_quote(str(path))}, header = true, auto_detect = false, delim = ',', "
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
    header, has_bom = _read_header(path)
    notes = _check_columns(source, header)
    if has_bom:
        notes.append("UTF-8 byte order mark ignored")
    if len(set(header)) != len(header):
        raise FileRejected(f"duplicate column names in the header: {', '.join(header)}")
    connection.execute("drop table if exists landing_reject_errors")
    connection.execute("drop table if exists landing_reject_scans")
    # lines are counted while DuckDB reads (it releases the GIL): a second pass over the bytes
    with ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(_newline_count, path)
        # The text rows are kept in file order, so a row's rowid is its index among the rows
        # the reader accepts. Numbering them while reading (`with ordinality`) would make DuckDB
        # read and check the whole file on one thread; this way both passes run in parallel, and
        # a duplicate's text is looked up here instead of reading the file again.
        with _insertion_order(connection, preserve=True):
            connection.execute(
                "create or replace temp table csv_text as select * from "
                + _csv_relation(path, header, rejects=True)
            )
        _check(
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
    accepted, rejected = connection.execute(
        "select (select count(*) from checked), (select count(*) from csv_rejects)"
    ).fetchone()
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
    if not connection.execute("select count(*) from json_records").fetchone()[0]:
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
            case when not is_object then 'the line is not a JSON object' end as read_error
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
        f"from read_parquet({_quote(str(path))}, file_row_number = true))"
    )
    _check(connection, source, relation, load_time, carried=("source_row",))
    if not connection.execute("select count(*) from checked").fetchone()[0]:
        raise FileRejected("no rows: the Parquet file is empty")
    numbered = f"(select source_row as row_index, * from {relation})"
    return Landed(notes, "source_row", "source_row", numbered)


def _check_landed(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    load_time: dt.datetime,
    notes: list[str],
) -> Landed:
    """JSON Lines: check temp table ``landed`` (text rows with source_row and read errors)."""
    _check(
        connection, source, "landed", load_time, carried=("source_row", "raw_line", "read_error")
    )
    numbered = "(select source_row as row_index, * from landed)"
    return Landed(notes, "source_row", "source_row", numbered, has_read_errors=True)


READERS = {"csv": _read_csv, "jsonl": _read_jsonl, "parquet": _read_parquet}


def read_landed(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    path: Path,
    load_time: dt.datetime,
) -> Landed:
    """Read and check one file into temp table ``checked``; raise FileRejected if unusable."""
    if path.stat().st_size == 0:
        raise FileRejected("empty file: 0 bytes")
    reader = READERS[FORMATS[path.suffix.lower()]]
    try:
        return reader(connection, source, path, load_time)
    except (FileRejected, duckdb.CatalogException):
        # a missing reference table is the warehouse's fault, not the file's
        raise
    except duckdb.Error as error:
        raise FileRejected(_reader_message(error)) from None


def _reader_message(error: duckdb.Error) -> str:
    """DuckDB's message, first lines only (its CSV errors append a page of reader settings)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = " ".join(lines[:3])
    if "not utf-8" in text.lower() or "invalid unicode" in text.lower():
        return f"not UTF-8: {text}"
    return f"unreadable file: {text}"


# --- classification ----------------------------------------------------------------------------


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def classify(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    landed: Landed,
    file_label: str,
    load_time: dt.datetime,
) -> None:
    """Temp table ``slow``: every row that is not clean (and every malformed line), checked in
    full with its reason (null = load); then temp table ``keyed``: the duplicates and conflicts
    among the rows to load."""
    load_time_sql = _sql_literal(load_time)
    verdicts = [("malformed_line", "")]  # its reason is the reader's message (read_error)
    whens = ["when read_error is not null then 0"]
    for rule in source.rules:
        whens.append(
            f"when {rule.condition.replace(':load_time', load_time_sql)} then {len(verdicts)}"
        )
        verdicts.append((rule.reason_code, rule.reason))
    for column, query, code in source.references:
        # only the reference values this file's slow rows name: a hash table of the few, not of
        # every ticket loaded this year
        named = f"select * from ({query}) where {column} in (select v_{column} from parsed)"
        whens.append(f"when v_{column} not in ({named}) then {len(verdicts)}")
        verdicts.append((code, f"{column} is not known (not in {query.split(' from ')[-1]})"))
    connection.execute(
        "create or replace temp table verdicts (rule_index integer, code varchar, reason varchar)"
    )
    connection.executemany(
        "insert into verdicts values (?, ?, ?)",
        [(index, code, reason) for index, (code, reason) in enumerate(verdicts)],
    )
    columns = ", ".join(source.column_names)
    errors = (
        "raw_line, read_error"
        if landed.has_read_errors
        else "null::varchar as raw_line, null::varchar as read_error"
    )
    unclean = (
        f"select {landed.position} as source_row, {columns}, {errors} "
        "from checked where not is_clean"
    )
    if landed.malformed:
        nulls = ", ".join(f"null::varchar as {c}" for c in source.column_names)
        unclean += (
            f" union all select source_row, {nulls}, raw_line, read_error from {landed.malformed}"
        )
    parsed = ", ".join(
        f"{c.trimmed} as t_{c.name}, {c.parsed} as v_{c.name}" for c in source.columns
    )
    key_hash = "hash(" + ", ".join(f"v_{k}" for k in source.key) + ")"
    # parsed values are a projection of their own, computed once for every rule that reads them
    connection.execute(
        f"""
        create or replace temp table slow as
        with lines as ({unclean}),
        parsed as (select *, {parsed} from lines),
        judged as (select *, case {" ".join(whens)} end as rule_index from parsed)
        select judged.* exclude (rule_index), {key_hash} as key_hash,
            verdicts.code as reason_code, coalesce(judged.read_error, verdicts.reason) as reason
        from judged left join verdicts using (rule_index)
        """
    )
    _classify_duplicates(connection, source, landed, file_label)


def _candidates(source: LandingSource, landed: Landed) -> str:
    """SQL of the rows that passed every rule: (source_row, key_hash, v_<column>...)."""
    typed = ", ".join(f"v_{c}" for c in source.column_names)
    return f"""
        select {landed.position} as source_row, key_hash, {typed} from checked where is_clean
        union all
        select source_row, key_hash, {typed} from slow where reason_code is null
    """


def _classify_duplicates(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    landed: Landed,
    file_label: str,
) -> None:
    """Temp table ``keyed`` (source_row, reason_code, reason). Rows with the same key: identical
    ones after the first are ``duplicate_row``; if the key's rows disagree, every one of them is
    ``conflicting_duplicate`` (we cannot know which is right). Rows already loaded from other
    files take part: they came first, and a conflict with them quarantines this file's row (the
    loaded row stays; the conflict shows in a check)."""
    connection.execute(
        "create or replace temp table keyed "
        "(source_row bigint, reason_code varchar, reason varchar)"
    )
    candidates = _candidates(source, landed)
    # Other files' loaded rows can only match a candidate if each of their key values lies in
    # the range of the candidates' values (or is null where a candidate's is): literal bounds
    # let DuckDB skip row groups of a table that grows all year by their zone maps.
    bounds = connection.execute(
        "select "
        + ", ".join(
            # as text: a valid timestamp may lie outside Python's datetime (year 0)
            f"min(v_{k})::varchar, max(v_{k})::varchar, count(*) filter (where v_{k} is null) > 0"
            for k in source.key
        )
        + f", count(*) from ({candidates})"
    ).fetchone()
    if not bounds[-1]:
        return
    loaded_filter = f"source_file <> {_quote(file_label)}"
    for position, key in enumerate(source.key):
        low, high, has_null = bounds[3 * position : 3 * position + 3]
        sql_type = source.column(key).sql_type
        in_range = (
            f"{key} between cast({_quote(low or '')} as {sql_type}) "
            f"and cast({_quote(high or '')} as {sql_type})"
        )
        if low is None:
            loaded_filter += f" and {key} is null"
        elif has_null:
            loaded_filter += f" and ({in_range} or {key} is null)"
        else:
            loaded_filter += f" and {in_range}"
    loaded_hash = "hash(" + ", ".join(source.key) + ")"
    # nearly every key is unique: one pass over the keys' hashes finds the few that repeat
    # (in the file or against a loaded row); only their rows are compared column by column.
    # Sorting the hashes and comparing neighbours costs less than grouping millions of them.
    connection.execute(
        f"""
        create or replace temp table suspects as
        select distinct key_hash from (
            select key_hash, lag(key_hash) over (order by key_hash) as previous_hash
            from (
                select key_hash from ({candidates})
                union all
                select {loaded_hash} from raw.{source.name} where {loaded_filter}
            )
        )
        where key_hash = previous_hash
        """
    )
    if not connection.execute("select count(*) from suspects").fetchone()[0]:
        return
    key = ", ".join(f"v_{k}" for k in source.key)
    content = "row(" + ", ".join(f"v_{c}" for c in source.column_names) + ")"
    key_join = " and ".join(f"candidate.v_{k} is not distinct from loaded.{k}" for k in source.key)
    candidate_key = ", ".join(f"candidate.v_{k}" for k in source.key)
    # keys may hold nulls (a probe's location): null equals null for a duplicate
    repeated_join = " and ".join(
        f"pooled_all.v_{k} is not distinct from repeated.v_{k}" for k in source.key
    )
    connection.execute(
        f"""
        insert into keyed
        with candidates as (
            select source_row, {key}, {content} as content
            from ({candidates}) semi join suspects using (key_hash)
        ),
        loaded as (
            select * from raw.{source.name}
            where {loaded_filter} and {loaded_hash} in (select key_hash from suspects)
        ),
        earlier as (
            select distinct on ({candidate_key}) {candidate_key},
                {"row(" + ", ".join(f"loaded.{c}" for c in source.column_names) + ")"}
                    as content,
                loaded.source_file || ':' || loaded.source_row as location
            from candidates as candidate join loaded on {key_join}
            order by {candidate_key}, location
        ),
        pooled_all as (
            select {key}, content, source_row, null as location from candidates
            union all
            select {key}, content, null as source_row, location from earlier
        ),
        repeated as (select {key} from pooled_all group by all having count(*) > 1),
        pooled as (
            select * from pooled_all semi join repeated on {repeated_join}
        ),
        verdicts as (
            select source_row, location,
                count(distinct content) over key_rows > 1 as is_conflict,
                row_number() over (
                    partition by {key}, content order by source_row nulls first
                ) > 1 as is_repeat,
                string_agg(coalesce(location, 'row ' || source_row), ', ' order by
                    source_row nulls first, location) over key_rows as occurrences
            from pooled
            window key_rows as (partition by {key})
        )
        select source_row,
            case when is_conflict then 'conflicting_duplicate' else 'duplicate_row' end
                as reason_code,
            case when is_conflict
                then 'rows with the same key disagree (' || occurrences || ')'
                else 'repeats an identical row (' || occurrences || ')'
            end as reason
        from verdicts
        where source_row is not null and (is_conflict or is_repeat)
        """
    )


# --- writing -------------------------------------------------------------------------------------


def _delete_file_rows(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, file_label: str
) -> None:
    connection.execute(f"delete from raw.{source.name} where source_file = ?", [file_label])
    connection.execute(f"delete from quarantine.{source.name} where source_file = ?", [file_label])


@contextmanager
def _insertion_order(connection: duckdb.DuckDBPyConnection, *, preserve: bool) -> Iterator[None]:
    """Whether DuckDB must write rows in the order it reads them (free order is cheaper in
    parallel) for the block; the setting is restored after."""
    (previous,) = connection.execute(
        "select current_setting('preserve_insertion_order')"
    ).fetchone()
    connection.execute(f"set preserve_insertion_order = {preserve}")
    try:
        yield
    finally:
        connection.execute(f"set preserve_insertion_order = {bool(previous)}")


def _write_rows(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    landed: Landed,
    file_label: str,
) -> tuple[int, int, int, dict[str, int]]:
    label = _quote(file_label)
    columns = ", ".join(source.column_names)
    typed = ", ".join(f"v_{c}" for c in source.column_names)
    has_keyed = connection.execute("select count(*) from keyed").fetchone()[0] > 0
    unkeyed = " and source_row not in (select source_row from keyed)" if has_keyed else ""
    # row order in raw is not part of the contract (readers order by source_file, source_row),
    # so the big insert may write in any order, which DuckDB does faster in parallel
    unkeyed_clean = unkeyed.replace("source_row not in", f"{landed.position} not in")
    with _insertion_order(connection, preserve=False):
        (loaded,) = connection.execute(
            f"""
            insert into raw.{source.name}
            select {typed}, {label}, {landed.position} from checked where is_clean{unkeyed_clean}
            union all
            select {typed}, {label}, source_row from slow where reason_code is null{unkeyed}
            """
        ).fetchone()
    # every quarantined row with its text as delivered: the slow path kept it; a clean row found
    # to be a duplicate is read again from the file by its index
    recovered = ""
    if has_keyed:
        texts = ", ".join(f"numbered.{c}" for c in source.column_names)
        recovered = f"""
            union all
            select {label}, keyed.source_row, keyed.reason_code, keyed.reason, {texts}, null
            from keyed
            join (
                select {landed.index} as row_index, {landed.position} as source_row
                from checked where is_clean
            ) as flagged using (source_row)
            join {landed.numbered} as numbered using (row_index)
            union all
            select {label}, keyed.source_row, keyed.reason_code, keyed.reason,
                {", ".join(f"slow.{c}" for c in source.column_names)}, slow.raw_line
            from keyed join slow using (source_row)
        """
    (quarantined,) = connection.execute(
        f"""
        insert into quarantine.{source.name}
        select {label}, source_row, reason_code, reason, {columns}, raw_line
        from slow where reason_code is not null
        {recovered}
        """
    ).fetchone()
    malformed = f"(select count(*) from {landed.malformed})" if landed.malformed else "0"
    (read,) = connection.execute(f"select (select count(*) from checked) + {malformed}").fetchone()
    reasons = dict(
        connection.execute(
            "select reason_code, count(*) from ("
            "select reason_code from slow where reason_code is not null "
            "union all select reason_code from keyed) group by 1 order by 1"
        ).fetchall()
    )
    return read, loaded, quarantined, reasons


def _record(
    connection: duckdb.DuckDBPyConnection,
    report: FileReport,
    sha256: str,
    file_format: str,
    reference: str,
    load_time: dt.datetime,
) -> None:
    connection.execute(
        "insert or replace into raw.landing_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            report.source,
            report.path,
            sha256,
            report.status,
            report.rows_read,
            report.rows_loaded,
            report.rows_quarantined,
            report.message,
            load_time,
            file_format,
            reference,
        ],
    )


def load_file(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    path: Path,
    file_label: str,
    *,
    load_time: dt.datetime,
    status: str = "loaded",
    sha256: str | None = None,
    reference: str = "",
) -> FileReport:
    """Load or quarantine every row of one file (replacing its earlier rows); record it."""
    file_format = FORMATS[path.suffix.lower()]
    # read outside the transaction: a reader error would abort it, and the rejection itself
    # (removing the file's earlier rows, recording why) must still be written. A new file's
    # hash is computed meanwhile (hashlib releases the GIL while DuckDB reads).
    rejected: FileRejected | None = None
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(file_sha256, path) if sha256 is None else None
        try:
            landed = read_landed(connection, source, path, load_time)
        except FileRejected as error:
            rejected = error
        digest = hashing.result() if hashing is not None else sha256 or ""
    connection.execute("begin transaction")
    try:
        if rejected is not None:
            _delete_file_rows(connection, source, file_label)
            report = FileReport(source.name, file_label, "rejected", message=str(rejected))
        else:
            classify(connection, source, landed, file_label, load_time)
            # a new file has no earlier rows: skip two scans of tables that grow all year
            if status != "loaded":
                _delete_file_rows(connection, source, file_label)
            read, loaded, quarantined, reasons = _write_rows(connection, source, landed, file_label)
            report = FileReport(
                source.name, file_label, status, read, loaded, quarantined,
                "; ".join(landed.notes), reasons,
            )  # fmt: skip
        _record(connection, report, digest, file_format, reference, load_time)
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    finally:
        # a month of probes as text is hundreds of megabytes: free it before the next file
        connection.execute("drop table if exists csv_text")
    return report


def ingest_folder(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    folder: Path,
    *,
    load_time: dt.datetime | None = None,
) -> list[FileReport]:
    """Bring ``raw.<source>`` in line with the landing folder; say what happened to each file.

    ``folder`` is ``<landing>/<source>``; files are recorded as ``<source>/<name>``.
    """
    load_time = load_time or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    ensure_tables(connection, source)
    reference = reference_sha256(connection, source)
    manifest = {
        path: (sha, ref, status)
        for path, sha, ref, status in connection.execute(
            "select file_path, sha256, reference_sha256, status from raw.landing_files "
            "where source = ?",
            [source.name],
        ).fetchall()
    }
    reports: list[FileReport] = []
    seen: set[str] = set()
    # computed once, and only when some loaded file was checked against other reference data
    touched: set[str] | None = None
    for path in landing_files(folder):
        label = f"{source.name}/{path.name}"
        seen.add(label)
        known = manifest.get(label)
        # a new file is loaded whatever its hash: load_file hashes it while DuckDB reads it
        sha256 = file_sha256(path) if known else None
        if known and known[0] == sha256 and (known[1] == reference or known[2] == "rejected"):
            reports.append(_unchanged(connection, source, label))
            continue
        if known and known[0] == sha256:
            if touched is None:
                touched = _files_touched_by_references(connection, source)
            if label not in touched:
                # new reference data (a month's new tickets) changes nothing for this file's
                # rows: record the fingerprint it was checked against instead of re-reading it
                connection.execute(
                    "update raw.landing_files set reference_sha256 = ? "
                    "where source = ? and file_path = ?",
                    [reference, source.name, label],
                )
                reports.append(_unchanged(connection, source, label))
                continue
        if known is None:
            status = "loaded"
        elif known[0] != sha256:
            status = "replaced"
        else:
            status = "reloaded"
        reports.append(
            load_file(
                connection, source, path, label,
                load_time=load_time, status=status, sha256=sha256, reference=reference,
            )
        )  # fmt: skip
    for label in sorted(set(manifest) - seen):
        reports.append(
            FileReport(
                source.name, label, "missing",
                message="no longer in the landing folder; its rows stay loaded",
            )
        )  # fmt: skip
    return reports


def _files_touched_by_references(
    connection: duckdb.DuckDBPyConnection, source: LandingSource
) -> set[str]:
    """Files whose outcome may change with the reference data as it is now.

    A file's rows depend on the reference data only through two kinds of rows: rows quarantined
    because the value they point to was unknown, when that value is known now (the ticket has
    arrived), and loaded rows whose value has gone since (a replaced file dropped it). Any other
    row gets the same verdict whatever the reference data, so a file without either kind needs
    no reload. Values compare as the rules compare them: trimmed, empty as null.
    """
    selects = []
    for column, query, code in source.references:
        value = source.column(column).cast(f"nullif(trim(quarantined.{column}), '')")
        selects.append(
            f"select distinct quarantined.source_file from quarantine.{source.name} "
            f"as quarantined semi join ({query}) as known on {value} = known.{column} "
            f"where quarantined.reason_code = '{code}'"
        )
        selects.append(
            f"select distinct loaded.source_file from raw.{source.name} as loaded "
            f"anti join ({query}) as known on loaded.{column} = known.{column}"
        )
    rows = connection.execute(" union ".join(selects)).fetchall()
    return {row[0] for row in rows}


def _unchanged(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, label: str
) -> FileReport:
    read, loaded, quarantined, status, message = connection.execute(
        "select rows_read, rows_loaded, rows_quarantined, status, message from raw.landing_files "
        "where source = ? and file_path = ?",
        [source.name, label],
    ).fetchone()
    note = (
        "same content as already loaded" if status != "rejected" else f"still rejected: {message}"
    )
    return FileReport(source.name, label, "unchanged", read, loaded, quarantined, note)
