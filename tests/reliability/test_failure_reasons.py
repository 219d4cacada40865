"""The real reason on the last line: the innermost cause, in words, with the step named.

Regression tests for issue 11, point 8: every step failure ended with ``step X failed:
dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while executing op "X":``
and the cause (a lock held, a NaN cast, a name too long) was only further up the traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from reliability_data import small_case
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.lib.failure_reasons import dbt_reason, step_failure_reason
from orchestration.runner import run_pipeline

# the steps that open the warehouse first (Dagster runs them in a fixed order; any of them may
# come first when the asset graph grows)
FIRST_STEPS = "raw__maintenance|raw__probes|raw__tickets|raw__ticket_events|sla_definitions"


@pytest.mark.slow
def test_a_warehouse_that_is_a_directory_is_the_last_line(tmp_path):
    case = small_case(tmp_path)
    case.paths.warehouse_path.mkdir()
    paths = case.paths
    result = CliRunner().invoke(
        app,
        ["run", "--period", "2026-03", "--definitions", str(paths.definitions_dir),
         "--landing", str(paths.landing_dir), "--warehouse", str(paths.warehouse_path),
         "--reports", str(paths.reports_dir)],
    )  # fmt: skip
    # issue 14: a bad path is a usage error, found before anything runs (exit 2, one line)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: warehouse {paths.warehouse_path} is a folder, not a DuckDB file"
    ]
    assert not paths.reports_dir.exists()


HOLD_DUCKDB = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1])
connection.execute("select 1")
open(sys.argv[2], "w").close()
time.sleep(120)
"""


@pytest.mark.slow
def test_a_warehouse_locked_by_another_program_names_it(tmp_path):
    case = small_case(tmp_path)
    ready = tmp_path / "ready"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_DUCKDB, str(case.paths.warehouse_path), str(ready)]
    )
    try:
        while not ready.exists():
            assert holder.poll() is None, "the holder did not start"
            time.sleep(0.05)
        program = Path(os.readlink(f"/proc/{holder.pid}/exe")).name
        outcome = case.run("2026-03")
    finally:
        holder.kill()
        holder.wait()
    assert not outcome.success
    assert re.fullmatch(
        rf"step ({FIRST_STEPS}) failed: warehouse {re.escape(str(case.paths.warehouse_path))} is "
        rf"locked by another process \(PID {holder.pid}, {re.escape(program)}\); "
        "DuckDB allows one writer per file",
        outcome.reason,
    ), outcome.reason


@pytest.mark.slow
def test_a_failed_dbt_build_names_the_model_and_its_error(tmp_path):
    from orchestration.defs.transform.assets import sla_dbt_models

    case = small_case(tmp_path)
    # dbt alone on an empty warehouse: the definitions schema was never written
    outcome = run_pipeline(
        case.paths,
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 1),
        selection=dg.AssetSelection.assets(sla_dbt_models),
    )
    assert not outcome.success
    # every staging model fails alike; the reason takes the first by its unique id
    # (model.sla.stg_definitions__adjustment_tickets sorts before ...__agreement_versions)
    assert outcome.reason == (
        "step sla_dbt_models failed: dbt model stg_definitions__adjustment_tickets failed: "
        'Catalog Error: Table with name "definitions.adjustment_tickets" does not exist because '
        'schema "definitions" does not exist.'
    )


@dataclass
class _Error:
    cls_name: str | None
    message: str
    cause: _Error | None = None
    context: _Error | None = None


def test_the_innermost_cause_is_named_without_its_class():
    error = _Error(
        "DagsterExecutionStepExecutionError",
        "dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while executing "
        'op "publications":\n',
        cause=_Error(
            "RuntimeError",
            "RuntimeError: could not render\n",
            cause=_Error(
                "ConversionException",
                "_duckdb.ConversionException: Conversion Error: Could not cast value nan to "
                "DECIMAL(18,4)\n",
            ),
        ),
    )
    assert step_failure_reason("publications", error) == (
        "step publications failed: Conversion Error: Could not cast value nan to DECIMAL(18,4)"
    )


def test_dbt_error_without_run_results_takes_the_quoted_log_line():
    # the message dagster-dbt raised when dbt could not open the warehouse (from a real run)
    message = (
        "The dbt CLI process with command\n\n`dbt build --select fqn:*`\n\nfailed with exit code "
        "`2`. Check the stdout in the Dagster compute logs for the full information about the "
        "error, or view the dbt debug log: /nowhere/target/sla_dbt_models-1/dbt.log.\n\n"
        "Errors parsed from dbt logs:\n\nEncountered an error:\nIO Error: Could not set lock on "
        'file "/data/warehouse.duckdb": Conflicting lock is held in /usr/bin/python3.11 '
        "(PID 12298). See also https://duckdb.org/docs/stable/connect/concurrency\n\n"
        "Traceback (most recent call last):\n  File ..."
    )
    assert dbt_reason(message) == (
        "dbt failed: warehouse /data/warehouse.duckdb is locked by another process "
        "(PID 12298, python3.11); DuckDB allows one writer per file"
    )


def test_a_failure_raised_by_a_step_is_named_without_its_class_path():
    # Regression: a shrunk re-delivery (dg.Failure from the ingest step) read
    # "step raw__tickets failed: dagster._core.definitions.events.Failure: tickets/t.csv ..."
    error = _Error(
        "DagsterExecutionStepExecutionError",
        'Error occurred while executing op "raw__tickets":\n',
        cause=_Error(
            None,
            "dagster._core.definitions.events.Failure: tickets/t.csv was re-delivered with 0 rows, "
            "87 were loaded before\n",
        ),
    )
    assert step_failure_reason("raw__tickets", error) == (
        "step raw__tickets failed: "
        "tickets/t.csv was re-delivered with 0 rows, 87 were loaded before"
    )
