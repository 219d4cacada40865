"""What every generator module shares: the landing sources, months, seeds and ISO formatting.

The columns of the files come from the landing contract (``orchestration/lib/landing_contract.py``);
see ``writer.file_schema``.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

from orchestration.lib.landing_contract import PRIORITIES as PRIORITIES
from orchestration.lib.landing_contract import SOURCES as LANDING_SOURCES

FORMATS: tuple[str, ...] = ("csv", "parquet", "jsonl")
# the landing sources in the contract's order (the order their random streams are keyed by)
SOURCES: tuple[str, ...] = tuple(
    name for name, source in LANDING_SOURCES.items() if not source.adapter_only
)

# chrono's `%:z` writes the offset with a colon (+01:00), which ISO 8601 and DuckDB both read
ISO = "%Y-%m-%dT%H:%M:%S%:z"
TZ_COLUMN = "_tz"  # helper column: the IANA zone a row's timestamps are written in; never landed


@dataclass(frozen=True)
class Month:
    """One calendar month; ``start``/``end`` are epoch seconds (UTC), ``end`` exclusive."""

    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def start(self) -> int:
        return epoch(self.first_day)

    @property
    def end(self) -> int:
        return self.next.start


def epoch(day: dt.date) -> int:
    """Midnight UTC of ``day`` in epoch seconds."""
    return int((day - dt.date(1970, 1, 1)).days) * 86_400


def month_range(start: str, count: int) -> list[Month]:
    """``("2026-11", 3)`` -> Nov 2026, Dec 2026, Jan 2027."""
    try:
        year, month = (int(part) for part in start.split("-"))
        dt.date(year, month, 1)
    except ValueError:
        raise ValueError(f"start {start!r} is not a month: write YYYY-MM, e.g. 2026-01") from None
    months = [Month(year, month)]
    while len(months) < count:
        months.append(months[-1].next)
    return months[:count]


def stable_key(text: str) -> int:
    """A key for ``rng_for`` that depends only on a name, not on where it sits in a list."""
    return zlib.crc32(text.encode())


def rng_for(seed: int, *keys: int) -> np.random.Generator:
    """An independent random stream per (seed, purpose, month or name).

    Streams are keyed rather than drawn one after the other so that January of a 12-month run is
    byte-identical to a 1-month run, and adding a service does not reshuffle every other one.
    """
    return np.random.default_rng([seed, *keys])


def from_epoch(column: str | pl.Expr) -> pl.Expr:
    """Epoch seconds (Int64, nullable) -> a UTC datetime expression."""
    expr = pl.col(column) if isinstance(column, str) else column
    return pl.from_epoch(expr, time_unit="s").dt.replace_time_zone("UTC")


def iso(moment: pl.Expr, zones: Sequence[str]) -> pl.Expr:
    """Format a UTC datetime expression as ISO 8601 text in each row's zone (``_tz`` column).

    Polars converts a whole column to one zone, so rows are formatted once per zone and picked
    by their ``_tz``; there are only as many zones as shipped calendars, so this stays cheap.
    """
    zones = sorted(set(zones))
    if len(zones) == 1:
        return moment.dt.convert_time_zone(zones[0]).dt.strftime(ISO)
    chain: Then | ChainedThen = pl.when(pl.col(TZ_COLUMN) == zones[0]).then(
        moment.dt.convert_time_zone(zones[0]).dt.strftime(ISO)
    )
    for zone in zones[1:]:
        chain = chain.when(pl.col(TZ_COLUMN) == zone).then(
            moment.dt.convert_time_zone(zone).dt.strftime(ISO)
        )
    return chain


def parse_iso(column: str) -> pl.Expr:
    """The inverse of :func:`iso` for our own clean text (used to derive dirty variants)."""
    return pl.col(column).str.to_datetime(ISO, time_zone="UTC")


def nullable(values: np.ndarray, valid: np.ndarray) -> pl.Series:
    """An Int64 series of ``values`` with null where ``valid`` is False."""
    return pl.Series(values, dtype=pl.Int64).set(pl.Series(~valid), None)
