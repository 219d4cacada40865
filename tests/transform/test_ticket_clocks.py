"""Ticket clocks end to end: a real pipeline run (Dagster, dbt, DuckDB) over hand-computed tickets.

One agreement ("clockwork", monthly) on a Berlin office calendar: Mon-Fri 09:00-17:00 local,
Berlin public holidays, and a closure on Tue 2026-10-27. p1-first-response: 30 min on a 24x7
clock; p2-resolution: 8 h on the business clock, paused while pending_customer. One run over
2026-03..2026-10 knows the facts up to 2026-11-01 00:00 CET = 2026-10-31 23:00 UTC; a counted
ticket is read at the end of the period it counts in, one not counted yet at the run's end.

Offsets: CET = UTC+1 until Sun 2026-03-29 and again from Sun 2026-10-25; CEST = UTC+2 between.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pipeline_support import ENGINES, Scenario, copy_definitions, write_landing

pytestmark = pytest.mark.slow

CALENDAR = """\
id: clock-test-hours
timezone: Europe/Berlin
hours: {mon: "09:00-17:00", tue: "09:00-17:00", wed: "09:00-17:00", thu: "09:00-17:00",
        fri: "09:00-17:00"}
holidays: {country: DE, subdivision: BE}
closures: [2026-10-27]
"""

AGREEMENT = """\
id: clockwork
customer: Clockwork Ltd
provider: Northwind Managed Services
currency: EUR
period: monthly
calendar: clock-test-hours
responsibilities:
  provider: [answer tickets within targets]
  customer: [answer pending questions]
escalation:
  - {level: 1, role: service desk lead, contact: desk@northwind.example, within: 30m}
review: {cadence: quarterly}
versions:
  - version: 1
    effective_from: 2026-01-01
    monthly_fee: 1000.00
    credit_cap_pct: 30
    maintenance_notice: 48h
    objectives:
      - {id: p1-first-response, kind: first_response, priority: P1, within: 30m, clock: 24x7,
         target: 95}
      - {id: p2-resolution, kind: resolution, priority: P2, within: 8h, clock: business,
         pause_on: [pending_customer], target: 90}
      - {id: csat, kind: csat, target: 4.2, min_responses: 1}
"""

TICKETS = """\
weekend-dst,clockwork,P2,2026-03-27T12:00:00Z,,2026-03-30T12:00:00Z,5
pause-night,clockwork,P2,2026-03-10T13:00:00Z,,2026-03-11T14:00:00Z,4
late-resolve,clockwork,P2,2026-03-30T07:00:00Z,,2026-04-01T14:00:00Z,
easter,clockwork,P2,2026-04-02T13:00:00Z,,2026-04-07T09:00:00Z,
autumn-met,clockwork,P2,2026-10-23T14:00:00Z,,2026-10-26T15:00:00Z,
autumn-closure,clockwork,P2,2026-10-23T13:00:00Z,,2026-10-28T08:00:00Z,
endless-pause,clockwork,P2,2026-10-19T08:00:00Z,,,
open-breached,clockwork,P2,2026-10-19T08:00:00Z,,,
open-at-close,clockwork,P2,2026-10-30T13:00:00Z,,,
spring-forward,clockwork,P1,2026-03-29T00:40:00Z,2026-03-29T01:10:00Z,,
may-midnight,clockwork,P1,2026-04-30T21:45:00Z,2026-04-30T22:20:00Z,,
june-midnight,clockwork,P1,2026-05-31T21:50:00Z,2026-05-31T22:05:00Z,,
"""

TICKET_EVENTS = """\
pause-night,pending_customer,2026-03-10T15:00:00Z
pause-night,in_progress,2026-03-11T09:00:00Z
endless-pause,pending_customer,2026-10-19T09:00:00Z
"""

# the ingestion gate wants probes in the window; one probe in the window's first minute covers
# 100 % of the minutes up to the newest probe
PROBES = "unrelated-service,2026-03-01T00:00:00Z,true,12.5,fra\n"

COLUMNS = (
    "stopped_at, deadline_at, evaluated_at, elapsed_seconds, paused_seconds, is_met, is_breached, "
    "counted_period_key, overrun_seconds"
)


@pytest.fixture(scope="module", params=ENGINES)
def clocks(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """One pipeline run over March..October 2026 on an engine; the Scenario to query."""
    case = Scenario(tmp_path_factory.mktemp(f"ticket_clocks-{request.param}"), request.param)
    copy_definitions(case.paths.definitions_dir, {"clockwork": AGREEMENT})
    (case.paths.definitions_dir / "calendars" / "clock-test-hours.yaml").write_text(CALENDAR)
    write_landing(
        case.paths.landing_dir,
        {
            "tickets/tickets.csv": TICKETS,
            "ticket_events/events.csv": TICKET_EVENTS,
            "probes/probes.csv": PROBES,
        },
    )
    case.run("2026-03", "2026-10")
    return case


def clock(case: Scenario, ticket_id: str) -> dict:
    """The ticket's p1/p2 clock row from the mart, by column name."""
    rows = case.query(f"select {COLUMNS} from marts.ticket_clocks where ticket_id = ?", [ticket_id])
    assert len(rows) == 1, f"{ticket_id}: expected one clock, got {rows}"
    return dict(zip([c.strip() for c in COLUMNS.split(",")], rows[0], strict=True))


