"""`sla baseline` and `sla simulate` on a hand-computed history (one pipeline run, Jan-Apr 2026).

Agreement `neg` (monthly, London calendar, fee 1000.00, cap 100 %): objective p1-response, P1
first response within 30m on the 24x7 clock, target 90, tiers below 90 -> 10 %, below 60 -> 40 %.
Four P1 tickets a month, all mid-month, answered after (minutes):
  Jan 5, 10, 20, 25     -> 4/4 within 30m = 100 %     met
  Feb 5, 10, 40, 50     -> 2/4 = 50 %  < 60: 40 %     400.00
  Mar 10, 12, 20, 45    -> 3/4 = 75 %  < 90: 10 %     100.00
  Apr 5, 5, 10, 20      -> 4/4 = 100 %                met
Terms in force over the four periods: 2 breached periods, 500.00 of credit, no cap hit, no
chronic-breach rule (0 triggers).

Baseline, --periods 4 --share 0.75 (nearest rank, exact):
  achieved ascending 50, 75, 100, 100 (n = 4): min 50, p10 rank ceil(0.4) = 1 -> 50, median
  rank ceil(2) = 2 -> 75, p90 rank ceil(3.6) = 4 -> 100, max 100
  periods required ceil(0.75 x 4) = 3: the value at descending rank 3 = ascending rank 2 -> 75,
  floor to a whole percent -> recommended target 75; at 75 only Feb (50) breaches -> 1
  16 tickets ascending (min): 5 5 5 5 10 10 10 10 12 20 20 20 25 40 45 50; rank ceil(0.75 x 16)
  = 12 -> 20 min = 1200 s -> up to the next contract unit: 30m (1800 s); within 30m now: 13
Proposal (partial): target 95, tiers below 95 -> 30 %, below 60 -> 80 %, within 15m, cap 50 %
(500.00), chronic breach 2 within 3 periods:
  Jan 5, 10 within 15m -> 50 % < 60: 80 % = 800.00 -> capped at 500.00
  Feb 5, 10            -> 50 %: 800.00 -> 500.00 (cap hit)
  Mar 10, 12           -> 50 %: 800.00 -> 500.00 (cap hit)
  Apr 5, 5, 10         -> 75 % < 95: 30 % = 300.00
  uncapped 2700.00, paid 1800.00, 3 cap hits, 4 breached periods; chronic: Jan 1 breach in
  window (no), Feb 2 (yes), Mar 3 (yes), Apr 3 (yes) -> 3 triggers
Review pack of the Q1 review (closing 2026-03), baseline as of 2026-03 with the defaults (12
periods, share 0.9): achieved 100, 50, 75 (n = 3), ascending 50, 75, 100: min 50, median rank
ceil(1.5) = 2 -> 75, max 100; required ceil(0.9 x 3) = 3 -> ascending rank 1 -> 50 -> target
50; breaches now 2 (Feb, Mar), at 50: 0. Tickets Jan-Mar ascending: 5 5 10 10 10 12 20 20 25 40
45 50; rank ceil(0.9 x 12) = 11 -> 45 min = 2700 s -> up to 1h. What target 50 would have
cost: the tiers move by 50 - 90 = -40 to below 50 -> 10 %, below 20 -> 40 %; Jan 100, Feb 50
(not strictly below 50), Mar 75 cross none -> 0.00; in force Feb 400.00 + Mar 100.00 = 500.00.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pipeline_support import Scenario, copy_definitions, write_landing
from typer.testing import CliRunner

from orchestration.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()

AGREEMENT = """
id: neg
customer: Negotiating Customer
provider: Northwind
currency: EUR
period: monthly
calendar: uk-support-hours
versions:
  - version: 1
    effective_from: 2026-01-01
    monthly_fee: 1000.00
    objectives:
      - id: p1-response
        kind: first_response
        priority: P1
        within: 30m
        clock: 24x7
        target: 90
        credits: [{below: 90, credit_pct: 10}, {below: 60, credit_pct: 40}]
"""
PROPOSAL = """
agreement: neg
name: tighter response, lower cap
credit_cap_pct: 50
chronic_breach: {breaches: 2, within_periods: 3}
objectives:
  p1-response:
    target: 95
    within: 15m
    credits: [{below: 95, credit_pct: 30}, {below: 60, credit_pct: 80}]
