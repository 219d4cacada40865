"""`sla explain` on a hand-computed March 2026 (tests/cli_reports_support.py holds the rows).

uptime (availability of svc-x, UTC, so March has 31 x 1440 = 44,640 minutes):
- maintenance W1 20 Mar 02:00-03:00 announced 5 days (432,000 s) ahead >= 48 h (172,800 s):
  applied, 60 minutes excluded; W2 25 Mar 00:00-00:30 announced 12 h (43,200 s) ahead: refused
- agreed = 44,640 - 60 = 44,580; no probe on 28 Mar 00:00-01:59: 120 unknown minutes, so
  44,580 - 120 = 44,460 minutes with data; coverage 44,460 / 44,580 = 99.7308 %
- outages: 50 min (counted), 3 min (< 5: not counted), 30 min inside W1 (not agreed time),
  10 min inside W2 (refused window: counted) -> downtime 50 + 10 = 60
- actual (44,580 - 60) / 44,580 x 100 = 99.86541... -> 99.8654 % < 99.9: tier 1, 10 % of
  1000.00 = 100.00
p1-response (P1 first response within 30 min = 1800 s, evaluated at 1 Apr 00:00 UTC):
- T1 1200 s within; T2 45 min - 20 min pending_customer = 2700 - 1200 = 1500 s within;
  T3 3600 s breached; T5 never answered: 23:00 -> 1 Apr 00:00 = 3600 s, breached at 23:30
- T4 (23:50, answered after the evaluation time) has used 600 s: not counted yet; T6 (P9) was
  quarantined -> 2 of 4 within = 50 % < 90: 30 % of 1000.00 = 300.00
credit: cap 20 % of 1000.00 = 200.00, shared pro rata to the uncapped credits (100.00 + 300.00
= 400.00): uptime 200.00 x 100 / 400 = 50.00, p1-response 200.00 x 300 / 400 = 150.00 (whole
cents, nothing left to distribute); 400.00 before the cap, 200.00 paid (>= the minimum 5.00).
"""

# the expected terminal lines are kept whole, as a reader sees them
# ruff: noqa: E501

from __future__ import annotations

import csv
import json

import pytest
from cli_reports_support import build
from pipeline_support import Scenario
from typer.testing import CliRunner

from orchestration.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    scenario = build(Scenario(tmp_path_factory.mktemp("explain")), with_april=False)
    outcome = scenario.run("2026-03")
    assert outcome.success, outcome.reason
    return scenario


def _explain(case: Scenario, objective: str, *extra: str):
    return runner.invoke(
        app,
        ["explain", "--agreement", "explain-co", "--period", "2026-03", "--objective", objective,
         "--warehouse", str(case.paths.warehouse_path), *extra],
    )  # fmt: skip


CREDIT_TOTAL = (
    "agreement period: 400.00 before the cap of 200.00, 200.00 after it, 200.00 EUR paid"
    " (minimum 5.00)"
)
TERMS = [
    "agreement version 1 in force: from 2026-03-01, open-ended",
    "  fee 1000.00 EUR for the period (monthly 1000.00), credit cap 20 %, minimum credit 5.00",
]


