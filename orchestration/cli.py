"""``sla``: validate agreements, generate sample data, run the pipeline, run the demo.

Paths given on the command line are the caller's (resolved against the working directory); the
project's own files (dbt project, templates) are found from the installed package.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from orchestration.lib.agreements import DefinitionsError, load_catalog
from orchestration.lib.paths import RunPaths
from orchestration.lib.periods import months_between, parse_month, parse_period
from orchestration.lib.settings import (
    DEFAULT_DEFINITIONS,
    DEFAULT_LANDING,
    DEFAULT_REPORTS,
    DEFAULT_WAREHOUSE,
    Engine,
)
from orchestration.lib.warehouse_lock import DEFAULT_LOCK_TIMEOUT


def _flags_without_value(params: Any) -> Any:  # typer's own (vendored) click types
    """Help that shows no value for a flag: typer's rich help writes ``<bool>`` beside every
    flag (``--help <bool>``, ``--full-refresh <bool>``), as if it took a value."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class _Command(typer.core.TyperCommand):
    """A command whose help shows no value beside a flag (``_flags_without_value``)."""

    def get_params(self, ctx: Any) -> Any:
        return _flags_without_value(super().get_params(ctx))


class _Group(typer.core.TyperGroup):
    """``sla --help`` without a value beside ``--help`` (``_flags_without_value``)."""

    def get_params(self, ctx: Any) -> Any:
        return _flags_without_value(super().get_params(ctx))


