"""Landing files: one file per source, month and format, always in the contract's columns.

Written with polars' own writers, which are deterministic (same frame, same bytes) and fast
enough for tens of millions of rows. CSV: UTF-8 without BOM, a header, ``,``, ``\\n`` line ends,
quotes only where needed, null as an empty field.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl

from orchestration.generate.common import FORMATS, SOURCES
from orchestration.lib.landing_contract import SOURCES as LANDING_SOURCES
from orchestration.lib.landing_contract import Column

EXTENSIONS = {"csv": "csv", "parquet": "parquet", "jsonl": "jsonl"}


def file_dtype(column: Column) -> type[pl.DataType]:
    """The type a landing file holds a contract column in. Timestamps, ``ok`` and the ids are
    text in every format (not only CSV) so that a dirty value such as ``maybe`` or
    ``31/01/2026 14:05`` survives in Parquet and JSON Lines exactly as it does in CSV; the loader
    parses and quarantines. Only the measurements are numbers."""
    return {"double": pl.Float64, "integer": pl.Int64}.get(column.sql_type, pl.String)


def file_schema(source: str) -> dict[str, type[pl.DataType]]:
    """The columns of a landing file of ``source``, in the contract's order, with their types."""
    return {c.name: file_dtype(c) for c in LANDING_SOURCES[source].columns}


def landing_path(landing: Path, source: str, label: str, fmt: str) -> Path:
    return landing / source / f"{source}-{label}.{EXTENSIONS[fmt]}"


def clear_landing(landing: Path) -> None:
    """Remove files an earlier run wrote, so a smaller run does not leave stale months behind.

    Only names this module writes are touched (``<source>/<source>-*.{csv,parquet,jsonl}``).
    """
    for source in SOURCES:
        folder = landing / source
        if not folder.is_dir():
            continue
        for path in folder.glob(f"{source}-*"):
            if path.suffix.lstrip(".") in EXTENSIONS.values() and path.is_file():
                path.unlink()


def write_landing(
    frame: pl.DataFrame, landing: Path, source: str, label: str, formats: Iterable[str]
) -> list[Path]:
    """Write ``frame`` (helper columns are dropped) in every requested format."""
    columns = file_schema(source)
    frame = frame.select(pl.col(name).cast(dtype) for name, dtype in columns.items())
    written = []
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
        path = landing_path(landing, source, label, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            frame.write_csv(
                path,
                include_header=True,
                separator=",",
                line_terminator="\n",
                quote_style="necessary",
                null_value="",
            )
        elif fmt == "parquet":
            frame.write_parquet(path, compression="zstd", statistics=True)
        else:
            frame.write_ndjson(path)
        written.append(path)
    return written
