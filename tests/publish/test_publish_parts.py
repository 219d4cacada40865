"""The publication's parts without a pipeline run: rules, formats, writers, atomic swap.

Which periods close a review (calendar boundaries) is dbt SQL now: the unit test
``reviews_close_on_calendar_boundaries`` in dbt_project/models/marts/reporting/ states it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pytest

from orchestration.lib.money import format_amount, to_cents
from orchestration.lib.publish import versions
from orchestration.lib.publish.atomic import recover, staged_publication
from orchestration.lib.publish.formatting import format_duration, format_measure
from orchestration.lib.publish.writers import write_csv, write_xlsx
from orchestration.lib.review_pack.recommendations import HistoryPoint, recommend


def _points(statuses_actuals: list[tuple[str, str]], target: str, unit: str) -> list[HistoryPoint]:
    return [
        HistoryPoint(f"2026-{i:02d}", status, Decimal(target), Decimal(actual), unit)
        for i, (status, actual) in enumerate(statuses_actuals, start=1)
    ]


def test_six_periods_met_by_a_wide_margin_suggest_tightening():
    # target 99.0 %, headroom to 100 % = 1.0; half-way = 99.5; 99.6 is wide, six times in a row
    history = _points([("met", "99.6")] * 6, "99.0", "%")
    assert [r.kind for r in recommend("a", "Availability", history)] == ["tighten"]
    # five wide periods are not enough
    assert recommend("a", "Availability", history[1:]) == []


def test_latency_wide_margin_is_a_quarter_below_target():
    # target 800 ms: 25 % below = 600 ms or less is wide
    assert [
        r.kind for r in recommend("l", "Latency", _points([("met", "600")] * 6, "800", "ms"))
    ] == ["tighten"]
    assert recommend("l", "Latency", _points([("met", "601")] * 6, "800", "ms")) == []


def test_three_breaches_in_six_periods_need_a_capacity_plan():
    history = _points(
        [("met", "96"), ("breached", "90"), ("met", "96"), ("breached", "80"), ("met", "96"),
         ("breached", "85")], "95", "%",
    )  # fmt: skip
    assert [r.kind for r in recommend("p1", "P1 response", history)] == ["capacity"]


def test_money_and_measures_format_exactly():
    assert format_amount(Decimal("1234.5")) == "1234.50"
    assert format_amount(Decimal("1234.5"), grouping=True) == "1,234.50"
    assert to_cents(Decimal("0.125")) == Decimal("0.13")  # half up, not banker's rounding
    assert format_measure(Decimal("99.9500"), "%") == "99.95 %"
    assert format_measure(Decimal("812.4"), "ms") == "812 ms"
    assert format_measure(None, "%") == "–"
    assert format_duration(3900) == "1h 05m"
    assert format_duration(172800) == "2d"


def test_csv_writes_decimals_as_exact_text(tmp_path: Path):
    table = pa.table(
        {
            "customer": ['Müller, "Gebr."', "plain"],
            "credit_amount": pa.array([Decimal("1234.50"), None], pa.decimal128(18, 2)),
        }
    )
    write_csv(table, tmp_path / "x.csv")
    # BOM, CRLF, a quoted field with a comma and doubled quotes, 2 decimals, empty for null
    assert (tmp_path / "x.csv").read_bytes() == (
        b'\xef\xbb\xbfcustomer,credit_amount\r\n"M\xc3\xbcller, ""Gebr.""",1234.50\r\nplain,\r\n'
    )


def test_xlsx_is_byte_identical_when_written_twice(tmp_path: Path):
    table = pa.table({"credit_amount": pa.array([Decimal("10.10")], pa.decimal128(18, 2))})
    for name in ("a.xlsx", "b.xlsx"):
        write_xlsx(
            {"credits": table, "totals": table}, tmp_path / name,
            document_time=dt.datetime(2026, 4, 1), money_columns=("credit_amount",),
        )  # fmt: skip
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_xlsx_writes_one_sheet_per_table_in_order(tmp_path: Path):
    ledger = pa.table(
        {
            "row_type": ["objective", "agreement_total"],
            "credit_amount": pa.array([Decimal("600.00")] * 2, pa.decimal128(18, 2)),
        }
    )
    by_currency = pa.table(
        {"currency": ["EUR"], "credit_amount": pa.array([Decimal("600.00")], pa.decimal128(18, 2))}
    )
    write_xlsx(
        {"credits": ledger, "totals": ledger.slice(1), "by_currency": by_currency},
        tmp_path / "credits.xlsx",
        document_time=dt.datetime(2026, 4, 1),
        money_columns=("credit_amount",),
    )
    workbook = openpyxl.load_workbook(tmp_path / "credits.xlsx")
    assert workbook.sheetnames == ["credits", "totals", "by_currency"]
    assert [[c.value for c in row] for row in workbook["totals"].iter_rows()] == [
        ["row_type", "credit_amount"],
        ["agreement_total", 600.0],
    ]
    euro = workbook["by_currency"]["B2"]
    assert (euro.value, euro.number_format) == (600.0, "#,##0.00")


