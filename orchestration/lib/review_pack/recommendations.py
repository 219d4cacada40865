"""Suggestions for the revision discussion, from an objective's recent history.

Rules (documented in docs/publications.md):
- *tighten*: met with a wide margin in each of the last ``WIDE_RUN`` periods or more. A margin
  is wide when the actual sits at least half-way from the target to the best possible value
  (100 % or a score of 5), or, for latency, at least 25 % below the target.
- *capacity plan or renegotiation*: breached in ``REPEATED_BREACHES`` or more of the last
  ``REPEATED_WINDOW`` periods.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDE_RUN = 6
REPEATED_BREACHES = 3
REPEATED_WINDOW = 6
BEST_VALUE = {"%": Decimal(100), "score": Decimal(5)}
LATENCY_WIDE_SHARE = Decimal("0.25")


@dataclass(frozen=True)
class HistoryPoint:
    period_key: str
    status: str
    target: Decimal
    actual: Decimal | None
    unit: str


@dataclass(frozen=True)
class Recommendation:
    objective_id: str
    kind: str  # "tighten" or "capacity"
    text: str


def is_wide_margin(point: HistoryPoint) -> bool:
    if point.status != "met" or point.actual is None:
        return False
    best = BEST_VALUE.get(point.unit)
    if best is not None:
        headroom = best - point.target
        return headroom > 0 and (point.actual - point.target) >= headroom / 2
    return (point.target - point.actual) >= point.target * LATENCY_WIDE_SHARE


def recommend(objective_id: str, name: str, history: list[HistoryPoint]) -> list[Recommendation]:
    """``history`` in period order, oldest first, ending with the reviewed period."""
    found = []
    wide_run = 0
    for point in reversed(history):
        if not is_wide_margin(point):
            break
        wide_run += 1
    if wide_run >= WIDE_RUN:
        found.append(
            Recommendation(
                objective_id,
                "tighten",
                f"{name}: met by a wide margin in each of the last {wide_run} periods; "
                "the target may be tightened at the next revision.",
            )
        )
    recent = history[-REPEATED_WINDOW:]
    breaches = sum(1 for point in recent if point.status == "breached")
    if breaches >= REPEATED_BREACHES:
        found.append(
            Recommendation(
                objective_id,
                "capacity",
                f"{name}: breached in {breaches} of the last {len(recent)} periods; "
                "agree a capacity plan or renegotiate the target.",
            )
        )
    return found
