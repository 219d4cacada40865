"""Versioned publications on a real pipeline run: a late ticket restates March as v2.

acme-hosting (monthly, EUR 12,000.00, tier "p1-first-response below 95 %: 5 %"). The first run
lands one P1 ticket in March, answered in 10 minutes against 30: 1 of 1 in time = 100 % -> met,
credit 0.00. Then a late file lands a second P1 ticket answered in 45 minutes: 1 of 2 = 50 %
< 95 % -> breached, 5 % x 12,000.00 = 600.00. The late ticket's CSAT score (2) also moves the
csat objective's mean from 4 to (4 + 2) / 2 = 3, which stays insufficient data (2 responses < 10
required): its row changed, its credit did not (0.00 -> 0.00). acme's availability has no March
probes and no P2 ticket is counted, so the restatement holds three rows: p1-first-response
(0.00 -> 600.00), csat (0.00 -> 0.00) and acme's agreement total (0.00 -> 600.00).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pytest
from pipeline_data import LANDING, publication_case
from pipeline_support import Scenario, write_landing

from orchestration.lib.publish import versions
from orchestration.lib.publish.writers import write_parquet
from orchestration.runner import run_pipeline

LATE_FILE = "tickets/late-2026-03.csv"
LATE_TICKET = "A3,acme-hosting,P1,2026-03-03T10:00:00Z,2026-03-03T10:45:00Z,2026-03-03T15:00:00Z,2"
RESTATEMENT_COLUMNS = [
    "agreement_id", "period", "objective_id", "old_credit_amount", "new_credit_amount",
    "difference", "currency", "old_version", "new_version", "reason",
]  # fmt: skip


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _run(scenario: Scenario) -> tuple[str, list[str]]:
    """Run January to March (the landing data's probes are January's); return the run id and
    the run's log lines."""
    with dg.DagsterInstance.ephemeral() as instance:
        outcome = run_pipeline(scenario.paths, dt.date(2026, 1, 1), dt.date(2026, 3, 1), instance)
        assert outcome.success, outcome.reason
        messages = [entry.user_message for entry in instance.all_logs(outcome.run_id)]
    return outcome.run_id, messages


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    tickets = [line for line in LANDING["tickets/tickets.csv"].splitlines()
               if not line.startswith("A3,")]  # fmt: skip
    landing = {**LANDING, "tickets/tickets.csv": "\n".join(tickets)}
    return publication_case(tmp_path_factory.mktemp("versions"), landing)


