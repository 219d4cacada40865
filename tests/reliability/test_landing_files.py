"""Issue 11, point 5: files outside the contract are listed, never followed. Every entry of the
landing folder the loader does not take is in ``raw.landing_files`` as ``ignored`` with a fixed
reason; no file content reaches a message; ``.csv.gz`` is read."""

from __future__ import annotations

import datetime as dt
import gzip
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.lib.landing import ingest_folder
from orchestration.lib.landing_contract import SOURCES
from tests.ingest.conftest import LOAD_TIME, Warehouse

HEADER = "ticket_id,agreement_id,priority,created_at,first_response_at,resolved_at,csat_score"
TICKET = "T1,acme-hosting,P2,2026-02-05T09:00:00Z,,,"
SECRET = "root:x:0:0:secret-first-line"


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    case = Warehouse(tmp_path)
    yield case
    case.connection.close()


def load_all(warehouse: Warehouse) -> list:
    """Every source, the first one also listing the landing folder's other entries (as the
    ingest assets do)."""
    reports = []
    for n, source in enumerate(SOURCES.values()):
        reports += ingest_folder(
            warehouse.connection, source, warehouse.landing / source.name,
            load_time=LOAD_TIME, list_outside_sources=n == 0,
        )  # fmt: skip
    return reports


def test_every_entry_not_taken_is_listed_as_ignored_with_its_reason(warehouse, tmp_path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text(f"{HEADER}\n{TICKET.replace('T1', 'T9')}\n")
    warehouse.write("tickets/t.csv", f"{HEADER}\n{TICKET}\n")
    warehouse.write("tickets/notes.txt", "hello")
    warehouse.write("tickets/.hidden.csv", f"{HEADER}\n{TICKET}\n")
    warehouse.write("tickets/2026/t.csv", f"{HEADER}\n{TICKET}\n")
    warehouse.write("tickets_old/t.csv", f"{HEADER}\n{TICKET}\n")
    warehouse.write("readme.csv", f"{HEADER}\n{TICKET}\n")
    os.symlink(outside, warehouse.landing / "tickets" / "linked.csv")
    os.symlink(tmp_path / "nowhere.csv", warehouse.landing / "tickets" / "dangling.csv")
    # a link to another file inside the landing folder is followed
    os.symlink(warehouse.landing / "tickets" / "t.csv", warehouse.landing / "tickets" / "u.csv")
    reports = load_all(warehouse)

    assert warehouse.rows(
        "select source, file_path, message from raw.landing_files where status = 'ignored' "
        "order by file_path"
    ) == [
        ("", "readme.csv", "not in a source folder: not read"),
        ("tickets", "tickets/.hidden.csv", "hidden file: not read"),
        ("tickets", "tickets/2026/", "sub-folder: only files directly in a source folder are read"),
        ("tickets", "tickets/dangling.csv", "dangling symbolic link: not read"),
        ("tickets", "tickets/linked.csv",
         "symbolic link leading outside the landing folder: not followed"),
        ("tickets", "tickets/notes.txt",
         "not a landing file format (.csv, .csv.gz, .parquet, .jsonl, .ndjson): not read"),
        ("tickets_old", "tickets_old/",
         "not a landing source folder (downtime_windows, maintenance, probes, ticket_events, "
         "ticket_outcomes, tickets): not read"),
    ]  # fmt: skip
    # T9 (the outside file's ticket) was not loaded; u.csv repeats t.csv and sorts later
    assert warehouse.rows("select ticket_id, source_file from raw.tickets") == [
        ("T1", "tickets/u.csv")
    ]
    # counted in the run's reports (the asset's files_by_status metadata counts these)
    assert sum(r.status == "ignored" for r in reports) == 7
    # reconciliation still holds for every file: ignored entries read, load and set aside 0 rows
    assert warehouse.rows(
        "select count(*) from raw.landing_files where rows_read <> rows_loaded + rows_quarantined"
    ) == [(0,)]

    # a second load lists the same entries once (they are replaced, not added)
    load_all(warehouse)
    assert warehouse.rows("select count(*) from raw.landing_files where status = 'ignored'") == [
        (7,)
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # a header that is someone's secret: not copied into the message
        (f"{SECRET}\nsecond line\n", "missing column(s) ticket_id, agreement_id, priority"),
        (f"{HEADER},{SECRET}\n{TICKET},x\n", "ignored 1 extra column(s)"),
        (f"{HEADER},{SECRET},{SECRET}\n", "duplicate column names in the header (line 1)"),
        (b"\xff\xfe" + SECRET.encode("utf-16-le"), "not UTF-8"),
    ],
)
def test_no_file_content_reaches_the_manifest(warehouse, content, expected) -> None:
    warehouse.write("tickets/t.csv", content)
    warehouse.load("tickets")
    ((message,),) = warehouse.rows("select message from raw.landing_files")
    assert expected in message
    assert "secret" not in message and "root" not in message


def test_unreadable_parquet_has_a_fixed_reason(warehouse) -> None:
    warehouse.write("probes/p.parquet", f"PAR1{SECRET}".encode())
    warehouse.load("probes")
    assert warehouse.rows("select status, message from raw.landing_files") == [
        ("rejected", "unreadable file: DuckDB cannot read it as parquet")
    ]


def test_gzipped_csv_is_read(warehouse) -> None:
    warehouse.write("tickets/t.csv.gz", gzip.compress(f"{HEADER}\n{TICKET}\n".encode()))
    (report,) = warehouse.load("tickets", load_time=LOAD_TIME + dt.timedelta(0))
    assert (report.status, report.rows_read, report.rows_loaded) == ("loaded", 1, 1)
    assert warehouse.rows("select ticket_id, source_file, source_row from raw.tickets") == [
        ("T1", "tickets/t.csv.gz", 2)
    ]


def test_an_ignored_file_that_becomes_a_landing_file_is_loaded(warehouse, tmp_path) -> None:
    link = warehouse.landing / "tickets" / "t.csv"
    link.parent.mkdir(parents=True)
    os.symlink(tmp_path / "later.csv", link)
    assert [r.status for r in warehouse.load("tickets")] == ["ignored"]
    link.unlink()
    warehouse.write("tickets/t.csv", f"{HEADER}\n{TICKET}\n")
    assert [r.status for r in warehouse.load("tickets")] == ["loaded"]
    assert warehouse.rows("select status from raw.landing_files") == [("loaded",)]
