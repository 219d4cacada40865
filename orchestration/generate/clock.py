"""Business-hours arithmetic for generating tickets, vectorised at minute resolution.

A support desk answers P2..P4 tickets during its calendar's working hours, so a ticket raised on
Friday evening is answered on Monday morning. Rather than stepping through time per ticket, a
clock holds the cumulative working seconds before every minute of a window; "advance by N working
seconds" is then one ``searchsorted`` over all tickets at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import holidays as holidays_lib
import numpy as np
import polars as pl

from orchestration.lib.agreements.schema import WEEKDAYS, Calendar


@dataclass(frozen=True)
class WorkClock:
    """One calendar over ``[origin, origin + 60 * minutes)``; arrays are indexed by minute."""

    origin: int  # epoch seconds, a whole minute
    working: np.ndarray  # bool: the minute lies within working hours
    before: np.ndarray  # int64, len minutes + 1: working seconds before each minute
    arrival: np.ndarray  # float64: relative rate of new P2..P4 tickets in each minute
    arrival_p1: np.ndarray  # float64: P1s (outages) arrive around the clock, less peaked

    @property
    def minutes(self) -> int:
        return len(self.working)

    def elapsed(self, moment: np.ndarray) -> np.ndarray:
        """Working seconds from ``origin`` to each moment (epoch seconds)."""
        offset = np.clip(moment - self.origin, 0, self.minutes * 60 - 1)
        minute, second = np.divmod(offset, 60)
        return self.before[minute] + self.working[minute] * second

    def advance(self, moment: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """The moment at which ``seconds`` more working time has passed after each ``moment``.

        Results past the window continue as if every second were working: the window always
        extends beyond the export time, so such results are cut off anyway.
        """
        target = self.elapsed(moment) + seconds
        total = self.before[-1]
        inside = np.minimum(target, total)
        index = np.searchsorted(self.before, inside, side="left")
        index = np.minimum(index, self.minutes)
        exact = self.before[index] == inside
        # a target strictly inside a working minute lies in the minute before `index`
        minute = np.where(exact, index, index - 1)
        result = self.origin + minute * 60 + (inside - self.before[minute])
        beyond = target > total
        return np.where(beyond, self.origin + self.minutes * 60 + (target - total), result)


@cache
def _holiday_days(country: str, subdivision: str | None, years: tuple[int, ...]) -> np.ndarray:
    days = holidays_lib.country_holidays(country, subdiv=subdivision, years=list(years))
    return np.array(sorted((d - dt.date(1970, 1, 1)).days for d in days), dtype=np.int64)


def build_clock(calendar: Calendar, origin: int, minutes: int) -> WorkClock:
    """Working minutes and ticket arrival weights of ``calendar`` over a window."""
    grid = pl.DataFrame({"t": pl.Series(origin + np.arange(minutes, dtype=np.int64) * 60)}).select(
        local=pl.from_epoch("t", time_unit="s")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(calendar.timezone)
    )
    local = grid.select(
        weekday=pl.col("local").dt.weekday(),  # 1 = Monday
        minute=pl.col("local").dt.hour().cast(pl.Int32) * 60 + pl.col("local").dt.minute(),
        day=pl.col("local").dt.date().cast(pl.Int32),  # days since 1970-01-01
    )
    weekday = local["weekday"].to_numpy()
    minute_of_day = local["minute"].to_numpy()
    day = local["day"].to_numpy().astype(np.int64)

    working = np.zeros(minutes, dtype=bool)
    for number, name in enumerate(WEEKDAYS, start=1):
        for start, end in calendar.intervals(name):
            working |= (weekday == number) & (minute_of_day >= start) & (minute_of_day < end)

    closed_days = [(d - dt.date(1970, 1, 1)).days for d in calendar.closures]
    if calendar.holidays is not None:
        first, last = (dt.date(1970, 1, 1) + dt.timedelta(days=int(d)) for d in (day[0], day[-1]))
        years = tuple(range(first.year, last.year + 1))
        closed_days.extend(
            _holiday_days(calendar.holidays.country, calendar.holidays.subdivision, years).tolist()
        )
    off = np.isin(day, np.array(closed_days, dtype=np.int64))
    working &= ~off

    before = np.zeros(minutes + 1, dtype=np.int64)
    np.cumsum(working * 60, out=before[1:])

    # Requests follow the office day (a morning and an after-lunch peak), with a trickle in the
    # evening and at weekends from customers' own on-call staff.
    hour = minute_of_day / 60.0
    peaks = np.exp(-(((hour - 10.5) / 1.6) ** 2)) + 0.8 * np.exp(-(((hour - 14.5) / 1.8) ** 2))
    weekday_evening = (weekday <= 5) & ~off & (hour >= 7) & (hour < 22)
    monday = np.where(weekday == 1, 1.15, 1.0)
    arrival = (0.05 + 0.06 * weekday_evening + working * (0.6 + peaks)) * monday
    arrival_p1 = 0.6 + 0.5 * working
    return WorkClock(origin, working, before, arrival, arrival_p1)