def _history_ledger(coverage: Decimal | None = None, *, with_coverage: bool) -> pa.Table:
    columns = {
        "agreement_id": ["acme-hosting"],
        "period": ["2026-03"],
        "objective_id": ["availability"],
        "credit_amount": pa.array([Decimal("600.00")], pa.decimal128(18, 2)),
        "currency": ["EUR"],
        "run_id": ["run"],
        "row_type": ["objective"],
    }
    if with_coverage:
        columns["coverage_pct"] = pa.array([coverage], pa.decimal128(9, 4))
    return pa.table(columns)


def test_history_published_before_coverage_pct_takes_the_new_column(tmp_path: Path):
    """Regression: a warehouse whose ledger history was created with the columns before
    coverage_pct must take a ledger with it (the insert is by name; the table gains the column)."""
    connection = duckdb.connect()
    before = _history_ledger(with_coverage=False)
    after = _history_ledger(Decimal("99.3270"), with_coverage=True)
    for number, ledger in ((1, before), (2, after)):
        with versions.history_transaction(connection, tmp_path, ledger) as history:
            staged = versions.StagedVersion(
                "2026-03", number, number - 1 or None, tmp_path / f"v{number}", ledger
            )
            history.record(staged, dt.datetime(2026, 4, number))
            if number == 2:
                restated = history.restatement(staged).to_pylist()
    held = connection.execute(
        f"select version, coverage_pct from {versions.HISTORY_TABLE} order by version"
    ).fetchall()
    # v1 was recorded before the column existed: null; v2 carries it
    assert held == [(1, None), (2, Decimal("99.3270"))]
    # the new column alone changed the row: restated, with no change of money (600.00 - 600.00)
    assert [(r["objective_id"], r["difference"]) for r in restated] == [
        ("availability", Decimal("0.00"))
    ]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_staged_publication_replaces_period_folders_only_on_success(tmp_path: Path):
    reports = tmp_path / "reports"
    (reports / "2026-03").mkdir(parents=True)
    (reports / "2026-03" / "old.csv").write_text("old")
    (reports / "2026-02").mkdir()
    (reports / "2026-02" / "keep.csv").write_text("untouched")

    with pytest.raises(RuntimeError), staged_publication(reports, "run-a") as staging:
        (staging / "2026-03").mkdir()
        (staging / "2026-03" / "new.csv").write_text("new")
        raise RuntimeError("half-way")
    assert _tree(reports) == {"2026-03/old.csv": b"old", "2026-02/keep.csv": b"untouched"}

    with staged_publication(reports, "run-b") as staging:
        (staging / "2026-03").mkdir()
        (staging / "2026-03" / "new.csv").write_text("new")
    # the period folder is replaced as a whole; other periods stay; nothing else is left
    assert _tree(reports) == {"2026-03/new.csv": b"new", "2026-02/keep.csv": b"untouched"}
    assert sorted(p.name for p in reports.iterdir()) == ["2026-02", "2026-03"]


def test_recover_restores_a_folder_whose_swap_was_interrupted(tmp_path: Path):
    reports = tmp_path / "reports"
    # a crash after "old -> backup" and before "staged -> place"
    (reports / ".backup-run-x--2026-03").mkdir(parents=True)
    (reports / ".backup-run-x--2026-03" / "credits.csv").write_text("last good")
    (reports / ".staging-run-x" / "2026-03").mkdir(parents=True)
    actions = recover(reports)
    assert _tree(reports) == {"2026-03/credits.csv": b"last good"}
    assert len(actions) == 2
