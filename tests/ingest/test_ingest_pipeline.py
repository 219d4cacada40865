"""The full pipeline (Dagster, GX, dbt) on tiny landings: an ERROR-level data-quality failure
stops the dbt models and the run fails with the check named; WARN-level findings (a rejected
file, quarantined rows, thin coverage) are shown and the run publishes from the valid rows."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest

from orchestration.runner import run_pipeline

pytestmark = pytest.mark.slow


def probe_minutes(service: str, minutes: int) -> str:
    return "\n".join(f"{service},2026-01-01T00:{m:02d}:00Z,true,120,fra" for m in range(minutes))


def relations(case, schema: str) -> list[str]:
    return [
        r[0]
        for r in case.query(
            "select table_name from information_schema.tables where table_schema = ?", [schema]
        )
    ]


def test_error_check_failure_stops_the_dbt_models(scenario) -> None:
    case = scenario(
        landing={
            # web-api probed minutes 0..29; platform-api only minutes 0..4: up to the newest
            # probe (00:29, so 30 minutes judged) platform-api covers 5/30 = 16.7% < 50% floor
            "probes/p.csv": probe_minutes("web-api", 30) + "\n" + probe_minutes("platform-api", 5),
            # and no tickets at all for the month: a quiet month only warns (no agreement
            # lists tickets in expected_sources), so only the probes block
        }
    )
    outcome = case.run("2026-01")

    assert not outcome.success
    assert set(outcome.failed_checks) == {"raw/probes:coverage_floor"}
    assert outcome.reason.startswith("blocking data-quality check failed")
    # dbt never ran: no staging view and no mart was created in this fresh warehouse
    assert relations(case, "staging") == []
    assert relations(case, "marts") == []
    # ingestion itself did its work
    assert case.query("select count(*) from raw.probes") == [(35,)]


def test_warn_findings_do_not_stop_publication(scenario) -> None:
    case = scenario(
        landing={
            "probes/p.csv": probe_minutes("web-api", 30),
            "tickets/t.csv": "T1,acme-hosting,P1,2026-01-01T00:05:00Z,2026-01-01T00:10:00Z,,\n"
            "T2,acme-hosting,P7,2026-01-01T00:06:00Z,,,",
        }
    )
    # a maintenance file without two of its columns: rejected as a whole
    (case.paths.landing_dir / "maintenance" / "m.csv").write_text(
        "service_id,starts_at\nweb-api,2026-01-10T02:00:00Z\n", encoding="utf-8"
    )
    with dg.DagsterInstance.ephemeral() as instance:
        outcome = run_pipeline(
            case.paths, dt.date(2026, 1, 1), dt.date(2026, 1, 1), instance=instance
        )
        events = [
            record.event_log_entry.dagster_event
            for record in instance.get_records_for_run(outcome.run_id).records
        ]
        evaluations = {
            (data.asset_key.to_user_string(), data.check_name): data
            for event in events
            if event is not None and event.event_type_value == "ASSET_CHECK_EVALUATION"
            for data in [event.event_specific_data]
        }

    assert outcome.success, outcome.reason
    assert "objective_periods" in relations(case, "marts")
    # the WARN checks failed visibly, with counts and samples in their metadata
    rejected = evaluations[("raw/maintenance", "no_rejected_files")]
    assert (rejected.passed, rejected.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert rejected.metadata["unexpected_count"].value == 1
    assert "missing column(s) ends_at, announced_at" in rejected.metadata["sample_values"].value[0]
    quarantined = evaluations[("raw/tickets", "quarantined_rows")]
    assert (quarantined.passed, quarantined.metadata["rows_quarantined"].value) == (False, 1)
    assert evaluations[("raw/tickets", "unique_keys")].passed
    # the quarantined ticket is set aside with its reason, the valid one reaches the marts
    assert case.query("select ticket_id, reason_code, source_row from quarantine.tickets") == [
        ("T2", "unknown_priority", 3)
    ]
    assert case.query("select ticket_id from raw.tickets") == [("T1",)]
