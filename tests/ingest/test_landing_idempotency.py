"""Loading is idempotent by file content: same folder twice, same tables; changed files replace
their own rows; vanished files keep theirs; a CSV's row numbers are its line numbers even when
DuckDB reads a multi-megabyte file in parallel."""

from __future__ import annotations

import datetime as dt

from tests.ingest.conftest import LOAD_TIME
from tests.ingest.test_landing_rules import EVENT_HEADER, PROBE_HEADER, tickets

TABLES = ("raw.tickets", "quarantine.tickets", "raw.ticket_events", "quarantine.ticket_events")


def snapshot(warehouse) -> dict[str, list[tuple]]:
    return {t: sorted(warehouse.rows(f"select * from {t}"), key=repr) for t in TABLES}


def test_loading_the_same_folder_twice_changes_nothing(warehouse) -> None:
    warehouse.write("tickets/a.csv", tickets("T2,acme-hosting,P9,2026-01-05T09:00:00Z,,,"))
    warehouse.write("tickets/b.csv", tickets())  # all duplicates of a.csv
    warehouse.write("ticket_events/e.csv", f"{EVENT_HEADER}\nT1,open,2026-01-05T08:00:00Z\n")
    for source in ("tickets", "ticket_events"):
        warehouse.load(source)
    first, manifest = snapshot(warehouse), warehouse.rows("select * from raw.landing_files")

    # an hour later: same bytes, so nothing is read, deleted or inserted
    later = LOAD_TIME + dt.timedelta(hours=1)
    reports = warehouse.load("tickets", later) + warehouse.load("ticket_events", later)
    assert [r.status for r in reports] == ["unchanged", "unchanged", "unchanged"]
    assert snapshot(warehouse) == first
    # loaded_at still says when the rows were loaded, not when they were last seen
    assert warehouse.rows("select * from raw.landing_files") == manifest


def test_changed_file_replaces_only_its_own_rows(warehouse) -> None:
    warehouse.write("tickets/a.csv", tickets())
    warehouse.write("tickets/b.csv", tickets().replace("T1,", "T2,"))
    warehouse.load("tickets")
    warehouse.write("tickets/b.csv", tickets().replace("T1,", "T3,"))
    reports = {r.path: r.status for r in warehouse.load("tickets")}
    assert reports == {"tickets/a.csv": "unchanged", "tickets/b.csv": "replaced"}
    assert warehouse.rows("select ticket_id, source_file from raw.tickets order by 1") == [
        ("T1", "tickets/a.csv"),
        ("T3", "tickets/b.csv"),
    ]


def test_missing_file_keeps_its_rows_and_is_reported(warehouse) -> None:
    path = warehouse.write("tickets/a.csv", tickets())
    warehouse.load("tickets")
    path.unlink()
    reports = warehouse.load("tickets")
    assert [(r.path, r.status) for r in reports] == [("tickets/a.csv", "missing")]
    assert warehouse.rows("select ticket_id from raw.tickets") == [("T1",)]


def test_event_quarantined_for_unknown_ticket_loads_once_the_ticket_arrives(warehouse) -> None:
    warehouse.write("ticket_events/e.csv", f"{EVENT_HEADER}\nT1,open,2026-01-05T08:00:00Z\n")
    warehouse.load("tickets")
    warehouse.load("ticket_events")
    assert warehouse.rows("select reason_code from quarantine.ticket_events") == [
        ("unknown_ticket",)
    ]
    warehouse.write("tickets/a.csv", tickets())
    warehouse.load("tickets")
    reports = warehouse.load("ticket_events")
    assert [r.status for r in reports] == ["reloaded"]
    assert warehouse.rows("select count(*) from quarantine.ticket_events") == [(0,)]
    assert warehouse.rows("select ticket_id, source_row from raw.ticket_events") == [("T1", 2)]