def test_explain_availability_text(case: Scenario) -> None:
    result = _explain(case, "uptime")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "explain-co 2026-03 uptime (availability)",
        *TERMS,
        "  objective: target 99.9 % of service svc-x; outages count from 5 min; maintenance"
        " excluded with 172800 s notice",
        "  credit tiers: 1: below 99.9 -> 10 %; 2: below 99 -> 25 %",
        "result: actual 99.8654 %, target 99.9 %: breached (red), sample 44460, coverage"
        " 99.7308 %",
        "minutes: period 44640 - maintenance excluded 60 = agreed 44580; with probe data 44460,"
        " unknown 120",
        "down minutes counted: 60 (in runs shorter than 5 min, not counted: 3)",
        "outages: 4",
        "  started (UTC)        ended (UTC)          minutes  in maintenance  in agreed time  counted",
        "  2026-03-10 10:00:00  2026-03-10 10:50:00       50               0              50       50",
        "  2026-03-12 08:00:00  2026-03-12 08:03:00        3               0               3        0",
        "  2026-03-20 02:00:00  2026-03-20 02:30:00       30              30               0        0",
        "  2026-03-25 00:00:00  2026-03-25 00:10:00       10               0              10       10",
        "maintenance windows: 2",
        "  starts (UTC)         ends (UTC)           announced (UTC)      notice s  required s  exclusion",
        "  2026-03-20 02:00:00  2026-03-20 03:00:00  2026-03-15 02:00:00    432000      172800  applied",
        "  2026-03-25 00:00:00  2026-03-25 00:30:00  2026-03-24 12:00:00     43200      172800  refused: notice too short",
        "tier matched: 1 (below 99.9 -> 10 % of 1000.00)",
        "credit: 100.00 EUR before the cap, 50.00 after the cap (capped: yes), 50.00 paid after"
        " the minimum (below minimum: no)",
        CREDIT_TOTAL,
        "adjustments: none",
    ]  # fmt: skip


def test_explain_ticket_objective_text(case: Scenario) -> None:
    result = _explain(case, "p1-response")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "explain-co 2026-03 p1-response (first_response)",
        *TERMS,
        "  objective: target 90 % of P1 tickets within 1800 s on the 24x7 clock",
        "  credit tiers: 1: below 90 -> 30 %",
        "result: actual 50 %, target 90 %: breached (red), sample 4",
        "tickets counted: 4",
        "  ticket  start (UTC)          stop (UTC)           paused s  clock s  threshold s  verdict",
        "  T1      2026-03-03 09:00:00  2026-03-03 09:20:00         0     1200         1800  within",
        "  T2      2026-03-05 10:00:00  2026-03-05 10:45:00      1200     1500         1800  within",
        "  T3      2026-03-07 12:00:00  2026-03-07 13:00:00         0     3600         1800  breached",
        "  T5      2026-03-31 23:00:00  -                           0     3600         1800  breached",
        "tickets left out: 2",
        "  ticket  start (UTC)          why",
        "  T6      2026-03-15 08:00:00  quarantined: priority is not one of P1, P2, P3, P4",
        "  T4      2026-03-31 23:50:00  not counted yet: within its allowance at the evaluation time",
        "tier matched: 1 (below 90 -> 30 % of 1000.00)",
        "credit: 300.00 EUR before the cap, 150.00 after the cap (capped: yes), 150.00 paid after"
        " the minimum (below minimum: no)",
        CREDIT_TOTAL,
        "adjustments: none",
    ]  # fmt: skip