def ts(text: str) -> dt.datetime:
    """A naive UTC timestamp, as the warehouse stores them."""
    return dt.datetime.fromisoformat(text)


def test_weekend_and_spring_dst_on_business_clock(clocks):
    # Fri 03-27 12:00Z = 13:00 CET -> 17:00: 4 h; weekend (DST switch on Sunday) costs nothing;
    # Mon 03-30 09:00 CEST -> 12:00Z = 14:00 CEST: 5 h; 4 h + 5 h = 32400 s > 28800 s
    # the 8 h run out after Fri 4 h + Mon 4 h = Mon 13:00 CEST = 11:00Z
    got = clock(clocks, "weekend-dst")
    assert got["elapsed_seconds"] == 32400
    assert (got["is_met"], got["is_breached"]) == (False, True)
    assert got["deadline_at"] == ts("2026-03-30 11:00")
    assert got["overrun_seconds"] == 3600
    assert got["counted_period_key"] == "2026-03"


def test_pause_spanning_a_night_costs_only_business_seconds(clocks):
    # Tue 03-10 14:00 CET -> 17:00 = 3 h; Wed 09:00 -> 15:00 CET (14:00Z) = 6 h: 9 h on the clock
    # paused 16:00 Tue -> 10:00 Wed CET: business Tue 16-17 + Wed 09-10 = 2 h (not 18 h)
    # elapsed 9 h - 2 h = 7 h = 25200 s <= 28800: met, counted at the stop in March
    got = clock(clocks, "pause-night")
    assert got["paused_seconds"] == 7200
    assert got["elapsed_seconds"] == 25200
    assert (got["is_met"], got["is_breached"]) == (True, False)
    assert got["counted_period_key"] == "2026-03"
    # deadline: Tue 14-16 CET = 2 h used before the pause; the other 6 h run from its end,
    # Wed 10:00 CET, to 16:00 CET = 15:00Z
    assert got["deadline_at"] == ts("2026-03-11 15:00")


def test_breach_counts_at_deadline_not_at_later_resolution(clocks):
    # Mon 03-30 09:00 CEST: the 8 h run out Mon 17:00 CEST = 15:00Z (March)
    # resolved Wed 04-01 16:00 CEST, but read at the end of March, the period it counts in
    # (04-01 00:00 CEST = 03-31 22:00Z), whatever the run's range: the stop is not known yet;
    # Mon 8 h + Tue 8 h = 16 h = 57600 s (read at the run's end it was 23 h = 82800 s)
    got = clock(clocks, "late-resolve")
    assert got["deadline_at"] == ts("2026-03-30 15:00")
    assert got["evaluated_at"] == ts("2026-03-31 22:00")
    assert got["stopped_at"] is None
    assert got["elapsed_seconds"] == 57600
    assert got["overrun_seconds"] == 57600 - 28800
    assert (got["is_met"], got["is_breached"]) == (False, True)
    assert got["counted_period_key"] == "2026-03"


def test_holidays_are_not_working_time(clocks):
    # Thu 04-02 15:00 CEST -> 17:00 = 2 h; Good Friday 04-03, weekend, Easter Monday 04-06 are
    # closed; Tue 04-07 09:00 -> 11:00 CEST (09:00Z) = 2 h: 14400 s, met in April
    got = clock(clocks, "easter")
    assert got["elapsed_seconds"] == 14400
    assert (got["is_met"], got["is_breached"]) == (True, False)
    assert got["counted_period_key"] == "2026-04"


def test_autumn_dst_exactly_the_allowance_is_met(clocks):
    # Fri 10-23 14:00Z = 16:00 CEST -> 17:00 = 1 h; clocks go back Sun 10-25;
    # Mon 10-26 09:00 CET -> 15:00Z = 16:00 CET = 7 h: 8 h = 28800 s, exactly the allowance
    # (with Monday still read as CEST it would be 17:00 and 9 h, a breach)
    got = clock(clocks, "autumn-met")
    assert got["elapsed_seconds"] == 28800
    assert (got["is_met"], got["is_breached"]) == (True, False)
    assert got["counted_period_key"] == "2026-10"


