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
from pathlib import Path

import dagster as dg
import pytest
from pipeline_data import LANDING, prepare_definitions
from pipeline_support import Scenario, copy_definitions, write_landing

from orchestration.runner import run_pipeline

pytestmark = pytest.mark.slow

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
    case = Scenario(tmp_path_factory.mktemp("versions"))
    copy_definitions(case.paths.definitions)
    prepare_definitions(case.paths.definitions)
    tickets = [line for line in LANDING["tickets/tickets.csv"].splitlines()
               if not line.startswith("A3,")]  # fmt: skip
    write_landing(case.paths.landing, {**LANDING, "tickets/tickets.csv": "\n".join(tickets)})
    return case


def test_a_late_ticket_restates_march_as_v2_and_an_unchanged_rerun_adds_nothing(
    scenario: Scenario,
):
    reports = scenario.paths.reports
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

    write_landing(scenario.paths.landing, {LATE_FILE: LATE_TICKET})
    _, second_log = _run(scenario)

    assert _hashes(march / "v1") == v1, "v1 was written again"
    assert sorted(p.name for p in march.iterdir()) == ["latest", "v1", "v2"]
    assert os.readlink(march / "latest") == "v2"
    assert (march / "latest" / "review_packs" / "acme-hosting.pdf").is_file()
    manifest = json.loads((march / "v2" / "manifest.json").read_text())
    assert (manifest["version"], manifest["previous_version"]) == (2, 1)
    assert "credits_restatement.csv" in {f["path"] for f in manifest["files"]}

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