"""
RESPONSE_MINUTES = {1: (5, 10, 20, 25), 2: (5, 10, 40, 50), 3: (10, 12, 20, 45), 4: (5, 5, 10, 20)}


def _tickets() -> str:
    rows = []
    for month, minutes in RESPONSE_MINUTES.items():
        for index, minute in enumerate(minutes):
            created = f"2026-{month:02d}-1{index}T10:00:00+00:00"
            answered = f"2026-{month:02d}-1{index}T10:{minute:02d}:00+00:00"
            resolved = f"2026-{month:02d}-1{index}T18:00:00+00:00"
            rows.append(f"T{month}{index},neg,P1,{created},{answered},{resolved},4")
    return "\n".join(rows)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    scenario = Scenario(tmp_path_factory.mktemp("negotiation"))
    copy_definitions(scenario.paths.definitions_dir, {"neg": AGREEMENT})
    write_landing(scenario.paths.landing_dir, {"tickets/t.csv": _tickets()})
    outcome = scenario.run("2026-01", "2026-04")
    assert outcome.success, outcome.reason
    (scenario.root / "tighter.yaml").write_text(PROPOSAL, encoding="utf-8")
    return scenario


def _paths(case: Scenario) -> list[str]:
    return [
        "--definitions", str(case.paths.definitions_dir),
        "--warehouse", str(case.paths.warehouse_path),
        "--reports", str(case.paths.reports_dir),
    ]  # fmt: skip


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def baseline(case: Scenario) -> list[dict[str, str]]:
    result = runner.invoke(
        app, ["baseline", "--agreement", "neg", "--periods", "4", "--share", "0.75", *_paths(case)]
    )
    assert result.exit_code == 0, result.output
    return _csv(case.paths.reports_dir / "baselines" / "neg.csv")


@pytest.fixture(scope="module")
def simulation(case: Scenario) -> dict[tuple[str, str], dict[str, str]]:
    result = runner.invoke(
        app, ["simulate", "--terms", str(case.root / "tighter.yaml"), "--periods", "4",
              *_paths(case)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = _csv(case.paths.reports_dir / "simulations" / "neg" / "tighter.csv")
    return {(row["period_key"], row["option"]): row for row in rows}


def test_baseline_distribution_and_recommendation(baseline: list[dict[str, str]]) -> None:
    [row] = baseline
    assert row["objective_id"] == "p1-response"
    assert (row["periods_counted"], row["first_period_key"], row["last_period_key"]) == (
        "4", "2026-01", "2026-04",
    )  # fmt: skip
    achieved = [float(row[f"achieved_{p}"]) for p in ("min", "p10", "median", "p90", "max")]
    assert achieved == [50.0, 50.0, 75.0, 100.0, 100.0]
    assert row["current_target"] == "90"
    assert row["recommended_target"] == "75"
    assert (row["periods_breached"], row["periods_breached_at_recommended"]) == ("2", "1")


def test_baseline_ticket_threshold(baseline: list[dict[str, str]]) -> None:
    [row] = baseline
    assert (row["priority"], row["clock"]) == ("P1", "24x7")
    assert (row["tickets_counted"], row["tickets_within_current"]) == ("16", "13")
    assert (row["current_within"], row["recommended_within"]) == ("30m", "30m")


def test_baseline_per_period_file(case: Scenario, baseline: list[dict[str, str]]) -> None:
    rows = _csv(case.paths.reports_dir / "baselines" / "neg-periods.csv")
    assert [(r["period_key"], float(r["actual"]), r["status"]) for r in rows] == [
        ("2026-01", 100.0, "met"),
        ("2026-02", 50.0, "breached"),
        ("2026-03", 75.0, "breached"),
        ("2026-04", 100.0, "met"),
    ]


def test_simulation_credits_to_the_cent(simulation: dict) -> None:
    proposed = [simulation[(f"2026-0{m}", "proposed")]["credit_amount"] for m in range(1, 5)]
    in_force = [simulation[(f"2026-0{m}", "in_force")]["credit_amount"] for m in range(1, 5)]
    assert proposed == ["500.00", "500.00", "500.00", "300.00"]
    assert in_force == ["0.00", "400.00", "100.00", "0.00"]
    assert simulation[("2026-01", "proposed")]["credit_amount_uncapped"] == "800.00"
    assert simulation[("total", "proposed")]["credit_amount"] == "1800.00"
    assert simulation[("total", "proposed")]["credit_amount_uncapped"] == "2700.00"
    assert simulation[("total", "in_force")]["credit_amount"] == "500.00"


def test_simulation_cap_hits_breaches_and_chronic_triggers(simulation: dict) -> None:
    # the cap (50 % of 1000.00) binds in Jan, Feb and Mar; chronic: Feb, Mar and Apr
    assert [simulation[(f"2026-0{m}", "proposed")]["cap_hits"] for m in range(1, 5)] == [
        "1", "1", "1", "0",
    ]  # fmt: skip
    assert simulation[("total", "proposed")]["cap_hits"] == "3"
    assert simulation[("total", "in_force")]["cap_hits"] == "0"
    assert [simulation[(f"2026-0{m}", "proposed")]["chronic_triggers"] for m in range(1, 5)] == [
        "0", "1", "1", "1",
    ]  # fmt: skip
    assert simulation[("total", "in_force")]["chronic_triggers"] == "0"
    assert simulation[("total", "proposed")]["objectives_breached"] == "4"
    assert simulation[("total", "in_force")]["objectives_breached"] == "2"


def test_simulation_writes_html_and_publishes_nothing(case: Scenario, simulation: dict) -> None:
    page = (case.paths.reports_dir / "simulations" / "neg" / "tighter.html").read_text("utf-8")
    assert "tighter response, lower cap" in page and "<svg" in page
    assert page.count('class="proposed"') == 4 and page.count('class="in_force"') == 4
    # the real warehouse still holds the terms in force
    assert case.query(
        "select sum(credit_amount) from marts.agreement_credits where agreement_id = 'neg'"
    ) == [(500,)]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["baseline", "--agreement", "nope"], "--agreement: no agreement 'nope' (known: neg)"),
        (["baseline", "--agreement", "neg", "--share", "1.5"], "--share: 1.5 must be a fraction"),
        (["baseline", "--customer", "Negotiating Customer"], "--priority: a customer baseline"),
    ],
)
def test_usage_errors_exit_2_with_one_line(case: Scenario, arguments, message) -> None:
    result = runner.invoke(app, [*arguments, *_paths(case)])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_proposal_validated_strictly(case: Scenario) -> None:
    bad = case.root / "bad.yaml"
    bad.write_text("agreement: neg\nobjectives:\n  p1-responce: {target: 95}\n", "utf-8")
    result = runner.invoke(app, ["simulate", "--terms", str(bad), *_paths(case)])
    assert result.exit_code == 2
    assert f"{bad}: objectives.p1-responce: agreement neg has no such objective" in result.output
    bad.write_text("agreement: neg\ncredit_cap: 20\n", "utf-8")
    result = runner.invoke(app, ["simulate", "--terms", str(bad), *_paths(case)])
    assert result.exit_code == 2
    assert f"{bad}: credit_cap: unknown field" in result.output


def test_review_pack_targets_for_the_next_term(case: Scenario) -> None:
    [row] = case.query(
        "select review_period_key, periods_counted, achieved_min, achieved_median, achieved_max,"
        " recommended_target, periods_breached, periods_breached_at_recommended,"
        " current_within_seconds, recommended_within_seconds"
        " from marts.rpt_review_next_term_targets where agreement_id = 'neg'"
    )
    assert row == ("2026-03", 3, 50, 75, 100, 50, 2, 0, 1800, 3600)
    packs = case.paths.reports_dir / "2026-03" / "latest" / "review_packs"
    # the recommended targets are the provider's negotiating position: the internal pack only
    assert "Targets for the next term" not in (packs / "neg.html").read_text(encoding="utf-8")
    page = (packs / "neg.internal.html").read_text(encoding="utf-8")
    assert "Targets for the next term" in page
    assert "From the last 3 measured periods up to 2026-03" in page
    assert "≥ 50 %" in page and "30 min / 1 h" in page


def test_review_pack_prices_the_recommended_target(case: Scenario) -> None:
    [row] = case.query(
        "select currency, credit_amount_in_force, credit_amount_at_recommended"
        " from marts.rpt_review_next_term_targets where agreement_id = 'neg'"
    )
    assert row == ("EUR", 500, 0)  # module docstring: Feb 400.00 + Mar 100.00; none at 50
    page = case.paths.reports_dir / "2026-03" / "latest" / "review_packs" / "neg.internal.html"
    text = page.read_text(encoding="utf-8")
    assert "Credits now / at recommended (EUR)" in text and "500.00 / 0.00" in text