def test_new_tickets_reload_only_the_event_files_they_can_change(warehouse) -> None:
    # e1.csv points at T1 (loaded); e2.csv at T9 (padded, not landed yet) and e3.csv at T8
    # (never delivered): both quarantined unknown_ticket
    warehouse.write("tickets/a.csv", tickets())
    warehouse.write("ticket_events/e1.csv", f"{EVENT_HEADER}\nT1,open,2026-01-05T08:00:00Z\n")
    warehouse.write("ticket_events/e2.csv", f"{EVENT_HEADER}\n T9 ,open,2026-01-06T08:00:00Z\n")
    warehouse.write("ticket_events/e3.csv", f"{EVENT_HEADER}\nT8,open,2026-01-07T08:00:00Z\n")
    warehouse.load("tickets")
    warehouse.load("ticket_events")
    # next month's tickets arrive, T9 among them: only e2.csv can have a different outcome
    warehouse.write("tickets/b.csv", tickets().replace("T1,", "T9,"))
    warehouse.load("tickets")
    reports = {r.path: r.status for r in warehouse.load("ticket_events")}
    assert reports == {
        "ticket_events/e1.csv": "unchanged",
        "ticket_events/e2.csv": "reloaded",
        "ticket_events/e3.csv": "unchanged",
    }
    assert warehouse.rows("select ticket_id from raw.ticket_events order by 1") == [
        ("T1",),
        ("T9",),
    ]
    assert warehouse.rows("select trim(ticket_id), reason_code from quarantine.ticket_events") == [
        ("T8", "unknown_ticket")
    ]
    # every file is now recorded against the current ticket ids: a third load reads nothing
    reports = warehouse.load("ticket_events")
    assert [r.status for r in reports] == ["unchanged", "unchanged", "unchanged"]


def test_an_event_whose_ticket_is_withdrawn_is_quarantined_on_the_next_load(warehouse) -> None:
    warehouse.write("tickets/a.csv", tickets())
    warehouse.write("ticket_events/e.csv", f"{EVENT_HEADER}\nT1,open,2026-01-05T08:00:00Z\n")
    warehouse.load("tickets")
    warehouse.load("ticket_events")
    # the tickets file is replaced and no longer holds T1: the loaded event lost its ticket
    warehouse.write("tickets/a.csv", tickets().replace("T1,", "T2,"))
    warehouse.load("tickets")
    reports = warehouse.load("ticket_events")
    assert [r.status for r in reports] == ["reloaded"]
    assert warehouse.rows("select count(*) from raw.ticket_events") == [(0,)]
    assert warehouse.rows("select reason_code from quarantine.ticket_events") == [
        ("unknown_ticket",)
    ]


def test_rejected_replacement_removes_the_earlier_rows_once_accepted(warehouse) -> None:
    path = warehouse.write("tickets/a.csv", tickets())
    warehouse.load("tickets")
    path.write_bytes(b"")
    # a shrunk delivery is blocked unless accepted (tests/reliability/test_landing_shrink.py)
    reports = warehouse.load("tickets", accept_shrunk=["tickets/a.csv"])
    assert [(r.status, r.message) for r in reports] == [("rejected", "empty file: 0 bytes")]
    assert warehouse.rows("select count(*) from raw.tickets") == [(0,)]


def test_csv_row_numbers_are_line_numbers_in_a_multi_megabyte_file(warehouse) -> None:
    # 200,000 probes (~9 MB), read by DuckDB's parallel reader; every 10,007th line is broken
    # so rejected lines leave gaps. Line of data row i (0-based) is i + 2; minute i encodes i.
    rows, broken = 200_000, set(range(5, 200_000, 10_007))
    (warehouse.landing / "probes").mkdir(parents=True)
    warehouse.connection.execute(
        f"""
        copy (
            select case when i in ({", ".join(map(str, broken))}) then 'web-api,oops'
                else 'web-api,' || strftime(timestamp '2026-01-01' + to_minutes(i),
                    '%Y-%m-%dT%H:%M:%SZ') || ',true,' || i || ',fra' end as line
            from range({rows}) as t(i)
        ) to '{warehouse.landing}/probes/big.csv'
        (header false, quote '', delimiter '\x1e')
        """
    )
    body = (warehouse.landing / "probes/big.csv").read_text()
    (warehouse.landing / "probes/big.csv").write_text(f"{PROBE_HEADER}\n{body}")
    assert (warehouse.landing / "probes/big.csv").stat().st_size > 8_000_000

    # 200,000 minutes run into May 2026: load "later" so no probe is in the future
    [report] = warehouse.load("probes", dt.datetime(2027, 1, 1))
    assert (report.rows_read, report.rows_quarantined) == (rows, len(broken))
    # latency_ms holds i, so the line must be i + 2 for every loaded row
    assert warehouse.rows(
        "select count(*), count(*) filter (where source_row <> cast(latency_ms as bigint) + 2) "
        "from raw.probes"
    ) == [(rows - len(broken), 0)]
    assert sorted(r[0] for r in warehouse.rows("select source_row from quarantine.probes")) == [
        i + 2 for i in sorted(broken)
    ]
