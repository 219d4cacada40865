"""Run the pipeline for a range of months, in process, and say plainly whether it published."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg

from orchestration.defs.partitions import month_key
from orchestration.lib import warehouse_lock
from orchestration.lib.agreements import load_catalog
from orchestration.lib.failure_reasons import step_failure_reason
from orchestration.lib.paths import RunPaths
from orchestration.lib.run_record import record_last_run
from orchestration.lib.settings import (
    ACCEPT_SHRUNK_TAG,
    FULL_REFRESH_TAG,
    Engine,
    dagster_home,
    default_engine,
)

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    reason: str = ""
    failed_steps: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)  # for the benchmark
    warned_checks: list[str] = field(default_factory=list)  # failed WARN checks: the summary's


def _partition_tags(first: dt.date, last: dt.date) -> dict[str, str]:
    return {RANGE_START_TAG: month_key(first), RANGE_END_TAG: month_key(last)}


def run_pipeline(
    paths: RunPaths,
    first: dt.date,
    last: dt.date,
    instance: dg.DagsterInstance | None = None,
    log_level: str = "WARNING",
    selection: dg.AssetSelection | None = None,
    full_refresh: bool = False,
    lock_timeout: float = warehouse_lock.DEFAULT_LOCK_TIMEOUT,
    notify: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
    accept_shrunk: tuple[str, ...] = (),
    on_event: Callable[[dg.EventLogEntry], None] | None = None,
    engine: Engine | None = None,
) -> RunOutcome:
    """Validate the definitions, then materialise every asset for months ``first``..``last``.

    ``selection`` runs a subset (with its checks): the benchmark times stages alone with it.
    ``full_refresh`` rebuilds the incremental dbt models from every landed row, not only the
    months of the run.
    One run at a time per warehouse: a run finding the warehouse held by another waits up to
    ``lock_timeout`` seconds (``notify`` says so once), then fails with the holder named.
    ``accept_shrunk``: landing files whose re-delivery with fewer rows is accepted (otherwise it
    blocks the run).
    ``on_event`` receives every event of the run as it is stored (the CLI's progress display).
    ``engine`` runs the dbt models: ``duckdb`` or ``spark`` (default: SLA_ENGINE, else duckdb).
    ``instance`` records the run; by default the persistent instance `dagster dev` shows
    (settings.dagster_home), tests pass an ephemeral one.
    Raises DefinitionsError before anything runs when the definitions are invalid.
    """
    load_catalog(paths.definitions_dir)  # the same validation as `sla validate`, before any step
    from orchestration.defs.resources import DbtEngine

    dbt_engine = DbtEngine(name=engine or default_engine())
    from orchestration.defs.transform.project import ensure_manifest

    ensure_manifest()
    from orchestration.definitions import build_defs

    defs = build_defs()
    if selection is None:
        job = defs.resolve_implicit_global_asset_job_def()
    else:
        from orchestration.defs.partitions import monthly_partitions

        subset = dg.define_asset_job(
            "subset", selection=selection, partitions_def=monthly_partitions
        )
        job = dg.Definitions.merge(defs, dg.Definitions(jobs=[subset])).resolve_job_def("subset")
    tags = (
        {"dagster/partition": month_key(first)} if first == last else _partition_tags(first, last)
    )
    if full_refresh:
        tags[FULL_REFRESH_TAG] = "true"
    if accept_shrunk:
        tags[ACCEPT_SHRUNK_TAG] = json.dumps(list(accept_shrunk))
    run_id = str(uuid.uuid4())  # known before the run starts: the warehouse lock names it
    try:
        with (
            warehouse_lock.exclusive(
                paths.warehouse_path, run_id, timeout=lock_timeout, notify=notify
            ),
            _instance(instance, paths) as active,
        ):
            # once the instance is open: its SQLite storage imports SQLAlchemy, which Great
            # Expectations imports too (and, where it is installed, PySpark); two threads
            # importing the same packages at once can see each other's half-initialised modules
            _prefetch("great_expectations")
            if on_event is not None:
                active.add_event_listener(run_id, on_event)
            result = job.execute_in_process(
                instance=active,
                raise_on_error=False,
                tags=tags,
                run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
                partition_key=month_key(first) if first == last else None,
                run_id=run_id,
                # this run's paths and engine, in place of those the definitions read from the env
                resources={"paths": paths, "engine": dbt_engine},
            )
            record_last_run(paths.warehouse_path, result, active, first, last)
    except warehouse_lock.WarehouseBusy as busy:
        return RunOutcome(False, run_id, str(busy))
    return _outcome(result)


def _prefetch(module: str) -> None:
    """Import ``module`` in the background. Great Expectations takes ~3 s to import and is first
    needed by the data checks, after ingestion: DuckDB releases the GIL while it loads the
    landing files, so the import overlaps with them instead of delaying the checks."""

    def load() -> None:
        # a failed import surfaces where the checks import it, with its own message
        with contextlib.suppress(Exception):
            importlib.import_module(module)

    threading.Thread(target=load, name=f"prefetch {module}", daemon=True).start()


class _instance:
    """The given instance, or the persistent one of ``paths`` (opened here, closed on exit)."""

    def __init__(self, given: dg.DagsterInstance | None, paths: RunPaths):
        self.given = given
        self.paths = paths
        self.owned: dg.DagsterInstance | None = None

    def __enter__(self) -> dg.DagsterInstance:
        if self.given is not None:
            return self.given
        home = dagster_home(self.paths.warehouse_path)
        home.mkdir(parents=True, exist_ok=True)
        config = home / "dagster.yaml"
        if not config.exists():  # without one, `dagster dev` warns that it uses the defaults
            config.write_text("# `sla run` and `make dagster`: Dagster's defaults, SQLite here\n")
        self.owned = dg.DagsterInstance.from_config(str(home))
        return self.owned

    def __exit__(self, *exc: object) -> None:
        if self.owned is not None:
            self.owned.dispose()


def _failed_checks(result: dg.ExecuteInProcessResult, severity: dg.AssetCheckSeverity) -> list[str]:
    """``asset:check`` of each check of this severity that did not pass."""
    return [
        f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed and evaluation.severity == severity
    ]


def _outcome(result: dg.ExecuteInProcessResult) -> RunOutcome:
    failed_steps = [
        event.step_key
        for event in result.all_events
        if event.event_type_value == "STEP_FAILURE" and event.step_key
    ]
    failed_checks = _failed_checks(result, dg.AssetCheckSeverity.ERROR)
    # why ignore[union-attr]: a STEP_SUCCESS event always carries StepSuccessData
    step_seconds = {
        event.step_key: event.event_specific_data.duration_ms / 1000  # type: ignore[union-attr]
        for event in result.all_events
        if event.event_type_value == "STEP_SUCCESS" and event.step_key
    }
    warned_checks = _failed_checks(result, dg.AssetCheckSeverity.WARN)
    if result.success and not failed_checks:
        return RunOutcome(
            True, result.run_id, step_seconds=step_seconds, warned_checks=warned_checks
        )
    reasons = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            # why ignore[union-attr]: a STEP_FAILURE event always carries StepFailureData
            error = event.event_specific_data.error  # type: ignore[union-attr]
            reasons.append(step_failure_reason(event.step_key or "?", error))
    if failed_checks:
        reasons.insert(0, f"blocking data-quality check failed: {', '.join(failed_checks)}")
    return RunOutcome(
        False,
        result.run_id,
        reasons[0] if reasons else "the run did not complete",
        failed_steps,
        failed_checks,
        step_seconds,
    )
