"""The review pack's view model (model.py) from a hand-written context: every section's text.

The context has the shape ``review_data.review_contexts`` returns; the expected texts are written
out by hand, so a change of wording or formatting in the model shows here.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

from orchestration.lib.publish.formatting import format_allowance, format_business_hours
from orchestration.lib.review_pack.model import Cell, SummaryLine, review_pack_model
from orchestration.lib.review_pack.recommendations import HistoryPoint, Recommendation

UTC = dt.UTC
KEYS = ["2026-01", "2026-02", "2026-03"]


def _cell(actual: str | None, rating: str, is_warning: bool = False) -> dict[str, object]:
    return {
        "actual": None if actual is None else Decimal(actual),
        "rating": rating,
        "is_warning": is_warning,
        "is_verdict_certain": True,
    }


def _objective() -> dict[str, object]:
    cells = {
        "2026-01": _cell("99.9500", "green"),
        "2026-02": _cell("99.5000", "red"),
        "2026-03": _cell("99.9200", "amber", is_warning=True),
    }
    return {
        "objective_id": "availability",
        "objective_name": "Web availability",
        "kind": "availability",
        "unit": "%",
        "is_higher_better": True,
        "target": Decimal("99.9000"),
        "priority": None,
        "service_id": "web-api",
        "cells": cells,
        "cells_in_order": [cells[k] for k in KEYS],
        "latest": cells["2026-03"],
        "breached_periods": ["2026-02"],
    }


def _response() -> dict[str, object]:
    # a new objective from February: not in force in January
    cells = {"2026-02": _cell("50.0000", "red"), "2026-03": _cell(None, "grey")}
    return {
        "objective_id": "p1-first-response",
        "objective_name": "P1 first response",
        "kind": "first_response",
        "unit": "%",
        "is_higher_better": True,
        "target": Decimal("95.0000"),
        "priority": "P1",
        "service_id": None,
        # the allowance: when the objective row carries it, its terms name it
        "within_seconds": 1800,
        "clock": "24x7",
        "cells": cells,
        "cells_in_order": [None, cells["2026-02"], cells["2026-03"]],
        "latest": cells["2026-03"],
        "breached_periods": ["2026-02"],
    }


def context() -> dict[str, object]:
    availability, response = _objective(), _response()
    return {
        "agreement": {
            "agreement_id": "acme-hosting",
            "customer": "ACME <Corp>",
            "provider": "Northwind",
            "currency": "EUR",
            "review_cadence": "quarterly",
            "period": "monthly",
            "definitions_sha256": "ab12",
        },
        "responsibilities": {"provider": ["operate web-api"]},
        "escalation": [
            {"level": 1, "role": "service desk", "contact": "desk@nw.example", "within": "30m"},
            {"level": 2, "role": "delivery manager", "contact": "sdm@nw.example"},
        ],
        "review": SimpleNamespace(review_start=dt.date(2026, 1, 1)),
        "review_last_day": dt.date(2026, 3, 31),
        "period_label": "2026-01 – 2026-03",
        "versions": [
            {
                "version": 1,
                "effective_from": dt.date(2025, 1, 1),
                "effective_to": dt.date(2026, 1, 31),
                "monthly_fee": Decimal("12000"),
                "credit_cap_pct": Decimal("30.00"),
            },
            {
                "version": 2,
                "effective_from": dt.date(2026, 2, 1),
                "effective_to": None,
                "monthly_fee": Decimal("12500.5"),
                "credit_cap_pct": Decimal("25.50"),
            },
        ],
        "generated_at": dt.datetime(2026, 4, 2, 6, 5, tzinfo=UTC),
        "objectives": [availability, response],
        "period_keys": KEYS,
        "history": {
            "availability": [
                HistoryPoint("2026-01", "met", Decimal("99.9"), Decimal("99.95"), "%"),
                HistoryPoint("2026-02", "breached", Decimal("99.9"), Decimal("99.5"), "%"),
                HistoryPoint("2026-03", "met", Decimal("99.9"), Decimal("99.92"), "%"),
            ],
            # two periods only: a table, not a chart
            "p1-first-response": [
                HistoryPoint("2026-02", "breached", Decimal("95"), Decimal("50"), "%"),
                HistoryPoint("2026-03", "insufficient_data", Decimal("95"), None, "%"),
            ],
        },
        "drivers": [
            {
                "objective": availability,
                "outages": [
                    {
                        "started_at": dt.datetime(2026, 2, 4, 18, 31, tzinfo=UTC),
                        "ended_at": dt.datetime(2026, 2, 4, 19, 8, tzinfo=UTC),
                        "down_minutes": 37,
                        "is_counted": True,
                    },
                    {
                        "started_at": dt.datetime(2026, 2, 5, 1, 0, tzinfo=UTC),
                        "ended_at": dt.datetime(2026, 2, 5, 1, 1, tzinfo=UTC),
                        "down_minutes": 1,
                        "is_counted": False,
                    },
                ],
                "tickets": [],
            },
            {
                "objective": response,
                "outages": [],
                "tickets": [
                    {
                        "ticket_id": "TKT-1",
                        "priority": "P1",
                        "created_at": dt.datetime(2026, 2, 12, 3, 9, tzinfo=UTC),
                        "elapsed_seconds": 2400,
                        "allowed_seconds": 1800,
                        "overrun_seconds": 600,
                        "paused_seconds": 0,
                        "clock": "24x7",
                    },
                    {
                        "ticket_id": "TKT-2",
                        "priority": "P1",
                        "created_at": dt.datetime(2026, 2, 2, 9, 0, tzinfo=UTC),
                        "elapsed_seconds": Decimal("1209000.000000"),
                        "allowed_seconds": 28800,
                        "overrun_seconds": Decimal("1180200.000000"),
                        "paused_seconds": Decimal("5400.000000"),
                        "clock": "business",
                    },
                ],
            },
        ],
        "maintenance": [
            {
                "service_id": "web-api",
                "starts_at": dt.datetime(2026, 3, 28, 3, 30, tzinfo=UTC),
                "ends_at": dt.datetime(2026, 3, 28, 4, 30, tzinfo=UTC),
                "announced_at": dt.datetime(2026, 3, 27, 21, 5, tzinfo=UTC),
                "notice_seconds": 23100,
                "required_notice_seconds": 172800,
                "is_excluded": False,
                # 03:30-04:30 = 60 minutes, all counted: the notice was short
                "excluded_minutes": 0,
                "counted_minutes": 60,
                "late_notice_minutes": 60,
                "outside_window_minutes": 0,
                "beyond_cap_minutes": 0,
            }
        ],
        "credits": {
            "objectives": [
                {
                    "period_key": "2026-02",
                    "objective_name": None,
                    "objective_id": "availability",
                    "actual": Decimal("99.5000"),
                    "unit": "%",
                    "tier_rank": 1,
                    "tier_comparator": "below",
                    "tier_threshold": Decimal("99.9"),
                    "credit_pct": Decimal("10.00"),
                    "credit_amount_uncapped": Decimal("1250.05"),
                    "penalty_per": None,
                    "penalty_unit_amount": None,
                    "penalty_breaches": None,
                    "is_penalty_outside_cap": None,
                    "penalty_amount_uncapped": None,
                },
                {
                    "period_key": "2026-02",
                    "objective_name": "P1 first response",
                    "objective_id": "p1-first-response",
                    "actual": Decimal("50.0000"),
                    "unit": "%",
                    "tier_rank": None,
                    "tier_comparator": None,
                    "tier_threshold": None,
                    "credit_pct": Decimal("0"),
                    "credit_amount_uncapped": Decimal("0"),
                    "penalty_per": "breach",
                    "penalty_unit_amount": Decimal("200.00"),
                    "penalty_breaches": 3,
                    "is_penalty_outside_cap": False,
                    "penalty_amount_uncapped": Decimal("600.00"),
                },
            ],
            "totals": [
                {
                    "period_key": "2026-02",
                    "fee_amount": Decimal("12500.50"),
                    "credit_amount_uncapped": Decimal("1250.05"),
                    "cap_amount": Decimal("3187.63"),
                    "cap_pct": Decimal("25.50"),
                    "credit_amount": Decimal("1250.05"),
                    "is_capped": False,
                    "is_below_minimum": False,
                    "penalty_amount": Decimal("600.00"),
                    "amount_owed": Decimal("1850.05"),
                },
                {
                    "period_key": "2026-03",
                    "fee_amount": Decimal("12500.50"),
                    "credit_amount_uncapped": Decimal("100"),
                    "cap_amount": Decimal("50"),
                    "cap_pct": Decimal("0.40"),
                    "credit_amount": Decimal("50"),
                    "is_capped": True,
                    "is_below_minimum": False,
                    "penalty_amount": Decimal("0.00"),
                    "amount_owed": Decimal("50.00"),
                },
            ],
        },
        "chronic": [
            {
                "objective_name": "Web availability",
                "objective_id": "availability",
                "rule": "same_objective",
                "objectives": "availability",
                "period_key": "2026-03",
                "breaches_in_window": 3,
                "breaches_required": 3,
                "window_periods": 6,
                "has_termination_right": True,
                "breach_period_keys": "2025-11,2025-12,2026-02",
            },
            {
                # issue 13: a rule always has its requirement; no rule, no row
                "objective_name": None,
                "objective_id": "p1-first-response",
                "rule": "same_objective",
                "objectives": "p1-first-response",
                "period_key": "2026-03",
                "breaches_in_window": 1,
                "breaches_required": 3,
                "window_periods": 6,
                "has_termination_right": False,
                "breach_period_keys": "2026-02",
                "is_at_risk": False,
            },
        ],
        "coverage_notes": [
            {
                "period_key": "2026-03",
                "objective_name": "P1 first response",
                "sample_size": None,
                "coverage_pct": None,
                "rating": "grey",
            },
            {
                "period_key": "2026-01",
                "objective_name": "Web availability",
                "sample_size": 44340,
                "coverage_pct": Decimal("99.8600"),
                "rating": "green",
            },
        ],
        "quarantine": {
            "total": 3,
            "counts": [
                {
                    "source": "tickets",
                    "reason": "created_at has no UTC offset",
                    "reason_code": "naive_timestamp",
                    "row_count": 3,
                }
            ],
            "examples": [
                {
                    "source": "tickets",
                    "source_file": "tickets/t.csv",
                    "source_row": 4,
                    "reason_code": "naive_timestamp",
                    "reason": "created_at has no UTC offset",
                }
            ],
        },
        "recommendations": [
            Recommendation("availability", "capacity", "Web availability: breached 3 times.")
        ],
        "action_items": [
            {
                "description": "Add a probe <b>before</b> Q2",
                "raised_on": dt.date(2025, 12, 15),
                "owner": "Northwind ops",
                "target_date": dt.date(2026, 4, 30),
                "status": "in_progress",
            },
            {
                "description": "Name a service owner",
                "raised_on": None,
                "owner": None,
                "target_date": None,
                "status": "open",
            },
            {
                "description": "Review the on-call rota",
                "raised_on": dt.date(2026, 1, 10),
                "owner": "ACME IT",
                "target_date": dt.date(2026, 3, 15),
                "status": "open",
            },
        ],
        "empty_action_rows": 4,
    }


def _texts(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[cell.text or cell.code for cell in row] for row in table.rows]


def test_cover_states_the_agreement_its_window_and_its_versions():
    cover = review_pack_model(context()).cover
    assert cover.title == "SLA review – ACME <Corp> – 2026-01 – 2026-03"
    assert cover.running == "SLA review · ACME <Corp> · 2026-01 – 2026-03"
    assert cover.kicker == "Service level review · quarterly review"
    assert cover.subtitle_lead == "with Northwind · agreement"
    assert cover.circulated.startswith("on 2026-04-02 – data as of 2026-04-02 06:05 UTC. ")
    pairs = [(f.label, f.lines) for pair in cover.fact_pairs for f in pair]
    assert pairs == [
        ("Customer", ("ACME <Corp>",)),
        ("Provider", ("Northwind",)),
        ("Review window", ("2026-01-01 to 2026-03-31",)),
        ("Periods", ("2026-01, 2026-02, 2026-03 (monthly)",)),
    ]
    versions, definitions = cover.wide_facts
    # 12000 -> grouped with two places; 12500.5 -> 12,500.50; 25.50 % trimmed to 25.5 %
    assert versions.lines == (
        "v1: in force from 2025-01-01 to 2026-01-31, fee 12,000.00 EUR/month, credit cap 30 %",
        "v2: in force from 2026-02-01, fee 12,500.50 EUR/month, credit cap 25.5 %",
    )
    assert (definitions.lines, definitions.is_code) == (("sha256 ab12",), True)


def test_the_summary_leads_with_rating_breaches_credits_rights_and_overdue_actions():
    summary = review_pack_model(context()).summary
    assert summary.heading == "Summary of 2026-01 – 2026-03"
    assert [(item.label, item.lines) for item in summary.items] == [
        (
            "Overall rating",
            # both objectives' worst period is breached (February)
            (
                SummaryLine(
                    "2 objectives, each by its worst period: 2 breached",
                    tag="red",
                    tag_text="breached",
                ),
            ),
        ),
        (
            "Breaches",
            (
                SummaryLine(
                    "web-api available at least 99.9 % of the agreed time: 99.5 % in 2026-02"
                ),
                # within_seconds 1800 = 30 min
                SummaryLine("P1 first response within 30 min, 95 % of tickets: 50 % in 2026-02"),
            ),
        ),
        # 1,250.05 (February) + 50.00 (March, capped) = 1,300.05; penalties 600.00 + 0.00
        (
            "Credits payable",
            (
                SummaryLine(
                    "1,300.05 EUR · penalties 600.00 EUR beside the credits"
                    " · the credit cap bound in 2026-03"
                ),
            ),
        ),
        (
            "Termination rights",
            (
                SummaryLine(
                    "Web availability: 3 breaches within 6 periods (2025-11, 2025-12, 2026-02), "
                    "as of 2026-03 · deadline: not set in the agreement",
                    tag="red",
                    tag_text="termination right",
                ),
            ),
        ),
        (
            "Overdue action items",
            # target 2026-03-15 < 2026-03-31 (the review's last day), open; 2026-04-30 is not
            # due yet and the item without a target date is never overdue
            (
                SummaryLine(
                    "Review the on-call rota (ACME IT): target 2026-03-15",
                    tag="red",
                    tag_text="overdue",
                ),
            ),
        ),
    ]


def test_the_summary_names_a_deadline_the_context_carries_and_says_when_nothing_arose():
    given = context()
    given["chronic"][0]["exercise_by"] = dt.date(2026, 4, 30)
    rights = review_pack_model(given).summary.items[3]
    assert rights.lines[0].text.endswith("as of 2026-03 · deadline: 2026-04-30")
    assert review_pack_model(given).credits.chronic.rows[0][-1] == Cell("2026-04-30")
    given["chronic"][0]["has_termination_right"] = False
    given["action_items"] = given["action_items"][:2]
    items = review_pack_model(given).summary.items
    assert items[3].lines == (SummaryLine("none arisen"),)
    assert items[4].lines == (SummaryLine("none"),)


def test_objective_terms_without_the_allowance_and_for_every_kind():
    given = context()
    del given["objectives"][1]["within_seconds"]
    rows = review_pack_model(given).scorecard.rows
    assert rows[1].detail == "P1 first response, 95 % of tickets"
    latency = {
        **given["objectives"][0],
        "kind": "latency_p95",
        "unit": "ms",
        "is_higher_better": False,
        "target": Decimal("800"),
        "service_id": "search-api",
    }
    csat = {**latency, "kind": "csat", "unit": "score", "target": Decimal("4.0")}
    resolution = {
        **given["objectives"][1],
        "kind": "resolution",
        "priority": "P2",
        "within_seconds": 28800,
        "clock": "business",
    }
    given["objectives"] = [latency, csat, resolution]
    assert [row.detail for row in review_pack_model(given).scorecard.rows] == [
        "search-api p95 latency at most 800 ms",
        "mean satisfaction score at least 4",
        # 28800 s = 8 h on the business clock
        "P2 resolution within 8 h (business hours), 95 % of tickets",
    ]


def test_durations_are_written_in_their_unit():
    # 1209000 s / 3600 = 335.833 -> 335.8; 1800 s = 0.5 h; 180 s = 0.05 h -> 0.1 (half up)
    assert format_business_hours(Decimal("1209000.000000")) == "335.8"
    assert format_business_hours(1800) == "0.5"
    assert format_business_hours(180) == "0.1"
    assert format_business_hours(None) == "–"
    # 5400 s = 1 h 30 min; 172800 s = 2 d; 90000 s = 1 d 1 h
    assert [format_allowance(s) for s in (1800, 28800, 5400, 172800, 90000, 30)] == [
        "30 min",
        "8 h",
        "1 h 30 min",
        "2 d",
        "1 d 1 h",
        "30 s",
    ]


def test_scorecard_formats_every_cell():
    scorecard = review_pack_model(context()).scorecard
    assert scorecard.columns == ("Objective", "Target", "2026-01", "2026-02", "2026-03")
    availability, response = scorecard.rows
    assert (availability.name, availability.detail, availability.target) == (
        "Web availability",
        "web-api available at least 99.9 % of the agreed time",
        "≥ 99.9 %",
    )
    assert [(c.text, c.word, c.rating) for c in availability.cells if c] == [
        ("99.95 %", "met", "green"),
        ("99.5 %", "breached", "red"),
        ("99.92 %", "met, near target", "amber"),
    ]
    assert response.detail == "P1 first response within 30 min, 95 % of tickets"
    # not in force in January; no data in March
    assert response.cells[0] is None
    assert [(c.text, c.word) for c in response.cells[1:] if c] == [
        ("50 %", "breached"),
        ("–", "insufficient data"),
    ]
    assert [item.label for item in scorecard.legend] == [
        "met",
        "met, but inside the objective's warning margin",
        "breached",
        "insufficient data (never a breach)",
    ]


def test_contacts_list_both_sides_and_the_escalation_path():
    contacts = review_pack_model(context()).contacts
    assert [(s.who, s.items) for s in contacts.sides] == [
        ("Northwind (provider)", ("operate web-api",)),
        ("ACME <Corp> (customer)", ()),
    ]
    assert contacts.sides[1].empty == "none listed"
    assert _texts(contacts.escalation) == [
        ["1", "service desk", "desk@nw.example", "30m"],
        ["2", "delivery manager", "sdm@nw.example", "–"],
    ]


def test_trends_draw_a_chart_from_three_periods_and_a_table_below():
    trends = review_pack_model(context()).trends
    assert trends.heading == "Trends over the last 3 periods"
    assert [(item.label, item.colour) for item in trends.legend] == [
        ("actual", "#1565c0"),
        ("target (steps when a new agreement version changes it)", "#37474f"),
        ("met", "#2e7d32"),
        ("met, near target", "#f9a825"),
        ("breached", "#c62828"),
        ("insufficient data", "#9e9e9e"),
    ]
    # availability has 3 periods: a chart; P1 first response only 2: rows of a table
    (chart,) = trends.charts
    assert chart.caption == "target ≥ 99.9 % · latest 99.92 % (met, near target)"
    assert chart.svg.startswith("<svg ")
    assert ">Web availability</text>" in chart.svg
    # March is met inside the warning margin: its dot is amber (#f9a825)
    assert chart.svg.count('fill="#f9a825"') == 1
    assert chart.data_uri.startswith("data:image/svg+xml;base64,")
    assert trends.table_lead == "Fewer than 3 periods of history: the figures, not a chart."
    assert _texts(trends.table) == [
        ["P1 first response", "2026-02", "50 %", "≥ 95 %", "breached"],
        ["P1 first response", "2026-03", "–", "≥ 95 %", "insufficient data"],
    ]
    assert [row[-1].tag for row in trends.table.rows] == ["red", "grey"]


def test_a_pack_of_one_period_draws_no_chart():
    given = context()
    given["history"] = {"availability": given["history"]["availability"][-1:]}
    trends = review_pack_model(given).trends
    assert trends.heading == "Trends over the last 1 period"
    assert trends.charts == ()
    assert _texts(trends.table) == [
        ["Web availability", "2026-03", "99.92 %", "≥ 99.9 %", "met, near target"],
        ["P1 first response", "–", "–", "≥ 95 %", "no history"],
    ]


def test_drivers_show_outages_tickets_and_maintenance():
    drivers = review_pack_model(context()).drivers
    outages, tickets = drivers.items
    assert (outages.name, outages.tag) == ("Web availability", "breached 2026-02")
    assert _texts(outages.table) == [
        ["2026-02-04 18:31", "2026-02-04 19:08", "37", "yes"],
        ["2026-02-05 01:00", "2026-02-05 01:01", "1", "no, shorter than the minimum"],
    ]
    # 24x7: 2400 s = 40m, 1800 s = 30m, 600 s = 10m. Business: 1209000 s / 3600 = 335.8 h,
    # 28800 s = 8.0 h, 1180200 s = 327.8 h, 5400 s = 1.5 h (in business hours, not as days)
    assert _texts(tickets.table) == [
        ["TKT-1", "P1", "2026-02-12 03:09", "40m", "30m", "10m", "0s", "24x7"],
        ["TKT-2", "P1", "2026-02-02 09:00", "335.8", "8.0", "327.8", "1.5", "business"],
    ]
    # the unit under each business figure; none under calendar durations
    assert [cell.detail for cell in tickets.table.rows[1][3:7]] == ["business hours"] * 4
    assert [cell.detail for cell in tickets.table.rows[0][3:7]] == [""] * 4
    assert tickets.table.rows[0][0] == Cell(code="TKT-1")
    assert [c.label for c in tickets.table.columns if c.kind == "num"] == [
        "Elapsed",
        "Allowed",
        "Overrun",
        "Paused",
    ]
    # 23100 s = 6h 25m notice against 172800 s = 2d required: announced too late
    assert _texts(drivers.maintenance) == [
        [
            "web-api",
            "2026-03-28 03:30",
            "2026-03-28 04:30",
            "2026-03-27 21:05",
            "6h 25m",
            "2d",
            "no: announced too late",
        ]
    ]
    assert drivers.maintenance.rows[0][-1].tag == "red"


def test_credits_show_tiers_totals_and_chronic_breaches():
    credits = review_pack_model(context()).credits
    assert credits.objectives.columns[-1].label == "Credit (EUR)"
    assert _texts(credits.objectives) == [
        ["2026-02", "availability", "99.5 %", "tier 1: below 99.9 %", "10 %", "1,250.05"],
        ["2026-02", "P1 first response", "50 %", "no tier applies", "0 %", "0.00"],
        # the penalty row follows its objective's credit row: 3 late tickets x 200.00 = 600.00
        ["2026-02", "P1 first response", "50 %", "penalty: 3 late tickets x 200.00", "", "600.00"],
    ]
    # total owed = credit payable + penalties: 1,250.05 + 600.00 = 1,850.05; 50.00 + 0 = 50.00
    assert _texts(credits.totals) == [
        ["2026-02", "12,500.50", "1,250.05", "3,187.63 (25.5 %)", "1,250.05", "600.00",
         "1,850.05", ""],
        ["2026-03", "12,500.50", "100.00", "50.00 (0.4 %)", "50.00", "0.00", "50.00",
         "the cap bound"],
    ]  # fmt: skip
    assert credits.totals.rows[0][6].strong
    assert _texts(credits.chronic) == [
        [
            "Web availability",
            "3",
            "3",
            "6",
            "yes: the customer may terminate",
            "not set in the agreement",
        ],
        ["p1-first-response", "1", "3", "6", "no", "–"],
    ]


def test_data_quality_shows_coverage_and_quarantine():
    quality = review_pack_model(context()).quality
    assert _texts(quality.coverage) == [
        ["2026-03", "P1 first response", "–", "–", "insufficient data"],
        ["2026-01", "Web availability", "44340", "99.86 %", "met"],
    ]
    assert [row[-1].tag for row in quality.coverage.rows] == ["grey", "green"]
    assert quality.quarantine.rows == (
        (
            Cell("tickets"),
            Cell("created_at has no UTC offset", code="naive_timestamp"),
            Cell("3"),
        ),
    )
    assert [(e.file, e.text) for e in quality.examples] == [
        ("tickets/t.csv", "row 4: created_at has no UTC offset")
    ]


def test_recommendations_and_carried_action_items():
    # recommendations are provider-internal advice: the internal variant carries them
    pack = review_pack_model(context(), "internal")
    assert [(r.kind, r.text, r.rating) for r in pack.recommendations.items] == [
        ("capacity", "Web availability: breached 3 times.", "red")
    ]
    table = pack.actions.table
    assert [c.label for c in table.columns] == ["Action", "Owner", "Target date", "Status"]
    assert table.rows == (
        (
            Cell("Add a probe <b>before</b> Q2", detail="raised 2025-12-15"),
            Cell("Northwind ops"),
            Cell("2026-04-30"),
            Cell("in progress (carried forward)"),
        ),
        (Cell("Name a service owner"), Cell("–"), Cell("–"), Cell("open (carried forward)")),
        # 2026-03-15 is before 2026-03-31, the review's last day: flagged
        (
            Cell("Review the on-call rota", detail="raised 2026-01-10"),
            Cell("ACME IT"),
            Cell("2026-03-15"),
            Cell("overdue · open (carried forward)", tag="red"),
        ),
    )
    assert pack.actions.note == (
        "Overdue: open or in progress with a target date before 2026-03-31, the review's last day."
    )
    assert table.blank_rows == 4


def test_empty_sections_say_so():
    empty = context()
    for key in ("drivers", "maintenance", "chronic", "coverage_notes", "recommendations"):
        empty[key] = []
    empty["escalation"] = []
    for objective in empty["objectives"]:  # type: ignore[attr-defined]
        objective["breached_periods"] = []
    empty["credits"] = {"objectives": [], "totals": []}
    empty["quarantine"] = {"total": 0, "counts": [], "examples": []}
    pack = review_pack_model(empty)
    assert pack.drivers.empty == "No objective was breached in this review window."
    assert [
        (t.rows, t.empty)
        for t in (
            pack.contacts.escalation,
            pack.drivers.maintenance,
            pack.credits.objectives,
            pack.credits.chronic,
            pack.quality.coverage,
            pack.quality.quarantine,
        )
    ] == [
        ((), "no escalation path defined"),
        ((), "No maintenance windows in this review window."),
        ((), "No objective earned a credit."),
        ((), "The agreement has no chronic-breach clause."),
        ((), "Full coverage: every objective had data for the whole window."),
        ((), "No quarantined rows touch this agreement in the review window."),
    ]
    assert [item.lines for item in pack.summary.items[1:4]] == [
        (SummaryLine("No objective was breached in this review window."),),
        (SummaryLine("0.00 EUR"),),
        (SummaryLine("The agreement has no chronic-breach clause."),),
    ]


def test_the_typst_input_is_the_model_as_plain_json():
    pack = review_pack_model(context())
    data = json.loads(pack.as_json())
    assert data["scorecard"]["rows"][1]["cells"][0] is None
    assert data["credits"]["totals"]["rows"][1][3] == {
        "text": "50.00 (0.4 %)",
        "code": "",
        "detail": "",
        "tag": "",
        "strong": False,
    }
    assert data["trends"]["charts"][0]["svg"] == pack.trends.charts[0].svg
    assert "data_uri" not in data["trends"]["charts"][0]


def test_a_window_without_objectives_rates_grey():
    given = context()
    given["objectives"] = []
    (rating,) = review_pack_model(given).summary.items[0].lines
    assert rating == SummaryLine("0 objectives", tag="grey", tag_text="insufficient data")
