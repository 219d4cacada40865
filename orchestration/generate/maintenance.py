"""Planned maintenance windows: about two per service and month, most announced in time.

The windows are generated before the probes because most of them take the service down: a
window announced at least 48 h ahead is excluded from downtime by the agreements, a late one is
not, and the probes must show that difference for the pipeline to have something to decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from orchestration.generate.common import Month, from_epoch, iso

LATE_SHARE = 0.25  # announced only hours ahead (the provider's notice period is 48 h)
DOWNTIME_SHARE = 0.7  # windows during which the probes actually fail
DURATIONS_MIN = np.array([30, 60, 90, 120, 180, 240])
DURATION_P = np.array([0.2, 0.3, 0.15, 0.2, 0.1, 0.05])


@dataclass(frozen=True)
class Windows:
    """The month's windows as arrays (epoch seconds), for the probe generator."""

    service: np.ndarray  # index into the service list
    starts: np.ndarray
    ends: np.ndarray
    announced: np.ndarray
    down: np.ndarray  # bool: the service is unreachable during [down_from, down_to)
    down_from: np.ndarray
    down_to: np.ndarray


def generate_maintenance(
    month: Month, services: Sequence[str], rng: np.random.Generator
) -> tuple[pl.DataFrame, Windows]:
    """Clean maintenance rows (landing columns, sorted by start) and the same windows as arrays."""
    # at least one window per service and month, so that every file has rows to work with;
    # never two on one day for a service, so windows neither overlap nor share a start
    days = (month.end - month.start) // 86_400
    counts = np.minimum(1 + rng.poisson(1.0, len(services)), days)
    service = np.repeat(np.arange(len(services)), counts)
    n = len(service)

    weekday = (month.first_day.weekday() + np.arange(days)) % 7  # 0 = Monday
    # change windows cluster mid-week and at weekends, rarely on Monday or Friday
    day_weight = np.array([1.0, 3.0, 3.0, 3.0, 1.0, 2.0, 2.0])[weekday]
    # weighted sampling without replacement per service: the k largest of u ** (1 / weight)
    keys = rng.random((len(services), days)) ** (1.0 / day_weight)
    ranked = np.argsort(-keys, axis=1, kind="stable")
    nth = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    day = ranked[service, nth]
    # mostly at night (01:00-05:45 UTC); one in ten during the day
    night = rng.integers(4, 24, n) * 15
    daytime = rng.integers(40, 64, n) * 15
    start_minute = np.where(rng.random(n) < 0.1, daytime, night)
    starts = month.start + day * 86_400 + start_minute * 60
    ends = starts + rng.choice(DURATIONS_MIN, size=n, p=DURATION_P) * 60

    late = rng.random(n) < LATE_SHARE
    late_minutes = np.clip(rng.lognormal(np.log(6 * 60), 0.6, n), 60, 40 * 60)
    timely_minutes = rng.integers(48 * 60, 14 * 24 * 60, n)
    lead = np.where(late, late_minutes, timely_minutes).astype(np.int64) // 5 * 5
    announced = starts - lead * 60

    down = rng.random(n) < DOWNTIME_SHARE
    down_from = starts + rng.integers(0, 10, n) * 60
    down_to = np.maximum(ends - rng.integers(0, 10, n) * 60, down_from + 300)

    order = np.lexsort((service, starts))
    windows = Windows(
        service[order],
        starts[order],
        ends[order],
        announced[order],
        down[order],
        down_from[order],
        down_to[order],
    )
    frame = pl.DataFrame(
        {
            "service_id": pl.Series(list(services), dtype=pl.String).gather(windows.service),
            "starts_at": windows.starts,
            "ends_at": windows.ends,
            "announced_at": windows.announced,
        }
    ).with_columns(
        iso(from_epoch(c), ["UTC"]).alias(c) for c in ("starts_at", "ends_at", "announced_at")
    )
    return frame, windows
