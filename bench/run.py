"""`make bench`: the pipeline at service-desk scale, against the budgets it must meet.

Generates a year of data with the project's own generator (Parquet and CSV), then measures wall
time and peak RSS of the whole process tree for: CSV ingestion throughput; the full build of the
year in one run, publications included (each stage's share from its Dagster step durations, and
Parquet ingestion throughput); the ticket-clock models against a hand-written reference query
doing the same clock work; `sla simulate` of the year under proposed terms; the monthly close
of a 13th month; and `make demo` after installation.
Prints a table and writes it to docs/benchmarks.md (``--small`` writes to <out>/benchmarks.md
instead: the test suite runs it to show that the benchmark code still works).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psutil

from bench.measure import Measurement, measure
from orchestration.lib.settings import (
    DBT_PROFILES_DIR,
    DBT_PROJECT_DIR,
    ENV_DEFINITIONS,
    ENV_LANDING,
    ENV_REPORTS,
    ENV_WAREHOUSE,
    PROJECT_ROOT,
    dbt_executable,
)

PYTHON = sys.executable
GB = 1024**3


@dataclass(frozen=True)
class Scale:
    name: str
    agreements: int
    services: int
    months: int
    tickets_per_agreement_month: int
    start: str


FULL = Scale("full", agreements=200, services=100, months=12, tickets_per_agreement_month=834,
             start="2025-01")  # fmt: skip
SMALL = Scale("small", agreements=3, services=3, months=2, tickets_per_agreement_month=40,
              start="2026-01")  # fmt: skip


@dataclass(frozen=True)
class Row:
    measure: str
    value: str
    budget: str
    verdict: str  # pass | FAIL | -


def _month(start: str, offset: int) -> str:
    year, month = (int(p) for p in start.split("-"))
    index = year * 12 + month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _env(root: Path, landing: Path, warehouse: Path) -> dict[str, str]:
    """A stage's run paths for its child process (bench.stage reads them: RunPaths.from_env)."""
    return {
        ENV_DEFINITIONS: str(root / "sla_definitions"),
        ENV_LANDING: str(landing),
        ENV_WAREHOUSE: str(warehouse),
        ENV_REPORTS: str(root / "reports"),
        "SLA_DBT_TARGET": str(root / "dbt-target"),
    }


def _generate(root: Path, scale: Scale, fmt: str, start: str, months: int) -> Measurement:
    command = [
        PYTHON, "-m", "orchestration.cli", "generate", "--out", str(root),
        "--agreements", str(scale.agreements), "--services", str(scale.services),
        "--months", str(months), "--start", start, "--seed", "7",
        "--tickets", str(scale.tickets_per_agreement_month), "--format", fmt,
    ]  # fmt: skip
    return measure(f"generate {fmt} {start}", command, root.parent / "logs")


def _stage(
    name: str, stage: str, env: dict[str, str], first: str, last: str, logs: Path
) -> tuple[Measurement, dict[str, float] | None]:
    """One pipeline stage in a child process, with its Dagster step durations by stage."""
    steps = logs / f"{name.replace(' ', '_')}_steps.json"
    command = [PYTHON, "-m", "bench.stage", stage, first, last, str(steps)]
    m = measure(name, command, logs, env=env)
    return m, _stage_seconds(json.loads(steps.read_text())) if steps.exists() else None


def _stage_rows(report: Report, stages: dict[str, float] | None, total: float) -> None:
    """Where a run's wall time went: each stage, then what no step accounts for."""
    if stages is None:
        return
    for stage, seconds in stages.items():
        report.add(Row(f"  of which {stage} (s)", f"{seconds:.1f}", "-", "-"))
    overhead = total - sum(stages.values())
    report.add(Row("  of which start-up and run overhead (s)", f"{overhead:.1f}", "-", "-"))


