"""The loader checks clean-looking rows on a fast path (canonical values: no trim, no regex) and
every other row in full. These tests pin that the fast path is only a shortcut: loading the same
tricky values with the fast path switched off gives the same tables, and duplicates found among
fast-path rows still reach quarantine with their text as delivered and their own line number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from orchestration.lib.landing_contract import Column
from tests.ingest.conftest import Warehouse
from tests.ingest.test_landing_rules import (
    NAIVE_PROBES,
    PROBE_HEADER,
    TICKET_HEADER,
    parquet_bytes,
)

NBSP = "\u00a0"
# one column varied at a time from a clean row; each value is a way a canonical-looking text
# could differ from its trimmed, fully checked self
PROBE_VARIANTS = {
    "service_id": ["web-api", " web-api", "web-api ", f"{NBSP}web-api", f"web-api{NBSP}",
                   "\tweb-api", "wéb-api", "\u3000web-api", '""'],
    "checked_at": ["2026-01-05T09:00:00Z", "2026-01-05T09:00:00+01:00", "2026-01-05T09:00:00-05:30",
                   # a sign or a space before the year still casts (a year BC, the year 26)
                   "-026-01-05T09:00:00+01:00", " 026-01-05T09:00:00+01:00",
                   "2026-01-05 09:00:00+01:00", "2026-01-05T09:00:00.5Z", "2026-01-05T09:00:00",
                   "2026-01-05T25:00:00+01:00", "2026-01-05T09:00:00+0100", "2026-01-05T09:00:00z",
                   f"2026-01-05T09:00:00+01:0{NBSP}", "20260-01-05T09:00:00+01:00",
                   "2026-01-05T09:00:00+01:00 ", "2026-03-01T12:00:01Z",
                   # documented forms without seconds, and the range limits (issue 11)
                   "2026-01-05T09:00Z", "2026-01-05 09:00+0100", "2026-01-05T09:00:00+25:00",
                   "2026-01-05T09:00:00+14:00", "2026-01-05T09:00:00+14:01",
                   "2026-01-05 09:00:00+15", "0001-01-05T09:00:00Z", "1969-12-31T23:59:59Z",
                   "1970-01-01T00:30:00+01:00"],
    "ok": ["true", "false", "TRUE", "t", "yes", " true", "false ", "maybe", '""'],
    "latency_ms": ["1.5", " 1.5", "1.5 ", f"1.5{NBSP}", "1_5", "-1", "1e3", "inf", "0x10", '""',
                   "nan", "-inf", "1e300", "100000000000000", "99999999999999.9"],
    "location": ["fra", " fra", "fra ", f"fra{NBSP}", "", "f\u0301ra"],
}  # fmt: skip
TICKET_VARIANTS = {
    "priority": ["P1", " P1", "P1 ", f"P1{NBSP}", "p1"],
    "csat_score": ["5", " 5", "5 ", f"5{NBSP}", "4.5", "05", "+5", "1_0", "0", "4.0", "4.00", "4."],
    "first_response_at": ["2026-01-05T09:30:00Z", "2026-01-05T09:30:00+01:00", ""],
}


def _probe_rows() -> list[str]:
    base = {"ok": "true", "latency_ms": "120.5", "location": "fra"}
    rows = []
    for column, values in PROBE_VARIANTS.items():
        for n, value in enumerate(values):
            # a distinct service or minute per row, so that no two rows share a key
            row = {"service_id": f"svc-{column}-{n}", "checked_at": "2026-01-05T09:00:00Z"}
            row |= base | {column: value}
            rows.append(",".join(row[c] for c in PROBE_HEADER.split(",")))
    return rows


def _ticket_rows() -> list[str]:
    rows = []
    for column, values in TICKET_VARIANTS.items():
        for n, value in enumerate(values):
            row = {
                "ticket_id": f"T-{column}-{n}", "agreement_id": "acme-hosting", "priority": "P2",
                "created_at": "2026-01-05T09:00:00Z", "first_response_at": "",
                "resolved_at": "2026-01-05T12:00:00+01:00", "csat_score": "4",
            } | {column: value}  # fmt: skip
            rows.append(",".join(row[c] for c in TICKET_HEADER.split(",")))
    return rows


def _load_all(root: Path) -> dict[str, list[tuple]]:
    warehouse = Warehouse(root)
    try:
        warehouse.write("probes/p.csv", "\n".join([PROBE_HEADER, *_probe_rows()]) + "\n")
        warehouse.write("tickets/t.csv", "\n".join([TICKET_HEADER, *_ticket_rows()]) + "\n")
        # Parquet TIMESTAMPTZ values arrive as DuckDB's text ("2026-01-05 09:00:00+00"), and a
        # fraction of a second makes a value take the full checks
        with_fraction = NAIVE_PROBES.set_column(
            1,
            "checked_at",
            pa.array([1767603600000000, 1767603660500000], pa.timestamp("us", "UTC")),
        )
        warehouse.write("probes/q.parquet", parquet_bytes(with_fraction.slice(1)))
        warehouse.write("probes/r.parquet", parquet_bytes(NAIVE_PROBES.slice(0, 1)))
        tables = {}
        for source in ("probes", "tickets"):
            warehouse.load(source)
            for schema in ("raw", "quarantine"):
                table = f"{schema}.{source}"
                tables[table] = sorted(warehouse.rows(f"select * from {table}"), key=repr)
        clean = warehouse.rows("select count(*) filter (where is_clean) from checked")[0][0]
        tables["fast path rows of the last file"] = [(clean,)]
        return tables
    finally:
        warehouse.connection.close()


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    fast = _load_all(tmp_path_factory.mktemp("fast"))
    with pytest.MonkeyPatch.context() as patch:
        # no value is canonical: every row takes the full checks
        patch.setattr(Column, "canonical", property(lambda self: "false"))
        full = _load_all(tmp_path_factory.mktemp("full"))
    return fast, full


def test_fast_path_gives_the_same_tables_as_the_full_checks(both_ways) -> None:
    fast, full = both_ways
    fast_rows, full_rows = (
        fast.pop("fast path rows of the last file"),
        full.pop("fast path rows of the last file"),
    )
    assert fast == full
    # the comparison means something only if the fast path took rows and the other run did not
    assert fast_rows[0][0] > 0 and full_rows == [(0,)]


def test_guarded_shapes_are_judged_like_the_full_checks(both_ways) -> None:
    fast, _ = both_ways
    quarantined = {(row[5], row[2]) for row in fast["quarantine.probes"] if row[5]}
    # a sign or space before the year casts, but the full regex wants four digits: no offset
    # accepted means the row is set aside, never loaded as year -26 or 26
    assert ("-026-01-05T09:00:00+01:00", "timestamp_without_offset") in quarantined
    assert (" 026-01-05T09:00:00+01:00", "timestamp_without_offset") in quarantined
    loaded = {row[0]: row for row in fast["raw.probes"]}
    # " web-api" and "web-api " are trimmed before the fast path could store them untrimmed
    assert "web-api" in loaded and " web-api" not in loaded and "web-api " not in loaded
    # " 1.5" and "1.5 " load as 1.5 (trimmed); 1.5 followed by a no-break space too, as trim
    # strips Unicode spaces
    latencies = {row[3] for row in fast["raw.probes"] if row[0].startswith("svc-latency_ms")}
    assert 1.5 in latencies and -1.0 not in latencies


def test_duplicates_found_on_the_fast_path_keep_their_text_and_line(tmp_path: Path) -> None:
    # 150,000 probes (~7 MB, read in parallel), minute i on line i + 2, with two broken lines
    # (so later rows are renumbered) and three repeats of earlier minutes written with another
    # offset far down the file
    warehouse = Warehouse(tmp_path)
    rows = 150_000
    start = dt.datetime(2026, 1, 1)
    lines = [
        f"web-api,{start + dt.timedelta(minutes=i):%Y-%m-%dT%H:%M:%SZ},true,{i},fra"
        for i in range(rows)
    ]
    lines[1_000] = "web-api,oops"
    lines[90_000] = "web-api,too,many,fields,here,now"
    # minute 7 as 01:07+01:00 (same instant, same content): a duplicate of line 9
    repeats = {120_000: 7, 130_000: 8, 140_000: 9}
    for index, minute in repeats.items():
        lines[index] = f"web-api,2026-01-01T01:{minute:02d}:00+01:00,true,{minute},fra"
    warehouse.write("probes/big.csv", "\n".join([PROBE_HEADER, *lines]) + "\n")
    try:
        [report] = warehouse.load("probes", dt.datetime(2027, 1, 1))
        assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (
            rows, rows - 2 - 3, 2 + 3
        )  # fmt: skip
        # line of list index i is i + 2; the quarantined repeat keeps its own text
        assert warehouse.rows(
            "select source_row, reason_code, checked_at, latency_ms from quarantine.probes "
            "where reason_code = 'duplicate_row' order by source_row"
        ) == [
            (120_002, "duplicate_row", "2026-01-01T01:07:00+01:00", "7"),
            (130_002, "duplicate_row", "2026-01-01T01:08:00+01:00", "8"),
            (140_002, "duplicate_row", "2026-01-01T01:09:00+01:00", "9"),
        ]
        # minute 7 stays loaded from line 9, and every loaded row sits on line latency + 2
        assert warehouse.rows(
            "select count(*) filter (where source_row <> cast(latency_ms as bigint) + 2) "
            "from raw.probes"
        ) == [(0,)]
        assert warehouse.rows(
            "select source_row from quarantine.probes where reason_code = 'malformed_line' "
            "order by 1"
        ) == [(1_002,), (90_002,)]
    finally:
        warehouse.connection.close()


def test_row_numbers_survive_the_reference_join_of_a_parallel_read(tmp_path: Path) -> None:
    # regression: rows were numbered by their position in the checked table, which a join (the
    # agreements a ticket may name) reorders when DuckDB reads a big file in parallel.
    # 300,000 tickets (~18 MB): ticket T<i> is on line i + 2.
    warehouse = Warehouse(tmp_path)
    (warehouse.landing / "tickets").mkdir(parents=True)
    warehouse.connection.execute(
        f"""
        copy (
            select 'T' || i || ',acme-hosting,P2,2026-01-05T09:00:00Z,,2026-01-05T10:00:00Z,4'
            from range(300000) as t(i)
        ) to '{warehouse.landing}/tickets/big.csv'
        (header false, quote '', delimiter '\x1e')
        """
    )
    body = (warehouse.landing / "tickets/big.csv").read_text()
    (warehouse.landing / "tickets/big.csv").write_text(f"{TICKET_HEADER}\n{body}")
    try:
        [report] = warehouse.load("tickets")
        assert (report.rows_loaded, report.rows_quarantined) == (300_000, 0)
        assert warehouse.rows(
            "select count(*) from raw.tickets "
            "where source_row <> cast(substr(ticket_id, 2) as bigint) + 2"
        ) == [(0,)]
    finally:
        warehouse.connection.close()
