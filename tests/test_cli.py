"""The `sla` command contract: commands, options, exit codes and one-line reasons."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.lib.settings import PROJECT_ROOT

runner = CliRunner()


@pytest.mark.parametrize(
    "command", ["validate", "generate", "run", "demo", "schema", "status", "explain"]
)
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("status", ("--definitions", "--warehouse", "--reports", "--json")),
        ("explain", ("--agreement", "--period", "--objective", "--definitions", "--warehouse",
                     "--reports", "--json")),
    ],
)  # fmt: skip
def test_status_and_explain_take_the_documented_options(command, options):
    result = runner.invoke(app, [command, "--help"], terminal_width=200)
    for option in options:
        assert option in result.output


def test_run_options_are_the_documented_contract():
    result = runner.invoke(app, ["run", "--help"], terminal_width=200)
    for option in ("--period", "--from", "--to", "--definitions", "--landing", "--warehouse",
                   "--reports"):  # fmt: skip
        assert option in result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--period", "2026-13"], "expected YYYY-MM"),
        (["--period", "March"], "expected YYYY-MM"),
        ([], "give --period"),
        (["--from", "2026-03"], "give --period"),
        (["--from", "2026-05", "--to", "2026-03"], "ends (2026-03) before it starts (2026-05)"),
        (["--period", "2026-03", "--from", "2026-01", "--to", "2026-02"], "not both"),
    ],
)
def test_run_rejects_bad_periods_with_one_line(args, words, tmp_path):
    result = runner.invoke(app, ["run", *args, "--warehouse", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and words in lines[0], result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_run_with_invalid_definitions_runs_nothing(tmp_path):
    definitions = tmp_path / "defs"
    shutil.copytree(PROJECT_ROOT / "sla_definitions", definitions)
    broken = definitions / "agreements" / "acme-hosting.yaml"
    broken.write_text(broken.read_text().replace("target: 99.9\n", "target: 101\n", 1))
    result = runner.invoke(
        app,
        ["run", "--period", "2026-03", "--definitions", str(definitions),
         "--warehouse", str(tmp_path / "w.duckdb"), "--reports", str(tmp_path / "reports")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "acme-hosting.yaml: versions[0].objectives[0].target" in result.output
    assert result.output.strip().splitlines()[-1].startswith("error: definitions in")
    assert not (tmp_path / "w.duckdb").exists()
    assert not (tmp_path / "reports").exists()


# --------------------------------------------------------------------------------------------
# issue 14: help text, quarters, bad inputs (one line, exit 2, no report folder written)


@pytest.mark.parametrize("command", [None, "run", "generate", "status"])
def test_help_shows_no_value_beside_a_flag(command):
    args = [command, "--help"] if command else ["--help"]
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 0
    assert "<bool>" not in result.output
    assert "<list[str]>" not in result.output


def test_run_help_states_every_default():
    result = runner.invoke(app, ["run", "--help"])
    # one block of the options panel per option: from its "│ --name" to the next option's
    blocks = {block.split()[0]: block for block in result.output.split("│ --")[1:]}
    for option in ("period", "from", "to", "definitions", "landing", "warehouse", "reports",
                   "full-refresh", "lock-timeout", "verbose", "quiet"):  # fmt: skip
        assert "[default: " in blocks[option], blocks[option]
    assert "csv|parquet|jsonl" in runner.invoke(app, ["generate", "--help"]).output


def _landing_with_one_file(tmp_path):
    landing = tmp_path / "landing"
    (landing / "probes").mkdir(parents=True)
    (landing / "probes" / "probes-2026-03.csv").write_text("service_id\n", encoding="utf-8")
    return landing


BAD_INPUTS = [
    # (case, extra arguments (with {tmp} for the test's folder), the one line expected)
    ("missing landing folder", ["--landing", "{tmp}/nowhere"],
     "error: landing folder {tmp}/nowhere does not exist"),
    ("landing path is a file", ["--landing", "{tmp}/landing/probes/probes-2026-03.csv"],
     "error: landing folder {tmp}/landing/probes/probes-2026-03.csv is not a folder"),
    ("empty landing folder and a new warehouse", ["--landing", "{tmp}/empty"],
     "error: landing folder {tmp}/empty has no landing files (in probes/, tickets/, "
     "ticket_events/, maintenance/, ticket_outcomes/, downtime_windows/) and the warehouse "
     "{tmp}/w.duckdb is new: nothing to run on"),
    ("missing definitions folder", ["--definitions", "{tmp}/no-defs"],
     "error: definitions folder {tmp}/no-defs does not exist"),
    ("empty definitions folder", ["--definitions", "{tmp}/empty"],
     "error: definitions folder {tmp}/empty has no agreements/*.yaml"),
    ("warehouse path is a folder", ["--warehouse", "{tmp}/empty"],
     "error: warehouse {tmp}/empty is a folder, not a DuckDB file"),
    ("period not a period", ["--period", "2026-3"],
     "error: '2026-3' is not a period: expected YYYY-MM or YYYY-Qn, e.g. 2026-03 or 2026-Q1"),
    ("fifth quarter", ["--period", "2026-Q5"],
     "error: '2026-Q5' is not a period: expected YYYY-MM or YYYY-Qn, e.g. 2026-03 or 2026-Q1"),
    ("bad --to", ["--from", "2026-Q1", "--to", "2026-13"],
     "error: '2026-13' is not a period: expected YYYY-MM or YYYY-Qn, e.g. 2026-03 or 2026-Q1"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "expected"), [case[1:] for case in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_run_bad_input_is_one_line_exit_2_and_nothing_published(tmp_path, extra, expected):
    landing = _landing_with_one_file(tmp_path)
    (tmp_path / "empty").mkdir()
    reports = tmp_path / "reports"
    args = ["run", "--definitions", str(PROJECT_ROOT / "sla_definitions"),
            "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"),
            "--reports", str(reports)]  # fmt: skip
    if not any(arg in extra for arg in ("--period", "--from")):
        args += ["--period", "2026-03"]
    args += [arg.replace("{tmp}", str(tmp_path)) for arg in extra]
    result = runner.invoke(app, args, terminal_width=400)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [expected.replace("{tmp}", str(tmp_path))]
    assert not reports.exists()
    assert not (tmp_path / "w.duckdb").exists()


def test_quarter_means_its_three_months():
    import datetime as dt

    from orchestration.cli import _periods

    assert _periods("2026-Q1", None, None) == (dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    assert _periods(None, "2026-Q2", "2026-Q3") == (dt.date(2026, 4, 1), dt.date(2026, 9, 1))
    assert _periods(None, "2026-02", "2026-Q1") == (dt.date(2026, 2, 1), dt.date(2026, 3, 1))


# --------------------------------------------------------------------------------------------
# issue 18: --engine duckdb|spark (SLA_ENGINE), told apart before anything runs


def test_run_and_demo_take_an_engine():
    for command in ("run", "demo"):
        result = runner.invoke(app, [command, "--help"], terminal_width=200)
        assert "--engine" in result.output and "duckdb|spark" in result.output
        assert "SLA_ENGINE" in result.output


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (["--engine", "oracle"], {}, "--engine: 'oracle' is not one of duckdb, spark"),
        ([], {"SLA_ENGINE": "oracle"}, "SLA_ENGINE='oracle' is not one of duckdb, spark"),
    ],
)
def test_run_rejects_an_unknown_engine_with_one_line(args, env, words, tmp_path):
    result = runner.invoke(
        app,
        ["run", "--period", "2026-03", *args, "--warehouse", str(tmp_path / "w.duckdb")],
        env=env,
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and words in lines[0], result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_spark_without_pyspark_says_how_to_install(tmp_path):
    import importlib.util

    if importlib.util.find_spec("pyspark") is not None:
        pytest.skip("PySpark is installed here")
    result = runner.invoke(
        app,
        ["run", "--period", "2026-03", "--engine", "spark",
         "--warehouse", str(tmp_path / "w.duckdb")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "make install-spark" in result.output
    assert not (tmp_path / "w.duckdb").exists()
