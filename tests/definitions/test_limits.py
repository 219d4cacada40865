"""Numbers are finite and fit the warehouse; ids fit a file name: each refused with one line.

Regression tests for issue 11, point 3: ``monthly_fee: .nan`` ended in a
``decimal.InvalidOperation`` traceback, a fee above DECIMAL(18, 2) and a 300-character agreement
id passed validation and failed later (a cast error, ``File name too long``), and ``service: ""``
passed and the objective stayed ``insufficient_data`` for ever.
Every case names the exact line `sla validate` prints.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.lib.agreements import DefinitionsError, load_catalog
from orchestration.lib.settings import PROJECT_ROOT

EXAMPLES = PROJECT_ROOT / "sla_definitions"
TEXTS = {
    name: (EXAMPLES / "agreements" / f"{name}.yaml").read_text(encoding="utf-8")
    for name in ("acme-hosting", "globex-support")
}
CALENDAR = (EXAMPLES / "calendars" / "de-office-hours.yaml").read_text(encoding="utf-8")


def _edit(name: str, old: str, new: str) -> str:
    text = TEXTS[name]
    assert old in text, f"test setup: {old!r} not in {name}.yaml"
    return text.replace(old, new, 1)


def _definitions(tmp_path: Path, name: str, text: str) -> Path:
    """A definitions folder: the shipped calendars and one agreement file ``<name>.yaml``."""
    root = tmp_path / "defs"
    shutil.copytree(EXAMPLES / "calendars", root / "calendars")
    (root / "agreements").mkdir()
    (root / "agreements" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


def _errors(tmp_path: Path, name: str, text: str, calendar: str | None = None) -> list[str]:
    root = _definitions(tmp_path, name, text)
    if calendar is not None:
        (root / "calendars" / "de-office-hours.yaml").write_text(calendar, encoding="utf-8")
    with pytest.raises(DefinitionsError) as raised:
        load_catalog(root)
    return raised.value.errors


FINITE = "must be a finite number (not .nan or .inf)"
LONG_ID = "a" * 65  # one over the limit of 64 characters
# (case, agreement, old text, new text, field path, message): exactly one error line expected
ONE_LINE_CASES = [
    # .NaN: any spelling YAML allows
    *((f"monthly_fee {value}", "acme-hosting", "monthly_fee: 12000.00", f"monthly_fee: {value}",
       "versions[0].monthly_fee", FINITE) for value in (".nan", ".inf", "-.inf", ".NaN")),
    ("availability target .nan", "acme-hosting", "target: 99.9\n", "target: .nan\n",
     "versions[0].objectives[0].target", FINITE),
    ("csat target .inf", "acme-hosting", "target: 4.2", "target: .inf",
     "versions[0].objectives[3].target", FINITE),
    ("latency target .inf", "globex-support", "target: 800 ", "target: .inf ",
     "versions[0].objectives[3].target", FINITE),
    ("warning .nan", "globex-support", "warning: 100 ", "warning: .nan ",
     "versions[0].objectives[3].warning", FINITE),
    ("tier threshold .nan", "acme-hosting", "{below: 99.9, credit_pct: 10}",
     "{below: .nan, credit_pct: 10}", "versions[0].objectives[0].credits[0].below", FINITE),
    ("credit_pct .inf", "acme-hosting", "{below: 99.9, credit_pct: 10}",
     "{below: 99.9, credit_pct: .inf}", "versions[0].objectives[0].credits[0].credit_pct",
     FINITE),
    ("credit_cap_pct .nan", "acme-hosting", "credit_cap_pct: 30 ", "credit_cap_pct: .nan ",
     "versions[0].credit_cap_pct", FINITE),
    ("min_credit_amount .inf", "globex-support", "min_credit_amount: 250.00",
     "min_credit_amount: .inf", "versions[0].min_credit_amount", FINITE),
    # DECIMAL(18, 2) holds 16 digits before the point; the limit (12 digits) leaves room for a
    # quarter's fee (x 3) and the sum of every objective's uncapped credit
    ("monthly_fee beyond DECIMAL(18,2)", "acme-hosting", "monthly_fee: 12000.00",
     "monthly_fee: 12345678901234567.00", "versions[0].monthly_fee",
     "Input should be less than or equal to 999999999999.99"),
    ("monthly_fee 1e30", "acme-hosting", "monthly_fee: 12000.00", "monthly_fee: 1.0e+30",
     "versions[0].monthly_fee", "Input should be less than or equal to 999999999999.99"),
    ("monthly_fee one cent over the limit", "acme-hosting", "monthly_fee: 12000.00",
     "monthly_fee: 1000000000000.00", "versions[0].monthly_fee",
     "Input should be less than or equal to 999999999999.99"),
    ("min_credit_amount beyond the limit", "globex-support", "min_credit_amount: 250.00",
     "min_credit_amount: 5000000000000.00", "versions[0].min_credit_amount",
     "Input should be less than or equal to 999999999999.99"),
    # DECIMAL(18, 4): 14 digits before the point, 4 after; a 5th decimal would be rounded away
    ("latency target beyond DECIMAL(18,4)", "globex-support", "target: 800 ",
     "target: 123456789012345 ", "versions[0].objectives[3].target",
     "Decimal input should have no more than 14 digits before the decimal point"),
    ("target with 5 decimals", "acme-hosting", "target: 99.9\n", "target: 99.99995\n",
     "versions[0].objectives[0].target",
     "Decimal input should have no more than 4 decimal places"),
    ("threshold with 5 decimals", "globex-support", "{above: 800, credit_pct: 5}",
     "{above: 800.00001, credit_pct: 5}", "versions[0].objectives[3].credits[0].above",
     "Decimal input should have no more than 4 decimal places"),
    ("version beyond the warehouse's integer", "acme-hosting", "- version: 1\n",
     "- version: 3000000000\n", "versions[0].version",
     "Input should be less than or equal to 2147483647"),
    ("duration over ten years", "acme-hosting", "within: 8h", "within: 3651d",
     "versions[0].objectives[2].within", "'3651d' is longer than 3650d (ten years)"),
    ("agreement id of 65 characters", "acme-hosting", "id: acme-hosting", f"id: {LONG_ID}",
     "id", "String should have at most 64 characters"),
    ("agreement id of 300 characters", "acme-hosting", "id: acme-hosting", f"id: {'a' * 300}",
     "id", "String should have at most 64 characters"),
    ("objective id of 65 characters", "acme-hosting", "- id: availability\n",
     f"- id: {LONG_ID}\n", "versions[0].objectives[0].id",
     "String should have at most 64 characters"),
    ("empty service", "acme-hosting", "service: web-api\n", 'service: ""\n',
     "versions[0].objectives[0].service", "String should have at least 1 character"),
    ("service of 65 characters", "globex-support", "service: search-api",
     f"service: {LONG_ID}", "versions[0].objectives[3].service",
     "String should have at most 64 characters"),
    ("service with an outer space", "acme-hosting", "service: web-api\n",
     'service: " web-api"\n', "versions[0].objectives[0].service",
     "must not begin or end with a space (landed ids are trimmed)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "old", "new", "field", "message"),
    [case[1:] for case in ONE_LINE_CASES],
    ids=[case[0] for case in ONE_LINE_CASES],
)
def test_out_of_range_value_is_one_line_naming_file_and_field(
    tmp_path, name, old, new, field, message
):
    errors = _errors(tmp_path, name, _edit(name, old, new))
    path = tmp_path / "defs" / "agreements" / f"{name}.yaml"
    assert errors == [f"{path}: {field}: {message}"]


def test_base_60_float_is_a_yaml_error_at_its_line(tmp_path):
    # YAML 1.1 reads 1:30.5 as a float (base 60); Decimal cannot, and it must not be a traceback
    text = _edit("acme-hosting", "monthly_fee: 12000.00", "monthly_fee: 1:30.5")
    errors = _errors(tmp_path, "acme-hosting", text)
    path = tmp_path / "defs" / "agreements" / "acme-hosting.yaml"
    # monthly_fee of version 1 is on line 29 of the example
    assert errors == [f"{path}: line 29: invalid YAML: '1:30.5' is not a decimal number"]


def test_calendar_id_over_the_limit(tmp_path):
    calendar = CALENDAR.replace("id: de-office-hours", f"id: {LONG_ID}", 1)
    assert calendar != CALENDAR
    errors = _errors(tmp_path, "acme-hosting", TEXTS["acme-hosting"], calendar)
    path = tmp_path / "defs" / "calendars" / "de-office-hours.yaml"
    assert f"{path}: id: String should have at most 64 characters" in errors


def test_ids_at_the_limit_are_accepted(tmp_path):
    longest = "a" * 64
    text = _edit("acme-hosting", "id: acme-hosting", f"id: {longest}")
    text = text.replace("- id: availability\n", f"- id: {longest}\n", 1)
    # version 1's chronic-breach rule names the objective by its id
    text = text.replace("[availability, p1-first-response]", f"[{longest}, p1-first-response]", 1)
    text = text.replace("service: web-api\n", f"service: {'S' * 64}\n", 1)
    text = text.replace("monthly_fee: 12000.00", "monthly_fee: 999999999999.99", 1)
    catalog = load_catalog(_definitions(tmp_path, "long", text))
    assert str(catalog.agreements[longest].versions[0].monthly_fee) == "999999999999.99"
    # the longest file named after an id, reports/<period>/review_packs/<id>.internal.html:
    # 64 + len(".internal.html") = 64 + 14 = 78 bytes, far below the 255-byte name limit
    assert len(f"{longest}.internal.html".encode()) == 78


def test_cli_prints_the_line_and_no_traceback(tmp_path):
    text = _edit("acme-hosting", "monthly_fee: 12000.00", "monthly_fee: .nan")
    root = _definitions(tmp_path, "acme-hosting", text)
    path = root / "agreements" / "acme-hosting.yaml"
    result = CliRunner().invoke(app, ["validate", str(root)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}: versions[0].monthly_fee: {FINITE}",
        f"1 error(s) in {root}",
    ]
