"""The engines agree: the same landing data through the whole pipeline on DuckDB and on Spark.

Issue #18: `sla run --engine spark` must publish what the DuckDB run publishes. The demo
generator's 2026-03 (the shipped agreements, one month of probes, tickets and maintenance, with
its deliberately dirty rows) runs once per engine, each in its own folder; then

- every published compliance.csv and credits.csv (the finance ledger) is identical apart from
  `run_id`,
- every relation of the schema `marts` (KPIs, statuses, credits, chronic breaches, the
  reporting and explain marts the publications and `sla explain` read) holds the same rows with
  the same column names and types, compared as multisets in DuckDB,
- the dbt tests reach Dagster as the same asset checks with the same outcomes.

Marked `spark` (`make test-spark`, in .venv-spark): skipped where PySpark or dbt-spark is not
importable, deselected in `make test`.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from pipeline_support import SPARK, Scenario

pytestmark = [*SPARK, pytest.mark.slow]

PERIOD = "2026-03"
IGNORED_COLUMNS = {"run_id"}
# mart columns that say when this run did something, not what it computed
RUN_COLUMNS = {"rpt_landing_files": ("loaded_at",)}


class EngineRun:
    """One engine's run of the scenario: its folder, outcome and asset-check results."""

    def __init__(self, root: Path, engine: str):
        self.engine = engine
        self.case = Scenario(root)
        self.checks: dict[str, bool] = {}
        self.materialized: set[str] = set()

    def run(self) -> None:
        import dagster as dg

        from orchestration.runner import run_pipeline

        month = dt.date.fromisoformat(f"{PERIOD}-01")
        with dg.DagsterInstance.ephemeral() as instance:
            outcome = run_pipeline(
                self.case.paths, month, month, instance=instance, engine=self.engine
            )
            # what the instance recorded for the run: the assets materialised, the checks
            records = instance.get_records_for_run(
                outcome.run_id,
                of_type={
                    dg.DagsterEventType.ASSET_MATERIALIZATION,
                    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
                },
            ).records
        for record in records:
            event = record.event_log_entry.dagster_event
            if event is None:
                continue
            data = event.event_specific_data
            if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
                key = f"{data.asset_key.to_user_string()}:{data.check_name}"
                self.checks[key] = bool(data.passed)
            elif event.asset_key is not None:
                self.materialized.add(event.asset_key.to_user_string())
        assert outcome.success, f"{self.engine} run did not publish: {outcome.reason}"

    @property
    def reports(self) -> Path:
        return self.case.paths.reports_dir

    @property
    def warehouse(self) -> Path:
        return self.case.paths.warehouse_path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[EngineRun, EngineRun]:
    from orchestration.generate import generate_dataset

    source = tmp_path_factory.mktemp("generated")
    generate_dataset(source, agreements=3, months=1, seed=42, start=PERIOD)
    engines = []
    for engine in ("duckdb", "spark"):
        root = tmp_path_factory.mktemp(engine)
        for folder in ("sla_definitions", "landing"):
            shutil.copytree(source / folder, root / folder)
        engines.append(EngineRun(root, engine))
    for engine_run in engines:  # one after the other: one heavy process at a time
        engine_run.run()
    return engines[0], engines[1]


