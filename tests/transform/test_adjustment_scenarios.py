"""Adjustments on the real pipeline: a customer-caused ticket and a third-party outage window are
excluded, a disputed window changes nothing, refused entries are listed with their reason.

Two agreements share the service svc-x and hold the same four P1 tickets (different ids); only
adj-co has adjustments, so plain-co shows every figure without them. March 2026 (UTC): 44,640
minutes, probed every minute; svc-x is down 60 minutes from 10 March 10:00 (outage O1) and 30
minutes from 20 March 10:00 (outage O2). Fee 1,000.00, cap 100 %.

plain-co (no adjustments):
- availability: (44,640 - 90) / 44,640 = 99.7984 % < 99.9 -> breached, 10 % = 100.00
- p1-first-response: 3 of 4 answered within 30 m = 75 % < 80 -> breached, 5 % = 50.00
adj-co:
- window adj-o1 (third_party) removes O1's 60 minutes from agreed time: agreed 44,580, down 30,
  (44,580 - 30) / 44,580 x 100 = 99.932705... % >= 99.9 -> met, credit 0.00
- disputed adj-o2 (O2) changes nothing: down stays 30 (had it applied: agreed 44,550, 100 %)
- tickets adj-t4 (customer_caused) leaves out A4 (answered after 60 m): 3 of 3 = 100 % -> met
- refused: adj-unknown (ticket A99 is not a ticket of adj-co), adj-2025 (window outside the
  agreement's periods), adj-o1-again (overlaps adj-o1)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from agreement_texts import agreement_head, write_utc_calendar
from pipeline_support import ENGINES, Scenario, copy_definitions, write_landing

from orchestration.lib.cli_reports.explain import collect_explanation, explanation_as_json
from orchestration.lib.cli_reports.status import collect_status
from orchestration.lib.cli_reports.text import explanation_lines

pytestmark = pytest.mark.slow


def _agreement(agreement_id: str) -> str:
    return (
        agreement_head(agreement_id)
        + """\
versions:
  - version: 1
    effective_from: 2026-03-01
    monthly_fee: 1000.00
    credit_cap_pct: 100
    objectives:
      - {id: availability, kind: availability, service: svc-x, target: 99.9,
         credits: [{below: 99.9, credit_pct: 10}]}
      - {id: p1-first-response, kind: first_response, priority: P1, within: 30m,
         clock: 24x7, target: 80, credits: [{below: 80, credit_pct: 5}]}
"""
    )


ADJUSTMENTS = """\
adjustments:
  - id: adj-o1
    agreement: adj-co
    objective: availability
    window: {start: "2026-03-10T11:00:00+01:00", end: "2026-03-10T12:00:00+01:00"}
    category: third_party
    reason: carrier fibre cut upstream of the data centre
    approved_by: both service managers
    approved_at: 2026-04-02
    evidence: https://status.carrier.example/incidents/42
  - id: adj-o1-again
    agreement: adj-co
    window: {start: "2026-03-10T10:30:00Z", end: "2026-03-10T10:45:00Z"}
    category: other
    reason: entered twice
    approved_by: review meeting
    approved_at: 2026-04-02
  - id: adj-o2
    agreement: adj-co
    objective: availability
    window: {start: "2026-03-20T10:00:00Z", end: "2026-03-20T10:30:00Z"}
    category: disputed
    reason: customer says its firewall change was announced
    approved_by: review meeting
    approved_at: 2026-04-02
  - id: adj-t4
    agreement: adj-co
    objective: p1-first-response
    tickets: [A4]
    category: customer_caused
    reason: customer gave no contact for an hour
    approved_by: both service managers
    approved_at: 2026-04-02
  - id: adj-unknown
    agreement: adj-co
    tickets: [A99]
    category: customer_caused
    reason: a ticket of another customer
    approved_by: review meeting
    approved_at: 2026-04-02
  - id: adj-2025
    agreement: adj-co
    window: {start: "2025-12-01T00:00:00Z", end: "2025-12-01T01:00:00Z"}
    category: force_majeure
    reason: before the agreement started
    approved_by: review meeting
    approved_at: 2026-04-02