def _rows_read(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute("select sum(rows_read) from raw.landing_files").fetchone()
    assert rows is not None  # an aggregate without group by always returns one row
    return int(rows[0])


# the ticket-clock stage: the business calendar, the clock model and its mart
CLOCK_MODELS = ("int_working_intervals_enumerated", "int_ticket_clocks_computed", "ticket_clocks")


@dataclass(frozen=True)
class ClockComparison:
    stage: Measurement  # the dbt invocation, start-up and parsing included
    models_seconds: float  # dbt's own execution time of the clock models
    reference: Measurement
    reference_seconds: float  # the reference statement alone, without process start-up
    pairs: int
    pairs_agreeing: int  # ticket x objective pairs where both give the same seconds (± 1 s)


def _clock_vs_reference(
    env: dict[str, str], warehouse: Path, scale: Scale, logs: Path
) -> ClockComparison:
    """The dbt clock models against one hand-written statement doing the same clock work.

    Both sides are timed without process start-up: the models by dbt's own per-node execution
    time (run_results.json), the reference around its one statement. The dbt invocation's wall
    time is reported beside them.
    """
    last = _month(scale.start, scale.months)
    variables = json.dumps({"period_start": f"{scale.start}-01", "period_end": f"{last}-01"})
    # its own target folder: the pipeline's keeps the parse state of the pipeline's runs
    target = Path(env["SLA_DBT_TARGET"]) / "clock-stage"
    stage = measure(
        "clock stage (dbt)",
        [dbt_executable(), "run", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROFILES_DIR), "--target-path", str(target),
         "--select", *CLOCK_MODELS, "--vars", variables],
        logs, env=env,
    )  # fmt: skip
    models_seconds = 0.0
    results = target / "run_results.json"
    if stage.returncode == 0 and results.exists():
        models_seconds = sum(
            node["execution_time"]
            for node in json.loads(results.read_text())["results"]
            if node["unique_id"].split(".")[-1] in CLOCK_MODELS
        )
    first_day = dt.date.fromisoformat(f"{scale.start}-01") - dt.timedelta(days=62)
    last_day = dt.date.fromisoformat(f"{last}-01") + dt.timedelta(days=62)
    figures_file = logs / "reference_clock.json"
    reference = measure(
        "clock reference query",
        [PYTHON, "-m", "bench.reference", str(warehouse), first_day.isoformat(),
         last_day.isoformat(), f"{last}-01", str(figures_file)],
        logs, env=env, cwd=PROJECT_ROOT,
    )  # fmt: skip
    figures = json.loads(figures_file.read_text()) if figures_file.exists() else {}
    return ClockComparison(
        stage, models_seconds, reference, figures.get("seconds", 0.0),
        figures.get("pairs", 0), figures.get("agreeing", 0),
    )  # fmt: skip


def _simulate(root: Path, warehouse: Path, scale: Scale, logs: Path) -> Measurement:
    """``sla simulate`` of a partial proposal over the first agreement: a lower cap, a chronic
    breach rule and a halved threshold for its ticket objectives (their clocks are recomputed)."""
    from orchestration.lib.agreements import load_catalog
    from orchestration.lib.agreements.schema import TicketObjective

    catalog = load_catalog(root / "sla_definitions")
    # the first monthly agreement in force from the first month: its 12 periods are replayed
    # (the example agreements the generator copies start later, without periods in the year)
    start = dt.date.fromisoformat(f"{scale.start}-01")
    agreement = next(
        catalog.agreements[key]
        for key in sorted(catalog.agreements)
        if catalog.agreements[key].period == "monthly"
        and catalog.agreements[key].versions[0].effective_from <= start
    )
    overrides = {
        objective.id: {"within": f"{max(60, objective.within_seconds // 2)}s"}
        for objective in agreement.versions[-1].objectives
        if isinstance(objective, TicketObjective)
    }
    proposal = root / "proposal.yaml"
    proposal.write_text(
        json.dumps(
            {
                "agreement": agreement.id,
                "credit_cap_pct": 10,
                "chronic_breach": {"breaches": 2, "within_periods": 3},
                "objectives": overrides,
            }
        ),
        encoding="utf-8",
    )  # JSON is YAML
    command = [
        PYTHON, "-m", "orchestration.cli", "simulate", "--terms", str(proposal),
        "--periods", str(scale.months), "--definitions", str(root / "sla_definitions"),
        "--warehouse", str(warehouse), "--reports", str(root / "reports"),
    ]  # fmt: skip
    return measure(f"simulate {scale.months} periods", command, logs)


def _machine() -> str:
    memory = psutil.virtual_memory().total / GB
    return (
        f"{os.cpu_count()} cores, {memory:.1f} GB memory, {platform.system()} "
        f"{platform.machine()}, Python {platform.python_version()}, duckdb {duckdb.__version__}"
    )


def _verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


INGEST_ASSETS = {"probes", "tickets", "ticket_events", "maintenance"}


