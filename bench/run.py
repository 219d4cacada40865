"""`make bench`: the pipeline at service-desk scale, against its budgets and its peers.

Generates a year of data with the project's own generator (Parquet and CSV), then measures wall
time and peak RSS of the whole process tree for: CSV ingestion throughput beside a plain typed
DuckDB read of the same files (the floor); the full build of the year in one run, publications
included (each stage's share from its Dagster step durations); the ticket-clock models against
their peers on the same ticket x objective pairs (bench/peers.py: the hand-written reference
statement, a port of fivetran/dbt_zendesk's weekly schedule expansion, per-row Python with
businesstimedelta); `sla simulate` of the year under proposed terms; the scaling curve (the year
at several sizes, bench/scaling.py); the monthly close of a 13th month; and `make demo` after
installation (``--with-tests``: `make test` too).
Writes the measurements, the peer table, the budgets and the scaling section between their
markers in docs/benchmarks.md, and the chart to docs/benchmarks-scaling.png (``--small`` writes
both to <out>/ instead: the test suite runs it to show that the benchmark code still works).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psutil

from bench import scaling
from bench.measure import Measurement, measure
from bench.report import GB, PeerRow, Report, Row, commit, machine, verdict
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

# the budgets (issue 17); ratios are taken within one run
CLOCK_RATIO = 1.2  # clock models / reference statement
CSV_ROWS_PER_SECOND = 2_000_000
YEAR_SECONDS = 120
PEAK_RSS_GB = 4
CLOSE_SECONDS = 25
DEMO_SECONDS = 30
TEST_SECONDS = 600  # `make test` on 2 cores


@dataclass(frozen=True)
class Scale:
    name: str
    agreements: int
    services: int
    months: int
    tickets_per_agreement_month: int
    start: str
    scales: tuple[float, ...]  # the scaling curve's factors of this scale
    peer_sample: int  # pairs given to the per-row Python peer

    def scaled(self, factor: float) -> Scale:
        """The same year with ``factor`` times the agreements and probed services."""
        return dataclasses.replace(
            self, name=f"{self.name} x{factor:.3g}",
            agreements=max(1, round(self.agreements * factor)),
            services=max(1, round(self.services * factor)),
        )  # fmt: skip


FULL = Scale("full", agreements=200, services=100, months=12, tickets_per_agreement_month=834,
             start="2025-01", scales=(0.1, 1 / 3, 1.0), peer_sample=50_000)  # fmt: skip
SMALL = Scale("small", agreements=3, services=3, months=2, tickets_per_agreement_month=40,
              start="2026-01", scales=(0.34, 1.0), peer_sample=1_000)  # fmt: skip


def _month(start: str, offset: int) -> str:
    year, month = (int(p) for p in start.split("-"))
    index = year * 12 + month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _env(root: Path, landing: Path, warehouse: Path, reports: Path | None = None) -> dict[str, str]:
    """A stage's run paths for its child process (bench.stage reads them: RunPaths.from_env)."""
    return {
        ENV_DEFINITIONS: str(root / "sla_definitions"),
        ENV_LANDING: str(landing),
        ENV_WAREHOUSE: str(warehouse),
        ENV_REPORTS: str(reports or root / "reports"),
        "SLA_DBT_TARGET": str(root / "dbt-target"),
    }


def _generate(root: Path, scale: Scale, fmt: str, start: str, months: int) -> Measurement:
    command = [
        PYTHON, "-m", "orchestration.cli", "generate", "--out", str(root),
        "--agreements", str(scale.agreements), "--services", str(scale.services),
        "--months", str(months), "--start", start, "--seed", "7",
        "--tickets", str(scale.tickets_per_agreement_month), "--format", fmt,
    ]  # fmt: skip
    return measure(f"generate {fmt} {scale.name} {start}", command, root.parent / "logs")


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
    peers: Measurement  # the peers' process (bench.peers)
    figures: dict[str, dict[str, float]]  # per peer: seconds, pairs, agreeing, ... (PeerResult)


