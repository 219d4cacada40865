"""Adjustments files: every broken entry is reported with its file and field path."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.lib.agreements import DefinitionsError, load_catalog
from orchestration.lib.agreements.tables import write_definitions
from orchestration.lib.settings import PROJECT_ROOT

EXAMPLES = PROJECT_ROOT / "sla_definitions"
runner = CliRunner()

GOOD = """\
adjustments:
  - id: adj-1
    agreement: acme-hosting
    objective: p1-first-response
    tickets: [T-1]
    category: customer_caused
    reason: customer gave no access
    approved_by: both service managers
    approved_at: 2026-04-02
    evidence: https://tickets.example/T-1
  - id: adj-2
    agreement: acme-hosting
    window: {start: "2026-03-10T09:00:00+01:00", end: "2026-03-10T10:00:00+01:00"}
    category: third_party
    reason: carrier outage
    approved_by: review meeting
    approved_at: 2026-04-02
"""


def _folder(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "defs"
    shutil.copytree(EXAMPLES / "calendars", root / "calendars")
    shutil.copytree(EXAMPLES / "agreements", root / "agreements")
    (root / "adjustments").mkdir()
    (root / "adjustments" / "2026-q1.yaml").write_text(text, encoding="utf-8")
    return root


def _replace(old: str, new: str) -> str:
    assert old in GOOD, f"test setup: {old!r} not in the example"
    return GOOD.replace(old, new, 1)


def test_a_good_file_loads_and_lands_in_the_definitions_tables(tmp_path: Path) -> None:
    catalog = load_catalog(_folder(tmp_path, GOOD))
    assert [a.id for a in catalog.adjustments] == ["adj-1", "adj-2"]
    assert "adjustments/2026-q1.yaml" in catalog.files
    connection = duckdb.connect()
    write_definitions(connection, catalog)
    rows = connection.execute(
        "select adjustment_id, objective_id, scope, window_start_at, window_end_at "
        "from definitions.adjustments order by 1"
    ).fetchall()
    # 09:00+01:00 is 08:00 UTC; an absent objective means all of them
    assert [(r[0], r[1], r[2], str(r[3]), str(r[4])) for r in rows] == [
        ("adj-1", "p1-first-response", "tickets", "None", "None"),
        ("adj-2", "all", "window", "2026-03-10 08:00:00", "2026-03-10 09:00:00"),
    ]
    assert connection.execute("select * from definitions.adjustment_tickets").fetchall() == [
        ("adj-1", "T-1")
    ]


BROKEN = [
    ("unknown field", _replace("    reason: carrier", "    reasn: carrier"),
     "adjustments[1].reasn", "unknown field"),
    ("missing reason", _replace("    reason: customer gave no access\n", ""),
     "adjustments[0].reason", "required field is missing"),
    ("missing approved_by", _replace("    approved_by: review meeting\n", ""),
     "adjustments[1].approved_by", "required field is missing"),
    ("bad approved_at", _replace("approved_at: 2026-04-02\n    evidence",
                                 "approved_at: soon\n    evidence"),
     "adjustments[0].approved_at", "date"),
    ("unknown category", _replace("category: third_party", "category: bad_luck"),
     "adjustments[1].category", "customer_caused"),
    ("evidence not a link", _replace("evidence: https://tickets.example/T-1", "evidence: see mail"),
     "adjustments[0].evidence", "URL"),
    ("no scope", _replace("    tickets: [T-1]\n", ""),
     "adjustments[0]", "exactly one scope"),
    ("two scopes", _replace("    tickets: [T-1]\n", "    tickets: [T-1]\n    window: "
                            "{start: '2026-03-01T00:00:00Z', end: '2026-03-01T01:00:00Z'}\n"),
     "adjustments[0]", "exactly one scope"),
    ("empty tickets", _replace("tickets: [T-1]", "tickets: []"),
     "adjustments[0].tickets", "at least 1 item"),
    ("ticket twice", _replace("tickets: [T-1]", "tickets: [T-1, T-1]"),
     "adjustments[0].tickets", "listed twice"),
    ("window without offset", _replace('start: "2026-03-10T09:00:00+01:00"',
                                       'start: "2026-03-10T09:00:00"'),
     "adjustments[1].window.start", "UTC offset"),
    ("window ends before it starts", _replace('end: "2026-03-10T10:00:00+01:00"',
                                              'end: "2026-03-10T08:00:00+01:00"'),
     "adjustments[1].window", "not after start"),
    ("unknown agreement", _replace("agreement: acme-hosting\n    objective",
                                   "agreement: acme\n    objective"),
     "adjustments[0].agreement", "no agreement 'acme'"),
    ("unknown objective", _replace("objective: p1-first-response", "objective: p9"),
     "adjustments[0].objective", "no objective 'p9'"),
    ("tickets on an availability objective",
     _replace("objective: p1-first-response", "objective: availability"),
     "adjustments[0].tickets", "needs a ticket objective"),
    ("bad id", _replace("id: adj-2", "id: Adj 2"), "adjustments[1].id", "pattern"),
    ("id twice", _replace("id: adj-2", "id: adj-1"), "adjustments[1].id", "also defined"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "field", "words"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_each_broken_entry_names_file_and_field(
    tmp_path: Path, text: str, field: str, words: str
) -> None:
    root = _folder(tmp_path, text)
    with pytest.raises(DefinitionsError) as raised:
        load_catalog(root)
    file = str(root / "adjustments" / "2026-q1.yaml")
    matching = [e for e in raised.value.errors if e.startswith(f"{file}: {field}: ")]
    assert matching, raised.value.errors
    assert words in matching[0], matching[0]


def test_sla_validate_reports_the_line_and_fails(tmp_path: Path) -> None:
    root = _folder(tmp_path, _replace("category: third_party", "category: bad_luck"))
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 1, result.output  # invalid definitions: 1, as for agreements
    assert "2026-q1.yaml: adjustments[1].category:" in result.output
    assert "Traceback" not in result.output