def _stage_seconds(steps: dict[str, float]) -> dict[str, float]:
    """Group Dagster step durations into the pipeline's stages."""
    stages = {"definitions + ingest": 0.0, "data checks": 0.0, "dbt": 0.0, "publish": 0.0}
    for step, seconds in steps.items():
        if step == "sla_dbt_models":
            stages["dbt"] += seconds
        elif step.startswith("publication"):
            stages["publish"] += seconds
        elif step.startswith("raw__") and step.removeprefix("raw__") not in INGEST_ASSETS:
            stages["data checks"] += seconds
        else:
            stages["definitions + ingest"] += seconds
    return stages


class Report:
    """The table so far, rewritten after every measurement: a long run that is stopped part way
    still leaves what it measured."""

    def __init__(self, scale: Scale, target: Path):
        self.scale, self.target = scale, target
        self.rows: list[Row] = []
        self.failures: list[str] = []

    def add(self, row: Row) -> None:
        self.rows.append(row)
        _write_report(self.target, _table(self.rows, self.scale, self.failures))

    def check(self, m: Measurement) -> Measurement:
        if m.returncode != 0:
            self.failures.append(f"{m.name} exited {m.returncode}: see {m.log}")
        return m


def run(scale: Scale, out: Path, report: Report, with_demo: bool) -> None:
    """Generate, then measure: CSV ingestion with its checks; the full year from Parquet in one
    run (its Dagster step durations give each stage's share); the clock stage against the
    reference query; the monthly close; and `make demo`."""
    if out.exists():
        shutil.rmtree(out)
    logs = out / "logs"
    check = report.check

    parquet_root, csv_root = out / "parquet", out / "csv"
    gen_parquet = check(_generate(parquet_root, scale, "parquet", scale.start, scale.months))
    gen_csv = check(_generate(csv_root, scale, "csv", scale.start, scale.months))
    if report.failures:  # nothing to measure without data
        raise SystemExit("\n".join(report.failures))
    report.add(Row("generate a year, Parquet (s)", f"{gen_parquet.seconds:.1f}", "-", "-"))
    report.add(Row("generate a year, CSV (s)", f"{gen_csv.seconds:.1f}", "-", "-"))
    first, last = scale.start, _month(scale.start, scale.months - 1)

    # CSV ingestion: definitions + ingest assets with their checks, on a fresh warehouse; the
    # budget is judged on the loading steps, the stage with checks and start-up is shown beside
    warehouse = out / "ingest-csv.duckdb"
    m, stages = _stage("ingest CSV", "ingest", _env(csv_root, csv_root / "landing", warehouse),
                       first, last, logs)  # fmt: skip
    check(m)
    read = _rows_read(warehouse) if m.returncode == 0 else 0
    if stages is not None:
        loading = stages["definitions + ingest"]
        per_second = read / loading if loading else 0
        report.add(Row(f"ingest CSV: {read:,} rows in {loading:.1f} s (rows/s)",
                       f"{per_second:,.0f}", "≥ 1,000,000",
                       _verdict(per_second >= 1_000_000)))  # fmt: skip
    report.add(Row("  CSV ingest stage incl. checks and start-up (s; rows/s; peak GB)",
                   f"{m.seconds:.1f}; {read / m.seconds if m.seconds else 0:,.0f}; "
                   f"{m.peak_rss_gb:.2f}", "-", "-"))  # fmt: skip

    # the full year from Parquet landing on a fresh warehouse, publications included, in one
    # run: its Dagster step durations give each stage's share
    warehouse = out / "year.duckdb"
    env = _env(parquet_root, parquet_root / "landing", warehouse)
    year, stages = _stage("full year", "all", env, first, last, logs)
    check(year)
    report.add(Row("full year: ingest + checks + dbt + publications (s)", f"{year.seconds:.1f}",
                   "≤ 300", _verdict(year.returncode == 0 and year.seconds <= 300)))  # fmt: skip
    report.add(Row("full year peak RSS (GB)", f"{year.peak_rss_gb:.2f}", "≤ 6",
                   _verdict(year.returncode == 0 and year.peak_rss_gb <= 6)))  # fmt: skip
    _stage_rows(report, stages, year.seconds)
    if stages is not None:
        rows_read = _rows_read(warehouse)
        ingest = stages["definitions + ingest"]
        report.add(Row(f"ingest Parquet: {rows_read:,} rows (rows/s)",
                       f"{rows_read / ingest:,.0f}" if ingest else "-", "-", "-"))  # fmt: skip
        packs = len(list((parquet_root / "reports").glob("*/latest/review_packs/*.pdf")))
        per_pack = stages["publish"] / packs if packs else 0
        report.add(Row(f"publications: {packs} review packs with ledgers (s per pack)",
                       f"{per_pack:.3f}", "-", "-"))  # fmt: skip

    clock = _clock_vs_reference(env, warehouse, scale, logs)
    check(clock.stage), check(clock.reference)
    ratio = clock.models_seconds / clock.reference_seconds if clock.reference_seconds else 0
    report.add(Row(f"clock stage: dbt models / reference query, {clock.pairs:,} ticket x "
                   f"objective pairs ({clock.pairs_agreeing:,} agree ± 1 s)",
                   f"{clock.models_seconds:.1f} s / {clock.reference_seconds:.1f} s = {ratio:.2f}",
                   "≤ 1.5", _verdict(0 < ratio <= 1.5)))  # fmt: skip
    report.add(Row("  clock stage as one dbt invocation, start-up included (s)",
                   f"{clock.stage.seconds:.1f}", "-", "-"))  # fmt: skip

    # sla simulate: the year replayed under proposed terms for one agreement (docs/negotiation.md)
    sim = check(_simulate(parquet_root, warehouse, scale, logs))
    report.add(Row(f"simulate {scale.months} periods of one agreement under proposed terms (s)",
                   f"{sim.seconds:.1f}", "≤ 60",
                   _verdict(sim.returncode == 0 and sim.seconds <= 60)))  # fmt: skip

    # monthly close: a 13th month lands on top of the loaded year
    close_month = _month(scale.start, scale.months)
    extra = out / "next-month"
    check(_generate(extra, scale, "parquet", close_month, 1))
    for source_dir in (extra / "landing").iterdir():
        for file in source_dir.iterdir():
            shutil.copy(file, parquet_root / "landing" / source_dir.name / file.name)
    close, stages = _stage("monthly close", "all", env, close_month, close_month, logs)
    check(close)
    report.add(Row(f"monthly close {close_month} (s; peak GB)",
                   f"{close.seconds:.1f}; {close.peak_rss_gb:.2f}", "≤ 45",
                   _verdict(close.returncode == 0 and close.seconds <= 45)))  # fmt: skip
    _stage_rows(report, stages, close.seconds)

    if with_demo:
        demo = check(measure("make demo", ["make", "demo"], logs, cwd=PROJECT_ROOT))
        report.add(Row("make demo after install (s)", f"{demo.seconds:.1f}", "≤ 60",
                       _verdict(demo.seconds <= 60)))  # fmt: skip
    if report.failures:
        report.add(Row("errors", str(len(report.failures)), "0", "FAIL"))