def _clock_and_peers(
    env: dict[str, str], warehouse: Path, scale: Scale, logs: Path
) -> ClockComparison:
    """The dbt clock models, then their peers on the same pairs (bench/peers.py).

    Every side is timed without process start-up: the models by dbt's own per-node execution
    time (run_results.json), each peer around its statement or loop. The dbt invocation's wall
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
    figures_file = logs / "peers.json"
    peers = measure(
        "clock peers",
        [PYTHON, "-m", "bench.peers", str(warehouse), first_day.isoformat(),
         last_day.isoformat(), f"{last}-01", str(scale.peer_sample), str(figures_file)],
        logs, env=env, cwd=PROJECT_ROOT,
    )  # fmt: skip
    figures = json.loads(figures_file.read_text()) if figures_file.exists() else {}
    return ClockComparison(stage, models_seconds, peers, figures)


PEER_NOTES = {
    "reference": "bench/reference_clock.sql: one statement, working intervals with cumulative "
    "seconds and two ASOF joins; pauses subtracted as negative spans",
    "zendesk": "bench/peer_zendesk_clock.sql: fivetran/dbt_zendesk's schedule spine and weekly "
    "expansion (208-week cross join, summed overlaps), in seconds instead of whole minutes; "
    "pauses subtracted the same way (the same spans)",
    "businesstimedelta": "per-row Python, one `Rules.difference` call per span (working-day and "
    "holiday rules per calendar) on a fixed sample of business-clock pairs, the loop timed "
    "(fetching excluded); pauses subtracted the same way",
}


def _peer_rows(clock: ClockComparison) -> list[PeerRow]:
    """The peer table: the project's clock stage first, each peer per million pairs beside it."""
    reference = clock.figures.get("reference")
    if not reference or not clock.models_seconds:
        return []
    model_pairs = int(reference["pairs"] - reference["only_peer"])
    project = clock.models_seconds / model_pairs * 1e6 if model_pairs else 0
    notes = ("dbt's per-node execution time of " + ", ".join(CLOCK_MODELS)
             + "; also finds deadlines, verdicts and the period; the yardstick")  # fmt: skip
    rows = [PeerRow("the project: dbt clock stage", project, 1.0, model_pairs, model_pairs, notes)]
    for name, figures in clock.figures.items():
        per_million = figures["seconds"] / figures["pairs"] * 1e6 if figures["pairs"] else 0
        notes = PEER_NOTES[name]
        if figures["agreeing"] < figures["pairs"]:
            notes += (f". Not agreeing: {figures['only_model']:,} pairs only the model holds, "
                      f"{figures['only_peer']:,} only the peer, {figures['differing']:,} "
                      f"more than 1 s apart ({figures['differing_open']:,} of them open tickets "
                      "the model reads at the end of their period)")  # fmt: skip
        rows.append(PeerRow(name, per_million, per_million / project if project else 0,
                            int(figures["pairs"]), int(figures["agreeing"]), notes))  # fmt: skip
    return rows


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


def _csv_floor(landing: Path, out: Path, logs: Path) -> tuple[Measurement, int, float]:
    """The plain typed DuckDB read of the same CSV files (bench/floor.py): rows and seconds."""
    figures_file, warehouse = logs / "floor.json", out / "floor.duckdb"
    m = measure("CSV typed read (floor)",
                [PYTHON, "-m", "bench.floor", str(landing), str(warehouse), str(figures_file)],
                logs, cwd=PROJECT_ROOT)  # fmt: skip
    figures = json.loads(figures_file.read_text()) if figures_file.exists() else {}
    warehouse.unlink(missing_ok=True)
    return m, int(figures.get("rows", 0)), float(figures.get("seconds", 0.0))