class _App(typer.Typer):
    """Every command of ``sla`` is a ``_Command``."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", _Command)
        return super().command(*args, **kwargs)


app = _App(
    cls=_Group,
    help="SLA compliance reporting: probes and tickets to compliance, credits and review packs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DefinitionsOption = Annotated[
    Path, typer.Option("--definitions", help="folder of agreements/ and calendars/")
]
LandingOption = Annotated[Path, typer.Option("--landing", help="landing folder (one per source)")]
WarehouseOption = Annotated[Path, typer.Option("--warehouse", help="DuckDB warehouse file")]
ReportsOption = Annotated[Path, typer.Option("--reports", help="folder for published reports")]
VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose",
        help="also dbt's per-model lines, Dagster's log and tracebacks",
        show_default="off",
    ),
]
EngineOption = Annotated[
    str | None,
    typer.Option(
        "--engine",
        metavar="duckdb|spark",
        help="the engine that runs the dbt models: DuckDB in the warehouse, or Apache Spark "
        "(`make install-spark`; docs/scale-out.md)",
        show_default="SLA_ENGINE, else duckdb",
    ),
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", help="print the last line only", show_default="off")
]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"error: {message}", soft_wrap=True)
    return typer.Exit(code)


@app.command()
def validate(
    path: Annotated[
        Path, typer.Argument(help="definitions folder or one agreement/calendar file")
    ] = Path(DEFAULT_DEFINITIONS),
) -> None:
    """Check agreement and calendar files; print every error with file and field path."""
    try:
        catalog = load_catalog(path)
    except DefinitionsError as error:
        for line in error.errors:
            err.print(line, soft_wrap=True)
        err.print(f"{len(error.errors)} error(s) in {path}")
        raise typer.Exit(1) from None
    out.print(
        f"ok: {len(catalog.agreements)} agreement(s), {len(catalog.calendars)} calendar(s) "
        f"in {path} (definitions sha256 {catalog.sha256[:12]})"
    )


@app.command()
def schema(
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the schema files")] = Path(
        "docs"
    ),
) -> None:
    """Write the JSON Schemas of agreement, calendar and review files (for editors)."""
    from orchestration.lib.agreements.jsonschema import write_schemas

    for path in write_schemas(out_dir):
        out.print(f"wrote {path}")


@app.command()
def generate(
    out_dir: Annotated[Path, typer.Option("--out", help="output folder")] = Path("data"),
    agreements: Annotated[int, typer.Option(min=1, help="number of agreements")] = 3,
    months: Annotated[int, typer.Option(min=1, help="number of months")] = 6,
    seed: Annotated[int, typer.Option(help="random seed: same seed, same files")] = 42,
    start: Annotated[str, typer.Option(help="first month, YYYY-MM")] = "2026-01",
    file_format: Annotated[
        list[str],
        typer.Option("--format", metavar="csv|parquet|jsonl", help="file format (repeatable)"),
    ] = ["csv"],  # noqa: B006 - typer needs a literal default
    services: Annotated[
        int | None,
        typer.Option(help="total services probed", show_default="those the objectives name"),
    ] = None,
    tickets: Annotated[
        int | None, typer.Option(help="tickets per agreement and month", show_default="about 300")
    ] = None,
    definitions: Annotated[
        Path | None,
        typer.Option(
            "--definitions",
            help="agreements to start from",
            show_default="the project's sla_definitions",
        ),
    ] = None,
) -> None:
    """Write deterministic sample landing data (and its agreements) under OUT."""
    from orchestration.generate import generate_dataset

    try:
        parse_month(start)
    except ValueError as error:
        raise _fail(str(error)) from None
    summary = generate_dataset(
        out_dir,
        agreements=agreements,
        months=months,
        seed=seed,
        start=start,
        formats=tuple(file_format),
        definitions_source=definitions,
        services=services,
        tickets_per_agreement_month=tickets,
    )
    out.print(f"wrote sample data to {out_dir.resolve()}")
    for source, rows in summary.rows.items():
        dirty = sum(summary.dirty.get(source, {}).values())
        out.print(f"  landing/{source}: {rows:,} rows ({dirty:,} deliberately dirty)")
    out.print(f"  sla_definitions: {len(summary.agreements)} agreement(s)")


def _periods(period: str | None, first: str | None, last: str | None) -> tuple[dt.date, dt.date]:
    """The first and last month to run; a quarter stands for its three months."""
    if period and (first or last):
        raise ValueError("give either --period or --from/--to, not both")
    if period:
        return parse_period(period)
    if first and last:
        months = months_between(parse_period(first)[0], parse_period(last)[1])
        return months[0], months[-1]
    raise ValueError("give --period YYYY-MM or YYYY-Qn, or --from and --to")


@app.command()
def run(
    period: Annotated[
        str | None,
        typer.Option(
            help="the period to run, YYYY-MM or YYYY-Qn (its three months)",
            show_default="none: give --period or --from/--to",
        ),
    ] = None,
    first: Annotated[
        str | None,
        typer.Option("--from", help="first period, YYYY-MM or YYYY-Qn", show_default="none"),
    ] = None,
    last: Annotated[
        str | None,
        typer.Option("--to", help="last period, YYYY-MM or YYYY-Qn", show_default="none"),
    ] = None,
    definitions: DefinitionsOption = Path(DEFAULT_DEFINITIONS),
    landing: LandingOption = Path(DEFAULT_LANDING),
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    reports: ReportsOption = Path(DEFAULT_REPORTS),
    full_refresh: Annotated[
        bool,
        typer.Option(
            "--full-refresh",
            help="rebuild the minute-level models from every landed row, not only the run's "
            "months (after a back-dated definitions change or late data for closed months)",
            show_default="off",
        ),
    ] = False,
    lock_timeout: Annotated[
        float,
        typer.Option(
            "--lock-timeout",
            envvar="SLA_LOCK_TIMEOUT",
            min=0,
            help="seconds to wait while another run holds the warehouse, then fail",
        ),
    ] = DEFAULT_LOCK_TIMEOUT,
    accept_shrunk: Annotated[
        list[Path] | None,
        typer.Option(
            "--accept-shrunk",
            help="accept this landing file's re-delivery with fewer rows than were loaded "
            "before (repeatable); otherwise it blocks the run",
        ),
    ] = None,
    engine: EngineOption = None,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Ingest, check, compute and publish one month or a range of months.

    Exits 0 only when the run published; otherwise non-zero with a one-line reason.
    """
    try:
        start, end = _periods(period, first, last)
        chosen = _engine(engine)
    except ValueError as error:
        raise _fail(str(error), 2) from None
    paths = RunPaths(
        definitions_dir=definitions,
        landing_dir=landing,
        warehouse_path=warehouse,
        reports_dir=reports,
    )
    # as given (``tickets/t.csv`` names the file by its label) and absolute (a path)
    accepted = tuple(
        dict.fromkeys(text for p in accept_shrunk or () for text in (str(p), str(p.absolute())))
    )
    from orchestration.lib.run_inputs import BadInput, check_data, check_definitions

    try:
        check_definitions(paths)
        catalog_errors = _definitions_errors(paths)  # reported before the data is looked at
        if not catalog_errors:
            check_data(paths)
    except BadInput as error:
        raise _fail(str(error), 2) from None
    if catalog_errors:
        _fail_definitions(paths, catalog_errors)
    _run(
        paths,
        start,
        end,
        full_refresh=full_refresh,
        lock_timeout=lock_timeout,
        accept_shrunk=accepted,
        engine=chosen,
        verbose=verbose,
        quiet=quiet,
    )


