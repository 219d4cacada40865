"""Small SQL helpers the loader's modules share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb


def quote(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def timestamp_literal(value: dt.datetime) -> str:
    return f"timestamp '{value:%Y-%m-%d %H:%M:%S.%f}'"


@contextmanager
def insertion_order(connection: duckdb.DuckDBPyConnection, *, preserve: bool) -> Iterator[None]:
    """Whether DuckDB must write rows in the order it reads them (free order is cheaper in
    parallel) for the block; the setting is restored after."""
    (previous,) = one(connection, "select current_setting('preserve_insertion_order')")
    connection.execute(f"set preserve_insertion_order = {preserve}")
    try:
        yield
    finally:
        connection.execute(f"set preserve_insertion_order = {bool(previous)}")


def one(
    connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> tuple[Any, ...]:
    """The one row of a query that always returns one (an aggregate, an insert's count)."""
    row = connection.execute(sql, params or []).fetchone()
    if row is None:
        raise RuntimeError(f"no row from: {sql.strip()[:80]}")
    return row