def _scaling(scale: Scale, factors: tuple[float, ...], out: Path, full_root: Path,
             report: Report, chart: Path) -> None:  # fmt: skip
    """The year at each factor of the scale, stage by stage (bench/scaling.py)."""
    points: list[scaling.ScalePoint] = []
    first, last = scale.start, _month(scale.start, scale.months - 1)
    for factor in factors:
        sized = scale.scaled(factor)
        label = f"x{factor:.3g}"
        root = full_root if factor == 1 else out / f"scale-{label}" / "parquet"
        if (
            factor != 1
            and report.check(
                _generate(root, sized, "parquet", scale.start, scale.months)
            ).returncode
        ):
            continue
        logs = out / "logs" / f"scale-{label}"
        warehouse = out / f"scale-{label}.duckdb"
        # its own publications: the full year's stay as they are for the monthly close
        reports = out / f"scale-{label}-reports"
        env = _env(root, root / "landing", warehouse, reports)
        stages: dict[str, scaling.StagePoint] = {}
        for stage in scaling.STAGES:
            m, _ = _stage(f"scale {label} {stage}", stage, env, first, last, logs)
            if report.check(m).returncode:
                break
            stages[stage] = scaling.StagePoint(m.seconds, m.peak_rss_gb)
        if len(stages) == len(scaling.STAGES):
            points.append(scaling.ScalePoint(factor, _rows_read(warehouse), stages))
        warehouse.unlink(missing_ok=True)
        shutil.rmtree(reports, ignore_errors=True)
        if factor != 1:
            shutil.rmtree(root.parent, ignore_errors=True)
    memory = psutil.virtual_memory().total / GB
    report.scaling = scaling.summary(points, memory, YEAR_SECONDS, PEAK_RSS_GB)
    if len(points) >= 2:
        scaling.chart(points, chart)
        report.scaling += f"\n\n![seconds per stage against landed rows]({chart.name})"
    report.write()