def _engine(given: str | None) -> Engine:
    """The engine named by --engine, else by SLA_ENGINE, else duckdb; a Spark run needs PySpark
    and dbt-spark (`make install-spark`), said before anything runs."""
    from orchestration.lib.settings import ENGINES, as_engine, default_engine

    try:
        chosen = as_engine(given) if given else default_engine()
    except ValueError:
        if not given:
            raise
        raise ValueError(f"--engine: {given!r} is not one of {', '.join(ENGINES)}") from None
    if chosen == "spark":
        missing = [m for m in ("pyspark", "dbt.adapters.spark") if not _importable(m)]
        if missing:
            raise ValueError(
                f"--engine spark needs {' and '.join(missing)} in this Python: "
                "`make install-spark` and run .venv-spark/bin/sla"
            )
    return chosen


def _importable(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def _definitions_errors(paths: RunPaths) -> list[str]:
    try:
        load_catalog(paths.definitions_dir)
    except DefinitionsError as error:
        return error.errors
    return []


def _fail_definitions(paths: RunPaths, errors: list[str]) -> NoReturn:
    for line in errors:
        err.print(line, soft_wrap=True)
    raise _fail(f"definitions in {paths.definitions_dir} are invalid; nothing was run")


def _run(
    paths: RunPaths,
    start: dt.date,
    end: dt.date,
    *,
    full_refresh: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    accept_shrunk: tuple[str, ...] = (),
    engine: Engine | None = None,
    verbose: bool = False,
    quiet: bool = False,
) -> None:
    from orchestration.lib.run_display import StageProgress, print_summary, read_summary
    from orchestration.runner import run_pipeline

    label = f"{start:%Y-%m}" if start == end else f"{start:%Y-%m}..{end:%Y-%m}"
    # dagster-dbt writes every dbt line to stdout, Dagster logs its warnings at WARNING: both
    # only with --verbose; the summary below says what they would have (checks, quarantine)
    dbt_lines = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(io.StringIO())
    on_spark = " (on Spark)" if engine == "spark" else ""
    stages = f"running {label}: definitions, ingest, checks, dbt models{on_spark}, publications"
    # a spinner naming the current stage on a terminal, a line per finished stage in a pipe
    progress: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    on_event = None
    if quiet:
        pass
    elif err.is_terminal:
        spinner = err.status(stages)
        progress, on_event = spinner, StageProgress(err, spinner)
    else:
        err.print(stages)
        on_event = StageProgress(err, None)
    try:
        with progress, dbt_lines:  # ours inside: rich's Live would print stdout above it
            outcome = run_pipeline(
                paths,
                start,
                end,
                full_refresh=full_refresh,
                lock_timeout=lock_timeout,
                log_level="INFO" if verbose else "CRITICAL",
                notify=lambda message: err.print(message, soft_wrap=True),
                on_event=on_event,
                accept_shrunk=accept_shrunk,
                engine=engine,
            )
    except DefinitionsError as error:
        _fail_definitions(paths, error.errors)
    except Exception as error:
        if verbose:
            raise
        raise _fail(f"run {label} did not publish: {error}") from None
    if not outcome.success:
        raise _fail(f"run {label} did not publish: {outcome.reason}")
    if not quiet:
        summary = read_summary(paths.warehouse_path, start, end, outcome.warned_checks)
        print_summary(out, summary)
    out.print(f"published {label} to {paths.reports_dir} (run {outcome.run_id})")


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="folder for demo data")] = Path("data"),
    reports: ReportsOption = Path(DEFAULT_REPORTS),
    engine: EngineOption = None,
    verbose: VerboseOption = False,
    quiet: QuietOption = False,
) -> None:
    """Generate sample data for the shipped agreements and run the whole pipeline on it."""
    from orchestration.generate import generate_dataset

    try:
        chosen = _engine(engine)
    except ValueError as error:
        raise _fail(str(error), 2) from None

    months = 6
    generate_dataset(out_dir, agreements=3, months=months, seed=42, start="2026-01")
    if not quiet:
        out.print(f"sample data: {out_dir.resolve() / 'landing'}")
    paths = RunPaths(
        definitions_dir=out_dir / "sla_definitions",
        landing_dir=out_dir / "landing",
        warehouse_path=out_dir / "warehouse.duckdb",
        reports_dir=reports,
    )
    _run(
        paths,
        dt.date(2026, 1, 1),
        dt.date(2026, months, 1),
        engine=chosen,
        verbose=verbose,
        quiet=quiet,
    )
    if not quiet:
        out.print(f"warehouse: {paths.warehouse_path}")
    out.print(f"reports:   {paths.reports_dir}")


