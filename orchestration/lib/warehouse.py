"""Short-lived DuckDB connections to the warehouse file.

DuckDB allows one writing process per file and dbt runs as a subprocess: every Python step opens
the file, does its set-based work and closes it again before dbt starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orchestration.lib.settings import DUCKDB_MEMORY_LIMIT


@contextmanager
def connect(path: str | Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(path), read_only=read_only)
    try:
        # timestamps are stored as naive UTC; make the session agree so casts never shift them
        connection.execute("set timezone = 'UTC'")
        # DuckDB would take 80 % of the machine's memory as cache; a bounded limit makes it spill
        # to disk instead and keeps the run inside its memory budget (docs/benchmarks.md)
        connection.execute(f"set memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        yield connection
    finally:
        connection.close()
