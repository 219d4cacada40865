"""Quiet periods publish; a missing expected delivery blocks (issue 12, point 6).

February 2026 in UTC: 28 x 1440 = 40,320 minutes. web-api is probed every minute, down from
10 February 10:00 to 10:44 (45 minutes), and no ticket of any kind was raised. A month without
tickets is normal: the availability figures publish, the ticket objectives are
insufficient_data (never a breach, no credit) and the run warns once. When the agreement lists
tickets in ``expected_sources`` the same month is a missing delivery and blocks.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from agreement_texts import agreement_head, write_utc_calendar
from pipeline_support import published

pytestmark = pytest.mark.slow


def agreement(expected_sources: str = "") -> str:
    return (
        agreement_head("quiet-co", customer="Quiet Co")
        + f"""\
{expected_sources}versions:
  - version: 1
    effective_from: 2026-02-01
    monthly_fee: 1000.00
    credit_cap_pct: 100
    objectives:
      - {{id: availability, kind: availability, service: web-api, target: 99.9,
         credits: [{{below: 99.9, credit_pct: 10}}]}}
      - {{id: p1-first-response, kind: first_response, priority: P1, within: 30m,
         target: 95, credits: [{{below: 95, credit_pct: 5}}]}}
      - {{id: p2-resolution, kind: resolution, priority: P2, within: 8h, target: 90,
         credits: [{{below: 90, credit_pct: 5}}]}}
"""
    )


def february_probes() -> str:
    start = dt.datetime(2026, 2, 1)
    down = (dt.datetime(2026, 2, 10, 10, 0), dt.datetime(2026, 2, 10, 10, 45))
    lines = []
    for minute in range(28 * 1440):
        at = start + dt.timedelta(minutes=minute)
        ok = "false" if down[0] <= at < down[1] else "true"
        lines.append(f"web-api,{at:%Y-%m-%dT%H:%M}:00Z,{ok},120,fra")
    return "\n".join(lines)


def quiet_case(scenario, expected_sources: str = ""):
    case = scenario(landing={"probes/p.csv": february_probes()}, agreements={})
    write_utc_calendar(case.paths.definitions_dir)
    (case.paths.definitions_dir / "agreements" / "quiet-co.yaml").write_text(
        agreement(expected_sources), encoding="utf-8"
    )
    return case


def rows(path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return {row["objective_id"]: row for row in csv.DictReader(file)}


def test_a_month_without_tickets_publishes_availability_and_insufficient_ticket_data(
    scenario, capfd
):
    case = quiet_case(scenario)
    outcome = case.run("2026-02")

    assert outcome.success, outcome.reason
    assert outcome.failed_checks == []
    compliance = rows(published(case.paths.reports_dir, "2026-02", "compliance.csv"))
    # (40,320 - 45) / 40,320 x 100 = 40,275 / 40,320 x 100 = 99.88839... -> 99.8884 < 99.9
    assert compliance["availability"]["status"] == "breached"
    assert Decimal(compliance["availability"]["actual"]) == Decimal("99.8884")
    # no P1 and no P2 ticket: nothing measured, never a breach
    assert compliance["p1-first-response"]["status"] == "insufficient_data"
    assert compliance["p2-resolution"]["status"] == "insufficient_data"
    credits = rows(published(case.paths.reports_dir, "2026-02", "credits.csv"))
    # availability: 10 % x 1,000.00 = 100.00; the ticket objectives earn no credit
    assert Decimal(credits["availability"]["credit_amount"]) == Decimal("100.00")
    assert Decimal(credits["p1-first-response"]["credit_amount"]) == Decimal("0.00")
    assert Decimal(credits["p2-resolution"]["credit_amount"]) == Decimal("0.00")
    # one warning line says why the ticket objectives have no figure
    printed = capfd.readouterr()
    warnings = [
        line
        for line in (printed.out + printed.err).splitlines()
        if "has_rows_for_period failed" in line
    ]
    assert len(warnings) == 1, warnings
    assert (
        "WARN raw/tickets:has_rows_for_period failed: no tickets rows for 2026-02" in (warnings[0])
    )
    assert "insufficient_data" in warnings[0]


def test_a_missing_expected_delivery_blocks_naming_source_and_period(scenario, capfd):
    case = quiet_case(scenario, expected_sources="expected_sources: [tickets]\n")
    outcome = case.run("2026-02")

    assert not outcome.success
    assert outcome.failed_checks == ["raw/tickets:has_rows_for_period"]
    assert not (case.paths.reports_dir / "2026-02").exists()
    printed = capfd.readouterr()
    assert (
        "ERROR raw/tickets:has_rows_for_period failed: no tickets rows for 2026-02: expected "
        "every period by quiet-co (expected_sources)"
    ) in printed.out + printed.err
