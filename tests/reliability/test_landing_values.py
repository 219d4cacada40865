"""Issue 11, points 3 and 6: numbers are finite and timestamps are as documented.

Every case loads one file into a fresh warehouse and states the exact outcome: loaded (with the
UTC instant stored) or quarantined with its reason code. CSV, JSON Lines and Parquet alike.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.ingest.conftest import Warehouse

PROBE_HEADER = "service_id,checked_at,ok,latency_ms,location"
TICKET_HEADER = (
    "ticket_id,agreement_id,priority,created_at,first_response_at,resolved_at,csat_score"
)


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    case = Warehouse(tmp_path)
    yield case
    case.connection.close()


def parquet(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def outcome(warehouse: Warehouse, source: str) -> tuple[int, list[str]]:
    """(rows loaded, reason codes of the quarantined rows in row order)."""
    loaded = warehouse.rows(f"select count(*) from raw.{source}")[0][0]
    reasons = warehouse.rows(f"select reason_code from quarantine.{source} order by source_row")
    return loaded, [r[0] for r in reasons]


# --- point 3: latency_ms is a finite number from 0 to below 10^14 --------------------------------
BAD_LATENCIES = ["NaN", "nan", "inf", "-inf", "Infinity", "-1", "1e300", "100000000000000"]


@pytest.mark.parametrize("value", BAD_LATENCIES)
def test_csv_latency_that_is_not_finite_or_in_range_is_invalid_number(warehouse, value) -> None:
    warehouse.write(
        "probes/p.csv", f"{PROBE_HEADER}\nweb-api,2026-02-05T09:00:00Z,true,{value},fra\n"
    )
    warehouse.load("probes")
    assert outcome(warehouse, "probes") == (0, ["invalid_number"])


@pytest.mark.parametrize("value", BAD_LATENCIES)
def test_jsonl_latency_that_is_not_finite_or_in_range_is_invalid_number(warehouse, value) -> None:
    record = {
        "service_id": "web-api", "checked_at": "2026-02-05T09:00:00Z", "ok": True,
        "latency_ms": value, "location": "fra",
    }  # fmt: skip
    warehouse.write("probes/p.jsonl", json.dumps(record) + "\n")
    warehouse.load("probes")
    assert outcome(warehouse, "probes") == (0, ["invalid_number"])


def test_parquet_double_nan_and_inf_are_invalid_number(warehouse) -> None:
    # rows 1..3 NaN, inf, -inf are set aside; row 4 (99999999999999.9, below 10^14) and row 5
    # (empty: no latency measured) load
    values = [float("nan"), float("inf"), float("-inf"), 99999999999999.9, None]
    table = pa.table(
        {
            "service_id": [f"svc-{n}" for n in range(5)],
            "checked_at": ["2026-02-05T09:00:00Z"] * 5,
            "ok": [True] * 5,
            "latency_ms": pa.array(values, pa.float64()),
            "location": ["fra"] * 5,
        }
    )
    warehouse.write("probes/p.parquet", parquet(table))
    warehouse.load("probes")
    assert outcome(warehouse, "probes") == (2, ["invalid_number"] * 3)
    assert warehouse.rows("select count(*) from raw.probes where not isfinite(latency_ms)") == [
        (0,)
    ]


# --- point 6: every documented timestamp form is accepted, stored as naive UTC -----------------
# (text, the UTC instant it stands for, worked out by hand)
DOCUMENTED_FORMS = [
    ("2026-02-10T09:00:00+01:00", dt.datetime(2026, 2, 10, 8, 0)),
    ("2026-02-10T08:00:00Z", dt.datetime(2026, 2, 10, 8, 0)),
    ("2026-02-10 09:00+0100", dt.datetime(2026, 2, 10, 8, 0)),
    ("2026-02-11T09:00Z", dt.datetime(2026, 2, 11, 9, 0)),
    ("2026-02-11T09:00+01:00", dt.datetime(2026, 2, 11, 8, 0)),
    ("2026-02-11T09:00:00.250-05:30", dt.datetime(2026, 2, 11, 14, 30, 0, 250000)),
    ("2026-02-11 09:00:00+01", dt.datetime(2026, 2, 11, 8, 0)),
    ("2026-02-11T09:00:00z", dt.datetime(2026, 2, 11, 9, 0)),
    ("2026-02-11T09:00:00 +01:00", dt.datetime(2026, 2, 11, 8, 0)),
    ("2026-02-11T09:00:00+14:00", dt.datetime(2026, 2, 10, 19, 0)),
    ("2026-02-11T09:00:00-12:00", dt.datetime(2026, 2, 11, 21, 0)),
    ("1970-01-01T00:00:00Z", dt.datetime(1970, 1, 1, 0, 0)),
]


@pytest.mark.parametrize(("text", "utc"), DOCUMENTED_FORMS)
def test_documented_timestamp_form_is_accepted(warehouse, text, utc) -> None:
    warehouse.write("probes/p.csv", f"{PROBE_HEADER}\nweb-api,{text},true,120,fra\n")
    warehouse.load("probes")
    assert warehouse.rows("select checked_at from raw.probes") == [(utc,)]


OUT_OF_RANGE = [
    "2026-02-11T09:00:00+25:00",
    "2026-02-11T09:00:00-14:30",
    "2026-02-11T09:00:00+1401",
    "2026-02-11 09:00+1500",
    "0001-01-01T00:00:00Z",
    "1969-12-31T23:59:59Z",
    "1970-01-01T00:30:00+01:00",  # 1969-12-31T23:30Z
]


@pytest.mark.parametrize("text", OUT_OF_RANGE)
def test_offset_beyond_14_hours_or_instant_before_1970_is_out_of_range(warehouse, text) -> None:
    warehouse.write("probes/p.csv", f"{PROBE_HEADER}\nweb-api,{text},true,120,fra\n")
    warehouse.load("probes")
    assert outcome(warehouse, "probes") == (0, ["timestamp_out_of_range"])


def test_parquet_timestamptz_before_1970_is_out_of_range(warehouse) -> None:
    instants = [dt.datetime(1, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 2, 5, 9, tzinfo=dt.UTC)]
    table = pa.table(
        {
            "service_id": ["web-api", "web-api"],
            "checked_at": pa.array(instants, pa.timestamp("us", tz="UTC")),
            "ok": [True, True],
            "latency_ms": [120.0, 120.0],
            "location": ["fra", "fra"],
        }
    )
    warehouse.write("probes/p.parquet", parquet(table))
    warehouse.load("probes")
    assert outcome(warehouse, "probes") == (1, ["timestamp_out_of_range"])


# --- point 6: an integral DOUBLE is accepted where an integer is expected ----------------------
def test_parquet_double_csat_that_is_whole_loads_and_a_fraction_does_not(warehouse) -> None:
    # what pandas writes for an integer column with nulls: DOUBLE 4.0, 5.0, null; 4.5 is no score
    table = pa.table(
        {
            "ticket_id": ["T1", "T2", "T3", "T4"],
            "agreement_id": ["acme-hosting"] * 4,
            "priority": ["P1"] * 4,
            "created_at": ["2026-02-05T09:00:00Z"] * 4,
            "first_response_at": [None] * 4,
            "resolved_at": [None] * 4,
            "csat_score": pa.array([4.0, 5.0, None, 4.5], pa.float64()),
        },
        schema=pa.schema(
            [
                ("ticket_id", pa.string()), ("agreement_id", pa.string()),
                ("priority", pa.string()), ("created_at", pa.string()),
                ("first_response_at", pa.string()), ("resolved_at", pa.string()),
                ("csat_score", pa.float64()),
            ]
        ),
    )  # fmt: skip
    warehouse.write("tickets/t.parquet", parquet(table))
    warehouse.load("tickets")
    assert warehouse.rows("select ticket_id, csat_score from raw.tickets order by 1") == [
        ("T1", 4), ("T2", 5), ("T3", None),
    ]  # fmt: skip
    assert outcome(warehouse, "tickets") == (3, ["invalid_csat"])


def test_csv_csat_written_as_a_whole_decimal_loads(warehouse) -> None:
    # "4.0" is the score 4; "4.5" and "4.01" are not whole numbers
    rows = [f"T{n},acme-hosting,P1,2026-02-05T09:00:00Z,,,{v}" for n, v in
            enumerate(["4.0", "4.5", "4.01", "3"], start=1)]  # fmt: skip
    warehouse.write("tickets/t.csv", "\n".join([TICKET_HEADER, *rows]) + "\n")
    warehouse.load("tickets")
    assert warehouse.rows("select ticket_id, csat_score from raw.tickets order by 1") == [
        ("T1", 4), ("T4", 3),
    ]  # fmt: skip
    assert outcome(warehouse, "tickets") == (2, ["invalid_csat", "invalid_csat"])
