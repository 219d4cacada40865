"""Penalties and per-service fees (issue 13, point 4): validated with file and field, and loaded
into the definitions tables the credits are computed from (hand-written expectations)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.lib.agreements import DefinitionsError, load_catalog
from orchestration.lib.agreements.tables import catalog_rows
from orchestration.lib.settings import PROJECT_ROOT

EXAMPLES = PROJECT_ROOT / "sla_definitions"

# a small agreement of our own, so that edits to the shipped examples cannot move these cases
AGREEMENT = """\
id: money-terms
customer: Money Terms Ltd
provider: Northwind
currency: EUR
period: monthly
calendar: de-office-hours
versions:
  - version: 1
    effective_from: 2026-01-01
    fees: {web-api: 8000.00, service-desk: 4000.00}
    credit_cap_pct: 25
    objectives:
      - id: availability
        kind: availability
        service: web-api
        target: 99.9
        credits: [{below: 99.9, credit_pct: 10}]
        penalty: {amount: 500.00, per: period, outside_cap: true}
      - id: p1-first-response
        kind: first_response
        priority: P1
        within: 30m
        target: 95
        penalty: {amount: 250.00, per: breach}
"""


def _folder(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "defs"
    shutil.copytree(EXAMPLES / "calendars", root / "calendars")
    (root / "agreements").mkdir(parents=True)
    (root / "agreements" / "money-terms.yaml").write_text(text, encoding="utf-8")
    return root


def _edit(old: str, new: str) -> str:
    assert old in AGREEMENT, f"test setup: {old!r} not in the agreement"
    return AGREEMENT.replace(old, new, 1)


FEES = "fees: {web-api: 8000.00, service-desk: 4000.00}"
PENALTY = "penalty: {amount: 250.00, per: breach}"

# (case, agreement text, field path, words of the message)
BROKEN = [
    ("fees and monthly_fee both", _edit(FEES, FEES + "\n    monthly_fee: 12000.00"),
     "versions[0]", "exactly one of `monthly_fee` or `fees`"),
    ("neither fees nor monthly_fee", _edit(f"    {FEES}\n", ""),
     "versions[0]", "exactly one of `monthly_fee` or `fees`"),
    ("fees without any service", _edit(FEES, "fees: {}"),
     "versions[0]", "fees: name at least one service"),
    # a misspelt key leaves the measured service without a fee
    ("fees misspell the measured service", _edit("web-api: 8000.00", "web-apj: 8000.00"),
     "versions[0]", "objectives[0].service: 'web-api' has no fee in `fees`"),
    ("negative service fee", _edit("web-api: 8000.00", "web-api: -1.00"),
     "versions[0].fees.web-api", "greater than or equal to 0"),
    ("service fee with three decimals", _edit("web-api: 8000.00", "web-api: 8000.005"),
     "versions[0].fees.web-api", "decimal places"),
    ("fees adding up beyond the money limit",
     _edit(FEES, "fees: {web-api: 999999999999.99, service-desk: 0.01}"),
     "versions[0]", "fees: the fees add up to more than 999999999999.99"),
    ("penalty per breach on availability",
     _edit("per: period, outside_cap: true", "per: breach"),
     "versions[0].objectives[0]", "penalty.per: `breach` counts late tickets; use `period`"),
    ("penalty of zero", _edit(PENALTY, "penalty: {amount: 0.00, per: breach}"),
     "versions[0].objectives[1].penalty.amount", "greater than 0"),
    ("penalty per unknown unit", _edit(PENALTY, "penalty: {amount: 250.00, per: ticket}"),
     "versions[0].objectives[1].penalty.per", "'breach' or 'period'"),
    ("penalty without per", _edit(PENALTY, "penalty: {amount: 250.00}"),
     "versions[0].objectives[1].penalty.per", "required field is missing"),
    ("penalty with a misspelt key",
     _edit(PENALTY, "penalty: {amount: 250.00, per: breach, outside_caps: true}"),
     "versions[0].objectives[1].penalty.outside_caps", "unknown field"),
    ("outside_cap not a boolean",
     _edit(PENALTY, "penalty: {amount: 250.00, per: breach, outside_cap: maybe}"),
     "versions[0].objectives[1].penalty.outside_cap", "boolean"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "field", "words"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN]
)
def test_broken_money_terms_name_file_and_field(tmp_path, text, field, words):
    with pytest.raises(DefinitionsError) as raised:
        load_catalog(_folder(tmp_path, text))
    matching = [
        line
        for line in raised.value.errors
        if "money-terms.yaml" in line and f": {field}" in line and words in line
    ]
    assert matching, f"no error names the file, {field!r} and {words!r}: {raised.value.errors}"


def test_fees_and_penalties_reach_the_definitions_tables(tmp_path):
    catalog = load_catalog(_folder(tmp_path, AGREEMENT))
    rows = catalog_rows(catalog)
    ours = {name: [r for r in table if r[0] == "money-terms"] for name, table in rows.items()}
    # the version's monthly fee is the sum of its fees: 8,000.00 + 4,000.00 = 12,000.00
    (version,) = ours["agreement_versions"]
    assert version[4] == Decimal("12000.00")
    assert ours["service_fees"] == [
        ("money-terms", 1, "service-desk", Decimal("4000.00")),
        ("money-terms", 1, "web-api", Decimal("8000.00")),
    ]
    assert ours["objective_penalties"] == [
        ("money-terms", 1, "availability", Decimal("500.00"), "period", True),
        ("money-terms", 1, "p1-first-response", Decimal("250.00"), "breach", False),
    ]


def test_a_version_with_monthly_fee_has_no_service_fees(tmp_path):
    text = _edit(FEES, "monthly_fee: 12000.00")
    rows = catalog_rows(load_catalog(_folder(tmp_path, text)))
    assert rows["service_fees"] == []
    assert rows["agreement_versions"][0][4] == Decimal("12000.00")


def test_the_examples_use_fees_and_penalties():
    catalog = load_catalog(EXAMPLES)
    initech = catalog.agreements["initech-platform"].versions[1]
    assert initech.fees == {"platform-api": Decimal("15000.00"), "service-desk": Decimal("4500.00")}
    # 15,000.00 + 4,500.00 = 19,500.00, the fee version 1 gave as monthly_fee 18,000.00 + 1,500
    assert initech.total_monthly_fee == Decimal("19500.00")
    globex = {o.id: o.penalty for o in catalog.agreements["globex-support"].versions[0].objectives}
    assert (globex["p1-resolution"].per, globex["p1-resolution"].outside_cap) == ("period", True)
    assert (globex["p1-first-response"].per, globex["p1-first-response"].outside_cap) == (
        "breach",
        False,
    )