def test_explain_ticket_objective_json(case: Scenario) -> None:
    result = _explain(case, "p1-response", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["terms"]["version"] == 1
    assert data["terms"]["within_seconds"] == 1800
    assert data["terms"]["clock"] == "24x7"
    assert data["credit_tiers"] == [
        {"tier_rank": 1, "comparator": "below", "threshold": "90.0000", "credit_pct": "30.0000"}
    ]
    assert data["figure"]["actual"] == "50.0000"  # 2 of 4 within
    assert data["figure"]["status"] == "breached"
    counted = {
        t["ticket_id"]: (t["paused_seconds"], t["elapsed_seconds"], t["deadline_at"], t["verdict"])
        for t in data["tickets_counted"]
    }
    assert counted == {
        "T1": ("0.000000", "1200.000000", "2026-03-03T09:30:00", "met"),
        # the 20 paused minutes move the deadline from 10:30 to 10:50
        "T2": ("1200.000000", "1500.000000", "2026-03-05T10:50:00", "met"),
        "T3": ("0.000000", "3600.000000", "2026-03-07T12:30:00", "breached"),
        "T5": ("0.000000", "3600.000000", "2026-03-31T23:30:00", "breached"),
    }
    assert [(t["ticket_id"], t["left_out_reason"]) for t in data["tickets_left_out"]] == [
        ("T6", "quarantined: priority is not one of P1, P2, P3, P4"),
        ("T4", "not counted yet: within its allowance at the evaluation time"),
    ]
    assert data["tickets_left_out"][1]["elapsed_seconds"] == "600.000000"  # 23:50 -> 00:00
    assert data["credit"] == {
        "tier_rank": 1, "tier_comparator": "below", "tier_threshold": "90.0000",
        "credit_pct": "30.0000", "fee_amount": "1000.00", "credit_amount_uncapped": "300.00",
        "credit_amount_capped": "150.00", "credit_amount": "150.00", "currency": "EUR",
        "is_capped": True, "is_below_minimum": False,
    }  # fmt: skip
    assert data["agreement_credit"]["cap_amount"] == "200.00"  # 20 % of 1000.00
    assert data["agreement_credit"]["credit_amount"] == "200.00"
    assert data["adjustments"] == []


def test_explain_availability_json(case: Scenario) -> None:
    result = _explain(case, "uptime", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["minutes"] == {
        "period_minutes": 44640, "excluded_minutes": 60, "agreed_minutes": 44580,
        "data_minutes": 44460, "unknown_minutes": 120, "down_minutes": 60,
        "short_down_minutes": 3, "min_downtime_minutes": 5,
    }  # fmt: skip
    assert [
        (o["started_at"], o["outage_minutes"], o["maintenance_minutes"], o["counted_down_minutes"])
        for o in data["outages"]
    ] == [
        ("2026-03-10T10:00:00", 50, 0, 50),
        ("2026-03-12T08:00:00", 3, 0, 0),
        ("2026-03-20T02:00:00", 30, 30, 0),
        ("2026-03-25T00:00:00", 10, 0, 10),
    ]
    assert [(w["starts_at"], w["is_excluded"]) for w in data["maintenance"]] == [
        ("2026-03-20T02:00:00", True),
        ("2026-03-25T00:00:00", False),
    ]
    assert data["figure"]["actual"] == "99.8654"  # 44,520 / 44,580 x 100 = 99.86541...
    assert data["figure"]["coverage_pct"] == "99.7308"  # 44,460 / 44,580 x 100
    # 10 % of 1000.00 = 100.00 before the cap; its pro-rata share of the 200.00 cap: 50.00
    assert data["credit"]["credit_amount"] == "50.00"
    assert data["credit"]["is_capped"] is True


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--agreement", "nobody"], "unknown agreement 'nobody'"),
        (["--period", "2027-01"], "agreement 'explain-co' has no period '2027-01'"),
        (["--objective", "speed"], "has no objective 'speed' in 2026-03 (objectives: uptime,"),
    ],
)
def test_explain_unknown_names_one_line_exit_2(case: Scenario, args, words) -> None:
    given = {"--agreement": "explain-co", "--period": "2026-03", "--objective": "uptime"}
    given.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = runner.invoke(
        app,
        ["explain", *[part for pair in given.items() for part in pair],
         "--warehouse", str(case.paths.warehouse_path)],
    )  # fmt: skip
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and words in lines[0], result.output


def test_explain_figures_are_the_published_ones(case: Scenario) -> None:
    # the published credits file and `sla explain` read the same marts: the same figures
    with (case.paths.reports_dir / "2026-03" / "latest" / "credits.csv").open(
        encoding="utf-8-sig"
    ) as file:
        published = {
            row["objective_id"]: (
                row["actual"],
                row["credit_amount_uncapped"],
                row["credit_amount"],
            )
            for row in csv.DictReader(file)
            if row["row_type"] == "objective"
        }
    explained = {}
    for objective in ("uptime", "p1-response"):
        data = json.loads(_explain(case, objective, "--json").output)
        explained[objective] = (
            data["figure"]["actual"],
            data["credit"]["credit_amount_uncapped"],
            data["credit"]["credit_amount"],
        )
    assert (
        published
        == explained
        == {
            "uptime": ("99.8654", "100.00", "50.00"),
            "p1-response": ("50.0000", "300.00", "150.00"),
        }
    )
