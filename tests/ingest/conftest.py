"""Loader fixtures: a real DuckDB file in tmp_path with the reference data the rules look up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.landing import FileReport, ingest_folder
from orchestration.lib.landing_contract import SOURCES

# the loads in these tests happen "at" this instant: later timestamps are in the future
LOAD_TIME = dt.datetime(2026, 3, 1, 12, 0, 0)


class Warehouse:
    """A warehouse file plus a landing folder; ``load`` runs the loader like the asset does."""

    def __init__(self, root: Path):
        self.landing = root / "landing"
        self.connection = duckdb.connect(str(root / "warehouse.duckdb"))
        self.connection.execute("set timezone = 'UTC'")
        self.connection.execute("create schema definitions")
        self.connection.execute(
            "create table definitions.agreements as "
            "select * from (values ('acme-hosting'), ('globex-support')) as t(agreement_id)"
        )
        # the services downtime windows may name (the definitions loader writes the real table)
        self.connection.execute(
            "create table definitions.objectives as "
            "select * from (values ('api-gateway'), (null)) as t(service_id)"
        )

    def write(self, relative: str, content: str | bytes) -> Path:
        path = self.landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    def load(
        self, source: str, load_time: dt.datetime = LOAD_TIME, accept_shrunk: Sequence[str] = ()
    ) -> list[FileReport]:
        return ingest_folder(
            self.connection, SOURCES[source], self.landing / source, load_time=load_time,
            accept_shrunk=accept_shrunk,
        )  # fmt: skip

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.connection.execute(sql, params or []).fetchall()


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    case = Warehouse(tmp_path)
    yield case
    case.connection.close()
