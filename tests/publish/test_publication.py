"""The publications of a real pipeline run (Dagster + dbt + DuckDB), opened with real readers.

One run over 2026-01..2026-03 is shared by the module: it publishes three monthly folders and
2026-Q1. Expected figures are computed by hand in pipeline_data.py's docstring.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pipeline_data import HOSTILE_CUSTOMER, publication_case
from pipeline_support import Scenario, write_landing
from pypdf import PdfReader

from orchestration.lib import warehouse
from orchestration.lib.publish.plan import periods_in_window, reviews_closing
from orchestration.lib.publish.publication import publish_window
from orchestration.lib.review_pack import review_pack
from orchestration.lib.review_pack.model import review_pack_model
from orchestration.lib.review_pack.review_data import review_contexts

pytestmark = pytest.mark.slow

PERIODS = ("2026-01", "2026-02", "2026-03", "2026-Q1")
CREDIT_STEMS = ("credits", "credits_objectives", "credits_totals", "credits_by_currency")
TABLE_FILES = (
    "compliance.csv", "compliance.parquet", "chronic_breaches.csv", "chronic_breaches.parquet",
    *(f"{stem}.{ext}" for stem in CREDIT_STEMS for ext in ("csv", "parquet")),
)  # fmt: skip
LEDGERS = (*TABLE_FILES, "credits.xlsx")
MONEY_TEXT = re.compile(r"^-?\d+\.\d{2}$")
# finance's column contract (docs/publications.md): these 16, in this order, then the extras
LEDGER_COLUMNS = (
    "agreement_id", "customer", "period", "objective_id", "kind", "target", "actual", "unit",
    "status", "credit_pct", "fee_amount", "credit_amount", "currency", "capped",
    "definitions_version", "run_id",
)  # fmt: skip
LEDGER_EXTRA_COLUMNS = (
    "row_type", "tier_rank", "credit_amount_uncapped", "cap_amount", "below_minimum",
    "coverage_pct", "claim_by", "penalty_breaches",
)  # fmt: skip
BY_CURRENCY_COLUMNS = ("period", "currency", "agreements", "credit_amount")


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    scenario = publication_case(tmp_path_factory.mktemp("publication"))
    outcome = scenario.run("2026-01", "2026-03")
    assert outcome.success, outcome.reason
    scenario.run_id = outcome.run_id  # type: ignore[attr-defined]
    return scenario


@pytest.fixture(scope="module")
def reports(case: Scenario) -> Path:
    return case.paths.reports_dir


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _ledger(reports: Path, period: str, name: str = "credits.csv") -> list[dict[str, str]]:
    text = (reports / period / "latest" / name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# ------------------------------------------------------------------------------------ layout


def test_every_period_ending_in_the_window_is_published_with_its_review_packs(reports: Path):
    # each period's first publication is its v1, which latest names
    assert sorted(p.name for p in reports.iterdir()) == sorted(PERIODS)
    for period in PERIODS:
        assert sorted(p.name for p in (reports / period).iterdir()) == ["latest", "v1"]
        assert (reports / period / "latest").resolve() == (reports / period / "v1").resolve()
    files = {f"{period}/{name}" for period in PERIODS for name in _files(reports / period / "v1")}
    for period in PERIODS:
        for name in (*TABLE_FILES, "credits.xlsx", "manifest.json"):
            assert f"{period}/{name}" in files
    packs = {f for f in files if "/review_packs/" in f}
    # initech reviews monthly; acme is monthly with a quarterly review, so its pack closes Q1 in
    # the March folder; globex is quarterly with a quarterly review
    # each for the customer and, as <id>.internal.*, for the provider
    assert packs == {
        f"{folder}/review_packs/{agreement}{variant}.{ext}"
        for folder, agreement in (
            *((m, "initech-platform") for m in PERIODS[:3]),
            ("2026-03", "acme-hosting"),
            ("2026-Q1", "globex-support"),
        )
        for variant in ("", ".internal")
        for ext in ("html", "pdf")
    }
    assert not [p for p in reports.iterdir() if p.name.startswith(".")], "staging left behind"


# ------------------------------------------------------------------------------------ ledger


def test_ledger_csv_is_spreadsheet_text_with_the_fixed_columns(reports: Path):
    raw = (reports / "2026-03" / "latest" / "credits.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for spreadsheet software"
    header = raw[3:].split(b"\r\n", 1)[0].decode().split(",")
    # exactly the contract: no sort helper or other mart column leaks into the file
    assert tuple(header) == (*LEDGER_COLUMNS, *LEDGER_EXTRA_COLUMNS)
    frame = pl.read_csv(reports / "2026-03" / "latest" / "credits.csv", infer_schema=False)
    for column in ("fee_amount", "credit_amount"):
        assert all(MONEY_TEXT.match(v) for v in frame[column].to_list()), column
    # the hostile customer name survives CSV quoting intact
    assert HOSTILE_CUSTOMER in frame["customer"].to_list()


def test_ledger_credits_are_the_hand_computed_amounts(reports: Path):
    acme = {(r["row_type"], r["objective_id"]): r for r in _ledger(reports, "2026-03")
            if r["agreement_id"] == "acme-hosting"}  # fmt: skip
    # 1 of 2 P1 tickets answered within 30m = 50 % < 95 % -> 5 % of 12,000.00 = 600.00
    assert acme[("objective", "p1-first-response")]["credit_amount"] == "600.00"
    assert acme[("objective", "p1-first-response")]["status"] == "breached"
    assert acme[("agreement_total", "")]["credit_amount"] == "600.00"
    globex = {(r["row_type"], r["objective_id"]): r for r in _ledger(reports, "2026-Q1")}
    # fee 3 x 8,500.00 = 25,500.00; 5 % = 1,275.00; 10 % = 2,550.00; credits 3,825.00
    assert globex[("objective", "p1-first-response")]["credit_amount"] == "1275.00"
    assert globex[("objective", "p1-resolution")]["credit_amount"] == "2550.00"
    # penalties: 1 late P1 response x 150.00 (under the cap: 3,975.00 <= 6,375.00) and
    # 1,000.00 for the breached quarter of P1 resolution (outside the cap)
    response_penalty = globex[("penalty", "p1-first-response")]
    assert (response_penalty["credit_amount"], response_penalty["penalty_breaches"]) == (
        "150.00",
        "1",
    )
    assert response_penalty["capped"] == "false"
    resolution_penalty = globex[("penalty", "p1-resolution")]
    assert (resolution_penalty["credit_amount"], resolution_penalty["penalty_breaches"]) == (
        "1000.00",
        "1",
    )
    assert globex[("agreement_total", "")]["fee_amount"] == "25500.00"
    # 3,825.00 + 150.00 + 1,000.00 = 4,975.00
    assert globex[("agreement_total", "")]["credit_amount"] == "4975.00"
    assert globex[("agreement_total", "")]["currency"] == "USD"


def test_ledger_reconciles_to_the_marts_to_the_cent(case: Scenario, reports: Path):
    sha = case.query("select any_value(definitions_sha256) from definitions.agreements")[0][0]
    for period in PERIODS:
        rows = _ledger(reports, period)
        objectives = {(r["agreement_id"], r["objective_id"]): r for r in rows
                      if r["row_type"] == "objective"}  # fmt: skip
        totals = {r["agreement_id"]: r for r in rows if r["row_type"] == "agreement_total"}
        marts = case.query(
            "select agreement_id, objective_id, credit_amount, version "
            "from marts.objective_credits where period_key = ?",
            [period],
        )
        # every objective of every agreement appears, zero credits included
        assert set(objectives) == {(a, o) for a, o, _, _ in marts}
        for agreement_id, objective_id, amount, version in marts:
            row = objectives[(agreement_id, objective_id)]
            assert Decimal(row["credit_amount"]) == amount
            assert row["definitions_version"] == f"v{version}@{sha}"
        for agreement_id, amount in case.query(
            "select agreement_id, amount_owed from marts.agreement_credits where period_key = ?",
            [period],
        ):
            # the total books credits and penalties: the objective and penalty rows add up to it
            assert Decimal(totals[agreement_id]["credit_amount"]) == amount
            booked = sum(
                Decimal(r["credit_amount"])
                for r in rows
                if r["agreement_id"] == agreement_id and r["row_type"] in ("objective", "penalty")
            )
            assert booked == amount, f"{period} {agreement_id}: objective rows != total"


def test_ledger_parquet_keeps_money_as_decimal(reports: Path):
    table = pq.read_table(reports / "2026-Q1" / "latest" / "credits.parquet")
    # the 16 contract columns unchanged, then the extras, coverage_pct last
    assert table.column_names == [*LEDGER_COLUMNS, *LEDGER_EXTRA_COLUMNS]
    assert table.schema.field("run_id").type == pa.string()
    for column in ("fee_amount", "credit_amount"):
        assert table.schema.field(column).type == pa.decimal128(18, 2)
    frame = pl.read_parquet(reports / "2026-Q1" / "latest" / "credits.parquet")
    total = frame.filter(pl.col("row_type") == "agreement_total")["credit_amount"].to_list()
    assert total == [Decimal("4975.00")]  # 3,825.00 credits + 1,150.00 penalties


def test_ledger_xlsx_holds_numeric_values_with_two_decimals(reports: Path):
    workbook = openpyxl.load_workbook(reports / "2026-Q1" / "latest" / "credits.xlsx")
    # the mixed ledger stays the first sheet (finance's scripts open it); then the split ones
    assert workbook.sheetnames == ["credits", "objectives", "totals", "by_currency"]
    sheet = workbook["credits"]
    header = [cell.value for cell in sheet[1]]
    assert tuple(header) == (*LEDGER_COLUMNS, *LEDGER_EXTRA_COLUMNS)
    credit = header.index("credit_amount") + 1
    row_type = header.index("row_type") + 1
    cells = {
        sheet.cell(r, row_type).value: sheet.cell(r, credit) for r in range(2, sheet.max_row + 1)
    }
    total = cells["agreement_total"]
    assert total.data_type == "n" and total.value == pytest.approx(4975.00)
    assert total.number_format == "#,##0.00"
    for name in workbook.sheetnames:
        cells_of = [c for row in workbook[name].iter_rows() for c in row]
        assert not [c for c in cells_of if c.data_type == "f"], f"formulas in {name}"
    # each split sheet sums as it is to the amount to book: objectives (credits 1,275.00 +
    # 2,550.00 and penalties 150.00 + 1,000.00), totals 3,825.00 + 1,150.00 = 4,975.00 (USD)
    for name, expected in (("objectives", 4975.00), ("totals", 4975.00)):
        split = workbook[name]
        names = [cell.value for cell in split[1]]
        assert tuple(names) == (*LEDGER_COLUMNS, *LEDGER_EXTRA_COLUMNS)
        column = names.index("credit_amount") + 1
        amounts = [split.cell(r, column).value for r in range(2, split.max_row + 1)]
        assert sum(amounts) == pytest.approx(expected), name
    by_currency = [[c.value for c in row] for row in workbook["by_currency"].iter_rows()]
    assert by_currency == [list(BY_CURRENCY_COLUMNS), ["2026-Q1", "USD", 1, 4975.0]]
    assert workbook["by_currency"]["D2"].number_format == "#,##0.00"
    # a fixed document time (the period's end), never the time of writing
    assert workbook.properties.created == dt.datetime(2026, 4, 1)


def test_split_ledger_files_hold_objective_lines_and_totals_with_the_ledger_columns(reports: Path):
    for period in PERIODS:
        ledger = _ledger(reports, period)
        objectives = _ledger(reports, period, "credits_objectives.csv")
        totals = _ledger(reports, period, "credits_totals.csv")
        for name in ("credits_objectives", "credits_totals"):
            header = pq.read_schema(reports / period / "latest" / f"{name}.parquet").names
            assert tuple(header) == (*LEDGER_COLUMNS, *LEDGER_EXTRA_COLUMNS), name
        assert {r["row_type"] for r in objectives} <= {"objective", "penalty"}
        assert {r["row_type"] for r in totals} == {"agreement_total"}
        # the same rows as credits.csv, in its order: nothing lost, nothing added
        assert objectives == [r for r in ledger if r["row_type"] in ("objective", "penalty")]
        assert totals == [r for r in ledger if r["row_type"] == "agreement_total"]


def test_credits_totals_sum_to_the_booked_amounts(reports: Path):
    # pipeline_data.py: acme's March 600.00 EUR; globex's Q1 1,275.00 + 2,550.00 = 3,825.00 USD
    # of credits and 150.00 + 1,000.00 of penalties: 4,975.00.
    # initech (GBP) has neither tickets nor probes in March: insufficient data, no credit
    march = {r["agreement_id"]: r for r in _ledger(reports, "2026-03", "credits_totals.csv")}
    assert {a: (r["credit_amount"], r["currency"]) for a, r in march.items()} == {
        "acme-hosting": ("600.00", "EUR"),
        "initech-platform": ("0.00", "GBP"),
    }
    quarter = _ledger(reports, "2026-Q1", "credits_totals.csv")
    assert [(r["agreement_id"], r["credit_amount"]) for r in quarter] == [
        ("globex-support", "4975.00")
    ]
    # the sum a spreadsheet makes of the file is the amount to book, not twice it
    assert sum(Decimal(r["credit_amount"]) for r in quarter) == Decimal("4975.00")
    # the objective lines hold the credits (3,825.00) and the penalties (1,150.00): their sum is
    # the booked amount too, 3,825.00 + 1,150.00 = 4,975.00
    objectives = _ledger(reports, "2026-Q1", "credits_objectives.csv")
    credits = [r for r in objectives if r["row_type"] == "objective"]
    assert sum(Decimal(r["credit_amount"]) for r in credits) == Decimal("3825.00")
    penalties = [r for r in objectives if r["row_type"] == "penalty"]
    assert sum(Decimal(r["credit_amount"]) for r in penalties) == Decimal("1150.00")
    assert sum(Decimal(r["credit_amount"]) for r in objectives) == Decimal("4975.00")


def test_credits_by_currency_are_the_hand_computed_totals(reports: Path):
    expected = {
        # acme 600.00 EUR (one P1 breach of 5 % of 12,000.00); initech 0.00 GBP (no data)
        "2026-03": [["2026-03", "EUR", "1", "600.00"], ["2026-03", "GBP", "1", "0.00"]],
        # globex only: 1,275.00 + 2,550.00 = 3,825.00 USD + penalties 150.00 + 1,000.00
        "2026-Q1": [["2026-Q1", "USD", "1", "4975.00"]],
    }
    for period, rows in expected.items():
        published = _ledger(reports, period, "credits_by_currency.csv")
        assert [list(r.values()) for r in published] == rows, period
        assert list(published[0]) == list(BY_CURRENCY_COLUMNS)
        table = pq.read_table(reports / period / "latest" / "credits_by_currency.parquet")
        assert table.schema.field("credit_amount").type == pa.decimal128(18, 2)
        assert table.column("credit_amount").to_pylist() == [Decimal(r[3]) for r in rows]


def test_coverage_pct_is_the_availability_objectives_coverage(reports: Path):
    """Issue 11, point 2: availability rows carry their coverage (the compliance table's);
    every other kind and the agreement_total rows leave it empty."""
    rows = _ledger(reports, "2026-01")
    coverage = {(r["agreement_id"], r["objective_id"]): r["coverage_pct"] for r in rows
                if r["kind"] == "availability"}  # fmt: skip
    # ten probed minutes of January's 31 x 1,440 = 44,640 agreed minutes (no maintenance):
    # 10 / 44,640 x 100 = 0.02240... -> 0.0224 (decimal(9, 4))
    assert coverage == {
        ("acme-hosting", "availability"): "0.0224",
        ("initech-platform", "platform-availability"): "0.0224",
    }
    assert {r["coverage_pct"] for r in rows if r["kind"] != "availability"} == {""}
    compliance = {
        (r["agreement_id"], r["objective_id"]): r["coverage_pct"]
        for r in _ledger(reports, "2026-01", "compliance.csv")
        if r["kind"] == "availability"
    }
    assert coverage == compliance
    table = pq.read_table(reports / "2026-01" / "latest" / "credits.parquet")
    assert table.schema.field("coverage_pct").type == pa.decimal128(9, 4)


def _unpublished_copy(case: Scenario, target: Path) -> Path:
    """The module's warehouse without its publication history: publishing it into an empty
    reports folder is a first publication (v1) again. The copy keeps the file name: the
    warehouse's views name their catalog, which is the file's stem."""
    target = target / case.paths.warehouse_path.name
    target.parent.mkdir(parents=True)
    shutil.copy(case.paths.warehouse_path, target)
    with warehouse.connect(target) as connection:
        connection.execute("drop schema if exists publications cascade")
    return target


def test_same_inputs_give_byte_identical_ledgers(case: Scenario, tmp_path: Path):
    """Regression: timestamps or unordered rows inside the files would break finance's diff."""
    manifest = case.paths.reports_dir / "2026-03" / "latest" / "manifest.json"
    published = json.loads(manifest.read_text())
    copies = []
    for name in ("first", "second"):
        copy = _unpublished_copy(case, tmp_path / f"{name}-warehouse")
        with warehouse.connect(copy) as connection:
            publish_window(
                connection,
                tmp_path / name,
                start=dt.date(2026, 3, 1),
                end=dt.date(2026, 4, 1),
                run_id=published["run_id"],
                generated_at=dt.datetime(2026, 4, 2, 6, 0)
                if name == "first"
                else dt.datetime.now(),
            )
        copies.append(tmp_path / name)
    for period in ("2026-03", "2026-Q1"):
        for name in LEDGERS:
            first, second = (c / period / "latest" / name for c in copies)
            assert first.read_bytes() == second.read_bytes(), f"{period}/{name} differs"
            # ... and equal to what the pipeline run itself published
            original = case.paths.reports_dir / period / "latest" / name
            assert first.read_bytes() == original.read_bytes(), f"{period}/{name} vs pipeline"


# ------------------------------------------------------------------- termination rights, claims


def test_chronic_breaches_file_lists_only_the_rules_objectives(reports: Path):
    rows = _csv_rows(reports / "2026-03" / "latest" / "chronic_breaches.csv")
    assert list(rows[0]) == [
        "agreement_id", "period", "rule", "objectives", "breaches_in_window", "required",
        "window_periods", "has_termination_right", "exercise_by",
    ]  # fmt: skip
    # acme's rule names availability and p1-first-response (never csat); initech has no rule,
    # so no row. P1 breached in March only (1 of 3 within 6): no right, no deadline
    assert [(r["agreement_id"], r["objectives"]) for r in rows] == [
        ("acme-hosting", "availability"),
        ("acme-hosting", "p1-first-response"),
    ]
    p1 = rows[1]
    assert (p1["rule"], p1["breaches_in_window"], p1["required"], p1["window_periods"]) == (
        "same_objective", "1", "3", "6",
    )  # fmt: skip
    assert (p1["has_termination_right"], p1["exercise_by"]) == ("false", "")
    # globex: any_objective over its two P1 objectives, one row for both
    quarter = _csv_rows(reports / "2026-Q1" / "latest" / "chronic_breaches.csv")
    assert [(r["agreement_id"], r["rule"], r["objectives"]) for r in quarter] == [
        ("globex-support", "any_objective", "p1-first-response,p1-resolution")
    ]
    manifest = json.loads((reports / "2026-03" / "latest" / "manifest.json").read_text())
    listed = {f["path"] for f in manifest["files"]}
    assert {"chronic_breaches.csv", "chronic_breaches.parquet"} <= listed


def test_ledger_claim_by_is_the_period_end_plus_the_claims_term(reports: Path):
    # acme claims within 30d: 2026-03-31 + 30 = 2026-04-30; globex 45d after 2026-Q1's last day
    # 2026-03-31 = 2026-05-15; initech has no claims term: empty
    march = _csv_rows(reports / "2026-03" / "latest" / "credits.csv")
    assert {(r["agreement_id"], r["claim_by"]) for r in march} == {
        ("acme-hosting", "2026-04-30"),
        ("initech-platform", ""),
    }
    quarter = _csv_rows(reports / "2026-Q1" / "latest" / "credits.csv")
    assert {r["claim_by"] for r in quarter} == {"2026-05-15"}


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


# -------------------------------------------------------------------------------- compliance


def test_compliance_columns_are_the_published_contract(case: Scenario, reports: Path):
    header = pl.read_csv(reports / "2026-03" / "latest" / "compliance.csv", infer_schema=False)
    assert header.columns == [
        "agreement_id", "customer", "period", "period_start", "period_end", "objective_id",
        "objective_order", "objective_name", "kind", "service_id", "priority", "target",
        "actual", "unit", "is_higher_better", "margin", "warning_margin", "status",
        "is_warning", "rating", "sample_size", "coverage_pct", "version",
        "definitions_version", "run_id", "unknown_minutes", "is_verdict_certain",
    ]  # fmt: skip
    # the run id is the publishing run's, on every row of both tables
    assert set(header["run_id"]) == {case.run_id}  # type: ignore[attr-defined]
    assert set(_ledger_frame(reports, "2026-03")["run_id"]) == {case.run_id}  # type: ignore[attr-defined]


def _ledger_frame(reports: Path, period: str) -> pl.DataFrame:
    return pl.read_csv(reports / period / "latest" / "credits.csv", infer_schema=False)


def test_compliance_lists_every_agreement_objective_period_as_in_the_marts(
    case: Scenario, reports: Path
):
    for period in PERIODS:
        frame = pl.read_csv(reports / period / "latest" / "compliance.csv", infer_schema=False)
        marts = case.query(
            "select agreement_id, objective_id, status, sample_size from marts.objective_periods "
            "where period_key = ?",
            [period],
        )
        published = {
            (r["agreement_id"], r["objective_id"]): (r["status"], r["sample_size"])
            for r in frame.iter_rows(named=True)
        }
        assert published == {(a, o): (s, str(n) if n is not None else None) for a, o, s, n in marts}
        assert set(frame["period"]) == {period}
        parquet = pl.read_parquet(reports / period / "latest" / "compliance.parquet")
        assert parquet.height == frame.height
    march = pl.read_csv(reports / "2026-03" / "latest" / "compliance.csv", infer_schema=False)
    p1 = march.filter(
        (pl.col("agreement_id") == "acme-hosting") & (pl.col("objective_id") == "p1-first-response")
    ).row(0, named=True)
    # 1 of 2 tickets in time: actual 50 %, margin 50 - 95 = -45, two tickets sampled
    assert (p1["actual"], p1["margin"], p1["sample_size"], p1["rating"]) == (
        "50.0000", "-45.0000", "2", "red",
    )  # fmt: skip


# ------------------------------------------------------------------------------ review packs


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.classes: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append(tag)
        self.classes += [c for k, v in attrs if k == "class" and v for c in v.split()]

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def test_review_pack_escapes_values_from_definitions(reports: Path):
    page = _parse(reports / "2026-03" / "latest" / "review_packs" / "acme-hosting.html")
    assert "script" not in page.tags, "a customer name became markup"
    assert "b" not in page.tags, "an action item became markup"
    text = "".join(page.text)
    assert HOSTILE_CUSTOMER in text
    assert "Add a second probe location <b>before</b> Q2" in text


def test_review_pack_covers_the_quarter_with_scorecard_and_carried_items(reports: Path):
    page = _parse(reports / "2026-03" / "latest" / "review_packs" / "acme-hosting.html")
    text = " ".join(" ".join(page.text).split())
    assert "Circulated for review" in text
    for month in ("2026-01", "2026-02", "2026-03"):
        assert month in text
    # P1 first response breached in March (red); January met (1 of 1 in time, green)
    assert "red" in page.classes and "green" in page.classes
    assert "Northwind operations" in text  # the open item's owner, carried forward
    assert "Closed item that must not be carried forward" not in text
    assert "desk@northwind.example" in text  # escalation contact on the cover
    # the ticket without a UTC offset was quarantined: reported as a data quality note
    assert "created_at has no UTC offset" in text
    assert page.tags.count("img") >= 4, "one trend chart per objective"


def test_review_pack_pdf_reads_as_a_person_sees_it(reports: Path, tmp_path: Path):
    pdf = reports / "2026-03" / "latest" / "review_packs" / "acme-hosting.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 2
    first = " ".join(reader.pages[0].extract_text().split())
    assert HOSTILE_CUSTOMER in first and "Circulated for review" in first
    assert "Scorecard" in first
    subprocess.run(
        ["pdftoppm", "-r", "80", "-f", "1", "-l", "2", "-png", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    from PIL import Image

    page_two = Image.open(tmp_path / "page-2.png").convert("RGB")
    # the trend charts draw the actual as a blue (#1565c0) line, the only blue on the page: a
    # chart that rendered shows it (anti-aliasing lightens the edges, hence the loose test)
    blue = sum(1 for r, g, b in page_two.getdata() if b > 150 and b - r > 80 and b - g > 40)
    assert blue > 50, "no chart line visible on page 2"


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def _html_text(path: Path) -> str:
    return " ".join(" ".join(_parse(path).text).split())


def test_pdf_and_html_show_the_same_scorecard_figures(case: Scenario, reports: Path):
    """Regression: the PDF (Typst) and the HTML (Jinja2) are two templates; a figure formatted
    differently in one of them would give the meeting two versions of the truth."""
    folder = reports / "2026-03" / "latest" / "review_packs"
    html, pdf = _html_text(folder / "acme-hosting.html"), _pdf_text(folder / "acme-hosting.pdf")
    with warehouse.connect(case.paths.warehouse_path, read_only=True) as connection:
        periods = periods_in_window(connection, dt.date(2026, 3, 1), dt.date(2026, 4, 1))
        review = next(r for r in reviews_closing(connection, periods)
                      if r.agreement_id == "acme-hosting")  # fmt: skip
        [context] = review_contexts(connection, [review], generated_at=dt.datetime(2026, 4, 2))
    scorecard = review_pack_model(context).scorecard.rows
    figures = [
        figure
        for row in scorecard
        for figure in (row.name, row.target, *(c.text for c in row.cells if c))
    ]
    # hand-checked anchors: P1 first response in March, 1 of 2 tickets in time = 50 % against
    # a target of at least 95 %
    assert "≥ 95 %" in figures and "50 %" in figures
    assert len(figures) >= 4 * 3
    for figure in figures:
        assert figure in html, f"{figure!r} missing from the HTML"
        assert figure in pdf, f"{figure!r} missing from the PDF"


def test_same_inputs_give_byte_identical_review_packs(case: Scenario, tmp_path: Path):
    """The PDF carries a fixed creation date (the review's end), not the time of rendering."""
    for name in ("first", "second"):
        copy = _unpublished_copy(case, tmp_path / f"{name}-warehouse")
        with warehouse.connect(copy) as connection:
            publish_window(
                connection, tmp_path / name, start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 1),
                run_id="run", generated_at=dt.datetime(2026, 4, 2, 6, 0),
            )  # fmt: skip
    packs = sorted((tmp_path / "first").glob("*/latest/review_packs/*"))
    assert {p.suffix for p in packs} == {".html", ".pdf"}
    for pack in packs:
        twin = tmp_path / "second" / pack.relative_to(tmp_path / "first")
        assert pack.read_bytes() == twin.read_bytes(), f"{pack.name} differs"
    created = PdfReader(packs[-1]).metadata.creation_date
    assert (created.year, created.month, created.day) == (2026, 4, 1)


def test_packs_rendered_in_worker_processes_equal_those_rendered_in_process(
    case: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Workers get plain data (no warehouse) and must produce the very same files."""
    with warehouse.connect(case.paths.warehouse_path, read_only=True) as connection:
        periods = periods_in_window(connection, dt.date(2026, 1, 1), dt.date(2026, 4, 1))
        reviews = reviews_closing(connection, periods)
        contexts = review_contexts(connection, reviews, generated_at=dt.datetime(2026, 4, 2))
    folders = {}
    for mode, workers in (("inline", 1), ("pool", 2)):
        folders[mode] = tmp_path / mode
        folders[mode].mkdir()
        jobs = [
            review_pack.PackJob(
                context=context,
                html_path=folders[mode] / f"{review.folder}-{review.agreement_id}.html",
                pdf_path=folders[mode] / f"{review.folder}-{review.agreement_id}.pdf",
                document_date=review.review_end,
            )
            for review, context in zip(reviews, contexts, strict=True)
        ]
        monkeypatch.setattr(review_pack, "POOL_MIN_PACKS", 1)
        review_pack.render_packs(jobs, workers=workers)
    # initech x 3 months, acme's Q1 review, globex's Q1 review: 5 packs, 10 files
    assert len(_files(folders["pool"])) == 10
    assert _files(folders["pool"]) == _files(folders["inline"])


# -------------------------------------------------------------------------------- manifest


def test_manifest_traces_inputs_definitions_and_files(case: Scenario, reports: Path):
    sha = case.query("select any_value(definitions_sha256) from definitions.agreements")[0][0]
    for period in PERIODS:
        manifest = json.loads((reports / period / "latest" / "manifest.json").read_text())
        assert manifest["run_id"] == case.run_id  # type: ignore[attr-defined]
        assert manifest["definitions_sha256"] == sha
        assert set(manifest["tools"]) >= {"python", "duckdb", "dbt-core", "dagster", "sla-pipeline"}
        listed = {f["path"]: f["sha256"] for f in manifest["files"]}
        present = _files(reports / period / "latest")
        present.pop("manifest.json")
        assert listed == present
    inputs = {f["source"]: f for f in manifest["input_files"]}
    # 5 ticket rows landed, 1 without a UTC offset -> 4 loaded, 1 quarantined
    tickets = inputs["tickets"]
    assert (tickets["rows_read"], tickets["rows_loaded"], tickets["rows_quarantined"]) == (5, 4, 1)
    landed = case.paths.landing_dir / "tickets" / "tickets.csv"
    assert tickets["sha256"] == hashlib.sha256(landed.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------ atomicity


def test_a_failure_half_way_leaves_the_last_publication_untouched(
    case: Scenario, monkeypatch: pytest.MonkeyPatch
):
    before = _files(case.paths.reports_dir)
    calls = []
    render = review_pack.render_pdf

    def fail_on_second(pack, target: Path, **kwargs) -> None:  # type: ignore[no-untyped-def]
        calls.append(target.name)
        if len(calls) == 2:
            raise RuntimeError("renderer crashed on the second review pack")
        render(pack, target, **kwargs)

    monkeypatch.setattr(review_pack, "render_pdf", fail_on_second)
    # the same range as the module's run (its data passes the input checks, so the run gets as
    # far as the publication) plus a late P1 ticket that changes acme's March: 2026-03 gets a
    # new version with two packs (initech's March, acme's Q1 review), the other periods none
    late = case.paths.landing_dir / "tickets" / "late.csv"
    write_landing(
        case.paths.landing_dir,
        {"tickets/late.csv": "A9,acme-hosting,P1,2026-03-09T10:00:00Z,2026-03-09T11:00:00Z,,"},
    )
    try:
        outcome = case.run("2026-01", "2026-03")
    finally:
        late.unlink()
    assert not outcome.success
    assert any("publications" in step for step in outcome.failed_steps), outcome.reason
    assert len(calls) == 2, "the publication did not get half-way"
    assert _files(case.paths.reports_dir) == before, "published files changed"
    leftovers = [p.name for p in case.paths.reports_dir.rglob(".*")]
    assert leftovers == []
    assert sorted(p.name for p in (case.paths.reports_dir / "2026-03").iterdir()) == [
        "latest",
        "v1",
    ]
    # the history never says a version was published whose folder is not in place
    assert case.query(
        "select distinct version from publications.credits_ledger_history where period = '2026-03'"
    ) == [(1,)]