"""

MARCH_START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
DOWN = {(dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC), 60),
        (dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC), 30)}  # fmt: skip


def _probes() -> str:
    failing = {start + dt.timedelta(minutes=i) for start, count in DOWN for i in range(count)}
    rows = []
    for i in range(44_640):
        minute = MARCH_START + dt.timedelta(minutes=i)
        flag = "false" if minute in failing else "true"
        rows.append(f"svc-x,{minute.strftime('%Y-%m-%dT%H:%M:%SZ')},{flag},,l1")
    return "\n".join(rows)


def _tickets() -> str:
    rows = []
    for prefix, agreement in (("A", "adj-co"), ("B", "plain-co")):
        for n, response_minutes in ((1, 10), (2, 10), (3, 10), (4, 60)):
            rows.append(
                f"{prefix}{n},{agreement},P1,2026-03-0{n}T09:00:00Z,"
                f"2026-03-0{n}T{9 + response_minutes // 60:02d}:{response_minutes % 60:02d}:00Z,"
                f"2026-03-0{n}T15:00:00Z,"
            )
    return "\n".join(rows)


@pytest.fixture(scope="module", params=ENGINES)
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    scenario = Scenario(tmp_path_factory.mktemp(f"adjustments-{request.param}"), request.param)
    definitions = scenario.paths.definitions_dir
    copy_definitions(definitions, {"adj-co": _agreement("adj-co"),
                                   "plain-co": _agreement("plain-co")})  # fmt: skip
    write_utc_calendar(definitions)
    (definitions / "adjustments").mkdir()
    (definitions / "adjustments" / "2026-03.yaml").write_text(ADJUSTMENTS)
    write_landing(
        scenario.paths.landing_dir,
        {
            "probes/probes.csv": _probes(),
            "maintenance/maintenance.csv": "",
            "tickets/tickets.csv": _tickets(),
            "ticket_events/events.csv": "",
        },
    )
    outcome = scenario.run("2026-03")
    assert not outcome.failed_steps, outcome.reason
    return scenario


def _figures(case: Scenario, agreement: str, objective: str) -> tuple:
    rows = case.query(
        "select p.status, p.actual, p.agreed_minutes, p.down_minutes, p.sample_size, "
        "c.credit_amount from marts.objective_periods p join marts.objective_credits c "
        "using (agreement_id, period_key, objective_id) "
        "where agreement_id = ? and period_key = '2026-03' and objective_id = ?",
        [agreement, objective],
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_without_adjustments_both_objectives_breach(case: Scenario) -> None:
    status, actual, agreed, down, _, credit = _figures(case, "plain-co", "availability")
    # (44,640 - 90) / 44,640 x 100 = 99.79838... %; 10 % of 1,000.00
    assert (status, agreed, down, credit) == ("breached", 44_640, 90, Decimal("100.00"))
    assert actual == pytest.approx(99.79838709677419)
    status, actual, _, _, sample, credit = _figures(case, "plain-co", "p1-first-response")
    # 3 of 4 within 30 minutes; 5 % of 1,000.00
    assert (status, sample, credit) == ("breached", 4, Decimal("50.00"))
    assert actual == pytest.approx(75.0)


def test_window_exclusion_removes_the_outage_and_the_disputed_window_changes_nothing(
    case: Scenario,
) -> None:
    status, actual, agreed, down, _, credit = _figures(case, "adj-co", "availability")
    # O1's 60 minutes leave agreed time; O2 (disputed) still counts: (44,580 - 30) / 44,580
    assert (status, agreed, down, credit) == ("met", 44_580, 30, Decimal("0.00"))
    assert actual == pytest.approx(99.93270524899059)


def test_customer_caused_ticket_is_not_counted(case: Scenario) -> None:
    status, actual, _, _, sample, credit = _figures(case, "adj-co", "p1-first-response")
    # A4 left out: 3 of 3 within 30 minutes
    assert (status, sample, credit) == ("met", 3, Decimal("0.00"))
    assert actual == pytest.approx(100.0)
    total = case.query(
        "select credit_amount from marts.agreement_credits "
        "where agreement_id = 'adj-co' and period_key = '2026-03'"
    )
    assert total == [(Decimal("0.00"),)]


def test_every_entry_is_listed_with_its_status_and_reason(case: Scenario) -> None:
    rows = case.query(
        "select adjustment_id, ticket_id, period_key, status, status_reason "
        "from marts.adjustments order by adjustment_id"
    )
    assert rows == [
        ("adj-2025", None, None, "refused",
         "outside the agreement's periods (a window lies inside one period)"),
        ("adj-o1", None, "2026-03", "applied", "window removed from agreed minutes"),
        ("adj-o1-again", None, "2026-03", "refused", "overlaps adj-o1"),
        ("adj-o2", None, "2026-03", "disputed", "disputed: no figure changed"),
        ("adj-t4", "A4", "2026-03", "applied", "ticket not counted"),
        ("adj-unknown", "A99", None, "refused", "unknown ticket A99 for this agreement"),
    ]  # fmt: skip


def test_explain_lists_the_entries_touching_the_figure(case: Scenario) -> None:
    explanation = collect_explanation(
        case.paths.warehouse_path, "adj-co", "2026-03", "availability"
    )
    # availability: adj-o1 (applied), adj-o1-again (all, refused: overlap), adj-o2 (disputed),
    # adj-unknown and adj-2025 (all, refused without a period); not adj-t4 (p1-first-response)
    assert [(a["adjustment_id"], a["status"]) for a in explanation["adjustments"]] == [
        ("adj-o1", "applied"),
        ("adj-o1-again", "refused"),
        ("adj-o2", "disputed"),
        ("adj-unknown", "refused"),
        ("adj-2025", "refused"),
    ]
    lines = explanation_lines(explanation)
    assert "adjustments: 1 applied, 3 refused, 1 disputed" in lines
    assert (
        "  adj-o2 (disputed, availability): window 2026-03-20 10:00:00..2026-03-20 10:30:00 UTC:"
        " disputed: disputed: no figure changed; reason: customer says its firewall change was"
        " announced (approved by review meeting, 2026-04-02)"
    ) in lines
    as_json = explanation_as_json(explanation)
    assert as_json["adjustments"][0]["window_start_at"] == "2026-03-10T10:00:00"
    plain = collect_explanation(case.paths.warehouse_path, "plain-co", "2026-03", "availability")
    assert "adjustments: none" in explanation_lines(plain)


def test_status_counts_the_applied_entries(case: Scenario) -> None:
    status = collect_status(
        case.paths.reports_dir, case.paths.warehouse_path, ["adj-co", "plain-co"]
    )
    counts = {(r.agreement_id, r.period): r.adjustments_applied for r in status.rows}
    # adj-o1 and adj-t4 are applied in 2026-03; disputed and refused entries are not counted
    assert counts == {("adj-co", "2026-03"): 2, ("plain-co", "2026-03"): 0}


def test_the_review_pack_lists_each_entry_with_its_status(case: Scenario) -> None:
    packs = sorted(case.paths.reports_dir.glob("2026-03/**/review_packs/adj-co*.html"))
    assert packs, list(case.paths.reports_dir.rglob("*.html"))
    html = packs[0].read_text(encoding="utf-8")
    assert "Adjustments and exclusions" in html
    for text in ("adj-o1", "window removed from agreed minutes", "adj-o2",
                 "disputed: no figure changed", "overlaps adj-o1",
                 "unknown ticket A99 for this agreement", "ticket A4"):  # fmt: skip
        assert text in html, text
