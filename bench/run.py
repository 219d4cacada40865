"""`make bench`: the pipeline at service-desk scale, against the budgets it must meet.

Generates a year of data with the project's own generator (Parquet and CSV), then measures wall
time and peak RSS of the whole process tree for: the full build of the year (and each stage's
share, from its Dagster step durations), the monthly close of a 13th month, the ticket-clock
stage against a hand-written reference query,
CSV and Parquet ingestion throughput, and `make demo` after installation. Prints a table and
writes it to docs/benchmarks.md (``--small`` writes to <out>/benchmarks.md instead and runs in
about two minutes: the test suite runs it to show that the benchmark code still works).
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
    return {
        "SLA_DEFINITIONS": str(root / "sla_definitions"),
        "SLA_LANDING": str(landing),
        "SLA_WAREHOUSE": str(warehouse),
        "SLA_REPORTS": str(root / "reports"),
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


def _stage(name: str, stage: str, env: dict[str, str], first: str, last: str, logs: Path):
    return measure(name, [PYTHON, "-m", "bench.stage", stage, first, last], logs, env=env)


def _rows_read(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute("select sum(rows_read) from raw.landing_files").fetchone()[0]


def _clock_vs_reference(env: dict[str, str], warehouse: Path, scale: Scale, logs: Path):
    clock_select = " ".join(
        f"path:dbt_project/models/{folder}"
        for folder in ("intermediate/calendar", "intermediate/tickets", "marts/tickets")
    )
    last = _month(scale.start, scale.months)
    variables = json.dumps({"period_start": f"{scale.start}-01", "period_end": f"{last}-01"})
    clock = measure(
        "clock stage (dbt)",
        [dbt_executable(), "run", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROFILES_DIR), "--target-path", env["SLA_DBT_TARGET"],
         "--select", *clock_select.split(), "--vars", variables],
        logs, env=env,
    )  # fmt: skip
    first_day = dt.date.fromisoformat(f"{scale.start}-01") - dt.timedelta(days=31)
    last_day = dt.date.fromisoformat(f"{last}-01") + dt.timedelta(days=62)
    sql = (Path(__file__).parent / "reference_clock.sql").read_text()
    sql = sql.replace("{first_day}", first_day.isoformat()).replace(
        "{last_day}", last_day.isoformat()
    )
    script = logs / "reference_clock.py"
    script.write_text(
        "import duckdb, sys\n"
        f"c = duckdb.connect({str(warehouse)!r})\n"
        "c.execute(\"set timezone = 'UTC'\")\n"
        f"c.execute({sql!r})\n"
        "print(c.execute('select count(*) from main.bench_reference_clock').fetchone())\n"
    )
    reference = measure("clock reference query", [PYTHON, str(script)], logs, env=env)
    return clock, reference


def _review_packs_in_year(definitions: Path, scale: Scale) -> int:
    """Review packs a year's publications render: one per agreement and review period."""
    per_year = {"monthly": 12, "quarterly": 4, "semiannual": 2, "annual": 1}
    total = 0
    for file in (definitions / "agreements").glob("*.yaml"):
        text = file.read_text()
        cadence = next((c for c in per_year if f"cadence: {c}" in text), "quarterly")
        total += per_year[cadence] * scale.months // 12 or 1
    return total


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
    """Generate, then measure: CSV ingestion alone; the full year from Parquet (its Dagster step
    durations give each stage's share); the clock stage against the reference query; the monthly
    close; and `make demo`."""
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

    # CSV ingestion: definitions + ingest assets with their checks, on a fresh warehouse
    warehouse = out / "ingest-csv.duckdb"
    m = check(_stage("ingest CSV", "ingest", _env(csv_root, csv_root / "landing", warehouse),
                     first, last, logs))  # fmt: skip
    read = _rows_read(warehouse) if m.returncode == 0 else 0
    per_second = read / m.seconds if m.seconds else 0
    report.add(Row(f"ingest CSV incl. checks: {read:,} rows (rows/s; peak GB)",
                   f"{per_second:,.0f}; {m.peak_rss_gb:.2f}", "≥ 1,000,000",
                   _verdict(per_second >= 1_000_000)))  # fmt: skip

    # the year from Parquet landing on a fresh warehouse: everything but the publications...
    warehouse = out / "year.duckdb"
    env = _env(parquet_root, parquet_root / "landing", warehouse)
    steps_file = logs / "full_build_steps.json"
    build = check(measure("build without publications", [PYTHON, "-m", "bench.stage", "build",
                          first, last, str(steps_file)], logs, env=env))  # fmt: skip
    report.add(Row("year: ingest + checks + dbt (s; peak GB)",
                   f"{build.seconds:.1f}; {build.peak_rss_gb:.2f}", "-", "-"))  # fmt: skip
    if steps_file.exists():
        stages = _stage_seconds(json.loads(steps_file.read_text()))
        for stage, seconds in stages.items():
            if seconds:
                report.add(Row(f"  of which {stage} (s)", f"{seconds:.1f}", "-", "-"))
        rows_read = _rows_read(warehouse)
        ingest = stages["definitions + ingest"]
        report.add(Row(f"ingest Parquet: {rows_read:,} rows (rows/s)",
                       f"{rows_read / ingest:,.0f}" if ingest else "-", "-", "-"))  # fmt: skip
    # ...then the publications of the year's last month alone: review packs dominate, and
    # rendering every pack of the year (about 1,600) is measured per month, not in one go
    publish = check(_stage("publish last month", "publish", env, last, last, logs))
    packs = len(list((parquet_root / "reports").glob("*/review_packs/*.pdf")))
    report.add(Row(f"publish {last} alone: {packs} review packs (s; s per pack)",
                   f"{publish.seconds:.1f}; {publish.seconds / max(packs, 1):.2f}",
                   "-", "-"))  # fmt: skip
    year_packs = _review_packs_in_year(parquet_root / "sla_definitions", scale)
    estimate = build.seconds + year_packs * publish.seconds / max(packs, 1)
    report.add(Row(f"full year build incl. {year_packs} review packs (s, estimated)",
                   f"{estimate:.0f}", "≤ 300", _verdict(estimate <= 300)))  # fmt: skip
    report.add(Row("full year peak RSS (GB)", f"{max(build.peak_rss_gb, publish.peak_rss_gb):.2f}",
                   "≤ 6", _verdict(max(build.peak_rss_gb, publish.peak_rss_gb) <= 6)))  # fmt: skip

    clock, reference = _clock_vs_reference(env, warehouse, scale, logs)
    check(clock), check(reference)
    ratio = clock.seconds / reference.seconds if reference.seconds else float("inf")
    report.add(Row("clock stage (dbt) / reference query",
                   f"{clock.seconds:.1f} s / {reference.seconds:.1f} s = {ratio:.2f}",
                   "≤ 1.5", _verdict(ratio <= 1.5)))  # fmt: skip

    # monthly close: a 13th month lands on top of the loaded year
    close_month = _month(scale.start, scale.months)
    extra = out / "next-month"
    check(_generate(extra, scale, "parquet", close_month, 1))
    for source_dir in (extra / "landing").iterdir():
        for file in source_dir.iterdir():
            shutil.copy(file, parquet_root / "landing" / source_dir.name / file.name)
    close = check(_stage("monthly close", "all", env, close_month, close_month, logs))
    report.add(Row("monthly close (s)", f"{close.seconds:.1f}", "≤ 45",
                   _verdict(close.seconds <= 45)))  # fmt: skip

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