def run(scale: Scale, out: Path, report: Report, *, factors: tuple[float, ...], chart: Path,
        with_demo: bool, with_tests: bool) -> None:  # fmt: skip
    """Generate, then measure: CSV ingestion with its checks and the typed-read floor; the full
    year from Parquet in one run (its Dagster step durations give each stage's share); the
    clock stage and its peers; simulate; the scaling curve; the monthly close; `make demo`."""
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
    # budget is judged on the loading steps, the stage with checks and start-up is shown beside,
    # and the floor: the same files read typed by DuckDB alone
    warehouse = out / "ingest-csv.duckdb"
    m, stages = _stage("ingest CSV", "ingest", _env(csv_root, csv_root / "landing", warehouse),
                       first, last, logs)  # fmt: skip
    check(m)
    read = _rows_read(warehouse) if m.returncode == 0 else 0
    floor, floor_rows, floor_seconds = _csv_floor(csv_root / "landing", out, logs)
    check(floor)
    floor_rate = floor_rows / floor_seconds if floor_seconds else 0
    if stages is not None:
        loading = stages["definitions + ingest"]
        per_second = read / loading if loading else 0
        report.add(Row(f"ingest CSV: {read:,} rows in {loading:.1f} s (rows/s)",
                       f"{per_second:,.0f}", f"≥ {CSV_ROWS_PER_SECOND:,}",
                       verdict(per_second >= CSV_ROWS_PER_SECOND)))  # fmt: skip
        report.add_budget(f"CSV ingestion with quarantine rules ≥ {CSV_ROWS_PER_SECOND:,} rows/s",
                          f"{per_second:,.0f} rows/s; floor (typed DuckDB read of the same "
                          f"files) {floor_rate:,.0f} rows/s, {per_second / floor_rate:.0%} of it"
                          if floor_rate else f"{per_second:,.0f} rows/s",
                          per_second >= CSV_ROWS_PER_SECOND)  # fmt: skip
    report.add(Row(f"  floor: typed DuckDB read of the same files, {floor_rows:,} rows cast in "
                   f"{floor_seconds:.1f} s (rows/s)", f"{floor_rate:,.0f}", "-", "-"))  # fmt: skip
    report.add(Row("  CSV ingest stage incl. checks and start-up (s; rows/s; peak GB)",
                   f"{m.seconds:.1f}; {read / m.seconds if m.seconds else 0:,.0f}; "
                   f"{m.peak_rss_gb:.2f}", "-", "-"))  # fmt: skip
    warehouse.unlink(missing_ok=True)

    # the full year from Parquet landing on a fresh warehouse, publications included, in one
    # run: its Dagster step durations give each stage's share
    warehouse = out / "year.duckdb"
    env = _env(parquet_root, parquet_root / "landing", warehouse)
    year, stages = _stage("full year", "all", env, first, last, logs)
    check(year)
    year_ok = year.returncode == 0 and year.seconds <= YEAR_SECONDS
    report.add(Row("full year: ingest + checks + dbt + publications (s)", f"{year.seconds:.1f}",
                   f"≤ {YEAR_SECONDS}", verdict(year_ok)))  # fmt: skip
    report.add_budget(f"full year with publications ≤ {YEAR_SECONDS} s", f"{year.seconds:.1f} s",
                      year_ok)  # fmt: skip
    rss_ok = year.returncode == 0 and year.peak_rss_gb <= PEAK_RSS_GB
    report.add(Row("full year peak RSS (GB)", f"{year.peak_rss_gb:.2f}", f"≤ {PEAK_RSS_GB}",
                   verdict(rss_ok)))  # fmt: skip
    report.add_budget(f"peak RSS ≤ {PEAK_RSS_GB} GB", f"{year.peak_rss_gb:.2f} GB (full year)",
                      rss_ok)  # fmt: skip
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

    clock = _clock_and_peers(env, warehouse, scale, logs)
    check(clock.stage), check(clock.peers)
    reference = clock.figures.get("reference", {})
    reference_seconds = reference.get("seconds", 0.0)
    ratio = clock.models_seconds / reference_seconds if reference_seconds else 0
    report.add(Row(f"clock stage: dbt models / reference query, {reference.get('pairs', 0):,} "
                   f"ticket x objective pairs ({reference.get('agreeing', 0):,} agree ± 1 s)",
                   f"{clock.models_seconds:.1f} s / {reference_seconds:.1f} s = {ratio:.2f}",
                   f"≤ {CLOCK_RATIO}", verdict(0 < ratio <= CLOCK_RATIO)))  # fmt: skip
    report.add_budget(f"clock stage ≤ {CLOCK_RATIO} × the reference statement",
                      f"{clock.models_seconds:.1f} s vs {reference_seconds:.1f} s "
                      f"({ratio:.2f} ×)", 0 < ratio <= CLOCK_RATIO)  # fmt: skip
    report.add(Row("  clock stage as one dbt invocation, start-up included (s)",
                   f"{clock.stage.seconds:.1f}", "-", "-"))  # fmt: skip
    report.peers = _peer_rows(clock)
    report.write()

    # sla simulate: the year replayed under proposed terms for one agreement (docs/negotiation.md)
    sim = check(_simulate(parquet_root, warehouse, scale, logs))
    report.add(Row(f"simulate {scale.months} periods of one agreement under proposed terms (s)",
                   f"{sim.seconds:.1f}", "≤ 60",
                   verdict(sim.returncode == 0 and sim.seconds <= 60)))  # fmt: skip

    # the scaling curve, before the 13th month lands in the full scale's landing folders
    _scaling(scale, factors, out, parquet_root, report, chart)

    # monthly close: a 13th month lands on top of the loaded year
    close_month = _month(scale.start, scale.months)
    extra = out / "next-month"
    check(_generate(extra, scale, "parquet", close_month, 1))
    for source_dir in (extra / "landing").iterdir():
        for file in source_dir.iterdir():
            shutil.copy(file, parquet_root / "landing" / source_dir.name / file.name)
    close, stages = _stage("monthly close", "all", env, close_month, close_month, logs)
    check(close)
    close_ok = close.returncode == 0 and close.seconds <= CLOSE_SECONDS
    report.add(Row(f"monthly close {close_month} (s; peak GB)",
                   f"{close.seconds:.1f}; {close.peak_rss_gb:.2f}", f"≤ {CLOSE_SECONDS}",
                   verdict(close_ok)))  # fmt: skip
    report.add_budget(f"monthly close ≤ {CLOSE_SECONDS} s", f"{close.seconds:.1f} s", close_ok)
    _stage_rows(report, stages, close.seconds)

    if with_demo:
        demo = check(measure("make demo", ["make", "demo"], logs, cwd=PROJECT_ROOT))
        demo_ok = demo.returncode == 0 and demo.seconds <= DEMO_SECONDS
        report.add(Row("make demo after install (s)", f"{demo.seconds:.1f}", f"≤ {DEMO_SECONDS}",
                       verdict(demo_ok)))  # fmt: skip
        report.add_budget(f"`make demo` ≤ {DEMO_SECONDS} s after install", f"{demo.seconds:.1f} s",
                          demo_ok)  # fmt: skip
    else:
        report.add_budget(f"`make demo` ≤ {DEMO_SECONDS} s after install", "not run (--no-demo)",
                          None)  # fmt: skip
    if with_tests:
        tests = check(measure("make test", ["make", "test"], logs, cwd=PROJECT_ROOT))
        tests_ok = tests.returncode == 0 and tests.seconds <= TEST_SECONDS
        report.add(Row("make test (s)", f"{tests.seconds:.1f}", f"≤ {TEST_SECONDS}",
                       verdict(tests_ok)))  # fmt: skip
        report.add_budget(f"`make test` ≤ {TEST_SECONDS // 60} min on {psutil.cpu_count()} cores",
                          f"{tests.seconds / 60:.1f} min", tests_ok)  # fmt: skip
    else:
        # the whole suite takes longer than the rest of the benchmark: timed only on request
        report.add_budget(
            f"`make test` ≤ {TEST_SECONDS // 60} min on 2 cores",
            "not run: `python -m bench.run --with-tests` times it",
            None,
        )
    if report.failures:
        report.add(Row("errors", str(len(report.failures)), "0", "FAIL"))


