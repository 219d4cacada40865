"""The floor for CSV ingestion: a plain typed DuckDB read of the landing files into tables.

``python -m bench.floor LANDING WAREHOUSE OUT_JSON`` reads every CSV file of each landing source
with the contract's column types (timestamps as TIMESTAMPTZ: the files carry offsets) into one
table per source, with no rules, quarantine, lineage or duplicate checks: what DuckDB alone
costs for the same bytes. A row that does not cast is skipped (``ignore_errors``), where the
loader quarantines it with its reason. Writes the rows read and the seconds of the reads
(connection and start-up excluded).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

from orchestration.lib.landing_contract import SOURCES

TYPES = {"timestamp": "timestamptz"}


def read_typed(landing: Path, warehouse: Path) -> tuple[int, float]:
    rows, seconds = 0, 0.0
    with duckdb.connect(str(warehouse)) as connection:
        for name, source in SOURCES.items():
            files = sorted(str(p) for p in (landing / name).glob("*.csv"))
            if not files:
                continue
            columns = {c.name: TYPES.get(c.sql_type, c.sql_type) for c in source.columns}
            started = time.perf_counter()
            connection.execute(
                f"create or replace table {name} as select * from read_csv(?, header = true, "
                f"auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
                f"ignore_errors = true, columns = {columns!r})",
                [files],
            )
            seconds += time.perf_counter() - started
            count = connection.execute(f"select count(*) from {name}").fetchone()
            assert count is not None  # an aggregate without group by always returns one row
            rows += int(count[0])
    return rows, seconds


def main(landing: str, warehouse: str, out: str) -> int:
    rows, seconds = read_typed(Path(landing), Path(warehouse))
    Path(out).write_text(json.dumps({"rows": rows, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
