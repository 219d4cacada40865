"""Row classification: the contract's rules as SQL over a file's rows.

Two passes. ``check`` reads a reader's text rows once into temp table ``checked``: per row
``is_clean`` (every value canonical and no rule broken), the typed values ``v_<column>`` (valid
where is_clean), and the text as delivered only for the rows that are not clean. Storing text for
the clean 99 % would cost as much as reading the file. ``classify`` then checks those other rows
(and the lines the reader could not split) in full into temp table ``slow``; the first rule a row
breaks is its reason. Both give the same verdict (landing_contract.py, "canonical").
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import duckdb

from orchestration.lib.landing.sql import one, quote, timestamp_literal
from orchestration.lib.landing_contract import LandingSource

if TYPE_CHECKING:
    from orchestration.lib.landing.readers import Landed


def check(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    relation: str,
    load_time: dt.datetime,
    *,
    carried: tuple[str, ...] = (),
    bounded: str | None = None,
) -> None:
    """Temp table ``checked`` from ``relation`` (text rows) in one pass; see the module doc.
    ``carried`` columns of the relation are kept as they are (source_row, raw_line, read_error);
    a row with a read_error is never clean. ``bounded``: a table holding the same text rows,
    cheap to scan for the range of values the references are looked up for."""
    load_time_sql = timestamp_literal(load_time)
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
    low, high = one(connection, f"select min({column}), max({column}) from {bounded}")
    if low is None:
        return query
    return (
        f"select {column} from ({query}) where {column} is null "
        f"or {column} between {quote(low)} and {quote(high)}"
    )


def classify(
    connection: duckdb.DuckDBPyConnection,
    source: LandingSource,
    landed: Landed,
    load_time: dt.datetime,
) -> None:
    """Temp table ``slow``: every row that is not clean (and every malformed line), checked in
    full with its reason (null = load)."""
    load_time_sql = timestamp_literal(load_time)
    verdicts = [("malformed_line", "")]  # its reason is the reader's message (read_error)
    whens = ["when read_error is not null then 0"]
    for rule in source.rules:
        whens.append(
            f"when {rule.condition.replace(':load_time', load_time_sql)} then {len(verdicts)}"
        )
        verdicts.append((rule.reason_code, rule.reason))
    for reference in source.references:
        column, query, code = reference
        # only the reference values this file's slow rows name: a hash table of the few, not of
        # every ticket loaded this year
        named = f"select * from ({query}) where {column} in (select v_{column} from parsed)"
        whens.append(f"when v_{column} not in ({named}) then {len(verdicts)}")
        verdicts.append((code, reference.reason))
    connection.execute(
        "create or replace temp table verdicts (rule_index integer, code varchar, reason varchar)"
    )
    connection.executemany(
        "insert into verdicts values (?, ?, ?)",
        [(index, code, reason) for index, (code, reason) in enumerate(verdicts)],
    )
    columns = ", ".join(source.column_names)
    # read_code: the reason of a read error when it is not malformed_line (an adapter's
    # unmapped_value, adapters/)
    errors = (
        "raw_line, read_error, read_code"
        if landed.has_read_errors
        else "null::varchar as raw_line, null::varchar as read_error, null::varchar as read_code"
    )
    unclean = (
        f"select {landed.position} as source_row, {columns}, {errors} "
        "from checked where not is_clean"
    )
    if landed.malformed:
        nulls = ", ".join(f"null::varchar as {c}" for c in source.column_names)
        unclean += (
            f" union all select source_row, {nulls}, raw_line, read_error, null::varchar "
            f"from {landed.malformed}"
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
        select judged.* exclude (rule_index, read_code), {key_hash} as key_hash,
            coalesce(judged.read_code, verdicts.code) as reason_code,
            coalesce(judged.read_error, verdicts.reason) as reason
        from judged left join verdicts using (rule_index)
        """
    )