def _table(rows: list[Row], scale: Scale, failures: list[str]) -> str:
    lines = [
        f"Scale `{scale.name}`: {scale.agreements} agreements, {scale.services} services probed "
        f"every minute, {scale.months} months from {scale.start}, "
        f"{scale.tickets_per_agreement_month} tickets per agreement-month.",
        f"Machine: {_machine()}.",
        "",
        "| measure | value | budget | verdict |",
        "|---|---|---|---|",
        *(f"| {r.measure} | {r.value} | {r.budget} | {r.verdict} |" for r in rows),
    ]
    if failures:
        lines += ["", "Errors:", *(f"- {f}" for f in failures)]
    return "\n".join(lines)


def _write_report(target: Path, table: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    marker = "<!-- bench:table -->"
    if target.exists() and marker in target.read_text():
        before, _, rest = target.read_text().partition(marker)
        _, _, after = rest.partition("<!-- /bench:table -->")
        text = f"{before}{marker}\n{table}\n<!-- /bench:table -->{after}"
    else:
        text = f"# Benchmarks\n\n{marker}\n{table}\n<!-- /bench:table -->\n"
    target.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a quick run of every measurement")
    parser.add_argument("--out", type=Path, default=None, help="scratch folder")
    parser.add_argument("--no-demo", action="store_true", help="skip timing `make demo`")
    args = parser.parse_args()
    scale = SMALL if args.small else FULL
    out = args.out or PROJECT_ROOT / "bench" / "out" / scale.name
    # the scratch folder is emptied before the first row is written into it
    target = out / "benchmarks.md" if args.small else PROJECT_ROOT / "docs" / "benchmarks.md"
    report = Report(scale, target)
    run(scale, out, report, with_demo=not args.small and not args.no_demo)
    print(_table(report.rows, scale, report.failures))
    if report.failures:
        print("\n".join(report.failures), file=sys.stderr)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