def test_closure_day_is_not_working_time(clocks):
    # Fri 10-23 15:00 CEST -> 17:00 = 2 h; Mon 10-26 09:00-17:00 CET = 8 h; Tue 10-27 closure;
    # Wed 10-28 08:00Z = 09:00 CET: 0 h. 10 h = 36000 s; the 8 h ran out Mon 15:00 CET = 14:00Z
    got = clock(clocks, "autumn-closure")
    assert got["elapsed_seconds"] == 36000
    assert got["deadline_at"] == ts("2026-10-26 14:00")
    assert got["counted_period_key"] == "2026-10"


def test_pause_that_never_ends_runs_to_the_evaluation_time(clocks):
    # Mon 10-19 10:00 CEST, pending from 11:00 CEST until evaluation (10-31 23:00Z):
    # elapsed Mon 10-11 = 1 h. paused: Mon 11-17 6 h + Tue..Fri 4 x 8 h + Mon 10-26 8 h +
    # Tue closure + Wed..Fri 3 x 8 h = 6 + 32 + 8 + 24 = 70 h = 252000 s
    got = clock(clocks, "endless-pause")
    assert got["elapsed_seconds"] == 3600
    assert got["paused_seconds"] == 252000
    assert got["stopped_at"] is None
    assert (got["is_met"], got["is_breached"], got["counted_period_key"]) == (False, False, None)


def test_open_ticket_past_its_deadline_is_breached_at_the_deadline(clocks):
    # Mon 10-19 10:00 CEST, never answered: 7 h Monday + 1 h Tuesday -> Tue 10:00 CEST = 08:00Z
    # elapsed at evaluation = the 70 h above + 1 h Monday morning = 71 h = 255600 s
    got = clock(clocks, "open-breached")
    assert got["deadline_at"] == ts("2026-10-20 08:00")
    assert got["elapsed_seconds"] == 255600
    assert (got["is_met"], got["is_breached"]) == (False, True)
    assert got["counted_period_key"] == "2026-10"


def test_ticket_open_at_period_close_is_not_counted_yet(clocks):
    # Fri 10-30 14:00 CET -> 17:00 = 3 h used at evaluation, 5 h left:
    # Mon 11-02 09:00 -> 14:00 CET = 13:00Z
    got = clock(clocks, "open-at-close")
    assert got["elapsed_seconds"] == 10800
    assert got["deadline_at"] == ts("2026-11-02 13:00")
    assert (got["is_met"], got["is_breached"], got["counted_period_key"]) == (False, False, None)


def test_24x7_clock_counts_real_seconds_across_the_dst_switch(clocks):
    # 01:40 CET -> 03:10 CEST on the wall, but 00:40Z -> 01:10Z = 1800 s: exactly 30 min, met
    got = clock(clocks, "spring-forward")
    assert got["elapsed_seconds"] == 1800
    assert (got["is_met"], got["counted_period_key"]) == (True, "2026-03")


def test_period_of_a_ticket_is_local(clocks):
    # created 23:45 CEST Apr 30, the 30 min run out 00:15 CEST May 1 (22:15Z, still April in
    # UTC): 2100 s, breached in May. Answered 00:05 CEST Jun 1 (22:05Z May 31): met in June.
    may = clock(clocks, "may-midnight")
    assert (may["elapsed_seconds"], may["is_breached"]) == (2100, True)
    assert may["counted_period_key"] == "2026-05"
    june = clock(clocks, "june-midnight")
    assert (june["elapsed_seconds"], june["is_met"]) == (900, True)
    assert june["counted_period_key"] == "2026-06"


def test_ticket_kpis_per_period(clocks):
    rows = clocks.query(
        "select period_key, objective_id, actual, sample_size "
        "from intermediate.int_ticket_objectives_measured where agreement_id = 'clockwork' "
        "order by period_key, objective_id"
    )
    assert rows == [
        # March: csat of weekend-dst (5) and pause-night (4): 9 / 2 = 4.5;
        # p1 spring-forward met 1/1; p2 weekend-dst breached, pause-night met, late-resolve
        # breached: 1 / 3 = 100 / 3 = 33.333... (unrounded: one division of exact counts)
        ("2026-03", "csat", 4.5, 2),
        ("2026-03", "p1-first-response", 100.0, 1),
        ("2026-03", "p2-resolution", 100 / 3, 3),
        ("2026-04", "p2-resolution", 100.0, 1),  # easter
        ("2026-05", "p1-first-response", 0.0, 1),  # may-midnight
        ("2026-06", "p1-first-response", 100.0, 1),  # june-midnight
        # October: autumn-met met, autumn-closure and open-breached breached: 1 / 3;
        # endless-pause and open-at-close are still running
        ("2026-10", "p2-resolution", 100 / 3, 3),
    ]