def _rows(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        keep = [i for i, name in enumerate(header) if name not in IGNORED_COLUMNS]
        return [header[i] for i in keep], [tuple(row[i] for i in keep) for row in reader]


def _published(reports: Path, name: str) -> list[Path]:
    return sorted(path.relative_to(reports) for path in reports.rglob(name))


def compare_published(duck: EngineRun, spark: EngineRun, name: str) -> int:
    """Every published ``name`` (compliance.csv, credits.csv) identical but for run_id; rows."""
    files = _published(duck.reports, name)
    assert files, f"the DuckDB run published no {name}"
    assert files == _published(spark.reports, name)
    rows = 0
    for relative in files:
        header, expected = _rows(duck.reports / relative)
        spark_header, actual = _rows(spark.reports / relative)
        assert spark_header == header, relative
        assert len(actual) == len(expected), (relative, len(expected), len(actual))
        pairs = enumerate(zip(expected, actual, strict=True))
        differing = [(i, want, got) for i, (want, got) in pairs if want != got]
        assert not differing, f"{relative}: {len(differing)} rows differ, first {differing[:3]}"
        rows += len(expected)
    return rows


def compare_marts(duck: EngineRun, spark: EngineRun) -> dict[str, int]:
    """Every relation of ``marts`` with the same columns, types and rows (as multisets)."""
    import duckdb

    # the DuckDB run's warehouse as the main database: its views name their catalog (the file's
    # stem, as the Spark run's); Spark's marts are all tables once read back
    connection = duckdb.connect(str(duck.warehouse), read_only=True)
    try:
        connection.execute("set timezone = 'UTC'")
        connection.execute(f"attach '{spark.warehouse}' as spark_run (read_only)")
        (main,) = connection.execute("select current_database()").fetchone() or ("",)
        catalogs = {"duck": str(main), "spark": "spark_run"}

        def relations(catalog: str) -> list[str]:
            return [
                str(row[0])
                for row in connection.execute(
                    "select table_name from information_schema.tables"
                    " where table_catalog = ? and table_schema = 'marts' order by table_name",
                    [catalogs[catalog]],
                ).fetchall()
            ]

        names = relations("duck")
        assert names, "the DuckDB run built no marts"
        missing = sorted(set(names) - set(relations("spark")))
        assert not missing, f"not read back from Spark: {missing}"
        problems: list[str] = []
        rows: dict[str, int] = {}
        for name in names:
            columns = {}
            for catalog in ("duck", "spark"):
                columns[catalog] = connection.execute(
                    "select column_name, column_type from"
                    f" (describe {catalogs[catalog]}.marts.{name})"
                ).fetchall()
            if columns["duck"] != columns["spark"]:
                problems.append(f"{name}: columns {columns['duck']} != {columns['spark']}")
                continue
            skipped = RUN_COLUMNS.get(name)
            star = f"* exclude ({', '.join(skipped)})" if skipped else "*"
            only = {}
            for this, other in (("duck", "spark"), ("spark", "duck")):
                only[this] = connection.execute(
                    f"select {star} from {catalogs[this]}.marts.{name}"
                    f" except all select {star} from {catalogs[other]}.marts.{name}"
                ).fetchall()
            if only["duck"] or only["spark"]:
                problems.append(
                    f"{name}: {len(only['duck'])} rows only on DuckDB, {len(only['spark'])} only"
                    f" on Spark; e.g. DuckDB {only['duck'][:2]} Spark {only['spark'][:2]}"
                )
                continue
            counted = connection.execute(f"select count(*) from marts.{name}").fetchone()
            rows[name] = int(counted[0]) if counted else 0
        assert not problems, f"{len(problems)} of {len(names)} marts differ:\n" + "\n".join(
            problems
        )
        return rows
    finally:
        connection.close()


def test_engines_agree(runs: tuple[EngineRun, EngineRun]) -> None:
    duck, spark = runs
    marts = compare_marts(duck, spark)
    compliance_rows = compare_published(duck, spark, "compliance.csv")
    ledger_rows = compare_published(duck, spark, "credits.csv")
    kpi_rows = sum(marts.values())
    # the helpers above fail on any difference; these make sure there was something to compare:
    # the ledger and the compliance table, as marts and as published files
    assert {"credits_ledger", "objective_periods"} <= set(marts)
    assert marts["credits_ledger"] > 0 and marts["objective_periods"] > 0
    assert compliance_rows > 0 and ledger_rows > 0
    print(
        f"\ncompared {len(marts)} marts ({kpi_rows} rows; objective_periods "
        f"{marts.get('objective_periods', 0)}), {compliance_rows} compliance rows"
    )
    print(f"compared {kpi_rows} KPI rows, {ledger_rows} ledger rows: identical")


def test_same_asset_checks(runs: tuple[EngineRun, EngineRun]) -> None:
    """dbt's tests run on Spark too and reach Dagster as the same asset checks, same outcome."""
    duck, spark = runs
    assert duck.checks, "the DuckDB run recorded no asset checks"
    assert sorted(spark.checks) == sorted(duck.checks)
    differing = {key: (duck.checks[key], spark.checks[key]) for key in duck.checks}
    differing = {key: value for key, value in differing.items() if value[0] != value[1]}
    assert not differing, f"checks with another outcome on Spark (duckdb, spark): {differing}"
    only_duckdb = sorted(duck.materialized - spark.materialized)
    only_spark = sorted(spark.materialized - duck.materialized)
    assert not only_duckdb and not only_spark, (
        f"materialised on DuckDB only: {only_duckdb}; on Spark only: {only_spark}"
    )
