"""``generate_dataset``: definitions plus a landing folder of probes, tickets and maintenance."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from orchestration.generate.agreements import default_source, write_definitions
from orchestration.generate.clock import WorkClock, build_clock
from orchestration.generate.common import (
    FORMATS,
    SOURCES,
    month_range,
    rng_for,
    stable_key,
)
from orchestration.generate.dirty import KINDS, Context, inject
from orchestration.generate.maintenance import generate_maintenance
from orchestration.generate.probes import ServiceProfile, generate_probes, service_profile
from orchestration.generate.tickets import AgreementInfo, export_time, generate_tickets
from orchestration.generate.writer import clear_landing, write_landing
from orchestration.lib.agreements.schema import AvailabilityObjective, LatencyObjective

log = logging.getLogger(__name__)

DEFAULT_TICKETS_PER_AGREEMENT_MONTH = 300
# independent random streams (see common.rng_for)
STREAM_MAINTENANCE, STREAM_PROBES, STREAM_TICKETS, STREAM_DIRTY, STREAM_VOLUME = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class GenerationSummary:
    """What one ``generate_dataset`` call wrote."""

    out: Path
    months: tuple[str, ...]
    agreements: tuple[str, ...]
    services: tuple[str, ...]
    formats: tuple[str, ...]
    landing_files: tuple[Path, ...]
    definition_files: tuple[Path, ...]
    manifest_files: tuple[Path, ...]
    rows: dict[str, int]  # per source: rows in its files (clean + dirty), the same in every format
    dirty: dict[str, dict[str, int]]  # per source and kind: dirty rows injected
    seconds: float = field(compare=False)

    @property
    def files(self) -> tuple[Path, ...]:
        return self.definition_files + self.landing_files + self.manifest_files

    @property
    def dirty_rows(self) -> dict[str, int]:
        return {source: sum(kinds.values()) for source, kinds in self.dirty.items()}

    @property
    def clean_rows(self) -> dict[str, int]:
        return {source: self.rows[source] - self.dirty_rows[source] for source in self.rows}


def _check_arguments(
    agreements: int,
    months: int,
    formats: Sequence[str],
    interval: int,
    services: int | None,
    tickets: int | None,
    dirty_share: float,
) -> None:
    problems = []
    if agreements < 1:
        problems.append("agreements must be at least 1")
    if months < 1:
        problems.append("months must be at least 1")
    if not formats or any(f not in FORMATS for f in formats):
        problems.append(f"formats must be some of {', '.join(FORMATS)}, got {list(formats)}")
    if not 1 <= interval <= 3600:
        problems.append("probe_interval_seconds must be within 1..3600")
    if services is not None and services < 0:
        problems.append("services must not be negative")
    if tickets is not None and tickets < 0:
        problems.append("tickets_per_agreement_month must not be negative")
    if not 0 <= dirty_share < 1:
        problems.append("dirty_share must be within [0, 1)")
    if problems:
        raise ValueError("; ".join(problems))


def generate_dataset(
    out: Path,
    *,
    agreements: int,
    months: int,
    seed: int,
    start: str = "2026-01",
    formats: tuple[str, ...] = ("csv",),
    definitions_source: Path | None = None,
    probe_interval_seconds: int = 60,
    services: int | None = None,
    tickets_per_agreement_month: int | None = None,
    dirty_share: float = 0.01,
) -> GenerationSummary:
    """Write ``out/sla_definitions/`` and ``out/landing/`` for a reproducible sample data set.

    The same arguments always give byte-identical files; each month uses its own random
    streams, so a month's files do not depend on how many months are generated.

    agreements: how many; the first come from ``definitions_source`` (default: the project's
        ``sla_definitions/``) in file-name order, the rest are synthesised (``customer-NNNN``).
    months, start: the span, ``start`` as ``YYYY-MM``.
    formats: any of ``csv``, ``parquet``, ``jsonl``; each month is written once per format.
    probe_interval_seconds: one probe per service per interval.
    services: at least this many services are probed: every one an objective names, then
        ``svc-NNNN`` extras. It also sizes the pool synthesised agreements draw services from.
    tickets_per_agreement_month: mean ticket volume (default 300; agreements vary around it).
    dirty_share: share of extra dirty rows per file (see ``orchestration.generate.dirty``);
        0 writes clean files only.

    Earlier output in ``out`` (landing files, definitions) is replaced. Also writes
    ``out/generator/summary.json`` and ``out/generator/dirty_rows.csv``: every injected dirty row
    by source, month, data row (1-based, header not counted: CSV line = row + 1) and kind, the
    answer key for quarantine tests.
    """
    began = time.perf_counter()
    formats = tuple(dict.fromkeys(formats))
    _check_arguments(
        agreements,
        months,
        formats,
        probe_interval_seconds,
        services,
        tickets_per_agreement_month,
        dirty_share,
    )
    out = Path(out)
    calendar_months = month_range(start, months)
    per_agreement = (
        DEFAULT_TICKETS_PER_AGREEMENT_MONTH
        if tickets_per_agreement_month is None
        else tickets_per_agreement_month
    )

    definitions = write_definitions(
        out / "sla_definitions",
        source=Path(definitions_source) if definitions_source else default_source(),
        count=agreements,
        seed=seed,
        months=calendar_months,
        services=services,
    )
    catalog = definitions.catalog

    # services: every one an objective names, then unnamed extras up to `services`
    latency_target: dict[str, float] = {}
    referenced: set[str] = set()
    for agreement in catalog.agreements.values():
        for version in agreement.versions:
            for objective in version.objectives:
                if isinstance(objective, AvailabilityObjective | LatencyObjective):
                    referenced.add(objective.service)
                if isinstance(objective, LatencyObjective):
                    target = float(objective.target)
                    latency_target[objective.service] = min(
                        target, latency_target.get(objective.service, target)
                    )
    service_names = sorted(referenced)
    number = 0
    while services is not None and len(service_names) < services:
        number += 1
        if (name := f"svc-{number:04d}") not in referenced:
            service_names.append(name)
    profiles: dict[str, ServiceProfile] = {
        name: service_profile(seed, name, latency_target.get(name)) for name in service_names
    }

    infos = []
    for agreement in catalog.agreements.values():
        volume_rng = rng_for(seed, STREAM_VOLUME, stable_key(agreement.id))
        volume = float(volume_rng.lognormal(0.0, 0.4) / np.exp(0.08))  # mean 1
        zone = catalog.calendars[agreement.calendar].timezone
        infos.append(AgreementInfo(agreement.id, agreement.calendar, zone, volume))
    zones = sorted({info.zone for info in infos})

    landing = out / "landing"
    clear_landing(landing)
    written: list[Path] = []
    rows = dict.fromkeys(SOURCES, 0)
    dirty = {source: dict.fromkeys(KINDS[source], 0) for source in SOURCES}
    manifests: list[pl.DataFrame] = []

    for month in calendar_months:
        key = (month.year, month.month)
        window = (export_time(month) + 86_400 - month.start) // 60
        clocks: dict[str, WorkClock] = {
            name: build_clock(catalog.calendars[name], month.start, window)
            for name in sorted({info.calendar for info in infos})
        }
        maintenance, windows = generate_maintenance(
            month, service_names, rng_for(seed, STREAM_MAINTENANCE, *key)
        )
        batch = generate_tickets(
            month, infos, clocks, per_agreement, rng_for(seed, STREAM_TICKETS, *key)
        )
        context = Context(month, zones, batch.count)
        frames = {
            "maintenance": maintenance,
            "tickets": batch.tickets,
            "ticket_events": batch.events,
        }
        for index, source in enumerate(SOURCES):
            if source == "probes":  # the big one: built only when it is its turn
                frame = generate_probes(
                    month,
                    service_names,
                    profiles,
                    windows,
                    probe_interval_seconds,
                    rng_for(seed, STREAM_PROBES, *key),
                )
            else:
                frame = frames.pop(source)
            frame, manifest = inject(
                source, frame, dirty_share, rng_for(seed, STREAM_DIRTY, index, *key), context
            )
            written += write_landing(frame, landing, source, month.label, formats)
            rows[source] += frame.height
            for kind, count in manifest.group_by("kind").len().iter_rows():
                dirty[source][kind] += count
            manifests.append(
                manifest.select(
                    pl.lit(source).alias("source"),
                    pl.lit(month.label).alias("month"),
                    "row",
                    "kind",
                )
            )
            del frame
        log.info("generated %s (%.1fs so far)", month.label, time.perf_counter() - began)

    manifest_files = _write_manifest(
        out,
        manifests,
        definitions.files,
        written,
        rows,
        dirty,
        seed=seed,
        start=start,
        months=[m.label for m in calendar_months],
        agreements=list(catalog.agreements),
        services=service_names,
        formats=list(formats),
        probe_interval_seconds=probe_interval_seconds,
        tickets_per_agreement_month=per_agreement,
        dirty_share=dirty_share,
    )
    return GenerationSummary(
        out=out,
        months=tuple(m.label for m in calendar_months),
        agreements=tuple(catalog.agreements),
        services=tuple(service_names),
        formats=formats,
        landing_files=tuple(written),
        definition_files=tuple(definitions.files),
        manifest_files=tuple(manifest_files),
        rows=rows,
        dirty=dirty,
        seconds=time.perf_counter() - began,
    )


def _write_manifest(
    out: Path,
    manifests: list[pl.DataFrame],
    definition_files: list[Path],
    landing_files: list[Path],
    rows: dict[str, int],
    dirty: dict[str, dict[str, int]],
    **arguments: object,
) -> list[Path]:
    folder = out / "generator"
    folder.mkdir(parents=True, exist_ok=True)
    dirty_rows = folder / "dirty_rows.csv"
    pl.concat(manifests).write_csv(dirty_rows, line_terminator="\n")
    summary = folder / "summary.json"
    document = {
        "arguments": arguments,
        "rows": rows,
        "dirty": dirty,
        "files": [p.relative_to(out).as_posix() for p in [*definition_files, *landing_files]],
    }
    summary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return [summary, dirty_rows]