# `sla status` and `sla explain`: read-only views of the reports folder and the marts
# (orchestration/lib/cli_reports/; docs/explain.md)
JsonOption = Annotated[
    bool, typer.Option("--json", help="print JSON instead of text", show_default="off")
]


def _print_report(
    as_json: bool, as_dict: Callable[[], Any], as_lines: Callable[[], list[str]]
) -> None:
    """A read-only view as JSON (``--json``) or as its text lines, printed without markup."""
    if as_json:
        out.print_json(json.dumps(as_dict()))
    else:
        for line in as_lines():
            out.print(line, markup=False)


@app.command()
def status(
    definitions: DefinitionsOption = Path(DEFAULT_DEFINITIONS),
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    reports: ReportsOption = Path(DEFAULT_REPORTS),
    as_json: JsonOption = False,
) -> None:
    """Every published agreement x period: latest version, versions, quarantine, checks."""
    from orchestration.lib.cli_reports import ReportError
    from orchestration.lib.cli_reports.status import collect_status, status_as_json
    from orchestration.lib.cli_reports.text import status_lines

    try:
        catalog = load_catalog(definitions.resolve())
        result = collect_status(reports.resolve(), warehouse.resolve(), sorted(catalog.agreements))
    except DefinitionsError as error:
        raise _fail(f"definitions in {definitions} are invalid: {error.errors[0]}", 2) from None
    except ReportError as error:
        raise _fail(str(error), 2) from None
    _print_report(as_json, lambda: status_as_json(result), lambda: status_lines(result))


@app.command()
def explain(
    agreement: Annotated[str, typer.Option(help="the agreement id")],
    period: Annotated[str, typer.Option(help="the period, YYYY-MM or YYYY-Qn")],
    objective: Annotated[str, typer.Option(help="the objective id")],
    definitions: DefinitionsOption = Path(DEFAULT_DEFINITIONS),
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    reports: ReportsOption = Path(DEFAULT_REPORTS),
    as_json: JsonOption = False,
) -> None:
    """How one objective's figure and credit were computed, read from the marts."""
    from orchestration.lib.cli_reports import ReportError
    from orchestration.lib.cli_reports.explain import collect_explanation, explanation_as_json
    from orchestration.lib.cli_reports.text import explanation_lines

    del definitions, reports  # the same options as `sla run`; the figures are the warehouse's
    try:
        result = collect_explanation(warehouse.resolve(), agreement, period, objective)
    except ReportError as error:
        raise _fail(str(error), 2) from None
    _print_report(as_json, lambda: explanation_as_json(result), lambda: explanation_lines(result))


# `sla baseline` and `sla simulate`: negotiation and revision (orchestration/lib/negotiation/;
# docs/negotiation.md). Both compute in a scratch copy of the warehouse and publish nothing.
PeriodsOption = Annotated[
    int, typer.Option("--periods", help="past periods to look at (the latest ones)")
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="folder for the CSV (and HTML) files",
        show_default="REPORTS/baselines or REPORTS/simulations/<agreement>",
    ),
]


