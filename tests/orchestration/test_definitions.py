"""The Dagster code location: it loads, its graph is the reviewed one, its policies hold."""

from __future__ import annotations

import datetime as dt
import os
import re
import warnings
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.partitions import monthly_partitions
from orchestration.defs.schedules.schedules import closing_month, monthly_close_job

SNAPSHOT = Path(__file__).parents[1] / "snapshots" / "asset_graph.txt"
DATA_QUALITY_DOC = Path(__file__).parents[2] / "docs" / "data_quality.md"
SOURCES = (
    "probes", "tickets", "ticket_events", "maintenance", "ticket_outcomes", "downtime_windows",
)  # fmt: skip


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from orchestration.definitions import build_defs

    return build_defs()


def _graph_lines(defs: dg.Definitions) -> list[str]:
    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        parents = sorted(p.to_user_string() for p in node.parent_keys)
        checks = sorted(c.name for c in node.check_keys)
        lines.append(
            f"{key.to_user_string()} [{node.group_name}] <- {', '.join(parents) or '-'}"
            + (f" | checks: {', '.join(checks)}" if checks else "")
        )
    return lines


def test_asset_graph_matches_snapshot(defs):
    """A change to the graph (a renamed model, a lost dependency) must be a reviewed change:
    regenerate with UPDATE_SNAPSHOTS=1 and read the diff."""
    current = "\n".join(_graph_lines(defs)) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert current == SNAPSHOT.read_text(encoding="utf-8")


def test_every_asset_states_its_business_meaning(defs):
    graph = defs.resolve_asset_graph()
    missing = [
        key.to_user_string()
        for key in graph.get_all_asset_keys()
        if graph.get(key).is_materializable and not (graph.get(key).description or "").strip()
    ]
    assert not missing, f"assets without a description: {missing}"


def test_assets_are_nouns_not_verbs(defs):
    verbs = ("load_", "compute_", "build_", "make_", "get_", "run_")
    names = [key.path[-1] for key in defs.resolve_asset_graph().get_all_asset_keys()]
    assert not [n for n in names if n.startswith(verbs)]


def test_runs_use_the_in_process_executor(defs):
    # one DuckDB writer at a time: dbt writes from a subprocess, steps must not overlap
    job = defs.resolve_implicit_global_asset_job_def()
    assert job.executor_def.name == dg.in_process_executor.name


def _documented_checks() -> set[tuple[str, str, str, bool]]:
    """(asset, check, severity, blocking) from the table users read in docs/data_quality.md."""
    text = DATA_QUALITY_DOC.read_text(encoding="utf-8").split("## Asset checks", 1)[1]
    rows = re.findall(r"^\| `(\w+)` \| (ERROR|WARN)( \(blocking\))? \| ([\w, ]+) \|", text, re.M)
    return {
        (f"raw/{source}", name, severity, bool(blocking))
        for name, severity, blocking, on in rows
        for source in (SOURCES if on == "all" else on.split(", "))
    }


def test_checks_are_the_documented_ones_with_their_severity_and_gate(defs):
    # what the Dagster UI shows (name, [severity] in the description, blocking) is the contract
    # the docs state; running them per source in one step must not change it
    graph = defs.resolve_asset_graph()
    specs = [graph.get_check_spec(key) for key in graph.asset_check_keys]
    defined = {
        (spec.asset_key.to_user_string(), spec.name, spec.description[1:].split("]")[0],
         spec.blocking)
        for spec in specs
        if spec.asset_key.path[0] == "raw"
    }  # fmt: skip
    # 6 sources x 4 common checks + has_rows and freshness x 2 + the 2 probe coverage checks
    assert len(defined) == 30
    assert defined == _documented_checks()


def test_the_checks_of_a_source_run_as_one_step(defs):
    # one DuckDB connection and one scan of the raw table per source, not one per check
    job = defs.resolve_implicit_global_asset_job_def()
    check_steps = {n for n in job.graph.node_names() if n.endswith("_checks")}
    assert check_steps == {f"raw__{source}_checks" for source in SOURCES}


@pytest.mark.parametrize(
    ("scheduled", "month"),
    [
        (dt.datetime(2026, 3, 2, 6), "2026-02"),
        (dt.datetime(2026, 1, 2, 6), "2025-12"),  # the close of December runs in January
    ],
)
def test_monthly_close_publishes_the_month_that_ended(scheduled, month):
    assert closing_month(scheduled) == month


def test_partition_keys_are_the_periods_names():
    # the UI, `sla run --period` and reports/<period>/ name a month alike
    # 2016-01: the public ServiceNow incident log (examples/servicenow) starts in February 2016
    assert monthly_partitions.get_first_partition_key() == "2016-01"
    window = monthly_partitions.time_window_for_partition_key("2026-03")
    assert (window.start.date(), window.end.date()) == (dt.date(2026, 3, 1), dt.date(2026, 4, 1))


def test_a_range_is_one_run_for_every_asset(defs):
    """Regression: ingestion and definitions without a backfill policy made Dagster warn that
    monthly_close "materializes assets with varying BackfillPolicies" and split a UI backfill of
    a range into one run per month for them, unlike the dbt models and the publications."""
    graph = defs.resolve_asset_graph()
    executable = [graph.get(key) for key in graph.get_all_asset_keys()]
    policies = {
        node.key.to_user_string(): node.backfill_policy if node.is_partitioned else None
        for node in executable
        if node.is_executable
    }
    # one of each domain: definitions, ingestion, a dbt model, the publications
    assert {
        "definitions/agreements",
        "raw/tickets",
        "marts/credits_ledger",
        "publish/credits_ledger",
    } <= set(policies)
    assert {name for name, p in policies.items() if p != dg.BackfillPolicy.single_run()} == set()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        job = monthly_close_job.resolve(asset_graph=graph)
    assert [str(w.message) for w in caught if "BackfillPolicies" in str(w.message)] == []
    assert job.partitions_def == monthly_partitions


PUBLICATION_CODE = Path(__file__).parents[2] / "orchestration" / "lib"
# a mart named in the publication code: in SQL (marts.<name>) or as a section model ("rpt_<name>")
MART_READ = re.compile(r"marts\.(\w+)|\"(rpt_\w+)\"")


def test_publications_depend_on_exactly_the_marts_they_read(defs):
    """Regression: a mart read by the publication but missing from its deps is not in the
    lineage (and Dagster could publish before it is built); a stale dep draws a false one."""
    read = {
        match.group(1) or match.group(2)
        for folder in ("publish", "review_pack")
        for path in sorted((PUBLICATION_CODE / folder).glob("*.py"))
        for match in MART_READ.finditer(path.read_text(encoding="utf-8"))
    }
    graph = defs.resolve_asset_graph()
    deps = {
        parent.path[-1]
        for key in graph.get_all_asset_keys()
        if key.path[0] == "publish"
        for parent in graph.get(key).parent_keys
    }
    # the publication reads nothing but marts, and every one of them is a dependency
    assert read == deps
    assert {"credits_ledger", "rpt_compliance", "rpt_reviews", "rpt_landing_files"} <= read


def test_publication_code_reads_no_schema_but_marts():
    # raw, definitions, quarantine, staging and intermediate are read through marts only
    schemas = re.compile(
        r"\b(from|join)\s+(raw|definitions|quarantine|staging|intermediate)\.\w+", re.I
    )
    found = [
        f"{path.name}: {match.group(0)}"
        for folder in ("publish", "review_pack")
        for path in sorted((PUBLICATION_CODE / folder).glob("*.py"))
        for match in schemas.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
