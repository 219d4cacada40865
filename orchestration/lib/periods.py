"""Agreement periods: calendar months (``2026-03``) and quarters (``2026-Q1``)."""

from __future__ import annotations

import datetime as dt
import re

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def parse_month(text: str) -> dt.date:
    """``"2026-03"`` -> 2026-03-01; ValueError with the expected form otherwise."""
    match = _MONTH.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a period: expected YYYY-MM, e.g. 2026-03")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """The first and last month of a period: ``"2026-03"`` -> (2026-03-01, 2026-03-01),
    ``"2026-Q1"`` -> (2026-01-01, 2026-03-01); ValueError naming the value otherwise."""
    quarter = _QUARTER.match(text.strip())
    if quarter:
        first = dt.date(int(quarter.group(1)), 3 * int(quarter.group(2)) - 2, 1)
        return first, add_months(first, 2)
    if not _MONTH.match(text.strip()):
        raise ValueError(
            f"{text!r} is not a period: expected YYYY-MM or YYYY-Qn, e.g. 2026-03 or 2026-Q1"
        )
    month = parse_month(text)
    return month, month


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Month starts from ``first`` to ``last`` inclusive."""
    if last < first:
        raise ValueError(f"period range ends ({last:%Y-%m}) before it starts ({first:%Y-%m})")
    months, current = [], first
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months
