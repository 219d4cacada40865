"""Run the clock reference statement (bench/reference_clock.sql) and compare it with the model.

``python -m bench.reference WAREHOUSE FIRST_DAY LAST_DAY EVALUATED_AT OUT_JSON`` writes the
statement's own seconds (connection and start-up excluded), the number of ticket x objective
pairs, and how many of them the reference and ``int_ticket_clocks_computed`` agree on (± 1 s).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

SQL = Path(__file__).parent / "reference_clock.sql"

AGREEMENT = """
select
    count(*) as pairs,
    count(*) filter (where abs(r.elapsed_seconds - m.elapsed_micros / 1e6) < 1) as agreeing,
from main.bench_reference_clock as r
full join intermediate.int_ticket_clocks_computed as m using (ticket_id, objective_id)
"""


def main(warehouse: str, first_day: str, last_day: str, evaluated_at: str, out: str) -> int:
    sql = SQL.read_text()
    for name, value in (("first_day", first_day), ("last_day", last_day),
                        ("evaluated_at", evaluated_at)):  # fmt: skip
        sql = sql.replace("{" + name + "}", value)
    with duckdb.connect(warehouse) as connection:
        connection.execute("set timezone = 'UTC'")
        # the same planner setting as the clock model (see int_ticket_clocks_computed)
        connection.execute("set asof_loop_join_threshold = 0")
        started = time.perf_counter()
        connection.execute(sql)
        seconds = time.perf_counter() - started
        row = connection.execute(AGREEMENT).fetchone()
        assert row is not None  # an aggregate without group by always returns one row
        pairs, agreeing = row
    Path(out).write_text(json.dumps({"seconds": seconds, "pairs": pairs, "agreeing": agreeing}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
