"""Issue 13's agreement terms: chronic_breach scope and notice, claims, and the agreement's own
record (description, term, signed, contacts). Every broken field is reported with its file and
field path; the rule's default scope never includes CSAT."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from test_validate import ACME, _folder

from orchestration.lib.agreements import DefinitionsError, load_catalog
from orchestration.lib.agreements.schema import Version, days_of
from orchestration.lib.settings import PROJECT_ROOT


def _acme(old: str, new: str) -> str:
    assert old in ACME, f"test setup: {old!r} not in the example"
    return ACME.replace(old, new, 1)


V1_RULE = "      objectives: [availability, p1-first-response]\n      count: same_objective"
# (case, acme-hosting.yaml with one field broken, expected field path, words in the message)
BROKEN_TERMS = [
    ("chronic objective unknown", _acme(V1_RULE, V1_RULE.replace("p1-first-response", "p9")),
     "versions[0]", "chronic_breach.objectives: unknown objective p9"),
    ("chronic objectives empty", _acme("[availability, p1-first-response]\n", "[]\n"),
     "versions[0].chronic_breach.objectives", "at least 1 item"),
    ("chronic count unknown", _acme("count: same_objective ", "count: every_objective "),
     "versions[0].chronic_breach.count", "'same_objective' or 'any_objective'"),
    ("notice_within not whole days", _acme("notice_within: 30d ", "notice_within: 36h "),
     "versions[0].chronic_breach.notice_within", "not a whole number of days"),
    ("notice_within a bare number", _acme("notice_within: 30d ", "notice_within: 30 "),
     "versions[0].chronic_breach.notice_within", "not a duration"),
    ("claims within not whole days", _acme("claims: {within: 30d} ", "claims: {within: 2h} "),
     "versions[0].claims.within", "not a whole number of days"),
    ("claims unknown key", _acme("claims: {within: 30d} ", "claims: {within: 30d, by: fax} "),
     "versions[0].claims.by", "unknown field"),
    ("claims without within", _acme("claims: {within: 30d} ", "claims: {} "),
     "versions[0].claims.within", "required field is missing"),
    ("description empty", _acme("description: >-\n", "description: ''\nold_description: >-\n"),
     "description", "at least 1 character"),
    ("term ends before it starts", _acme("end: 2027-12-31", "end: 2025-12-31"),
     "term", "end: must be after start"),
    ("term renewal unknown", _acme("renewal: auto", "renewal: yearly"),
     "term.renewal", "'auto' or 'none'"),
    ("term notice not whole days", _acme("notice: 90d}", "notice: 3m}"),
     "term.notice", "not a whole number of days"),
    ("term without start", _acme("term: {start: 2026-01-01, ", "term: {"),
     "term.start", "required field is missing"),
    ("signed without date", _acme("signed: {on: 2025-12-15, ", "signed: {"),
     "signed.on", "required field is missing"),
    ("signed on not a date", _acme("on: 2025-12-15", "on: 2025-13-45"),
     "line", "'2025-13-45' is not a date"),
    ("signatory empty", _acme('by_customer: "Maria Lopez, CIO"', 'by_customer: ""'),
     "signed.by_customer", "at least 1 character"),
    ("contact e-mail invalid", _acme("email: dana.weiss@acme.example", "email: dana.weiss"),
     "contacts.customer[0].email", "not an e-mail address"),
    ("contact without name",
     _acme("{name: Dana Weiss, role: service owner", "{role: service owner"),
     "contacts.customer[0].name", "required field is missing"),
    ("contacts of an unknown party",
     _acme("  customer:\n    - {name: Dana", "  client:\n    - {name: Dana"),
     "contacts.client", "unknown field"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("agreement", "field", "words"),
    [case[1:] for case in BROKEN_TERMS],
    ids=[case[0] for case in BROKEN_TERMS],
)
def test_broken_term_names_file_and_field(tmp_path, agreement, field, words):
    with pytest.raises(DefinitionsError) as raised:
        load_catalog(_folder(tmp_path, agreement))
    matching = [
        line
        for line in raised.value.errors
        if line.startswith("agreements/acme-hosting.yaml: ") or "acme-hosting.yaml" in line
        if (f": {field}: " in line or f": {field} " in line) and words in line
    ]
    # one line per broken field: the file, the field, the reason
    assert len(matching) == 1, (
        f"no single error names {field!r} and {words!r}: {raised.value.errors}"
    )


def test_the_example_records_the_terms():
    acme = load_catalog(PROJECT_ROOT / "sla_definitions").agreements["acme-hosting"]
    v1 = acme.versions[0]
    assert v1.chronic_objectives == ["availability", "p1-first-response"]  # never csat
    assert (v1.chronic_breach.count, days_of(v1.chronic_breach.notice_within)) == (
        "same_objective", 30,
    )  # fmt: skip
    assert days_of(v1.claims.within) == 30
    # YAML 1.1 reads a bare `on:` key as true: the record still has its signing date
    assert acme.signed is not None and acme.signed.on == dt.date(2025, 12, 15)
    assert (acme.term.renewal, days_of(acme.term.notice)) == ("auto", 90)
    assert [c.email for c in acme.contacts.customer] == ["dana.weiss@acme.example"]


def _version(rule: dict[str, Any], *objectives: dict[str, Any]) -> Version:
    return Version.model_validate(
        {"version": 1, "effective_from": "2026-01-01", "monthly_fee": "100.00",
         "chronic_breach": rule, "objectives": list(objectives)}
    )  # fmt: skip


AVAILABILITY = {"id": "up", "kind": "availability", "service": "s", "target": 99,
                "credits": [{"below": 99, "credit_pct": 10}]}  # fmt: skip
P1 = {"id": "p1", "kind": "first_response", "priority": "P1", "within": "30m", "target": 95}
CSAT_WITH_TIERS = {"id": "csat", "kind": "csat", "target": 4,
                   "credits": [{"below": 4, "credit_pct": 5}]}  # fmt: skip


def test_default_scope_is_the_tiered_objectives_never_csat():
    # up has tiers (counts), p1 has none (does not), csat has tiers but is CSAT (does not)
    version = _version({"breaches": 3, "within_periods": 6}, AVAILABILITY, P1, CSAT_WITH_TIERS)
    assert version.chronic_objectives == ["up"]
    # named objectives count as written, CSAT included, sorted and without repeats
    named = _version(
        {"breaches": 3, "within_periods": 6, "objectives": ["up", "csat", "up"]},
        AVAILABILITY, P1, CSAT_WITH_TIERS,
    )  # fmt: skip
    assert named.chronic_objectives == ["csat", "up"]


def test_a_rule_with_nothing_to_count_is_refused():
    # only CSAT carries tiers: the default scope is empty, so the rule must name objectives
    with pytest.raises(ValueError, match="no objective of this version carries credit tiers"):
        _version({"breaches": 3, "within_periods": 6}, P1, CSAT_WITH_TIERS)


def test_days_of_whole_days():
    assert (days_of("30d"), days_of("48h"), days_of(None)) == (30, 2, None)
