"""Synthetic monitoring probes: one check per service and interval, as (time x service) arrays.

What makes them useful for testing availability and latency objectives:

* outages come as incidents, runs of failed checks lasting minutes to a couple of hours (rarely
  a major one of many hours); inside an incident an occasional check still succeeds (flapping);
* some incidents are partial: only checks from one location fail, the others see the service up;
* single failed checks ("blips") are scattered through the month, so ``min_downtime_minutes``
  has something to ignore;
* maintenance windows take the service down, whether or not they were announced in time;
* latency has a daily cycle, spikes around incidents and in short slow episodes, and some months
  contain a degraded stretch of days, enough to move a monthly p95 past its target.

Rows are ordered by ``checked_at``: within an interval, services are laid out by their fixed
phase (a service is always checked at the same second of the minute, as real schedulers do).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from orchestration.generate.common import Month, from_epoch, iso, rng_for, stable_key
from orchestration.generate.maintenance import Windows

LOCATIONS: tuple[str, ...] = ("eu-west", "us-east", "ap-southeast")
LOCATION_SHIFT_MS = np.array([0.0, 18.0, 65.0])  # network distance from each vantage point
STREAM_SERVICE = 11


@dataclass(frozen=True)
class ServiceProfile:
    """Fixed character of one service, drawn once from its name (stable across runs)."""

    base_ms: float
    daily_amplitude: float
    peak_hour_utc: float
    incidents_per_month: float
    phase: float  # 0..1: at which fraction of the interval the service is checked


def service_profile(seed: int, name: str, latency_target_ms: float | None) -> ServiceProfile:
    """Draw a service's profile; one with a latency objective is sized against its target.

    Providers size a service so that it meets its latency target most of the time: its typical
    p95 lands at 60-90 % of the target, and only bad months cross it.
    """
    rng = rng_for(seed, STREAM_SERVICE, stable_key(name))
    if latency_target_ms is not None:
        base = latency_target_ms * rng.uniform(0.30, 0.45)
    else:
        base = float(np.clip(rng.lognormal(np.log(150), 0.5), 30, 600))
    return ServiceProfile(
        base_ms=float(base),
        daily_amplitude=float(rng.uniform(0.15, 0.5)),
        peak_hour_utc=float(rng.uniform(8, 20)),
        incidents_per_month=float(rng.gamma(2.0, 1.2)),
        phase=float(rng.random()),
    )


def _paint(
    delta: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    column: np.ndarray,
    value: np.ndarray | float,
) -> None:
    """Mark ``[start, end)`` of ``column`` in a difference array; ``cumsum`` resolves overlaps."""
    rows = delta.shape[0] - 1
    start = np.clip(start, 0, rows)
    end = np.clip(end, 0, rows)
    np.add.at(delta, (start, column), value)
    np.add.at(delta, (end, column), -np.asarray(value))


def generate_probes(
    month: Month,
    services: Sequence[str],
    profiles: Mapping[str, ServiceProfile],
    windows: Windows,
    interval: int,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Clean probe rows for one month, in landing columns, ordered by ``checked_at``."""
    steps = (month.end - month.start) // interval
    count = len(services)
    per_minute = 60.0 / interval  # incident durations are drawn in minutes
    profile = [profiles[name] for name in services]
    base = np.array([p.base_ms for p in profile])
    amplitude = np.array([p.daily_amplitude for p in profile])
    peak = np.array([p.peak_hour_utc for p in profile])
    rate = np.array([p.incidents_per_month for p in profile])
    phase = (np.array([p.phase for p in profile]) * min(interval, 60)).astype(np.int64)

    column = np.arange(count)
    location = ((np.arange(steps)[:, None] + column[None, :]) % len(LOCATIONS)).astype(np.int8)

    # --- outages -----------------------------------------------------------------------------
    down_all = np.zeros((steps + 1, count), dtype=np.int16)
    down_at = np.zeros((len(LOCATIONS), steps + 1, count), dtype=np.int16)
    slow_log = np.zeros((steps + 1, count), dtype=np.float32)

    per_service = rng.poisson(rate)
    inc_service = np.repeat(column, per_service)
    n = len(inc_service)
    inc_start = rng.integers(0, steps, n)
    minutes = np.clip(rng.lognormal(np.log(12), 0.9, n), 2, 150)
    # now and then a major outage of hours
    major = rng.random(count) < 0.03
    inc_service = np.concatenate([inc_service, column[major]])
    inc_start = np.concatenate([inc_start, rng.integers(0, steps, int(major.sum()))])
    minutes = np.concatenate([minutes, rng.uniform(240, 1200, int(major.sum()))])
    n = len(inc_service)
    inc_end = inc_start + np.maximum(1, np.ceil(minutes * per_minute)).astype(np.int64)
    partial = rng.random(n) < 0.3
    partial_at = rng.integers(0, len(LOCATIONS), n)
    _paint(down_all, inc_start[~partial], inc_end[~partial], inc_service[~partial], 1)
    for index in range(len(LOCATIONS)):
        pick = partial & (partial_at == index)
        _paint(down_at[index], inc_start[pick], inc_end[pick], inc_service[pick], 1)
    # latency climbs before an outage is declared and stays high while it recovers
    ramp = int(np.ceil(15 * per_minute))
    _paint(
        slow_log,
        inc_start - ramp,
        inc_end + 2 * ramp,
        inc_service,
        np.log(rng.uniform(2.5, 6.0, n)).astype(np.float32),
    )

    # maintenance that takes the service down (announced in time or not)
    pick = windows.down
    first = np.ceil((windows.down_from[pick] - month.start) / interval).astype(np.int64)
    last = np.ceil((windows.down_to[pick] - month.start) / interval).astype(np.int64)
    _paint(down_all, first, last, windows.service[pick], 1)

    # short slow episodes, and now and then a degraded stretch of days
    episodes = rng.poisson(1.5, count)
    ep_service = np.repeat(column, episodes)
    ep_start = rng.integers(0, steps, len(ep_service))
    ep_len = np.ceil(rng.uniform(10, 120, len(ep_service)) * per_minute).astype(np.int64)
    _paint(
        slow_log,
        ep_start,
        ep_start + ep_len,
        ep_service,
        np.log(rng.uniform(2.0, 5.0, len(ep_service))).astype(np.float32),
    )
    degraded = column[rng.random(count) < 0.15]
    dg_start = rng.integers(0, steps, len(degraded))
    dg_len = np.ceil(rng.uniform(1, 6, len(degraded)) * 1440 * per_minute).astype(np.int64)
    _paint(
        slow_log,
        dg_start,
        dg_start + dg_len,
        degraded,
        np.log(rng.uniform(1.3, 2.2, len(degraded))).astype(np.float32),
    )

    down = np.cumsum(down_all, axis=0, dtype=np.int16)[:steps] > 0
    del down_all
    partial_down = np.cumsum(down_at, axis=1, dtype=np.int16)[:, :steps] > 0
    del down_at
    down |= np.take_along_axis(partial_down, location[None].astype(np.intp), axis=0)[0]
    del partial_down
    # flapping: inside an outage a check sometimes gets through
    failing = np.flatnonzero(down)
    down.flat[failing[rng.random(len(failing)) < 0.06]] = False
    # isolated blips: one failed check, too short to count as downtime for most agreements
    blips = rng.integers(0, steps * count, rng.binomial(steps * count, 1.5e-4))
    down.flat[blips] = True

    # --- latency -----------------------------------------------------------------------------
    seconds = month.start + np.arange(steps, dtype=np.int64) * interval
    hour = ((seconds % 86_400) / 3600.0)[:, None]
    daily = 1.0 + amplitude * 0.5 * (1.0 + np.cos(2 * np.pi * (hour - peak) / 24.0))
    latency = np.exp(np.cumsum(slow_log, axis=0)[:steps], dtype=np.float32)
    del slow_log
    latency *= (base * daily).astype(np.float32)
    latency *= np.exp(0.22 * rng.standard_normal((steps, count), dtype=np.float32))
    latency += LOCATION_SHIFT_MS.astype(np.float32)[location]
    heavy = rng.integers(0, steps * count, rng.binomial(steps * count, 0.003))
    latency.flat[heavy] *= rng.uniform(2.0, 6.0, len(heavy)).astype(np.float32)
    # most failed checks are timeouts and carry no latency; the rest failed fast with an error
    failing = np.flatnonzero(down)
    latency.flat[failing[rng.random(len(failing)) < 0.75]] = np.nan

    no_location = rng.integers(0, steps * count, rng.binomial(steps * count, 0.002))

    # --- rows, time-major, services in the order of their check second -----------------------
    layout = np.lexsort((column, phase))
    down = down[:, layout].ravel()
    latency = np.round(latency[:, layout].ravel().astype(np.float64), 1)
    location = location[:, layout].ravel()
    location_missing = np.zeros(steps * count, dtype=bool)
    location_missing[no_location] = True  # positions are random, so no need to re-lay them out
    checked = (seconds[:, None] + phase[layout][None, :]).ravel()
    names = pl.Series([services[i] for i in layout], dtype=pl.String)

    frame = pl.DataFrame(
        {
            "service_id": names.gather(np.tile(np.arange(count), steps)),
            "checked_at": checked,
            "ok": pl.Series(~down).cast(pl.String),
            "latency_ms": pl.Series(latency).fill_nan(None),
            "location": pl.Series(list(LOCATIONS), dtype=pl.String).gather(location),
        }
    )
    return frame.with_columns(
        checked_at=iso(from_epoch("checked_at"), ["UTC"]),
        location=pl.when(pl.Series(location_missing)).then(None).otherwise(pl.col("location")),
    )
