"""The hand-made agreement and landing rows behind tests/test_explain.py and test_status.py.

One agreement, ``explain-co``, on a UTC 24x7 calendar (period minutes are plain UTC minutes):
fee 1000.00 EUR a month, credit cap 20 % (200.00), minimum credit 5.00, maintenance notice 48 h;
objective 1 ``uptime`` (availability of svc-x, target 99.9 %, outages count from 5 minutes,
below 99.9 -> 10 %, below 99 -> 25 %), objective 2 ``p1-response`` (P1 first response within
30 min on the 24x7 clock, pause on pending_customer, target 90 %, below 90 -> 30 %).
The expected figures are worked out by hand in the tests.
"""

from __future__ import annotations

import datetime as dt

from agreement_texts import agreement_head, write_utc_calendar
from pipeline_support import Scenario, copy_definitions, write_landing

AGREEMENT = (
    agreement_head("explain-co", customer="Explain Co")
    + """\
versions:
  - version: 1
    effective_from: 2026-03-01
    monthly_fee: 1000.00
    credit_cap_pct: 20
    min_credit_amount: 5.00
    maintenance_notice: 48h
    objectives:
      - id: uptime
        kind: availability
        service: svc-x
        target: 99.9
        min_downtime_minutes: 5
        credits:
          - {below: 99.9, credit_pct: 10}
          - {below: 99.0, credit_pct: 25}
      - id: p1-response
        kind: first_response
        priority: P1
        within: 30m
        clock: 24x7
        pause_on: [pending_customer]
        target: 90
        credits: [{below: 90, credit_pct: 30}]
"""
)

# down runs (start, minutes) in March: 50 counted; 3 too short to count; 30 inside window W1
# (excluded maintenance, not agreed time); 10 inside window W2 (refused: too little notice)
MARCH_DOWN = [
    ("2026-03-10T10:00", 50),
    ("2026-03-12T08:00", 3),
    ("2026-03-20T02:00", 30),
    ("2026-03-25T00:00", 10),
]
# no probe at all on 28 March 00:00..01:59 (120 unknown minutes)
MARCH_GAP = ("2026-03-28T00:00", 120)
APRIL_DOWN = [("2026-04-07T06:00", 20)]

MAINTENANCE = "\n".join(
    [
        # W1: announced 5 days ahead >= 48 h -> applied (60 minutes excluded)
        "svc-x,2026-03-20T02:00:00Z,2026-03-20T03:00:00Z,2026-03-15T02:00:00Z",
        # W2: announced 12 h ahead < 48 h -> refused (its down minutes count)
        "svc-x,2026-03-25T00:00:00Z,2026-03-25T00:30:00Z,2026-03-24T12:00:00Z",
    ]
)

MARCH_TICKETS = [
    # T1: answered after 20 min = 1200 s -> within
    "T1,explain-co,P1,2026-03-03T09:00:00Z,2026-03-03T09:20:00Z,,",
    # T2: answered after 45 min, 20 min of them pending_customer -> 2700 - 1200 = 1500 s within
    "T2,explain-co,P1,2026-03-05T10:00:00Z,2026-03-05T10:45:00Z,,",
    # T3: answered after 60 min = 3600 s -> breached
    "T3,explain-co,P1,2026-03-07T12:00:00Z,2026-03-07T13:00:00Z,,",
    # T4: the answer comes after the month's end (15 min after, 900 s in all)
    "T4,explain-co,P1,2026-03-31T23:50:00Z,2026-04-01T00:05:00Z,,",
    # T5: never answered: the 30 minutes ran out at 23:30 on 31 March -> breached in March
    "T5,explain-co,P1,2026-03-31T23:00:00Z,,,",
    # T6: priority P9 is not a priority: quarantined
    "T6,explain-co,P9,2026-03-15T08:00:00Z,2026-03-15T08:05:00Z,,",
]
APRIL_TICKETS = ["T7,explain-co,P1,2026-04-02T09:00:00Z,2026-04-02T09:10:00Z,,"]

EVENTS = "\n".join(
    [
        "T2,open,2026-03-05T10:00:00Z",
        "T2,pending_customer,2026-03-05T10:10:00Z",
        "T2,open,2026-03-05T10:30:00Z",
        "T7,open,2026-04-02T09:00:00Z",
    ]
)


def _minutes(start: str, count: int) -> set[dt.datetime]:
    first = dt.datetime.fromisoformat(start)
    return {first + dt.timedelta(minutes=i) for i in range(count)}


def probe_rows(month_start: str, days: int, down: list[tuple[str, int]],
               gaps: list[tuple[str, int]] = ()) -> list[str]:  # fmt: skip
    """One probe a minute for ``days`` days, failing in ``down``, missing in ``gaps``."""
    failing = set().union(*(_minutes(start, count) for start, count in down))
    missing = set().union(*(_minutes(start, count) for start, count in gaps))
    first = dt.datetime.fromisoformat(month_start)
    rows = []
    for i in range(days * 1440):
        minute = first + dt.timedelta(minutes=i)
        if minute in missing:
            continue
        ok = "false" if minute in failing else "true"
        rows.append(f"svc-x,{minute:%Y-%m-%dT%H:%M:%SZ},{ok},,l1")
    return rows


def build(case: Scenario, *, with_april: bool) -> Scenario:
    copy_definitions(case.paths.definitions_dir, {"explain-co": AGREEMENT})
    write_utc_calendar(case.paths.definitions_dir)
    probes = probe_rows("2026-03-01T00:00", 31, MARCH_DOWN, [MARCH_GAP])
    # one probe row that cannot be read: quarantined (probes, March)
    probes.append("svc-x,2026-03-05T00:00:30Z,maybe,,l1")
    tickets = list(MARCH_TICKETS)
    if with_april:
        probes += probe_rows("2026-04-01T00:00", 30, APRIL_DOWN)
        # two unreadable probe rows in April
        probes += ["svc-x,2026-04-03T00:00:30Z,maybe,,l1", "svc-x,2026-04-04T00:00:30Z,,,l1"]
        tickets += APRIL_TICKETS
    write_landing(
        case.paths.landing_dir,
        {
            "probes/probes.csv": "\n".join(probes),
            "maintenance/maintenance.csv": MAINTENANCE,
            "tickets/tickets.csv": "\n".join(tickets),
            "ticket_events/events.csv": EVENTS,
        },
    )
    return case
