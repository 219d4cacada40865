"""Landing files: one file per source, month and format, always in the contract's columns.

Written with polars' own writers, which are deterministic (same frame, same bytes) and fast
enough for tens of millions of rows. CSV: UTF-8 without BOM, a header, ``,``, ``\\n`` line ends,
quotes only where needed, null as an empty field.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl

from orchestration.generate.common import CONTRACT, FORMATS, SOURCES

EXTENSIONS = {"csv": "csv", "parquet": "parquet", "jsonl": "jsonl"}


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
    columns = CONTRACT[source]
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
