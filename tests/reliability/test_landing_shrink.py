"""Issue 11, point 2: a re-delivery with fewer rows than were loaded from the file (or none:
0 bytes, unusable) changes nothing and blocks the run, naming the file and both row counts,
unless the run accepts it (``sla run --accept-shrunk PATH``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orchestration.cli import app
from tests.ingest.conftest import Warehouse

HEADER = "ticket_id,agreement_id,priority,created_at,first_response_at,resolved_at,csat_score"


def tickets(count: int) -> str:
    rows = [f"T{n},acme-hosting,P2,2026-02-05T09:00:00Z,,," for n in range(1, count + 1)]
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    case = Warehouse(tmp_path)
    yield case
    case.connection.close()


def state(warehouse: Warehouse) -> list[list[tuple]]:
    return [
        warehouse.rows("select ticket_id, source_file from raw.tickets order by all"),
        warehouse.rows("select file_path, sha256, status, rows_read from raw.landing_files"),
    ]


@pytest.mark.parametrize(("content", "read"), [(tickets(3), 3), ("", 0), (HEADER + "\n", 0)])
def test_a_shrunk_redelivery_is_blocked_and_changes_nothing(warehouse, content, read) -> None:
    path = warehouse.write("tickets/t.csv", tickets(5))
    warehouse.load("tickets")
    before = state(warehouse)
    path.write_text(content)
    (report,) = warehouse.load("tickets")
    assert report.status == "blocked"
    assert report.message == (
        f"{path} was re-delivered with {read} rows, 5 were loaded before: "
        f"run with --accept-shrunk {path} to accept"
    )
    assert state(warehouse) == before
    # still blocked on the next run: the manifest kept the earlier content's hash
    assert [r.status for r in warehouse.load("tickets")] == ["blocked"]


def test_an_accepted_shrunk_redelivery_replaces_the_rows(warehouse) -> None:
    path = warehouse.write("tickets/t.csv", tickets(5))
    warehouse.load("tickets")
    path.write_text(tickets(3))
    (report,) = warehouse.load("tickets", accept_shrunk=[str(path)])
    assert (report.status, report.rows_read, report.rows_loaded) == ("replaced", 3, 3)
    assert warehouse.rows("select count(*) from raw.tickets") == [(3,)]


def test_a_grown_or_equal_redelivery_is_not_blocked(warehouse) -> None:
    path = warehouse.write("tickets/t.csv", tickets(5))
    warehouse.load("tickets")
    path.write_text(tickets(5).replace("P2", "P3"))
    assert [r.status for r in warehouse.load("tickets")] == ["replaced"]
    path.write_text(tickets(6))
    assert [r.status for r in warehouse.load("tickets")] == ["replaced"]


@pytest.mark.slow
def test_sla_run_blocks_a_shrunk_probes_file_until_accepted(tmp_path: Path) -> None:
    # the reproduction: a month of probes re-delivered truncated to 60 % must not replace the
    # month silently
    from orchestration.generate import generate_dataset

    data = tmp_path / "data"
    generate_dataset(
        data,
        agreements=3,
        months=1,
        seed=1,
        start="2026-03",
        services=3,
        tickets_per_agreement_month=20,
    )
    args = [
        "run", "--period", "2026-03", "--definitions", str(data / "sla_definitions"),
        "--landing", str(data / "landing"), "--warehouse", str(tmp_path / "wh.duckdb"),
        "--reports", str(tmp_path / "reports"),
    ]  # fmt: skip
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    published = tmp_path / "published-before"
    shutil.copytree(tmp_path / "reports", published, symlinks=True)  # latest stays a link

    (probes,) = (data / "landing" / "probes").glob("*.csv")
    lines = probes.read_text().splitlines(keepends=True)
    kept = int((len(lines) - 1) * 0.6)
    probes.write_text("".join(lines[: 1 + kept]))
    blocked = runner.invoke(app, args)
    assert blocked.exit_code == 1
    last_line = blocked.output.strip().splitlines()[-1]
    assert f"{probes} was re-delivered with {kept} rows, {len(lines) - 1} were loaded before" in (
        " ".join(blocked.output.split())
    ), last_line
    # nothing was published: the reports are the first run's, file for file
    assert sorted(p.relative_to(published) for p in published.rglob("*")) == sorted(
        p.relative_to(tmp_path / "reports") for p in (tmp_path / "reports").rglob("*")
    )

    accepted = runner.invoke(app, [*args, "--accept-shrunk", str(probes)])
    assert accepted.exit_code == 0, accepted.output
