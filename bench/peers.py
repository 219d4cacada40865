"""The clock stage's peers, on the ticket x objective pairs of the project's clock.

``python -m bench.peers WAREHOUSE FIRST_DAY LAST_DAY EVALUATED_AT SAMPLE OUT_JSON`` runs, on a
warehouse the pipeline has built, each peer and compares its seconds per pair with
``intermediate.int_ticket_clocks_computed`` (to the second):

- ``reference``: the hand-written single statement (bench/reference_clock.sql);
- ``zendesk``: a port of fivetran/dbt_zendesk's weekly schedule expansion
  (bench/peer_zendesk_clock.sql);
- ``businesstimedelta``: per-row Python with the `businesstimedelta` library (working-hours and
  holiday rules per calendar) on SAMPLE business-clock pairs.

Each peer's seconds exclude connection and process start-up: the statements are timed around
the statement, the library around its loop over the fetched spans (fetching them excluded).
All peers start from the same pairs and spans (bench/clock_spans.sql), pauses included.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import asdict, dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytz  # type: ignore[import-untyped]
from businesstimedelta import HolidayRule, Rules, WorkDayRule  # type: ignore[import-untyped]

HERE = Path(__file__).parent
STATEMENTS = {"reference": HERE / "reference_clock.sql", "zendesk": HERE / "peer_zendesk_clock.sql"}
MODEL = "intermediate.int_ticket_clocks_computed"


@dataclass(frozen=True)
class Window:
    first_day: str  # the calendar span the working intervals are expanded over
    last_day: str
    evaluated_at: str  # the clock's evaluation instant (UTC) for tickets still open


@dataclass(frozen=True)
class PeerResult:
    seconds: float
    pairs: int  # pairs compared: every pair of the model or the peer, or the sample's
    agreeing: int  # the peer's seconds within 1 s of the model's
    only_model: int  # pairs the model holds and the peer does not
    only_peer: int  # pairs the peer holds and the model does not
    differing: int  # pairs both hold, more than a second apart
    # of those, pairs the model holds open: it reads an open ticket again at the end of the
    # period it counts in (int_ticket_clocks_computed), the peers at the evaluation time
    differing_open: int


def render(sql: str, window: Window) -> str:
    spans = (HERE / "clock_spans.sql").read_text()
    sql = sql.replace("{clock_spans}", spans)
    for name, value in asdict(window).items():
        sql = sql.replace("{" + name + "}", value)
    return sql


def agreement(connection: duckdb.DuckDBPyConnection, table: str, seconds: float,
              sample: bool = False) -> PeerResult:  # fmt: skip
    """Pair by pair against the model: every pair of either side, or only the peer's (a sample)."""
    join = "left join" if sample else "full join"
    row = connection.execute(f"""
        select
            count(*),
            count(*) filter (where abs(p.elapsed_seconds - m.elapsed_micros / 1e6) < 1),
            count(*) filter (where p.ticket_id is null),
            count(*) filter (where m.ticket_id is null),
            count(*) filter (where abs(p.elapsed_seconds - m.elapsed_micros / 1e6) >= 1),
            count(*) filter (
                where abs(p.elapsed_seconds - m.elapsed_micros / 1e6) >= 1 and m.stopped_at is null
            ),
        from {table} as p
        {join} {MODEL} as m
            using (ticket_id, objective_id)
    """).fetchone()  # fmt: skip
    assert row is not None  # an aggregate without group by always returns one row
    pairs, agreeing, only_model, only_peer, differing, differing_open = (int(v) for v in row)
    return PeerResult(seconds, pairs, agreeing, only_model, only_peer, differing, differing_open)


def statement_peer(connection: duckdb.DuckDBPyConnection, name: str, window: Window) -> PeerResult:
    sql = render(STATEMENTS[name].read_text(), window)
    started = time.perf_counter()
    connection.execute(sql)
    seconds = time.perf_counter() - started
    return agreement(connection, f"main.bench_{name}_clock", seconds)


