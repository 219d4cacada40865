"""Duplicate detection among the rows that passed every rule: temp table ``keyed``.

Rows with the same natural key (landing_contract.py ``key``) are the same fact. Within a file,
identical ones after the first are ``duplicate_row``; if the key's rows disagree, every one of
them is ``conflicting_duplicate``. Across files one rule decides, whatever the order files were
loaded in: **the file whose name sorts last keeps the key** (among the files that carry it: a
row that passes every rule and is not in conflict within its own file); the same key's row of a
file whose name sorts earlier is set aside as ``superseded_row`` (``duplicate_row`` when
identical). A file loaded after a file it supersedes has that file reloaded (``ingest.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from orchestration.lib.landing.sql import one, quote
from orchestration.lib.landing_contract import (
    CONFLICT_REASON,
    DUPLICATE_REASON,
    SUPERSEDED_REASON,
    LandingSource,
)

if TYPE_CHECKING:
    from orchestration.lib.landing.readers import Landed


def _candidates(source: LandingSource, landed: Landed) -> str:
    """SQL of the rows that passed every rule: (source_row, key_hash, v_<column>...)."""
    typed = ", ".join(f"v_{c}" for c in source.column_names)
    return f"""
        select {landed.position} as source_row, key_hash, {typed} from checked where is_clean
        union all
        select source_row, key_hash, {typed} from slow where reason_code is null
    """


def classify_duplicates(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    landed: Landed,
    file_label: str,
) -> None:
    """Temp table ``keyed`` (source_row, reason_code, reason), see the module doc; temp table
    ``carrier_verdicts`` says which loaded rows of other files this file's rows meet."""
    connection.execute("drop table if exists carrier_verdicts")
    connection.execute(
        "create or replace temp table keyed "
        "(source_row bigint, reason_code varchar, reason varchar)"
    )
    candidates = _candidates(source, landed)
    # Other files' loaded rows can only match a candidate if each of their key values lies in
    # the range of the candidates' values (or is null where a candidate's is): literal bounds
    # let DuckDB skip row groups of a table that grows all year by their zone maps.
    bounds = one(
        connection,
        "select "
        + ", ".join(
            # as text: a valid timestamp may lie outside Python's datetime (year 0)
            f"min(v_{k})::varchar, max(v_{k})::varchar, count(*) filter (where v_{k} is null) > 0"
            for k in source.key
        )
        + f", count(*) from ({candidates})",
    )
    if not bounds[-1]:
        return
    loaded_filter = f"source_file <> {quote(file_label)}"
    for position, key in enumerate(source.key):
        low, high, has_null = bounds[3 * position : 3 * position + 3]
        sql_type = source.column(key).sql_type
        in_range = (
            f"{key} between cast({quote(low or '')} as {sql_type}) "
            f"and cast({quote(high or '')} as {sql_type})"
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
    if not one(connection, "select count(*) from suspects")[0]:
        return
    key = ", ".join(f"v_{k}" for k in source.key)
    # named fields: an unnamed row() cannot be kept in a table
    content = "struct_pack(" + ", ".join(f"{c} := v_{c}" for c in source.column_names) + ")"
    key_join = " and ".join(f"carrier.v_{k} is not distinct from loaded.{k}" for k in source.key)
    carrier_key = ", ".join(f"carrier.v_{k}" for k in source.key)
    loaded_content = (
        "struct_pack(" + ", ".join(f"{c} := loaded.{c}" for c in source.column_names) + ")"
    )
    label = quote(file_label)
    # 1. within the file: a key whose rows disagree is a conflict (every row set aside), repeats
    #    of an identical row after the first are duplicates; the first is the key's carrier.
    # 2. across files: the carrier gives way to a loaded row of a file whose name sorts later
    #    (duplicate_row when identical, superseded_row otherwise); a loaded row of a file whose
    #    name sorts earlier gives way to the carrier, and that file is reloaded (``superseded``).
    connection.execute(
        f"""
        create or replace temp table own_verdicts as
        with candidates as (
            select source_row, {key}, {content} as content
            from ({candidates}) semi join suspects using (key_hash)
        )
        select source_row, {key}, content,
            count(distinct content) over key_rows > 1 as is_conflict,
            row_number() over (partition by {key} order by source_row) > 1 as is_repeat,
            string_agg('row ' || source_row, ', ' order by source_row) over key_rows
                as occurrences
        from candidates
        window key_rows as (partition by {key})
        """
    )
    connection.execute(
        f"""
        create or replace temp table carrier_verdicts as
        with carriers as (
            select * from own_verdicts where not is_conflict and not is_repeat
        ),
        loaded as (
            select * from raw.{source.name}
            where {loaded_filter} and {loaded_hash} in (select key_hash from suspects)
        )
        select distinct on ({carrier_key}) carrier.source_row,
            loaded.source_file > {label} as is_superseded,
            carrier.content = {loaded_content} as is_identical,
            loaded.source_file, loaded.source_file || ':' || loaded.source_row as location
        from carriers as carrier join loaded on {key_join}
        order by {carrier_key}, loaded.source_file desc, loaded.source_row
        """
    )
    connection.execute(
        f"""
        insert into keyed
        select source_row,
            case when is_conflict then 'conflicting_duplicate' else 'duplicate_row' end,
            case when is_conflict
                then {quote(CONFLICT_REASON + " (")} || occurrences || ')'
                else {quote(DUPLICATE_REASON + " (")} || occurrences || ')'
            end
        from own_verdicts
        where is_conflict or is_repeat
        union all
        select source_row,
            case when is_identical then 'duplicate_row' else 'superseded_row' end,
            case when is_identical
                then {quote(DUPLICATE_REASON + " in a file whose name sorts later (")}
                else {quote(SUPERSEDED_REASON + " (")}
            end || location || ')'
        from carrier_verdicts
        where is_superseded
        """
    )


def superseded_files(
    connection: duckdb.DuckDBPyConnection, source: LandingSource, file_label: str
) -> set[str]:
    """The other files whose verdicts the file just loaded changes, to be reloaded: a file whose
    name sorts earlier with a loaded row of a key this file now loads (it gives way), and a file
    with a row set aside for such a key (``duplicate_row`` or ``superseded_row`` is judged
    against the row kept, and that row is now this file's)."""
    files: set[str] = set()
    exists = one(
        connection,
        "select count(*) from duckdb_tables() where table_name = 'carrier_verdicts' and temporary",
    )[0]
    if exists:
        rows = connection.execute(
            "select distinct source_file from carrier_verdicts where not is_superseded"
        ).fetchall()
        files |= {row[0] for row in rows}
    (set_aside,) = one(
        connection,
        f"select count(*) from quarantine.{source.name} "
        "where reason_code in ('duplicate_row', 'superseded_row') and source_file <> ?",
        [file_label],
    )
    if set_aside:
        parsed = ", ".join(f"{source.column(k).parsed} as {k}" for k in source.key)
        same_key = " and ".join(f"kept.{k} is not distinct from set_aside.{k}" for k in source.key)
        rows = connection.execute(
            f"""
            with set_aside as (
                select source_file, {parsed} from quarantine.{source.name}
                where reason_code in ('duplicate_row', 'superseded_row') and source_file <> $label
            )
            select distinct source_file from set_aside
            where exists (
                select 1 from raw.{source.name} as kept
                where kept.source_file = $label and {same_key}
            )
            """,
            {"label": file_label},
        ).fetchall()
        files |= {row[0] for row in rows}
    return files


def files_no_longer_superseded(
    connection: duckdb.DuckDBPyConnection, source: LandingSource
) -> set[str]:
    """Files with a row set aside for a key that no file whose name sorts the same or later
    loads any more (that file was replaced or rejected): reloaded, they take the key back."""
    (count,) = one(
        connection,
        f"select count(*) from quarantine.{source.name} "
        "where reason_code in ('duplicate_row', 'superseded_row')",
    )
    if not count:
        return set()
    parsed = ", ".join(f"{source.column(k).parsed} as {k}" for k in source.key)
    same_key = " and ".join(f"kept.{k} is not distinct from set_aside.{k}" for k in source.key)
    rows = connection.execute(
        f"""
        with set_aside as (
            select distinct source_file, {parsed} from quarantine.{source.name}
            where reason_code in ('duplicate_row', 'superseded_row')
        )
        select distinct source_file from set_aside
        where not exists (
            select 1 from raw.{source.name} as kept
            where {same_key} and kept.source_file >= set_aside.source_file
        )
        """
    ).fetchall()
    return {row[0] for row in rows}
