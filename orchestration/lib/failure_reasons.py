"""A failed step's reason in words: the innermost cause, not the framework's wrapper.

Dagster wraps every exception of a step in ``DagsterExecutionStepExecutionError: Error occurred
while executing op "X"``; dagster-dbt reports a failed dbt build as "The dbt CLI process with
command ... failed with exit code 1" and keeps the real error in dbt's run results. A person
reading the last line of ``sla run`` needs the cause: "warehouse data/warehouse.duckdb is locked
by another process (PID 4242)". These functions read Dagster's serialised error info (anything
with ``cls_name``, ``message`` and ``cause``), so they need neither Dagster nor dbt to import.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Protocol


class ErrorInfo(Protocol):
    """What is read of Dagster's SerializableErrorInfo (read-only, as in its NamedTuple)."""

    @property
    def cls_name(self) -> str | None: ...
    @property
    def message(self) -> str: ...
    @property
    def cause(self) -> ErrorInfo | None: ...
    @property
    def context(self) -> ErrorInfo | None: ...


DBT_ERROR_CLASS = "DagsterDbtCliRuntimeError"
_DBT_LOG = re.compile(r"view the dbt debug log: (\S+?)/dbt\.log")
_DBT_SUMMARY = re.compile(r"^\d+ of \d+ (ERROR|FAIL|WARN)\b")
_DUCKDB_LOCK = re.compile(
    r'Could not set lock on file "(?P<path>[^"]+)": Conflicting lock is held in '
    r"(?P<program>.+?) \(PID (?P<pid>\d+)\)"
)
_DUCKDB_DIRECTORY = re.compile(
    r'Could not (?:read from|open) file "(?P<path>[^"]+)": Is a directory'
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# ``dagster._core.definitions.events.Failure: `` in front of a message: a dotted class path
_CLASS_PREFIX = re.compile(r"^(?:[A-Za-z_]\w*\.)+[A-Z]\w*: ")


def innermost(error: ErrorInfo) -> ErrorInfo:
    """The last exception of the ``raise ... from`` chain (or of the one raised while handling)."""
    while True:
        inner = error.cause or error.context
        if inner is None:
            return error
        error = inner


def _text(error: ErrorInfo) -> str:
    """The exception's own message, without ``module.Class: `` in front."""
    message = _ANSI.sub("", error.message).strip()
    head, separator, rest = message.partition(": ")
    if separator and error.cls_name and head.rsplit(".", 1)[-1] == error.cls_name:
        return rest.strip()
    return _CLASS_PREFIX.sub("", message)


def in_words(message: str) -> str:
    """Known low-level messages as a sentence; anything else as its first line."""
    if lock := _DUCKDB_LOCK.search(message):
        program = Path(lock["program"]).name
        return (
            f"warehouse {lock['path']} is locked by another process "
            f"(PID {lock['pid']}, {program}); DuckDB allows one writer per file"
        )
    if directory := _DUCKDB_DIRECTORY.search(message):
        return f"warehouse {directory['path']} is a directory, not a DuckDB file"
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return lines[0] if lines else "failed"


def dbt_reason(message: str) -> str | None:
    """The first error of a failed dbt build: from its run_results.json, else from the log lines
    dagster-dbt quotes in its message."""
    if log := _DBT_LOG.search(message):
        results_file = Path(log[1]) / "run_results.json"
        try:
            results = json.loads(results_file.read_text(encoding="utf-8"))["results"]
        except (OSError, ValueError, KeyError):
            results = []
        # dbt lists results in the order its threads finished: sort, so a reason is repeatable
        for result in sorted(results, key=lambda r: str(r.get("unique_id", ""))):
            if result.get("status") in ("error", "fail", "runtime error"):
                node = result.get("unique_id", "").split(".")
                kind, name = (node[0], node[-1]) if len(node) > 1 else ("node", "?")
                detail = result.get("message") or "failed"
                return f"dbt {kind} {name} failed: {_first_cause_line(detail)}"
    _, found, parsed = message.partition("Errors parsed from dbt logs:")
    if not found:
        return None
    for line in _ANSI.sub("", parsed).splitlines():
        line = line.strip()
        if line and not _DBT_SUMMARY.match(line) and not line.startswith("Encountered an error"):
            return f"dbt failed: {in_words(line)}"
    return None


def _first_cause_line(detail: str) -> str:
    """dbt's messages start with "Runtime Error in model x (path)"; the cause is the next line."""
    lines = [line.strip() for line in _ANSI.sub("", detail).splitlines() if line.strip()]
    if len(lines) > 1 and re.match(r"^(Runtime|Database|Compilation) Error in ", lines[0]):
        lines = lines[1:]
    return in_words("\n".join(lines)) if lines else "failed"


def step_failure_reason(step_key: str, error: ErrorInfo | None) -> str:
    """``step <key> failed: <the innermost cause, in words>``."""
    if error is None:
        return f"step {step_key} failed"
    cause = innermost(error)
    text = _text(cause)
    reason = dbt_reason(text) if cause.cls_name == DBT_ERROR_CLASS else None
    return f"step {step_key} failed: {reason or in_words(text)}"