def _factors(text: str) -> tuple[float, ...]:
    try:
        factors = tuple(float(f) for f in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--scales: not a list of numbers: {text!r}") from None
    if not factors or any(f <= 0 for f in factors):
        raise argparse.ArgumentTypeError(f"--scales: factors must be positive: {text!r}")
    return factors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a quick run of every measurement")
    parser.add_argument("--out", type=Path, default=None, help="scratch folder")
    parser.add_argument("--no-demo", action="store_true", help="skip timing `make demo`")
    parser.add_argument("--with-tests", action="store_true", help="also time `make test`")
    parser.add_argument("--scales", type=_factors, default=None,
                        help="the scaling curve's factors, e.g. 0.1,0.333,1,2 "
                        "(default 0.1,0.333,1; --small: 0.34,1)")  # fmt: skip
    args = parser.parse_args()
    scale = SMALL if args.small else FULL
    out = args.out or PROJECT_ROOT / "bench" / "out" / scale.name
    # the scratch folder is emptied before the first row is written into it
    docs = out if args.small else PROJECT_ROOT / "docs"
    heading = (
        f"Scale `{scale.name}`: {scale.agreements} agreements, {scale.services} services probed "
        f"every minute, {scale.months} months from {scale.start}, "
        f"{scale.tickets_per_agreement_month} tickets per agreement-month.\n"
        f"Machine: {machine()}. Commit {commit(PROJECT_ROOT)}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC."
    )
    report = Report(heading, docs / "benchmarks.md")
    run(scale, out, report, factors=args.scales or scale.scales,
        chart=docs / "benchmarks-scaling.png", with_demo=not args.small and not args.no_demo,
        with_tests=args.with_tests)  # fmt: skip
    print(report.text())
    if report.failures:
        print("\n".join(report.failures), file=sys.stderr)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
