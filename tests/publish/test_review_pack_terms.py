"""Issue 13 in the review pack's view model: the agreement's record on the cover, the warning
when the term ends within its notice period, termination rights over named objectives, and the
provider-internal variant's at-risk notes. Expected texts are written out by hand."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from test_review_pack_model import context

from orchestration.lib.review_pack.model import Fact, SummaryLine, review_pack_model

RECORD = {
    "description": "Managed hosting of web-api (production only).",
    "term_start": dt.date(2026, 1, 1),
    "term_end": dt.date(2026, 6, 30),
    "term_renewal": "auto",
    "term_notice_days": 90,
    # rpt_agreements: term_end - 90 days = 2026-06-30 - 90 = 2026-04-01
    "term_notice_by": dt.date(2026, 4, 1),
    "signed_on": dt.date(2025, 12, 15),
    "signed_by_provider": "Jonas Weber",
    "signed_by_customer": "Maria Lopez",
    "contacts_json": json.dumps(
        {
            "provider": [{"name": "Jonas Weber", "role": "SDM", "email": None}],
            "customer": [{"name": "Dana Weiss", "role": None, "email": "dana@acme.example"}],
        }
    ),
}


def _with_record(**changes: Any) -> dict[str, Any]:
    given = context()
    given["agreement"].update(RECORD, **changes)  # type: ignore[attr-defined]
    return given


def test_the_cover_shows_the_agreement_record():
    facts = review_pack_model(_with_record()).cover.wide_facts
    assert facts[:4] == (
        Fact("Service and scope", ("Managed hosting of web-api (production only).",)),
        Fact(
            "Term",
            (
                "from 2026-01-01 to 2026-06-30, renews automatically; "
                "notice 90 days (by 2026-04-01)",
            ),
        ),
        Fact("Signed", ("on 2025-12-15 by Jonas Weber (Northwind) and Maria Lopez (ACME <Corp>)",)),
        Fact(
            "Contacts",
            ("Northwind: Jonas Weber, SDM", "ACME <Corp>: Dana Weiss, dana@acme.example"),
        ),
    )
    # an agreement without a record shows none of it
    assert [f.label for f in review_pack_model(context()).cover.wide_facts] == [
        "Agreement version",
        "Definitions",
    ]


@pytest.mark.parametrize(
    ("notice_by", "end", "renewal", "warned"),
    [
        # the review's last day is 2026-03-31
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "auto", False),  # notice period from 04-01
        (dt.date(2026, 3, 31), dt.date(2026, 6, 29), "auto", True),  # begins on the last day
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31), "none", True),  # ends on the last day
        (dt.date(2025, 12, 1), dt.date(2026, 3, 1), "none", False),  # ended before: no warning
    ],
)
def test_the_cover_warns_when_the_term_ends_within_its_notice_period(
    notice_by: dt.date, end: dt.date, renewal: str, warned: bool
):
    given = _with_record(term_notice_by=notice_by, term_end=end, term_renewal=renewal)
    warning = review_pack_model(given).cover.term_warning
    assert bool(warning) == warned
    if warned and renewal == "auto":
        assert warning == (
            "The term ends on 2026-06-29, within its notice period of 90 days (notice by "
            "2026-03-31): it renews automatically unless notice is given."
        )
    if warned and renewal == "none":
        assert warning.endswith("it does not renew: agree a new term or the exit.")


def _any_objective_right() -> dict[str, Any]:
    given = context()
    given["chronic"] = [
        {
            "objective_name": "Web availability, P1 first response",
            "objective_id": None,
            "rule": "any_objective",
            "objectives": "availability,p1-first-response",
            "period_key": "2026-03",
            # 2025-12 (availability), 2026-02 (both): 2 periods >= 2 required
            "breaches_in_window": 2,
            "breaches_required": 2,
            "window_periods": 4,
            "has_termination_right": True,
            "breach_period_keys": "2025-12,2026-02",
            # 2026-02's last day 2026-02-28 + 30 days = 2026-03-30
            "exercise_by": dt.date(2026, 3, 30),
            "is_at_risk": False,
        },
        {
            "objective_name": "Web availability",
            "objective_id": "availability",
            "rule": "same_objective",
            "objectives": "availability",
            "period_key": "2026-03",
            "breaches_in_window": 2,
            "breaches_required": 3,
            "window_periods": 6,
            "has_termination_right": False,
            "breach_period_keys": "2025-12,2026-02",
            "exercise_by": None,
            # 3 - 2 = 1 breach short
            "is_at_risk": True,
        },
    ]
    return given


def test_a_right_over_named_objectives_names_them_and_its_deadline():
    pack = review_pack_model(_any_objective_right())
    assert pack.summary.items[3].lines == (
        SummaryLine(
            "any of Web availability, P1 first response: 2 breaches within 4 periods "
            "(2025-12, 2026-02), as of 2026-03 · deadline: 2026-03-30",
            tag="red",
            tag_text="termination right",
        ),
    )
    rows = [[c.text for c in row] for row in pack.credits.chronic.rows]
    assert rows == [
        ["any of Web availability, P1 first response", "2", "2", "4",
         "yes: the customer may terminate", "2026-03-30"],
        ["Web availability", "2", "3", "6", "no", "–"],
    ]  # fmt: skip


def test_at_risk_notes_are_for_the_provider_only():
    given = _any_objective_right()
    assert review_pack_model(given).at_risk is None
    assert review_pack_model(given).recommendations is None
    internal = review_pack_model(given, "internal")
    assert internal.at_risk is not None and internal.recommendations is not None
    assert internal.at_risk.items == (
        "Web availability: 2 of 3 breaches within 6 periods as of 2026-03: one more breach "
        "gives the customer a termination right.",
        # the hand-written context: availability amber in 2026-03, 99.92 % against 99.9 %
        "Web availability: met in 2026-03 but inside its warning margin (99.92 % against "
        "≥ 99.9 %).",
    )
    assert internal.cover.audience_note.startswith("Provider-internal")
    assert review_pack_model(given).cover.audience_note == ""
    with pytest.raises(ValueError, match="audience must be one of customer, internal"):
        review_pack_model(given, "board")
