"""The outage-trace adapter (Cloud Uptime Archive CSV -> downtime_windows) on small hand-made
traces: the mapping (service from the file name, anchor, partial-outage rule), every quarantine
reason, rows read = loaded + quarantined. Quick: DuckDB only, no dbt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.landing import ingest_folder
from orchestration.lib.landing.adapters import (
    SourceAdapter,
    SourcesConfigError,
    load_sources_config,
)
from orchestration.lib.landing.adapters.outages import OUTAGES, OutageTraceOptions
from orchestration.lib.landing_contract import SOURCES

LOAD_TIME = dt.datetime(2026, 12, 1)
HEADER = "start_time,end_time,status,service\n"
EXAMPLE = Path(__file__).parents[2] / "sla_definitions" / "examples" / "outages"


def _warehouse() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("create schema definitions")
    connection.execute(
        "create table definitions.objectives as "
        "select * from (values ('github'), ('slack'), (null)) as t(service_id)"
    )
    return connection


def _load(tmp_path: Path, name: str, body: str, **options: object):
    folder = tmp_path / "landing" / "downtime_windows"
    folder.mkdir(parents=True)
    (folder / name).write_text(HEADER + body, encoding="utf-8")
    connection = _warehouse()
    adapter = SourceAdapter(
        OUTAGES,
        OutageTraceOptions.model_validate(
            {"anchor": "2021-03-01T00:00:00Z", "services": {"gh_global": "github"}, **options}
        ),
    )
    (report,) = ingest_folder(
        connection, SOURCES["downtime_windows"], folder, load_time=LOAD_TIME, adapter=adapter
    )
    return connection, report


def test_a_trace_maps_to_anchored_windows_of_the_service_its_file_names(tmp_path):
    connection, report = _load(
        tmp_path,
        "gh_global_operator_reported.csv",
        # 0 s .. 3000 s = 50 min at full severity; 86400 s = one day later, 1800 s = 30 min at
        # 0.4; 90.5 s is kept to the second
        "0.0,3000.0,1.0,gh_global\n86400.0,88200.0,0.4,gh_global\n90.5,120.0,0.5,gh_global\n",
    )
    assert (report.status, report.rows_read, report.rows_loaded, report.rows_quarantined) == (
        "loaded",
        3,
        3,
        0,
    )
    rows = connection.execute(
        "select service_id, started_at, ended_at, severity, is_down, source_ref, source_row "
        "from raw.downtime_windows order by source_row"
    ).fetchall()
    assert rows == [
        # the anchor 2021-03-01T00:00Z is second 0; default min_severity 0.5: 1.0 and 0.5 are
        # down, 0.4 is not
        ("github", dt.datetime(2021, 3, 1, 0, 0), dt.datetime(2021, 3, 1, 0, 50), 1.0, True,
         "gh_global", 2),
        ("github", dt.datetime(2021, 3, 2, 0, 0), dt.datetime(2021, 3, 2, 0, 30), 0.4, False,
         "gh_global", 3),
        ("github", dt.datetime(2021, 3, 1, 0, 1, 30), dt.datetime(2021, 3, 1, 0, 2), 0.5, True,
         "gh_global", 4),
    ]  # fmt: skip


def test_min_severity_and_an_offset_anchor_move_the_windows(tmp_path):
    connection, _ = _load(
        tmp_path,
        "slack_operator_reported.csv",
        "0.0,60.0,0.4,slack\n",
        anchor="2021-03-01T01:00:00+01:00",
        min_severity=0.25,
    )
    # 01:00+01:00 is 00:00 UTC; 0.4 >= 0.25 is down; the file name without its suffix is slack
    assert connection.execute(
        "select service_id, started_at, is_down from raw.downtime_windows"
    ).fetchall() == [("slack", dt.datetime(2021, 3, 1), True)]


def test_every_quarantine_reason_of_the_adapter(tmp_path):
    connection, report = _load(
        tmp_path,
        "gh_global_operator_reported.csv",
        "0.0,60.0,1.0,gh_global\n"  # line 2: loaded
        "100.0,50.0,1.0,gh_global\n"  # 3: ends before it starts
        "200.0,260.0,1.5,gh_global\n"  # 4: severity above 1
        "300.0,360.0,-0.1,gh_global\n"  # 5: severity below 0
        "400.0,460.0,,gh_global\n"  # 6: severity empty
        "soon,560.0,1.0,gh_global\n"  # 7: start is not a number of seconds
        "600.0,660.0,1.0,slack_global\n"  # 8: a row of another trace
        "700.0,760.0\n"  # 9: too few fields
        "0.0,60.0,1.0,gh_global\n",  # 10: repeats line 2
    )
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (9, 1, 8)
    assert connection.execute(
        "select source_row, reason_code from quarantine.downtime_windows order by source_row"
    ).fetchall() == [
        (3, "ends_before_start"),
        (4, "invalid_severity"),
        (5, "invalid_severity"),
        (6, "missing_value"),
        (7, "unparseable_timestamp"),
        (8, "unmapped_value"),
        (9, "malformed_line"),
        (10, "duplicate_row"),
    ]


def test_a_service_no_objective_names_is_quarantined(tmp_path):
    connection, report = _load(tmp_path, "discord_operator_reported.csv", "0.0,60.0,1.0,discord\n")
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (1, 0, 1)
    assert connection.execute(
        "select reason_code, reason from quarantine.downtime_windows"
    ).fetchall() == [("unknown_service", "service_id is not known (not in definitions.objectives)")]


def test_the_examples_sources_yaml_and_its_errors(tmp_path):
    (configured,) = load_sources_config(EXAMPLE).values()
    assert configured.adapter is OUTAGES
    options = configured.options
    assert isinstance(options, OutageTraceOptions)
    assert options.anchor == dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    (tmp_path / "sources.yaml").write_text(
        "downtime_windows: {format: outage_trace_csv, options: {anchor: 2021-01-01T00:00:00}}\n"
    )
    with pytest.raises(SourcesConfigError, match=r"downtime_windows\.options\.anchor: .*offset"):
        load_sources_config(tmp_path)


def test_sla_validate_names_the_sources_yaml_field_and_hashes_the_file(tmp_path):
    import shutil

    from typer.testing import CliRunner

    from orchestration.cli import app

    folder = tmp_path / "outages"
    shutil.copytree(EXAMPLE, folder)
    runner = CliRunner()
    before = runner.invoke(app, ["validate", str(folder)])
    assert before.exit_code == 0
    text = (folder / "sources.yaml").read_text()
    (folder / "sources.yaml").write_text(text.replace("min_severity: 0.25", "min_severity: 0.3"))
    after = runner.invoke(app, ["validate", str(folder)])
    # a changed option is a changed definitions hash
    assert (
        after.exit_code == 0
        and after.stdout.split("sha256 ")[1] != before.stdout.split("sha256 ")[1]
    )
    (folder / "sources.yaml").write_text(text.replace("min_severity: 0.25", "min_severity: 2"))
    broken = runner.invoke(app, ["validate", str(folder)])
    assert broken.exit_code == 1
    assert f"{folder / 'sources.yaml'}: downtime_windows.options.min_severity: " in broken.stderr
