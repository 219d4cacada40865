"""Duplicate detection among the rows that passed every rule: temp table ``keyed``.

Rows with the same natural key (landing_contract.py ``key``) are the same fact: identical ones
after the first are ``duplicate_row``; if the key's rows disagree, every one of them is
``conflicting_duplicate``. Rows already loaded from other files take part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from orchestration.lib.landing.sql import one, quote
from orchestration.lib.landing_contract import CONFLICT_REASON, DUPLICATE_REASON, LandingSource

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
                then {quote(CONFLICT_REASON + " (")} || occurrences || ')'
                else {quote(DUPLICATE_REASON + " (")} || occurrences || ')'
            end as reason
        from verdicts
        where source_row is not null and (is_conflict or is_repeat)
        """
    )
