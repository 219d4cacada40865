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
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.defs.ingest.sources import LandingSource

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


# --- reading: every format ends as temp table `landed` ------------------------------------------
# landed(source_row bigint, <columns> varchar, raw_line varchar, read_error varchar)
# read_error is set for a line the reader could not split into columns (it is quarantined).


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


def _read_csv(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, path: Path
) -> list[str]:
    header, has_bom = _read_header(path)
    notes = _check_columns(source, header)
    if has_bom:
        notes.append("UTF-8 byte order mark ignored")
    if len(set(header)) != len(header):
        raise FileRejected(f"duplicate column names in the header: {', '.join(header)}")
    columns = "{" + ", ".join(f"'{name}': 'varchar'" for name in header) + "}"
    connection.execute("drop table if exists landing_reject_errors")
    connection.execute("drop table if exists landing_reject_scans")
    # The contract fixes the dialect (RFC 4180, comma, double quotes), so nothing is sniffed: a
    # sniffer can take a ragged file for a one-column file. Lines that do not split into the
    # header's columns are kept by store_rejects (with their line number) instead of failing
    # the file. The parallel reader keeps file order into a table (preserve_insertion_order),
    # so rowid is the row's position in the file.
    connection.execute(
        f"""
        create or replace temp table csv_rows as
        select * from read_csv(
            ?, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
            columns = {columns}, store_rejects = true,
            rejects_table = 'landing_reject_errors', rejects_scan = 'landing_reject_scans'
        )
        """,
        [str(path)],
    )
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
        "select (select count(*) from csv_rows), (select count(*) from csv_rejects)"
    ).fetchone()
    if accepted + rejected == 0:
        raise FileRejected("header only: the file has no data rows")
    newlines, ends_with_newline = _newline_count(path)
    physical_lines = newlines + (0 if ends_with_newline else 1)
    if physical_lines != 1 + accepted + rejected:
        notes.append(
            "blank lines or values spanning lines: source_row counts rows (header = 1), "
            "not physical lines"
        )
    listed = ", ".join(c for c in source.column_names)
    if rejected == 0:
        position = "rowid + 2"
        numbering = ""
    else:
        # Rejected lines leave gaps: the n-th accepted row sits on the n-th line that is not a
        # rejected one. Number the remaining lines in order and join them to the rowids.
        position = "positions.line"
        numbering = f"""
            join (
                select line, row_number() over (order by line) - 1 as accepted_index
                from range(2, {accepted + rejected + 2}) as lines(line)
                where line not in (select line from csv_rejects)
            ) as positions on positions.accepted_index = csv_rows.rowid
        """
    connection.execute(
        f"""
        create or replace temp table landed as
        select {position} as source_row, {listed},
            null::varchar as raw_line, null::varchar as read_error
        from csv_rows {numbering}
        union all
        select line, {", ".join("null::varchar" for _ in source.columns)}, raw_line, error
        from csv_rejects
        """
    )
    return notes


def _read_jsonl(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, path: Path
) -> list[str]:
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
    return notes


def _read_parquet(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, path: Path
) -> list[str]:
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
    connection.execute(
        f"""
        create or replace temp table landed as
        select file_row_number + 1 as source_row, {listed},
            null::varchar as raw_line, null::varchar as read_error
        from read_parquet(?, file_row_number = true)
        """,
        [str(path)],
    )
    if not connection.execute("select count(*) from landed").fetchone()[0]:
        raise FileRejected("no rows: the Parquet file is empty")
    return notes


READERS = {"csv": _read_csv, "jsonl": _read_jsonl, "parquet": _read_parquet}


def read_landed(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, path: Path
) -> list[str]:
    """Read one file into temp table ``landed``; return notes; raise FileRejected if unusable."""
    if path.stat().st_size == 0:
        raise FileRejected("empty file: 0 bytes")
    reader = READERS[FORMATS[path.suffix.lower()]]
    try:
        return reader(connection, source, path)
    except FileRejected:
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
    file_label: str,
    load_time: dt.datetime,
) -> None:
    """Temp table ``classified``: every landed row with typed values and reason (null = load)."""
    parsed = ", ".join(
        f"nullif(trim({c.name}), '') as t_{c.name}, {c.parsed} as v_{c.name}"
        for c in source.columns
    )
    load_time_sql = f"timestamp '{load_time:%Y-%m-%d %H:%M:%S.%f}'"
    verdicts = [("malformed_line", "")]  # its reason is the reader's message (read_error)
    whens = ["when read_error is not null then 0"]
    for rule in source.rules:
        whens.append(
            f"when {rule.condition.replace(':load_time', load_time_sql)} then {len(verdicts)}"
        )
        verdicts.append((rule.reason_code, rule.reason))
    for column, query, code in source.references:
        whens.append(f"when v_{column} not in ({query}) then {len(verdicts)}")
        verdicts.append((code, f"{column} is not known (not in {query.split(' from ')[-1]})"))
    # the CASE yields the rule's index and a join to this small table adds code and reason:
    # building two strings per row of a multi-million-row file costs more than the rules
    connection.execute(
        "create or replace temp table verdicts (rule_index integer, code varchar, reason varchar)"
    )
    connection.executemany(
        "insert into verdicts values (?, ?, ?)",
        [(index, code, reason) for index, (code, reason) in enumerate(verdicts)],
    )
    # parsed values are stored once: inlined, DuckDB would re-parse a timestamp in every rule
    # that reads it (3x slower on a 5 M row file)
    connection.execute(f"create or replace temp table parsed as select *, {parsed} from landed")
    connection.execute(
        f"""
        create or replace temp table classified as
        select checked.* exclude (rule_index), verdicts.code as reason_code,
            coalesce(checked.read_error, verdicts.reason) as reason
        from (select *, case {" ".join(whens)} end as rule_index from parsed) as checked
        left join verdicts using (rule_index)
        """
    )
    _classify_duplicates(connection, source, file_label)