def _negotiation_catalog(definitions: Path) -> Any:
    try:
        return load_catalog(definitions.resolve())
    except DefinitionsError as error:
        raise _fail(f"definitions in {definitions} are invalid: {error.errors[0]}", 2) from None


@contextlib.contextmanager
def _negotiation_errors(what: str, verbose: bool) -> Iterator[None]:
    """A bad request exits 2 with its reason; any other failure exits 1 naming ``what``
    (with --verbose its traceback)."""
    from orchestration.lib.negotiation import NegotiationError

    try:
        yield
    except NegotiationError as error:
        raise _fail(str(error), 2) from None
    except Exception as error:
        if verbose:
            raise
        raise _fail(f"{what} failed: {error}") from None


@app.command()
def baseline(
    agreement: Annotated[
        str | None, typer.Option(help="the agreement id", show_default="none")
    ] = None,
    periods: PeriodsOption = 12,
    share: Annotated[
        str, typer.Option(help="share of periods (and tickets) the recommendation must meet")
    ] = "0.9",
    service: Annotated[
        str | None,
        typer.Option(help="a service without an agreement: its availability", show_default="none"),
    ] = None,
    customer: Annotated[
        str | None,
        typer.Option(
            help="a customer (name or agreement id) whose tickets to measure at --priority",
            show_default="none",
        ),
    ] = None,
    priority: Annotated[
        str | None, typer.Option(help="with --customer: P1..P4", show_default="none")
    ] = None,
    clock: Annotated[
        str, typer.Option(metavar="24x7|business", help="with --customer: the clock to measure on")
    ] = "24x7",
    calendar: Annotated[
        str | None,
        typer.Option(
            help="with --service or --customer: the business calendar",
            show_default="the customer's, or the calendar of an agreement naming the service",
        ),
    ] = None,
    definitions: DefinitionsOption = Path(DEFAULT_DEFINITIONS),
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    reports: ReportsOption = Path(DEFAULT_REPORTS),
    out_dir: OutOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Per objective: what was achieved per past period, its distribution, and the target (and
    ticket threshold) met in --share of them, rounded to contract precision."""
    from orchestration.lib.negotiation.baseline import (
        BaselineRequest,
        compute_baseline,
        parse_share,
    )
    from orchestration.lib.negotiation.output import baseline_table, periods_table, write_baseline

    catalog = _negotiation_catalog(definitions)
    if clock not in ("24x7", "business"):
        raise _fail(f"--clock: {clock!r} is not 24x7 or business", 2)
    with _negotiation_errors("baseline", verbose):
        request = BaselineRequest(
            periods=periods,
            share=parse_share(share),
            agreement=agreement,
            service=service,
            customer=customer,
            priority=priority,
            clock=clock,  # type: ignore[arg-type]
            calendar=calendar,
        )
        result = compute_baseline(catalog, warehouse.resolve(), request)
    if not result.objectives:
        raise _fail(f"{result.label}: no measured periods in the warehouse")
    out.print(baseline_table(result))
    out.print(periods_table(result))
    for path in write_baseline(result, out_dir or reports / "baselines", result.agreement_id):
        out.print(f"wrote {path}")


@app.command()
def simulate(
    terms: Annotated[
        Path, typer.Option("--terms", help="a proposal: a full agreement file or a partial one")
    ],
    periods: PeriodsOption = 12,
    definitions: DefinitionsOption = Path(DEFAULT_DEFINITIONS),
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    reports: ReportsOption = Path(DEFAULT_REPORTS),
    out_dir: OutOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Replay the last periods under proposed terms: statuses, breaches, credits, cap hits and
    chronic-breach triggers per period and in total, beside the terms in force."""
    from orchestration.lib.negotiation.output import simulation_table, write_simulation
    from orchestration.lib.negotiation.proposal import load_proposal
    from orchestration.lib.negotiation.simulate import simulate as replay

    catalog = _negotiation_catalog(definitions)
    with _negotiation_errors("simulation", verbose):
        proposal = load_proposal(terms, catalog)
        result = replay(catalog, warehouse.resolve(), proposal, periods)
    out.print(simulation_table(result))
    folder = out_dir or reports / "simulations" / proposal.agreement.id
    for path in write_simulation(result, folder, terms.stem):
        out.print(f"wrote {path}")


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover - `python -m orchestration.cli`
    main()