def _time_of_day(minute: int) -> dt.time:
    # the library's day ends at a time of day; 24:00 is the last microsecond (1 µs a day lost)
    return dt.time.max if minute >= 1440 else dt.time(minute // 60, minute % 60)


def calendar_rules(connection: duckdb.DuckDBPyConnection, window: Window) -> dict[str, Rules]:
    """One `businesstimedelta` rule set per calendar: a working-day rule per distinct interval
    (the weekdays that have it), and the closed days as a holiday rule, in the calendar's zone.

    The holiday rule looks for the next holiday day by day and fails past the last one: the
    day after the window is added as one more, which no span reaches."""
    zones = dict(
        connection.execute("select calendar_id, timezone from definitions.calendars").fetchall()
    )
    hours = connection.execute("""
        select calendar_id, start_minute, end_minute, list(iso_dow - 1 order by iso_dow)
        from definitions.calendar_hours group by all order by all
    """).fetchall()  # fmt: skip
    closed = connection.execute(
        "select calendar_id, list(closed_date) from definitions.calendar_closed_days group by 1"
    ).fetchall()
    after_window = dt.date.fromisoformat(window.last_day) + dt.timedelta(days=1)
    closed_days = {calendar_id: {*days, after_window} for calendar_id, days in closed}
    rules = {}
    for calendar_id, zone in zones.items():
        tz = pytz.timezone(zone)
        working = [
            WorkDayRule(_time_of_day(start), _time_of_day(end), days, tz=tz)
            for _, start, end, days in (h for h in hours if h[0] == calendar_id)
        ]
        holiday = (
            [HolidayRule(closed_days[calendar_id], tz=tz)] if calendar_id in closed_days else []
        )
        rules[calendar_id] = Rules([*working, *holiday])
    return rules


def businesstimedelta_peer(connection: duckdb.DuckDBPyConnection, window: Window,
                           sample: int) -> PeerResult:  # fmt: skip
    """The library on ``sample`` business-clock pairs (a fixed pseudo-random choice), one call
    per span: the pair's seconds are its span's minus its pauses', as for every peer."""
    spans = connection.execute(render("""
        with {clock_spans},
        chosen as (
            select ticket_id, objective_id,
            from ticket_objectives
            where clock = 'business'
            order by hash(ticket_id, objective_id)
            limit """ + str(sample) + """
        )
        select s.ticket_id, s.objective_id, s.calendar_id, s.start_at, s.end_at, s.sign,
        from spans as s
        semi join chosen as c on s.ticket_id = c.ticket_id and s.objective_id = c.objective_id
        order by s.ticket_id, s.objective_id
    """, window)).fetchall()  # fmt: skip
    rules = calendar_rules(connection, window)
    utc = dt.UTC
    started = time.perf_counter()
    results: list[tuple[Any, Any, float]] = []
    for (ticket_id, objective_id), rows in groupby(spans, key=lambda r: (r[0], r[1])):
        total = 0.0
        for _, _, calendar_id, start_at, end_at, sign in rows:
            if end_at > start_at:
                delta = rules[calendar_id].difference(
                    start_at.replace(tzinfo=utc), end_at.replace(tzinfo=utc)
                )
                total += sign * delta.timedelta.total_seconds()
        results.append((ticket_id, objective_id, total))
    seconds = time.perf_counter() - started
    table = pa.table(
        {name: [r[i] for r in results]
         for i, name in enumerate(("ticket_id", "objective_id", "elapsed_seconds"))}
    )  # fmt: skip
    connection.register("bench_businesstimedelta_clock", table)
    return agreement(connection, "bench_businesstimedelta_clock", seconds, sample=True)


def run_peers(warehouse: str, window: Window, sample: int) -> dict[str, PeerResult]:
    with duckdb.connect(warehouse) as connection:
        connection.execute("set timezone = 'UTC'")
        # the same planner setting as the clock model (see int_ticket_clocks_computed)
        connection.execute("set asof_loop_join_threshold = 0")
        results = {name: statement_peer(connection, name, window) for name in STATEMENTS}
        results["businesstimedelta"] = businesstimedelta_peer(connection, window, sample)
    return results


def main(warehouse: str, first_day: str, last_day: str, evaluated_at: str, sample: str,
         out: str) -> int:  # fmt: skip
    results = run_peers(warehouse, Window(first_day, last_day, evaluated_at), int(sample))
    Path(out).write_text(json.dumps({k: asdict(v) for k, v in results.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:7]))
