"""Landing rows and definition tweaks shared by the publication tests (hand-checked figures).

acme-hosting (monthly, EUR 12,000.00 a month, quarterly review): two P1 tickets in March, one
answered in 10 minutes and one in 45 minutes against a 30-minute target -> 1 of 2 = 50.0 % < 95 %
-> breached, tier "below 95: 5 %" -> 12,000.00 x 5 % = 600.00 EUR.
globex-support (quarterly, USD 8,500.00 a month, fee 3 x 8,500.00 = 25,500.00 for Q1): one P1
ticket answered after 20 minutes (target 15m) and resolved after 5 hours (target 4h):
first response 0 % < 90 % -> 5 % -> 1,275.00; resolution 0 % < 75 % -> 10 % -> 2,550.00;
credits 3,825.00, above the 250.00 minimum. Penalties (the shipped example): the late P1
response is 1 late ticket x 150.00 = 150.00 under the cap (3,825.00 + 150.00 = 3,975.00, below
the 25 % cap 6,375.00), the breached P1 resolution 1,000.00 per period outside it: owed 3,825.00
+ 150.00 + 1,000.00 = 4,975.00.
"""

from __future__ import annotations

from pathlib import Path

from pipeline_support import Scenario, copy_definitions, write_landing

# quotes, angle brackets and an ampersand: must render as text in the review pack
HOSTILE_CUSTOMER = "ACME <script>alert('x')</script> & Co"

LANDING = {
    "tickets/tickets.csv": "\n".join(
        [
            "A1,acme-hosting,P1,2026-01-10T09:00:00Z,2026-01-10T09:05:00Z,2026-01-10T10:00:00Z,5",
            "A2,acme-hosting,P1,2026-03-02T10:00:00Z,2026-03-02T10:10:00Z,2026-03-02T12:00:00Z,4",
            "A3,acme-hosting,P1,2026-03-03T10:00:00Z,2026-03-03T10:45:00Z,2026-03-03T15:00:00Z,2",
            # no UTC offset: quarantined, and reported in acme's data-quality notes
            "A4,acme-hosting,P2,2026-03-04T10:00:00,,,",
            "G1,globex-support,P1,2026-02-10T14:00:00Z,2026-02-10T14:20:00Z,2026-02-10T19:00:00Z,3",
        ]
    ),
    "ticket_events/events.csv": "",
    # ten minutes of probes at the start of the window for every service (the coverage check
    # judges the window up to the newest probe); web-api is down for three of them
    "probes/probes.csv": "\n".join(
        f"{service},2026-01-01T00:{minute:02d}:00Z,{ok},{latency},fra"
        for service in ("web-api", "platform-api", "search-api")
        for minute in range(10)
        for ok, latency in [
            ("false", "") if service == "web-api" and 2 <= minute <= 4 else ("true", "120")
        ]
    ),
    # announced one day ahead while 48h are required: not excluded from downtime
    "maintenance/maintenance.csv": (
        "web-api,2026-03-05T01:00:00Z,2026-03-05T02:00:00Z,2026-03-04T01:00:00Z"
    ),
}

REVIEW_ITEMS = """\
agreement_id: acme-hosting
items:
  - description: "Add a second probe location <b>before</b> Q2"
    owner: Northwind operations
    target_date: 2026-04-30
    status: open
    raised_on: 2025-12-15
  - description: Closed item that must not be carried forward
    status: done
"""


def prepare_definitions(definitions: Path) -> None:
    """The shipped agreements with a hostile customer name, plus acme's review log."""
    acme = definitions / "agreements" / "acme-hosting.yaml"
    text = acme.read_text(encoding="utf-8")
    acme.write_text(
        text.replace("customer: ACME Corp", f'customer: "{HOSTILE_CUSTOMER}"'), encoding="utf-8"
    )
    (definitions / "reviews").mkdir(exist_ok=True)
    (definitions / "reviews" / "acme-hosting.yaml").write_text(REVIEW_ITEMS, encoding="utf-8")


def publication_case(root: Path, landing: dict[str, str] = LANDING) -> Scenario:
    """The shipped definitions with the tweaks above and the landing rows, not run yet."""
    case = Scenario(root)
    copy_definitions(case.paths.definitions_dir)
    prepare_definitions(case.paths.definitions_dir)
    write_landing(case.paths.landing_dir, landing)
    return case
