"""Writing a checked file: the raw and quarantine tables and their rows.

One insert into ``raw.<source>`` (unordered: row order is not part of the contract) and one into
``quarantine.<source>``, whose rows keep their text as delivered (a duplicate found among clean
rows has its text read again from the file). The tables' columns are the contract's
(``landing_contract.raw_columns`` / ``quarantine_columns`` / ``LANDING_FILES_COLUMNS``).
"""

from __future__ import annotations

import duckdb

from orchestration.lib.landing.readers import Landed
from orchestration.lib.landing.sql import insertion_order, one, quote
from orchestration.lib.landing_contract import (
    LANDING_FILES,
    LANDING_FILES_COLUMNS,
    LANDING_FILES_KEY,
    LandingSource,
    create_table_sql,
    quarantine_columns,
    raw_columns,
)


def ensure_tables(connection: duckdb.DuckDBPyConnection, source: LandingSource) -> None:
    """Create the raw, quarantine and file-manifest tables if they do not exist yet."""
    connection.execute("create schema if not exists raw")
    connection.execute("create schema if not exists quarantine")
    connection.execute(create_table_sql(f"raw.{source.name}", raw_columns(source)))
    connection.execute(create_table_sql(f"quarantine.{source.name}", quarantine_columns(source)))
    connection.execute(
        create_table_sql(f"raw.{LANDING_FILES}", LANDING_FILES_COLUMNS, LANDING_FILES_KEY)
    )


def delete_file_rows(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, file_label: str
) -> None:
    connection.execute(f"delete from raw.{source.name} where source_file = ?", [file_label])
    connection.execute(f"delete from quarantine.{source.name} where source_file = ?", [file_label])


def write_rows(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    landed: Landed,
    file_label: str,
) -> tuple[int, int, int, dict[str, int]]:
    label = quote(file_label)
    columns = ", ".join(source.column_names)
    typed = ", ".join(f"v_{c}" for c in source.column_names)
    has_keyed = one(connection, "select count(*) from keyed")[0] > 0
    unkeyed = " and source_row not in (select source_row from keyed)" if has_keyed else ""
    # row order in raw is not part of the contract (readers order by source_file, source_row),
    # so the big insert may write in any order, which DuckDB does faster in parallel
    unkeyed_clean = unkeyed.replace("source_row not in", f"{landed.position} not in")
    with insertion_order(connection, preserve=False):
        (loaded,) = one(
            connection,
            f"""
            insert into raw.{source.name}
            select {typed}, {label}, {landed.position} from checked where is_clean{unkeyed_clean}
            union all
            select {typed}, {label}, source_row from slow where reason_code is null{unkeyed}
            """,
        )
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
    (quarantined,) = one(
        connection,
        f"""
        insert into quarantine.{source.name}
        select {label}, source_row, reason_code, reason, {columns}, raw_line
        from slow where reason_code is not null
        {recovered}
        """,
    )
    malformed = f"(select count(*) from {landed.malformed})" if landed.malformed else "0"
    (read,) = one(connection, f"select (select count(*) from checked) + {malformed}")
    reasons = dict(
        connection.execute(
            "select reason_code, count(*) from ("
            "select reason_code from slow where reason_code is not null "
            "union all select reason_code from keyed) group by 1 order by 1"
        ).fetchall()
    )
    return read, loaded, quarantined, reasons
