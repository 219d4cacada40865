"""The publication's parts without a pipeline run: rules, formats, writers, atomic swap.

Which periods close a review (calendar boundaries) is dbt SQL now: the unit test
``reviews_close_on_calendar_boundaries`` in dbt_project/models/marts/reporting/ states it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from orchestration.lib.money import format_amount, to_cents
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
            table, tmp_path / name, sheet="credits", document_time=dt.datetime(2026, 4, 1),
            money_columns=("credit_amount",),
        )  # fmt: skip
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


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
