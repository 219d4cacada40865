"""`sla status`: publication versions from the reports folder, quarantine from the marts and the
checks of the last run (``<warehouse>.last_run.json``).

The pipeline test publishes March and April 2026 for explain-co in one run
(tests/cli_reports_support.py): quarantined rows by hand, March: ticket T6 (priority P9) and one
probe row with ok = "maybe" -> tickets 1, probes 1; April: two probe rows whose ok is "maybe"
or empty -> probes 2; no ticket event or maintenance row is rejected.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_reports_support import build
from pipeline_support import Scenario
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.lib.cli_reports.status import period_publications
from orchestration.lib.settings import PROJECT_ROOT

runner = CliRunner()


def _status(case: Scenario, *extra: str):
    return runner.invoke(
        app,
        ["status", "--definitions", str(case.paths.definitions_dir),
         "--warehouse", str(case.paths.warehouse_path),
         "--reports", str(case.paths.reports_dir), *extra],
    )  # fmt: skip


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    scenario = build(Scenario(tmp_path_factory.mktemp("status")), with_april=True)
    outcome = scenario.run("2026-03", "2026-04")
    assert outcome.success, outcome.reason
    return scenario


# the warnings the run raises, each made on purpose by the landing rows: rejected probe and
# ticket rows, no probe on 28 March 00:00-01:59, and no ticket after 2 April in April
WARNED = [
    "raw/probes:daily_coverage",
    "raw/probes:quarantined_rows",
    "raw/tickets:landing_freshness",
    "raw/tickets:quarantined_rows",
]


@pytest.mark.slow
def test_status_json_rows(case: Scenario) -> None:
    result = _status(case, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    march = case.paths.reports_dir / "2026-03" / "latest" / "manifest.json"
    march_manifest = json.loads(march.read_text())
    run = data["last_run"]
    assert (run["first_period"], run["last_period"], run["success"]) == ("2026-03", "2026-04", True)
    assert run["checks_failed"] == [] and run["checks_warned"] == WARNED
    common = {
        "agreement_id": "explain-co", "latest_version": 1, "versions": 1,
        "agreement_version": 1, "run_id": run["run_id"], "in_last_run": True,
        "checks_failed": [], "checks_warned": WARNED, "adjustments_applied": 0,
        "adjustments": [],
        # one version (v1), published when its manifest says
        "published_at": march_manifest["published_at"],
    }  # fmt: skip
    assert data["publications"] == [
        {**common, "period": "2026-03",
         "quarantined": {"tickets": 1, "ticket_events": 0, "probes": 1, "maintenance": 0}},
        {**common, "period": "2026-04",
         "quarantined": {"tickets": 0, "ticket_events": 0, "probes": 2, "maintenance": 0}},
    ]  # fmt: skip
    assert data["unpublished_agreements"] == []


@pytest.mark.slow
def test_status_text_rows(case: Scenario) -> None:
    result = _status(case)
    assert result.exit_code == 0, result.output
    published = json.loads(
        (case.paths.reports_dir / "2026-03" / "latest" / "manifest.json").read_text()
    )["published_at"]
    lines = result.output.splitlines()
    assert lines[0].startswith("last run ") and lines[0].endswith(", 0 failed, 4 warned")
    assert lines[1:5] == [f"  warned: {name}" for name in WARNED]
    assert lines[5].split() == ["agreement", "period", "latest", "published", "at", "versions",
                                "quarantined", "failed", "warned", "adjustments"]  # fmt: skip
    assert len(lines) == 8
    assert " ".join(lines[6].split()) == (
        f"explain-co 2026-03 v1 {published} 1 tickets 1, ticket_events 0, probes 1,"
        " maintenance 0 0 4 0"
    )
    assert " ".join(lines[7].split()) == (
        f"explain-co 2026-04 v1 {published} 1 tickets 0, ticket_events 0, probes 2,"
        " maintenance 0 0 4 0"
    )


@pytest.mark.slow
def test_status_reads_the_versioned_layout(case: Scenario, tmp_path: Path) -> None:
    # March republished as v1 and v2 (the layout of versioned publications), latest -> v2
    reports = tmp_path / "reports"
    shutil.copytree(case.paths.reports_dir / "2026-04", reports / "2026-04", symlinks=True)
    march = reports / "2026-03"
    for number in (1, 2):
        shutil.copytree(case.paths.reports_dir / "2026-03" / "v1", march / f"v{number}")
        manifest_path = march / f"v{number}" / "manifest.json"
        manifest = json.loads(manifest_path.read_text())
        manifest.update(version=number, published_at=f"2026-04-0{number}T08:00:00")
        manifest_path.write_text(json.dumps(manifest))
    (march / "latest").symlink_to("v2")
    result = runner.invoke(
        app,
        ["status", "--json", "--definitions", str(case.paths.definitions_dir),
         "--warehouse", str(case.paths.warehouse_path), "--reports", str(reports)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {row["period"]: row for row in json.loads(result.output)["publications"]}
    assert (rows["2026-03"]["latest_version"], rows["2026-03"]["versions"]) == (2, 2)
    assert rows["2026-03"]["published_at"] == "2026-04-02T08:00:00"
    assert (rows["2026-04"]["latest_version"], rows["2026-04"]["versions"]) == (1, 1)


def _version(folder: Path, number: int, published_at: str) -> None:
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "run_id": f"r{number}",
                "generated_at": "2026-04-01T00:00:00",
                "version": number,
                "published_at": published_at,
                "agreements": [{"agreement_id": "a", "version": 1}],
            }
        )
    )


def test_latest_as_a_text_file_names_the_version(tmp_path: Path) -> None:
    period = tmp_path / "2026-03"
    for number in (1, 2, 3):
        _version(period / f"v{number}", number, f"2026-04-0{number}T00:00:00")
    # where symlinks are unavailable `latest` is a file holding the version's folder name; it,
    # not the highest number, says which version is in force
    (period / "latest").write_text("v2\n")
    publications = period_publications(period)
    assert [p.version for p in publications] == [1, 3, 2]
    assert publications[-1].published_at == "2026-04-02T00:00:00"


def test_flat_layout_is_version_one(tmp_path: Path) -> None:
    period = tmp_path / "2026-03"
    period.mkdir()
    (period / "manifest.json").write_text(
        json.dumps({"run_id": "r", "generated_at": "2026-04-01T09:00:00", "agreements": []})
    )
    [publication] = period_publications(period)
    assert (publication.version, publication.published_at) == (1, "2026-04-01T09:00:00")


@pytest.mark.parametrize("missing", ["--warehouse", "--reports"])
def test_status_bad_path_one_line_exit_2(tmp_path: Path, missing: str) -> None:
    paths = {"--warehouse": tmp_path / "w.duckdb", "--reports": tmp_path / "reports"}
    (tmp_path / "reports").mkdir()
    (tmp_path / "w.duckdb").write_bytes(b"")
    target = paths[missing]
    if target.is_dir():
        target.rmdir()
    else:
        target.unlink()
    result = runner.invoke(
        app,
        ["status", "--definitions", str(PROJECT_ROOT / "sla_definitions"),
         *[str(part) for pair in paths.items() for part in pair]],
    )  # fmt: skip
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and str(target) in lines[0], result.output


def test_explain_bad_warehouse_one_line_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["explain", "--agreement", "a", "--period", "2026-03", "--objective", "o",
         "--warehouse", str(tmp_path / "none.duckdb")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert (
        result.output.strip()
        == f"error: {tmp_path / 'none.duckdb'}: no warehouse file (give --warehouse)"
    )