def _classify_duplicates(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, file_label: str
) -> None:
    """Rows with the same key: identical ones after the first are ``duplicate_row``; if the
    key's rows disagree, every one of them is ``conflicting_duplicate`` (we cannot know which is
    right). Rows already loaded from other files take part: they came first, and a conflict with
    them quarantines this file's row (the loaded row stays; the conflict shows in a check)."""
    key = ", ".join(f"v_{k}" for k in source.key)
    content = "row(" + ", ".join(f"v_{c}" for c in source.column_names) + ")"
    key_join = " and ".join(f"candidate.v_{k} is not distinct from loaded.{k}" for k in source.key)
    event = source.event_time
    # keys may hold nulls (a probe's location): null equals null for a duplicate
    repeated_join = " and ".join(
        f"pooled_all.v_{k} is not distinct from repeated.v_{k}" for k in source.key
    )
    connection.execute(
        f"""
        create or replace temp table keyed as
        with candidates as (
            select source_row, {key}, {content} as content
            from classified where reason_code is null
        ),
        -- other files' loaded rows, narrowed to this file's time span first so a big table is
        -- pruned by its zone maps before the key join
        span as (select min(v_{event}) as low, max(v_{event}) as high from classified),
        loaded as (
            select * from raw.{source.name}
            where source_file <> {_quote(file_label)}
                and {event} between (select low from span) and (select high from span)
        ),
        earlier as (
            select distinct on ({", ".join(f"candidate.v_{k}" for k in source.key)})
                {", ".join(f"candidate.v_{k}" for k in source.key)},
                {"row(" + ", ".join(f"loaded.{c}" for c in source.column_names) + ")"}
                    as content,
                loaded.source_file || ':' || loaded.source_row as location
            from candidates as candidate join loaded on {key_join}
        ),
        pooled_all as (
            select {key}, content, source_row, null as location from candidates
            union all
            select {key}, content, null as source_row, location from earlier
        ),
        -- nearly every key is unique: find the repeated ones with a plain group-by first, so
        -- the window functions below only see the few rows that need them
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
                string_agg(coalesce(location, 'row ' || source_row), ', ') over key_rows
                    as occurrences
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
    connection.execute(
        """
        update classified set reason_code = keyed.reason_code, reason = keyed.reason
        from keyed where classified.source_row = keyed.source_row
        """
    )


# --- writing -------------------------------------------------------------------------------------


def _delete_file_rows(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, file_label: str
) -> None:
    connection.execute(f"delete from raw.{source.name} where source_file = ?", [file_label])
    connection.execute(f"delete from quarantine.{source.name} where source_file = ?", [file_label])


def _write_rows(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, file_label: str
) -> tuple[int, int, int, dict[str, int]]:
    typed = ", ".join(f"v_{c} as {c}" for c in source.column_names)
    connection.execute(
        f"""
        insert into raw.{source.name}
        select {typed}, ? as source_file, source_row
        from classified where reason_code is null order by source_row
        """,
        [file_label],
    )
    connection.execute(
        f"""
        insert into quarantine.{source.name}
        select ? as source_file, source_row, reason_code, reason, {", ".join(source.column_names)},
            raw_line
        from classified where reason_code is not null order by source_row
        """,
        [file_label],
    )
    read, loaded, quarantined = connection.execute(
        "select count(*), count(*) filter (reason_code is null), "
        "count(*) filter (reason_code is not null) from classified"
    ).fetchone()
    reasons = dict(
        connection.execute(
            "select reason_code, count(*) from classified where reason_code is not null "
            "group by 1 order by 1"
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
    sha256 = sha256 or file_sha256(path)
    file_format = FORMATS[path.suffix.lower()]
    # read outside the transaction: a reader error would abort it, and the rejection itself
    # (removing the file's earlier rows, recording why) must still be written
    rejected: FileRejected | None = None
    try:
        notes = read_landed(connection, source, path)
    except FileRejected as error:
        rejected, notes = error, []
    connection.execute("begin transaction")
    try:
        if rejected is not None:
            _delete_file_rows(connection, source, file_label)
            report = FileReport(source.name, file_label, "rejected", message=str(rejected))
        else:
            classify(connection, source, file_label, load_time)
            _delete_file_rows(connection, source, file_label)
            read, loaded, quarantined, reasons = _write_rows(connection, source, file_label)
            report = FileReport(
                source.name, file_label, status, read, loaded, quarantined, "; ".join(notes),
                reasons,
            )  # fmt: skip
        _record(connection, report, sha256, file_format, reference, load_time)
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
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
    for path in landing_files(folder):
        label = f"{source.name}/{path.name}"
        seen.add(label)
        sha256 = file_sha256(path)
        known = manifest.get(label)
        if known and known[0] == sha256 and (known[1] == reference or known[2] == "rejected"):
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
