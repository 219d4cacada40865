"""The peer table's three peers agree with hand-computed clocks on a tiny hand-built warehouse.

One Berlin calendar, Mon-Fri 09:00-17:00, closed on 2026-01-01 (a Thursday). Two tickets,
each with a resolution objective on the business clock (paused in `pending_customer`) and a
first-response objective on the 24x7 clock; the model's table holds the seconds worked out by
hand below, so each peer is checked against arithmetic, not against another peer.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

# the `bench` extra; .venv-spark (`.[dev,spark]`) has no businesstimedelta, and `make test-spark`
# collects all of tests/
pytest.importorskip("businesstimedelta")

from bench.peers import Window, run_peers

# T1: created Wed 2025-12-31 15:00 UTC (16:00 Berlin, UTC+1), resolved Mon 2026-01-05 09:30 UTC
# (10:30 Berlin). Business: Wed 16:00-17:00 1 h, Thu closed, Fri 8 h, Mon 09:00-10:30 1.5 h =
# 10.5 h = 37,800 s; paused Fri 11:00-13:00 Berlin, 2 h = 7,200 s: 30,600 s. The span crosses a
# weekend, a Sunday week boundary and a closed day.
# T2: across the change to summer time (Sun 2026-03-29): created Fri 2026-03-27 15:30 UTC
# (16:30 CET), resolved Mon 2026-03-30 07:30 UTC (09:30 CEST): 30 min + 30 min = 3,600 s.
# First response, 24x7: T1 at 15:20:30 UTC, 20 min 30 s = 1,230 s; T2 at 16:00 UTC, 1,800 s.
EXPECTED = {
    ("T1", "res"): 30_600,
    ("T1", "fr"): 1_230,
    ("T2", "res"): 3_600,
    ("T2", "fr"): 1_800,
}

SETUP = """
create schema definitions; create schema raw; create schema intermediate;
create table definitions.calendars (calendar_id varchar, timezone varchar);
insert into definitions.calendars values ('ber', 'Europe/Berlin');
create table definitions.calendar_hours (calendar_id varchar, iso_dow integer,
    interval_index integer, start_minute integer, end_minute integer);
insert into definitions.calendar_hours select 'ber', d, 1, 540, 1020 from range(1, 6) as r (d);
create table definitions.calendar_closed_days (calendar_id varchar, closed_date date);
insert into definitions.calendar_closed_days values ('ber', date '2026-01-01');
create table definitions.agreement_versions (agreement_id varchar, version integer,
    effective_from date, effective_to date);
insert into definitions.agreement_versions values ('A', 1, date '2025-12-01', null);
create table definitions.objectives (agreement_id varchar, version integer,
    objective_id varchar, kind varchar, priority varchar, clock varchar, calendar_id varchar);
insert into definitions.objectives values
    ('A', 1, 'res', 'resolution', 'P1', 'business', 'ber'),
    ('A', 1, 'fr', 'first_response', 'P1', '24x7', 'ber');
create table definitions.objective_pause_statuses (agreement_id varchar, version integer,
    objective_id varchar, status varchar);
insert into definitions.objective_pause_statuses values ('A', 1, 'res', 'pending_customer');
create table raw.tickets (ticket_id varchar, agreement_id varchar, priority varchar,
    created_at timestamp, first_response_at timestamp, resolved_at timestamp);
insert into raw.tickets values
    ('T1', 'A', 'P1', '2025-12-31 15:00', '2025-12-31 15:20:30', '2026-01-05 09:30'),
    ('T2', 'A', 'P1', '2026-03-27 15:30', '2026-03-27 16:00', '2026-03-30 07:30');
create table raw.ticket_events (ticket_id varchar, status varchar, changed_at timestamp,
    source_file varchar, source_row integer);
insert into raw.ticket_events values
    ('T1', 'new', '2025-12-31 15:00', 'f', 1),
    ('T1', 'pending_customer', '2026-01-02 10:00', 'f', 2),
    ('T1', 'in_progress', '2026-01-02 12:00', 'f', 3),
    ('T1', 'resolved', '2026-01-05 09:30', 'f', 4),
    ('T2', 'new', '2026-03-27 15:30', 'f', 5),
    ('T2', 'resolved', '2026-03-30 07:30', 'f', 6);
create table intermediate.int_ticket_clocks_computed (ticket_id varchar,
    objective_id varchar, elapsed_micros bigint, stopped_at timestamp);
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("peers") / "tiny.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(SETUP)
        connection.executemany(
            "insert into intermediate.int_ticket_clocks_computed values (?, ?, ?, ?)",
            # every ticket has stopped; the stop itself is not compared
            [(t, o, seconds * 1_000_000, "2026-03-30") for (t, o), seconds in EXPECTED.items()],
        )
    window = Window("2025-11-01", "2026-05-01", "2026-04-01 00:00:00")
    return warehouse, run_peers(str(warehouse), window, sample=10)


def test_statement_peers_agree_with_the_hand_computed_clock_on_every_pair(results):
    warehouse, by_peer = results
    for name in ("reference", "zendesk"):
        result = by_peer[name]
        assert (result.pairs, result.agreeing) == (4, 4), name
        assert (result.only_model, result.only_peer, result.differing) == (0, 0, 0), name
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            rows = connection.execute(
                f"select ticket_id, objective_id, elapsed_seconds from main.bench_{name}_clock"
            ).fetchall()
        assert {(t, o): round(s) for t, o, s in rows} == EXPECTED, name


def test_businesstimedelta_samples_business_pairs_only_and_agrees(results):
    _, by_peer = results
    library = by_peer["businesstimedelta"]
    # the sample of 10 holds the two business-clock pairs there are, not the 24x7 ones
    assert (library.pairs, library.agreeing, library.differing) == (2, 2, 0)
    assert library.seconds >= 0


def test_a_disagreement_is_counted_and_explained(results, tmp_path):
    warehouse, _ = results
    # the model a second and a half off on one pair that it holds open, and missing another
    copy = tmp_path / "off.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            "update intermediate.int_ticket_clocks_computed set elapsed_micros = "
            "elapsed_micros + 1_500_000, stopped_at = null "
            "where ticket_id = 'T1' and objective_id = 'res'"
        )
        connection.execute(
            "delete from intermediate.int_ticket_clocks_computed where ticket_id = 'T2' "
            "and objective_id = 'fr'"
        )
    window = Window("2025-11-01", "2026-05-01", "2026-04-01 00:00:00")
    reference = run_peers(str(copy), window, sample=10)["reference"]
    assert (reference.pairs, reference.agreeing) == (4, 2)
    assert (reference.differing, reference.only_peer, reference.only_model) == (1, 1, 0)
    assert reference.differing_open == 1


def test_the_library_day_can_end_at_midnight():
    from bench.peers import _time_of_day

    assert _time_of_day(1440) == dt.time.max
    assert _time_of_day(540) == dt.time(9, 0)