@pytest.mark.slow
def test_a_late_ticket_restates_march_as_v2_and_an_unchanged_rerun_adds_nothing(
    scenario: Scenario,
):
    reports = scenario.paths.reports_dir
    march = reports / "2026-03"
    _, first_log = _run(scenario)
    assert sorted(p.name for p in march.iterdir()) == ["latest", "v1"]
    assert os.readlink(march / "latest") == "v1"
    v1 = _hashes(march / "v1")
    acme = {r["objective_id"]: r for r in _csv(march / "latest" / "credits.csv")
            if r["agreement_id"] == "acme-hosting"}  # fmt: skip
    assert (acme["p1-first-response"]["status"], acme[""]["credit_amount"]) == ("met", "0.00")
    manifest = json.loads((march / "v1" / "manifest.json").read_text())
    assert (manifest["version"], manifest["previous_version"]) == (1, None)
    assert "published_at" in manifest
    assert not (march / "v1" / "credits_restatement.csv").exists()
    # the manifest names the landing folder; the first run read every landing file
    assert manifest["landing_folder"] == str(scenario.paths.landing_dir)
    assert {f["file_path"]: f["read_in_run"] for f in manifest["input_files"]} == {
        "maintenance/maintenance.csv": True,
        "probes/probes.csv": True,
        "ticket_events/events.csv": True,
        "tickets/tickets.csv": True,
    }

    write_landing(scenario.paths.landing_dir, {LATE_FILE: LATE_TICKET})
    _, second_log = _run(scenario)

    assert _hashes(march / "v1") == v1, "v1 was written again"
    assert sorted(p.name for p in march.iterdir()) == ["latest", "v1", "v2"]
    assert os.readlink(march / "latest") == "v2"
    assert (march / "latest" / "review_packs" / "acme-hosting.pdf").is_file()
    manifest = json.loads((march / "v2" / "manifest.json").read_text())
    assert (manifest["version"], manifest["previous_version"]) == (2, 1)
    assert "credits_restatement.csv" in {f["path"] for f in manifest["files"]}
    # the second run read only the new file; the others were carried from the first run
    assert {f["file_path"]: f["read_in_run"] for f in manifest["input_files"]} == {
        "maintenance/maintenance.csv": False,
        "probes/probes.csv": False,
        "ticket_events/events.csv": False,
        "tickets/late-2026-03.csv": True,
        "tickets/tickets.csv": False,
    }

    raw = (march / "v2" / "credits_restatement.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + ",".join(RESTATEMENT_COLUMNS).encode() + b"\r\n")
    rows = _csv(march / "v2" / "credits_restatement.csv")
    reason = "input added: tickets/late-2026-03.csv"
    # 5 % x 12,000.00 = 600.00 on the objective and on acme's total; csat's actual changed but
    # not its credit; initech is untouched
    assert [(r["agreement_id"], r["objective_id"], r["old_credit_amount"],
             r["new_credit_amount"], r["difference"], r["currency"], r["old_version"],
             r["new_version"], r["reason"]) for r in rows] == [
        ("acme-hosting", "p1-first-response", "0.00", "600.00", "600.00", "EUR", "1", "2", reason),
        ("acme-hosting", "csat", "0.00", "0.00", "0.00", "EUR", "1", "2", reason),
        ("acme-hosting", "", "0.00", "600.00", "600.00", "EUR", "1", "2", reason),
    ]  # fmt: skip
    assert {r["period"] for r in rows} == {"2026-03"}
    # January, February and globex's Q1 do not depend on acme's March tickets: no new version
    for period in ("2026-01", "2026-02", "2026-Q1"):
        assert sorted(p.name for p in (reports / period).iterdir()) == ["latest", "v1"]
        assert f"{period}: unchanged since v1, no new version" in second_log

    # the warehouse holds both versions' ledgers: v1 0.00 and v2 600.00 for acme's total
    history = scenario.query(
        "select version, credit_amount from publications.credits_ledger_history "
        "where period = '2026-03' and agreement_id = 'acme-hosting' "
        "and row_type = 'agreement_total' order by version"
    )
    assert [(v, str(a)) for v, a in history] == [(1, "0.00"), (2, "600.00")]

    everything = _hashes(reports)
    _, third_log = _run(scenario)
    assert "2026-03: unchanged since v2, no new version" in third_log
    assert _hashes(reports) == everything
    assert scenario.query(
        "select count(distinct version) from publications.credits_ledger_history "
        "where period = '2026-03'"
    ) == [(2,)]
    assert first_log  # the first run logged its publication


# ------------------------------------------------------------------ the parts, without a run


def test_latest_is_a_relative_symlink_or_a_text_file_without_symlinks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    versions.point_latest(tmp_path, 1)
    versions.point_latest(tmp_path, 2)
    assert os.readlink(tmp_path / "latest") == "v2"  # relative: the folder can be moved
    assert versions.read_latest(tmp_path) == 2
    assert not (tmp_path / "latest.tmp").exists()

    def no_symlinks(*args: object, **kwargs: object) -> None:
        raise OSError("symlinks are not supported here")

    monkeypatch.setattr(os, "symlink", no_symlinks)
    versions.point_latest(tmp_path, 1)
    assert not (tmp_path / "latest").is_symlink()
    assert (tmp_path / "latest").read_text() == "v1\n"
    assert versions.read_latest(tmp_path) == 1


def test_a_folder_of_the_unversioned_layout_becomes_v1(tmp_path: Path):
    old = tmp_path / "2026-03"
    (old / "review_packs").mkdir(parents=True)
    (old / "credits.csv").write_text("booked")
    (old / "manifest.json").write_text("{}")
    (old / "review_packs" / "acme-hosting.pdf").write_bytes(b"%PDF")
    before = _hashes(old)
    assert versions.migrate_legacy(tmp_path, "2026-03") == (
        "2026-03: moved the unversioned publication into 2026-03/v1"
    )
    assert _hashes(old / "v1") == before
    assert os.readlink(old / "latest") == "v1"
    assert [p.name for p in tmp_path.iterdir()] == ["2026-03"]
    # a versioned folder is left alone
    assert versions.migrate_legacy(tmp_path, "2026-03") is None


def test_recovery_completes_a_committed_version_and_drops_an_uncommitted_one(tmp_path: Path):
    period = tmp_path / "2026-03"
    for name in ("v1", "v2", "v3"):
        (period / name).mkdir(parents=True)
    versions.point_latest(period, 1)
    # v2 committed (the history holds it) but latest was not moved; v3 never committed
    actions = versions.recover_period(period, published={1, 2})
    assert versions.read_latest(period) == 2
    assert sorted(p.name for p in period.iterdir()) == ["latest", "v1", "v2"]
    assert actions == [
        "2026-03: latest now names v2 (committed)",
        "2026-03: removed v3 (never committed)",
    ]


def test_the_reason_names_what_changed_by_path():
    old = {
        "input_files": [{"file_path": "tickets/a.csv", "sha256": "1"},
                        {"file_path": "probes/p.csv", "sha256": "2"}],
        "definition_files": [{"path": "agreements/acme.yaml", "sha256": "3"}],
        "tools": {"sla-pipeline": "0.1.0"},
    }  # fmt: skip
    new = {
        "input_files": [{"file_path": "tickets/a.csv", "sha256": "9"},
                        {"file_path": "tickets/late.csv", "sha256": "4"}],
        "definition_files": [{"path": "agreements/acme.yaml", "sha256": "3"},
                             {"path": "adjustments/acme.yaml", "sha256": "5"}],
        "tools": {"sla-pipeline": "0.1.0"},
    }  # fmt: skip
    assert versions.restatement_reason(old, new) == (
        "input added: tickets/late.csv; input changed: tickets/a.csv; "
        "input removed: probes/p.csv; adjustments added: adjustments/acme.yaml"
    )
    same = {**old, "tools": {"sla-pipeline": "0.2.0"}}
    assert versions.restatement_reason(old, same) == (
        "pipeline changed: sla-pipeline 0.1.0 -> 0.2.0"
    )


def _ledger(amounts: dict[str | None, str], run_id: str) -> pa.Table:
    """A two-column stand-in for the ledger: the key columns and the credit."""
    rows = list(amounts.items())
    return pa.table({
        "agreement_id": ["acme"] * len(rows),
        "period": ["2026-03"] * len(rows),
        "objective_id": [objective for objective, _ in rows],
        "credit_amount": pa.array([Decimal(a) for _, a in rows], pa.decimal128(18, 2)),
        "currency": ["EUR"] * len(rows),
        "run_id": [run_id] * len(rows),
        "row_type": ["agreement_total" if o is None else "objective" for o, _ in rows],
    })  # fmt: skip


def test_equal_figures_apart_from_the_run_id_are_the_same_publication(tmp_path: Path):
    write_parquet(_ledger({"p1": "0.00", None: "0.00"}, "run-1"), tmp_path / "credits.parquet")
    with duckdb.connect() as connection:
        same = _ledger({"p1": "0.00", None: "0.00"}, "run-2")
        assert versions.same_figures(connection, same, tmp_path / "credits.parquet")
        changed = _ledger({"p1": "0.01", None: "0.00"}, "run-2")
        assert not versions.same_figures(connection, changed, tmp_path / "credits.parquet")
        more = _ledger({"p1": "0.00", "p2": "0.00", None: "0.00"}, "run-2")
        assert not versions.same_figures(connection, more, tmp_path / "credits.parquet")


def _staged(tmp_path: Path, version: int, ledger: pa.Table) -> versions.StagedVersion:
    folder = tmp_path / "staging" / "2026-03" / f"v{version}"
    folder.mkdir(parents=True)
    (folder / "credits.csv").write_text(f"v{version}")
    return versions.StagedVersion(
        "2026-03", version, version - 1 or None, folder, ledger, reason="input added: t.csv"
    )


def test_restatement_rows_are_changed_appeared_and_disappeared_rows(tmp_path: Path):
    reports = tmp_path / "reports"
    at = dt.datetime(2026, 4, 2)
    with duckdb.connect() as connection:
        v1 = _ledger({"p1": "0.00", "p2": "100.00", "csat": "0.00", None: "100.00"}, "a")
        with versions.history_transaction(connection, reports, v1) as history:
            staged = _staged(tmp_path, 1, v1)
            history.record(staged, at)
            history.install(staged)
        v2 = _ledger({"p1": "600.00", "csat": "0.00", "avail": "50.00", None: "650.00"}, "b")
        with versions.history_transaction(connection, reports, v2) as history:
            staged = _staged(tmp_path, 2, v2)
            history.record(staged, at)
            restated = history.restatement(staged).to_pylist()
    assert list(restated[0]) == RESTATEMENT_COLUMNS
    # p1 0 -> 600 (+600), p2 disappeared (-100), avail appeared (+50), total 100 -> 650 (+550);
    # csat is equal and not listed. Objective rows in ledger order (the new line, else the old
    # one: p1 1, p2 was 2, avail 3), the agreement total last
    assert [(r["objective_id"], r["old_credit_amount"], r["new_credit_amount"],
             r["difference"]) for r in restated] == [
        ("p1", Decimal("0.00"), Decimal("600.00"), Decimal("600.00")),
        ("p2", Decimal("100.00"), None, Decimal("-100.00")),
        ("avail", None, Decimal("50.00"), Decimal("50.00")),
        (None, Decimal("100.00"), Decimal("650.00"), Decimal("550.00")),
    ]  # fmt: skip
    assert {(r["old_version"], r["new_version"], r["reason"]) for r in restated} == {
        (1, 2, "input added: t.csv")
    }


def test_a_failed_install_leaves_no_history_and_no_folder(tmp_path: Path):
    reports = tmp_path / "reports"
    ledger = _ledger({"p1": "0.00", None: "0.00"}, "a")
    (reports / "2026-03" / "v1").mkdir(parents=True)  # in the way: install refuses
    (reports / "2026-03" / "v1" / "credits.csv").write_text("booked")
    with duckdb.connect() as connection:
        staged = _staged(tmp_path, 1, ledger)
        with (
            pytest.raises(versions.PublicationError, match="not overwriting"),
            versions.history_transaction(connection, reports, ledger) as history,
        ):
            history.record(staged, dt.datetime(2026, 4, 2))
            history.install(staged)
        assert versions.history_versions(connection, ["2026-03"]) == {"2026-03": set()}
    assert (reports / "2026-03" / "v1" / "credits.csv").read_text() == "booked"


def test_a_failed_commit_moves_the_installed_folder_back_out(tmp_path: Path):
    reports = tmp_path / "reports"
    ledger = _ledger({"p1": "0.00", None: "0.00"}, "a")
    with duckdb.connect() as connection:
        staged = _staged(tmp_path, 1, ledger)
        with (
            pytest.raises(duckdb.Error),
            versions.history_transaction(connection, reports, ledger) as history,
        ):
            history.record(staged, dt.datetime(2026, 4, 2))
            history.install(staged)
            assert (reports / "2026-03" / "v1").is_dir()
            # stands in for a commit that fails: the transaction is aborted before it
            connection.execute("select error('disk full')")
        assert versions.history_versions(connection, ["2026-03"]) == {"2026-03": set()}
    assert not (reports / "2026-03" / "v1").exists()
    assert (staged.staged / "credits.csv").read_text() == "v1"
