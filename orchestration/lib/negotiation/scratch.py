"""A scratch copy of the warehouse in which the pipeline's own dbt models run under other terms.

The copy keeps every landed row and every measure; ``definitions.*`` may be replaced by other
agreements (a proposal, a synthetic agreement for a party without one) and the models downstream
of the definitions are rebuilt there with the same SQL the pipeline runs. Each rule stays in one
dbt model, and nothing a run published is touched.

Speed (``sla simulate`` of a year in under a minute, bench/run.py): dbt runs in this process
with the project's parsed manifest (``target/manifest.json``, kept fresh by ``ensure_manifest``)
instead of a dbt process that would re-parse the whole project (~560 nodes: dbt re-parses in
full whenever the profile's warehouse path differs from its saved parse state, and the copy's
always does). Only the models between the definitions and the marts compared run; the staging
views over the definitions read the replaced tables by name and stay as they are.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

from orchestration.lib.agreements import Catalog
from orchestration.lib.agreements.tables import write_definitions
from orchestration.lib.settings import DBT_PROFILES_DIR, DBT_PROJECT_DIR, DBT_TARGET_DIR
from orchestration.lib.warehouse_lock import DEFAULT_LOCK_TIMEOUT, exclusive

from . import NegotiationError

# the models a changed definition reaches, and only those: the minute-level probe models do not
# read the definitions and are reused as they are
COMPLIANCE_MODELS = ("agreement_credits", "chronic_breaches")
BASELINE_MODELS = ("negotiation_baselines",)
KEEP_VIEWS = ("--exclude", "config.materialized:view")


@dataclass(frozen=True)
class Scratch:
    """A copy of the warehouse (same file name: the dbt manifest names its catalog after it)."""

    warehouse_path: Path
    target_dir: Path

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse_path))

    def write_definitions(self, catalog: Catalog) -> None:
        with self.connect() as connection:
            write_definitions(connection, catalog)

    def run_models(
        self,
        models: Sequence[str],
        *,
        period_start: str | None = None,
        period_end: str | None = None,
        dbt_vars: dict[str, Any] | None = None,
    ) -> None:
        """``dbt run`` of the models downstream of the definitions that ``models`` need, over
        the run window [period_start, period_end) (macros/run_period.sql)."""
        selectors = [f"source:definitions+,+{model}" for model in models]
        window = {}
        if period_start and period_end:
            window = {"period_start": period_start, "period_end": period_end}
        self.run_dbt(["--select", *selectors, *KEEP_VIEWS], dbt_vars={**(dbt_vars or {}), **window})

    def run_dbt(self, arguments: Sequence[str], *, dbt_vars: dict[str, Any] | None = None) -> None:
        from dbt.cli.main import dbtRunner  # dbt's import takes seconds: only when it runs

        try:
            result = dbtRunner(manifest=_manifest(self.warehouse_path.stem)).invoke(
                [
                    "run", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                    "--profiles-dir", str(_profiles_dir(self.warehouse_path, self.target_dir)),
                    "--target-path", str(self.target_dir),
                    *arguments,
                    *(["--vars", json.dumps(dbt_vars)] if dbt_vars else []),
                ]
            )  # fmt: skip
        finally:
            _close_dbt_duckdb()
        if not result.success:
            failed = [
                f"{node.node.name}: {node.message}"
                for node in getattr(result.result, "results", None) or []
                if node.status in ("error", "fail")
            ]
            detail = failed or [str(result.exception)]
            raise RuntimeError("dbt failed in the scratch warehouse: " + " | ".join(detail[:3]))


def _close_dbt_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a run (it closes
    it only at exit): this process reads the copy next, with another configuration."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()  # type: ignore[no-untyped-call]


def _profiles_dir(warehouse: Path, folder: Path) -> Path:
    """The project's profile with the copy as its warehouse, in ``folder`` (no environment
    variable between this process's layers)."""
    profiles = yaml.safe_load((DBT_PROFILES_DIR / "profiles.yml").read_text(encoding="utf-8"))
    for output in profiles["sla"]["outputs"].values():
        output["path"] = str(warehouse)
    (folder / "profiles.yml").write_text(yaml.safe_dump(profiles), encoding="utf-8")
    return folder


def _manifest(catalog: str) -> Any:
    """The project's parsed manifest with its relations in ``catalog`` (the manifest names them
    after the warehouse file it was parsed against; the copy keeps the real warehouse's name,
    which its views name); None when the manifest is missing or older than a dbt file: dbt then
    parses the project itself."""
    from dbt.contracts.graph.manifest import Manifest, WritableManifest

    path = DBT_TARGET_DIR / "manifest.json"
    files = [DBT_PROJECT_DIR / "dbt_project.yml", *(DBT_PROJECT_DIR / "dbt_project").rglob("*")]
    newest = max(f.stat().st_mtime for f in files if f.is_file())
    if not path.exists() or path.stat().st_mtime < newest:
        return None
    manifest = Manifest.from_writable_manifest(WritableManifest.read_and_check_versions(str(path)))
    for node in [*manifest.nodes.values(), *manifest.sources.values()]:
        parsed_in = getattr(node, "database", None)
        if parsed_in is None or parsed_in == catalog:
            continue
        node.database = catalog
        relation_name = getattr(node, "relation_name", None)
        if relation_name:
            node.relation_name = relation_name.replace(f'"{parsed_in}".', f'"{catalog}".', 1)
    return manifest


@contextmanager
def scratch_copy(
    warehouse: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> Iterator[Scratch]:
    """Copy ``warehouse`` (holding its lock, so no run writes it meanwhile) into a temporary
    folder removed afterwards."""
    if not warehouse.is_file():
        raise NegotiationError(
            f"{warehouse}: no warehouse file (run `sla run` or give --warehouse)"
        )
    folder = Path(tempfile.mkdtemp(prefix="sla-negotiation-"))
    try:
        copy = folder / warehouse.name
        with exclusive(warehouse, f"negotiation-{uuid.uuid4()}", timeout=lock_timeout):
            shutil.copyfile(warehouse, copy)
            wal = warehouse.with_name(warehouse.name + ".wal")
            if wal.exists():  # changes not yet checkpointed into the file
                shutil.copyfile(wal, copy.with_name(wal.name))
        target = folder / "target"
        target.mkdir()
        yield Scratch(copy, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
