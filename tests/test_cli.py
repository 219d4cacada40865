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
