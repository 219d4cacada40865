"""Adapters: a source system's export turned into the native landing rows, inside ingestion.

A definitions folder may hold ``sources.yaml`` naming, per landing source, the ``format`` its
files arrive in and that format's ``options`` (docs/adapters.md)::

    tickets: {format: servicenow_incident_log, options: {agreement_id: sn-incidents}}

A source not named there is read as the native landing format (docs/landing.md). An adapter
reads one file with DuckDB and writes temp table ``landed``: ``source_row``, the source's contract
columns as text, and ``raw_line``, ``read_error``, ``read_code`` for the records it cannot map
(quarantined with ``read_code``, a reason of the landing contract, and ``read_error`` as the
reason). Every other row then meets the same rules, duplicates verdicts and manifest as a native
file, so rows read = loaded + quarantined holds per file. Set-based SQL only: no Python per row.

One module per format; ``ADAPTERS`` lists them by the name ``format:`` uses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from orchestration.lib.landing_contract import SOURCES, LandingSource

SOURCES_FILE = "sources.yaml"


class Adapter(Protocol):
    """One export format: which landing sources it can deliver and how it reads a file."""

    name: str
    sources: tuple[str, ...]
    options_model: type[BaseModel]

    def read(
        self,
        connection: duckdb.DuckDBPyConnection,
        source: LandingSource,
        path: Path,
        options: Any,
    ) -> list[str]:
        """Write temp table ``landed`` from ``path``; return notes for the file's message.
        Raise ``FileRejected`` when the file as a whole is unusable."""
        ...


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceFormat(_Strict):
    format: str
    options: dict[str, Any] = {}


@dataclass(frozen=True)
class SourceAdapter:
    """The adapter a landing source is read with, and its validated options."""

    adapter: Adapter
    options: BaseModel

    @property
    def fingerprint(self) -> str:
        """Changes when the format or an option changes: the files are then read again."""
        text = json.dumps(
            {"format": self.adapter.name, "options": self.options.model_dump(mode="json")},
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class SourcesConfigError(ValueError):
    """``sources.yaml`` is invalid; the message names the file and field."""


def _registry() -> dict[str, Adapter]:
    from orchestration.lib.landing.adapters.jira import JIRA
    from orchestration.lib.landing.adapters.outages import OUTAGES
    from orchestration.lib.landing.adapters.servicenow import SERVICENOW
    from orchestration.lib.landing.adapters.zendesk import ZENDESK

    return {a.name: a for a in (SERVICENOW, JIRA, ZENDESK, OUTAGES)}


def load_sources_config(definitions_dir: Path) -> dict[str, SourceAdapter]:
    """The adapters of ``<definitions>/sources.yaml`` by landing source (empty without it)."""
    path = definitions_dir / SOURCES_FILE
    if not path.is_file():
        return {}
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise SourcesConfigError(f"{path}: invalid YAML: {error}") from None
    if not isinstance(document, dict):
        raise SourcesConfigError(f"{path}: (top level): expected a mapping of landing sources")
    adapters = _registry()
    configured: dict[str, SourceAdapter] = {}
    for name, entry in document.items():
        if name not in SOURCES:
            raise SourcesConfigError(
                f"{path}: {name}: unknown landing source; expected one of {', '.join(SOURCES)}"
            )
        try:
            chosen = SourceFormat.model_validate(entry)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            raise SourcesConfigError(f"{path}: {name}.{where}: {first['msg']}") from None
        adapter = adapters.get(chosen.format)
        if adapter is None:
            raise SourcesConfigError(
                f"{path}: {name}.format: unknown format {chosen.format!r}; expected one of "
                f"{', '.join(sorted(adapters))}"
            )
        if name not in adapter.sources:
            raise SourcesConfigError(
                f"{path}: {name}.format: {chosen.format} delivers only {', '.join(adapter.sources)}"
            )
        try:
            options = adapter.options_model.model_validate(chosen.options)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            raise SourcesConfigError(f"{path}: {name}.options.{where}: {first['msg']}") from None
        configured[name] = SourceAdapter(adapter, options)
    return configured


__all__ = [
    "SOURCES_FILE",
    "Adapter",
    "SourceAdapter",
    "SourcesConfigError",
    "load_sources_config",
]
