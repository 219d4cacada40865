"""How the review pack writes figures: one set of functions for the HTML and the PDF.

Both renderers call these (Jinja2 filters for the HTML, pre-formatted strings for the Typst PDF),
so a figure reads the same in both files.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from orchestration.lib.money import format_amount

# the scorecard's words for each review colour
STATUS_WORDS = {
    "green": "met",
    "amber": "met, near target",
    "red": "breached",
    "grey": "insufficient data",
}
MISSING = "–"


def format_measure(value: Decimal | None, unit: str) -> str:
    """An objective's value as a reader expects it: ``99.95 %``, ``4.31``, ``812 ms``."""
    if value is None:
        return MISSING
    if unit == "%":
        return f"{_trim(value, 3)} %"
    if unit == "ms":
        return f"{_trim(value, 0)} ms"
    return _trim(value, 2)


def format_target(value: Decimal | None, unit: str, is_higher_better: bool) -> str:
    """``≥ 99.9 %`` / ``≤ 800 ms``: the target with the direction that meets it."""
    return f"{'≥' if is_higher_better else '≤'} {format_measure(value, unit)}"


def format_pct(value: Decimal | None) -> str:
    return MISSING if value is None else f"{_trim(value, 2)} %"


def format_money(value: Decimal | None) -> str:
    """Grouped with two places: ``12,000.00``."""
    return format_amount(value, grouping=True)


def _trim(value: Decimal, places: int) -> str:
    text = format(Decimal(value).quantize(Decimal(1).scaleb(-places)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_duration(seconds: int | None) -> str:
    """``3900`` -> ``1h 05m``, ``172800`` -> ``2d``; under a minute shows seconds."""
    if seconds is None:
        return MISSING
    seconds = int(seconds)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{sign}{seconds}s"
    hours, minutes = divmod(seconds // 60, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d"] if days else []
    if hours or (minutes and days):
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes:02d}m" if parts else f"{minutes}m")
    return sign + " ".join(parts)


BUSINESS_HOURS = "business hours"  # the unit of time on a business clock


def format_business_hours(seconds: Decimal | int | None) -> str:
    """Time on a business clock as a number of ``BUSINESS_HOURS``: ``1209000`` -> ``335.8``.
    Not in days and hours: "13d 23h" reads as calendar time, and a business day is as long as
    its calendar's working day, which the pack does not know."""
    if seconds is None:
        return MISSING
    return str((Decimal(seconds) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def format_allowance(seconds: int | None) -> str:
    """An objective's time allowance as agreements write it: ``1800`` -> ``30 min``,
    ``28800`` -> ``8 h``, ``5400`` -> ``1 h 30 min``, ``172800`` -> ``2 d``."""
    if seconds is None:
        return MISSING
    minutes = int(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{value} {unit}" for value, unit in ((days, "d"), (hours, "h"), (minutes, "min"))]
    return " ".join(part for part in parts if not part.startswith("0 ")) or f"{int(seconds)} s"


def format_utc(value: dt.datetime | None) -> str:
    return MISSING if value is None else value.strftime("%Y-%m-%d %H:%M")
