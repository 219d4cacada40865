"""Deterministic sample data for the SLA pipeline: definitions plus landing files.

``generate_dataset(out, agreements=..., months=..., seed=...)`` writes

* ``out/sla_definitions/``: the first agreements copied from ``sla_definitions/``, further ones
  synthesised (``customer-0004``...), and every calendar; validated with ``load_catalog``;
* ``out/landing/{probes,tickets,ticket_events,maintenance}/<source>-YYYY-MM.<csv|parquet|jsonl>``
  in the columns of the landing contract (``orchestration/lib/landing_contract.py``), with
  about 1 % dirty rows interleaved (see ``dirty``);
* ``out/generator/summary.json`` and ``out/generator/dirty_rows.csv``.

Modules: ``agreements`` (definitions), ``maintenance``, ``probes``, ``tickets`` (with the status
history), ``dirty`` (the injected mistakes), ``clock`` (business hours), ``writer`` (files),
``dataset`` (the entry point). Everything is built column-wise with numpy and polars, month by
month, so a year for 200 agreements and 100 services takes minutes, not hours.
"""

from orchestration.generate.common import FORMATS, SOURCES
from orchestration.generate.dataset import GenerationSummary, generate_dataset
from orchestration.generate.dirty import KINDS as DIRTY_KINDS

__all__ = ["DIRTY_KINDS", "FORMATS", "SOURCES", "GenerationSummary", "generate_dataset"]
