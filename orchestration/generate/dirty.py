"""Dirty rows: the mistakes real exports contain, injected so the pipeline must quarantine them.

Every dirty row is an *extra* row: a copy of a randomly chosen clean row of the same file with
exactly one thing wrong, inserted at a random position among the clean rows (a duplicate always
after its original, as a re-sent row would be). Removing the dirty rows leaves exactly the clean
data; ``out/generator/dirty_rows.csv`` lists each one by source, month, 1-based data row and
kind. Ticket rows that are not duplicates get a fresh ``ticket_id`` (numbers after the month's
clean tickets), so that each row breaks one rule only.

Kinds are named after the reason codes of the loader's quarantine
(``orchestration/lib/landing_contract.py``), so a test can compare the two directly.

tickets
    missing_id                    ``ticket_id`` is empty
    unparseable_timestamp         a timestamp is garbage: day 32, hour 25, ``15/01/2026 14:05``,
                                  ``n/a``, ``#VALUE!`` (in created_at, first_response_at or
                                  resolved_at)
    timestamp_without_offset      a timestamp without its UTC offset: ``2026-01-15T10:04:00``
    unknown_priority              ``P9``, ``P0``, ``P5`` or ``urgent``
    unknown_agreement             an ``agreement_id`` that is not defined (``<id>-legacy``)
    resolved_before_created       ``resolved_at`` 1..48 h before ``created_at``
    first_response_before_created ``first_response_at`` 1..120 min before ``created_at``
    invalid_csat                  ``csat_score`` of 0, 6, 7 or 10
    duplicate_row                 a clean row repeated byte for byte, later in the file
    conflicting_duplicate         a second row with an existing ``ticket_id`` but another
                                  priority and resolution time. A loader cannot tell which row is
                                  right, so it also quarantines the original (not listed in the
                                  manifest) and then that ticket's events as unknown tickets
    future_timestamp              every timestamp of the row moved 73 years ahead (2026 -> 2099)
probes
    missing_id                    ``service_id`` is empty
    unparseable_timestamp         ``checked_at`` is garbage (as for tickets)
    invalid_boolean               ``ok`` is ``maybe``, ``unknown``, ``degraded`` or ``timeout``
ticket_events
    unknown_ticket                an event for a ``ticket_id`` that no ticket row has
maintenance
    ends_before_start             ``starts_at`` and ``ends_at`` swapped

How many: ``share`` of the clean rows of each file, split evenly over its kinds, and at least one
of every kind per file (so even a tiny run exercises every rule); ``share = 0`` disables them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from orchestration.generate.common import PRIORITIES, Month, iso, parse_iso
from orchestration.generate.tickets import ticket_ids


@dataclass
class Context:
    """What a corruption needs beyond the rows it corrupts."""

    month: Month
    zones: list[str]
    clean_tickets: int  # dirty ticket rows are numbered after the clean ones
    fresh: int = 0  # fresh ids handed out so far

    def fresh_ids(self, count: int) -> pl.Series:
        start = self.clean_tickets + 1 + self.fresh
        self.fresh += count
        return ticket_ids(self.month, np.arange(start, start + count))

    def unknown_ids(self, count: int, rng: np.random.Generator) -> pl.Series:
        # far past every clean and dirty number of the month, so never a real ticket
        start = 2 * self.clean_tickets + 1000
        spread = rng.choice(max(100_000, 2 * count), count, replace=False)
        return ticket_ids(self.month, start + np.sort(spread))

    def garbage_timestamps(self, count: int, rng: np.random.Generator) -> pl.Series:
        y, m = self.month.year, self.month.month
        samples = [
            f"{y:04d}-{m:02d}-32T10:00:00+00:00",
            f"15/{m:02d}/{y:04d} 14:05",
            "n/a",
            f"{y:04d}-{m:02d}-15T25:61:00+00:00",
            "#VALUE!",
        ]
        return pl.Series(samples, dtype=pl.String).gather(rng.integers(0, len(samples), count))


Corruption = Callable[[pl.DataFrame, np.random.Generator, Context], pl.DataFrame]


def _pick(values: list[str], count: int, rng: np.random.Generator) -> pl.Series:
    return pl.Series(values, dtype=pl.String).gather(rng.integers(0, len(values), count))


def _hours(low: float, high: float, count: int, rng: np.random.Generator) -> pl.Expr:
    return pl.lit(pl.Series(np.round(rng.uniform(low, high, count) * 3600).astype(np.int64)))


# --- tickets -----------------------------------------------------------------------------------

TICKET_TIMES = ("created_at", "first_response_at", "resolved_at")


def _missing_ticket_id(rows: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    return rows.with_columns(ticket_id=pl.lit(None, dtype=pl.String))


def _unparseable_timestamp(
    rows: pl.DataFrame, rng: np.random.Generator, ctx: Context
) -> pl.DataFrame:
    garbage = ctx.garbage_timestamps(rows.height, rng)
    return _replace_one_time(rows.with_columns(_new=garbage), lambda name: pl.col("_new"), rng)


def _timestamp_without_offset(
    rows: pl.DataFrame, rng: np.random.Generator, ctx: Context
) -> pl.DataFrame:
    return _replace_one_time(rows, lambda name: pl.col(name).str.slice(0, 19), rng)


def _replace_one_time(
    rows: pl.DataFrame, make: Callable[[str], pl.Expr], rng: np.random.Generator
) -> pl.DataFrame:
    """Replace one timestamp per row, chosen at random among its non-null timestamp columns."""
    wanted = pl.Series(rng.integers(0, len(TICKET_TIMES), rows.height))
    chosen = pl.lit(0)
    for index, name in enumerate(TICKET_TIMES[1:], start=1):
        chosen = (
            pl.when((pl.col("_wanted") == index) & pl.col(name).is_not_null())
            .then(pl.lit(index))
            .otherwise(chosen)
        )
    frame = rows.with_columns(_wanted=wanted).with_columns(_chosen=chosen)
    frame = frame.with_columns(
        pl.when(pl.col("_chosen") == index).then(make(name)).otherwise(pl.col(name)).alias(name)
        for index, name in enumerate(TICKET_TIMES)
    )
    return frame.select(rows.columns).drop("_new", strict=False)


def _unknown_priority(rows: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    return rows.with_columns(priority=_pick(["P9", "P0", "P5", "urgent"], rows.height, rng))


def _unknown_agreement(rows: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    return rows.with_columns(agreement_id=pl.col("agreement_id") + "-legacy")


def _resolved_before_created(
    rows: pl.DataFrame, rng: np.random.Generator, ctx: Context
) -> pl.DataFrame:
    earlier = parse_iso("created_at") - pl.duration(seconds=_hours(1, 48, rows.height, rng))
    return rows.with_columns(resolved_at=iso(earlier, ctx.zones))


def _first_response_before_created(
    rows: pl.DataFrame, rng: np.random.Generator, ctx: Context
) -> pl.DataFrame:
    earlier = parse_iso("created_at") - pl.duration(seconds=_hours(1 / 60, 2, rows.height, rng))
    return rows.with_columns(first_response_at=iso(earlier, ctx.zones))


def _csat_out_of_range(rows: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    scores = np.array([0, 6, 7, 10])[rng.integers(0, 4, rows.height)]
    return rows.with_columns(csat_score=pl.Series(scores, dtype=pl.Int64))


def _exact_duplicate(rows: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    return rows


def _duplicate_id_conflict(
    rows: pl.DataFrame, rng: np.random.Generator, ctx: Context
) -> pl.DataFrame:
    shift = pl.Series(rng.integers(1, len(PRIORITIES), rows.height))
    index = pl.col("priority").str.slice(1).cast(pl.Int64) - 1
    later = parse_iso("resolved_at") + pl.duration(seconds=_hours(1, 24, rows.height, rng))
    return rows.with_columns(
        priority=pl.lit("P") + ((index + shift) % len(PRIORITIES) + 1).cast(pl.String),
        resolved_at=iso(later, ctx.zones),
    )


def _future_timestamp(rows: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    # offset_by keeps 29 February valid (it becomes the 28th in a common year)
    return rows.with_columns(
        iso(parse_iso(name).dt.offset_by("73y"), ctx.zones).alias(name) for name in TICKET_TIMES
    )


# --- probes, events, maintenance --------------------------------------------------------------


def _missing_service_id(rows: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    return rows.with_columns(service_id=pl.lit(None, dtype=pl.String))


def _unparseable_checked_at(
    rows: pl.DataFrame, rng: np.random.Generator, ctx: Context
) -> pl.DataFrame:
    return rows.with_columns(checked_at=ctx.garbage_timestamps(rows.height, rng))


def _ok_not_boolean(rows: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    return rows.with_columns(
        ok=_pick(["maybe", "unknown", "degraded", "timeout"], rows.height, rng)
    )


def _unknown_ticket_id(rows: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    return rows.with_columns(ticket_id=ctx.unknown_ids(rows.height, rng))


def _ends_before_starts(rows: pl.DataFrame, rng: np.random.Generator, ctx: Context) -> pl.DataFrame:
    return rows.with_columns(starts_at=pl.col("ends_at"), ends_at=pl.col("starts_at"))


KINDS: dict[str, dict[str, Corruption]] = {
    "tickets": {
        "missing_id": _missing_ticket_id,
        "unparseable_timestamp": _unparseable_timestamp,
        "timestamp_without_offset": _timestamp_without_offset,
        "unknown_priority": _unknown_priority,
        "unknown_agreement": _unknown_agreement,
        "resolved_before_created": _resolved_before_created,
        "first_response_before_created": _first_response_before_created,
        "invalid_csat": _csat_out_of_range,
        "duplicate_row": _exact_duplicate,
        "conflicting_duplicate": _duplicate_id_conflict,
        "future_timestamp": _future_timestamp,
    },
    "probes": {
        "missing_id": _missing_service_id,
        "unparseable_timestamp": _unparseable_checked_at,
        "invalid_boolean": _ok_not_boolean,
    },
    "ticket_events": {"unknown_ticket": _unknown_ticket_id},
    "maintenance": {"ends_before_start": _ends_before_starts},
}
# kinds whose row keeps the ticket_id of the clean row it was copied from
KEEPS_TICKET_ID = {"missing_id", "duplicate_row", "conflicting_duplicate"}
# kinds that must come after the row they repeat (a loader keeps the first of identical rows)
AFTER_ORIGINAL = {"duplicate_row"}


def inject(
    source: str, clean: pl.DataFrame, share: float, rng: np.random.Generator, ctx: Context
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return ``clean`` with dirty rows interleaved, and ``(row, kind)`` for every dirty row.

    ``row`` is the 1-based data row in the written file (the CSV header is not counted).
    """
    kinds = KINDS[source]
    n = clean.height
    empty = pl.DataFrame(schema={"row": pl.Int64, "kind": pl.String})
    if share <= 0 or n == 0:
        return clean, empty
    total = max(len(kinds), round(share * n))
    per_kind = [total // len(kinds) + (i < total % len(kinds)) for i in range(len(kinds))]

    parts, labels, slots = [], [], []
    for (kind, corrupt), count in zip(kinds.items(), per_kind, strict=True):
        source_rows = rng.integers(0, n, count)
        rows = corrupt(clean[source_rows], rng, ctx)
        if source == "tickets" and kind not in KEEPS_TICKET_ID:
            rows = rows.with_columns(ticket_id=ctx.fresh_ids(count))
        parts.append(rows.select(clean.columns).cast(clean.schema))
        labels += [kind] * count
        # slot = how many clean rows precede the dirty row
        low = source_rows + 1 if kind in AFTER_ORIGINAL else np.zeros(count, dtype=np.int64)
        slots.append(low + (rng.random(count) * (n + 1 - low)).astype(np.int64))
    dirty = pl.concat(parts)
    kind_of = np.array(labels)

    # deterministic interleaving: shuffle the kinds, then place each row after its slot
    shuffle = rng.permutation(total)
    slot = np.concatenate(slots)[shuffle]
    by_slot = np.argsort(slot, kind="stable")
    shuffle, slot = shuffle[by_slot], slot[by_slot]
    position = slot + np.arange(total)
    order = np.empty(n + total, dtype=np.int64)
    is_dirty = np.zeros(n + total, dtype=bool)
    is_dirty[position] = True
    order[position] = n + shuffle
    order[~is_dirty] = np.arange(n)
    combined = pl.concat([clean, dirty])[order]
    manifest = pl.DataFrame(
        {"row": pl.Series(position + 1, dtype=pl.Int64), "kind": pl.Series(kind_of[shuffle])}
    )
    return combined, manifest
