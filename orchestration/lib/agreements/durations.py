"""Durations as agreements write them: ``30m``, ``4h``, ``48h``, ``2d``, ``1h30m``, ``90s``."""

from __future__ import annotations

import re

MAX_SECONDS = 3650 * 86_400
_UNIT_SECONDS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)\s*([dhms])")
_WHOLE = re.compile(r"^\s*(\d+\s*[dhms]\s*)+$")


def parse_duration(text: str) -> int:
    """Return the whole number of seconds in ``text``; raise ValueError when it is not a duration.

    A bare number is refused on purpose: ``within: 30`` could mean minutes or hours, and a
    contract must not leave that to guesswork.
    """
    if not isinstance(text, str) or not _WHOLE.match(text):
        raise ValueError(
            f"{text!r} is not a duration: write a number with a unit, e.g. 30m, 4h, 2d, 1h30m"
        )
    seconds = sum(int(n) * _UNIT_SECONDS[u] for n, u in _PART.findall(text))
    if seconds <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    if seconds > MAX_SECONDS:
        # a clock's deadline is a timestamp plus this duration: keep it far inside the warehouse's
        # timestamp range (and any agreement's lifetime)
        raise ValueError(f"{text!r} is longer than {MAX_SECONDS // 86_400}d (ten years)")
    return seconds


def format_duration(seconds: int) -> str:
    """The inverse of :func:`parse_duration` for display: ``5400`` -> ``1h30m``."""
    parts = []
    for unit, size in _UNIT_SECONDS.items():
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
