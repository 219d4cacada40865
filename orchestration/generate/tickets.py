"""Service desk tickets and their status history, built as whole-month numpy columns.

Shape of the data, and why:

* arrivals follow each agreement's calendar: weekday office hours peak, evenings and weekends
  trickle, holidays are quiet; P1s (outages) arrive around the clock;
* priorities P1 3 %, P2 17 %, P3 40 %, P4 40 %;
* first responses: P1 in minutes around the clock, P2..P4 in working time of the agreement's
  calendar (a Friday-evening ticket is answered on Monday); a 4 % tail is answered late enough
  to breach typical targets;
* work to resolve takes hours (P1, P2) to working days (P3, P4); 15 % of tickets wait for the
  customer (``pending_customer``) once or twice, for a few wall-clock hours each;
* resolved tickets are closed by the customer or automatically after 72 h;
* CSAT is asked on resolution; ~30 % do not answer, and slow tickets score lower.

A month's file holds the tickets created in that month as the ticket system exported them on
the 3rd of the following month (``EXPORT_DELAY_DAYS``): anything that happened after the export
is not in the row (``first_response_at``/``resolved_at`` are null) nor in the history. So a few
tickets are still open, exactly as a real month-end extract would show.

Events are consistent with the ticket row by construction: ``new`` at ``created_at``,
``in_progress`` at ``first_response_at``, then ``pending_customer``/``in_progress`` pairs, then
``resolved`` at ``resolved_at`` and maybe ``closed``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from orchestration.generate.clock import WorkClock
from orchestration.generate.common import (
    PRIORITIES,
    TZ_COLUMN,
    Month,
    from_epoch,
    iso,
    nullable,
)

EXPORT_DELAY_DAYS = 2
PRIORITY_SHARE = np.array([0.03, 0.17, 0.40, 0.40])
FIRST_RESPONSE_MEDIAN_MIN = np.array([5.0, 12.0, 90.0, 240.0])
FIRST_RESPONSE_SIGMA = np.array([0.7, 0.9, 1.0, 1.0])
LATE_RESPONSE_SHARE = 0.04  # forgotten in a queue: 3-10 times slower than usual
WORK_MEDIAN_H = np.array([1.5, 3.0, 8.0, 14.0])  # P1 wall-clock, P2..P4 working hours
WORK_SIGMA = np.array([0.7, 0.8, 0.9, 0.9])
PAUSE_SHARE = 0.15
SECOND_PAUSE_SHARE = 0.2  # of the paused tickets
PAUSE_MEDIAN_H = 5.0
AUTO_CLOSE_S = 72 * 3600
CSAT_ANSWER_SHARE = 0.7
CSAT_P = np.array([0.03, 0.05, 0.12, 0.35, 0.45])  # scores 1..5, mean about 4.1
CSAT_P_SLOW = np.array([0.15, 0.20, 0.25, 0.25, 0.15])  # tickets that took unusually long


@dataclass(frozen=True)
class AgreementInfo:
    """What the ticket generator needs to know about one agreement."""

    id: str
    calendar: str
    zone: str  # the calendar's IANA zone: the customer's ticket system writes local times
    volume: float  # relative ticket volume (1.0 = average)


@dataclass(frozen=True)
class TicketBatch:
    tickets: pl.DataFrame  # landing columns + _tz
    events: pl.DataFrame  # landing columns + _tz
    count: int  # clean tickets; dirty rows take sequence numbers after these


def export_time(month: Month) -> int:
    """When the month's ticket extract was taken (epoch seconds)."""
    return month.next.start + EXPORT_DELAY_DAYS * 86_400


def ticket_ids(month: Month, sequence: np.ndarray) -> pl.Series:
    """``TKT-202601-000123``: unique across months without coordinating between them."""
    return pl.select(
        (
            pl.lit(f"TKT-{month.year:04d}{month.month:02d}-")
            + pl.Series(sequence, dtype=pl.Int64).cast(pl.String).str.zfill(6)
        ).alias("ticket_id")
    ).to_series()


def _lognormal(rng: np.random.Generator, median: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    return rng.lognormal(np.log(median), sigma)


def generate_tickets(
    month: Month,
    agreements: Sequence[AgreementInfo],
    clocks: Mapping[str, WorkClock],
    per_agreement: float,
    rng: np.random.Generator,
) -> TicketBatch:
    calendars = sorted({a.calendar for a in agreements})
    calendar_of = np.array([calendars.index(a.calendar) for a in agreements], dtype=np.int64)
    volume = np.array([a.volume for a in agreements])

    agreement = np.repeat(np.arange(len(agreements)), rng.poisson(per_agreement * volume))
    n = len(agreement)
    calendar = calendar_of[agreement]
    priority = rng.choice(len(PRIORITIES), size=n, p=PRIORITY_SHARE)
    business = priority != 0  # P1 work runs around the clock; the rest in office hours

    # --- arrivals: sample a minute of the month from the calendar's arrival curve ------------
    minutes = (month.end - month.start) // 60
    draw = rng.random(n)
    second = rng.integers(0, 60, n)
    created = np.zeros(n, dtype=np.int64)
    for index, name in enumerate(calendars):
        clock = clocks[name]
        for is_p1, weights in ((True, clock.arrival_p1), (False, clock.arrival)):
            pick = (calendar == index) & (business != is_p1)
            cdf = np.cumsum(weights[:minutes])
            cdf /= cdf[-1]
            minute = np.minimum(np.searchsorted(cdf, draw[pick], side="right"), minutes - 1)
            created[pick] = month.start + minute * 60 + second[pick]

    def advance(moment: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        result = moment + seconds
        for index, name in enumerate(calendars):
            pick = business & (calendar == index)
            result[pick] = clocks[name].advance(moment[pick], seconds[pick])
        return result

    # --- first response ----------------------------------------------------------------------
    delay = _lognormal(
        rng, FIRST_RESPONSE_MEDIAN_MIN[priority] * 60, FIRST_RESPONSE_SIGMA[priority]
    )
    late = rng.random(n) < LATE_RESPONSE_SHARE
    delay = np.where(late, delay * rng.uniform(3, 10, n), delay)
    first_response = advance(created, np.maximum(30, np.round(delay)).astype(np.int64))

    # --- work, with up to two waits for the customer -----------------------------------------
    work = np.maximum(300, _lognormal(rng, WORK_MEDIAN_H[priority] * 3600, WORK_SIGMA[priority]))
    pauses = np.where(
        rng.random(n) < PAUSE_SHARE, np.where(rng.random(n) < SECOND_PAUSE_SHARE, 2, 1), 0
    )
    cuts = np.sort(rng.uniform(0.1, 0.9, (n, 2)), axis=1)
    pause_length = np.clip(
        rng.lognormal(np.log(PAUSE_MEDIAN_H * 3600), 0.9, (n, 2)), 600, 5 * 86_400
    )
    pending = np.zeros((n, 2), dtype=np.int64)
    resumed = np.zeros((n, 2), dtype=np.int64)
    moment = first_response.copy()
    done = np.zeros(n)
    for k in range(2):
        has = pauses > k
        segment = np.maximum(1, np.round(work * (cuts[:, k] - done))).astype(np.int64)
        reached = advance(moment, segment)
        pending[:, k] = reached
        resumed[:, k] = reached + pause_length[:, k].astype(np.int64)
        moment = np.where(has, resumed[:, k], moment)
        done = np.where(has, cuts[:, k], done)
    last = np.maximum(1, np.round(work * (1 - done))).astype(np.int64)
    resolved = advance(moment, last)
    closed = resolved + np.minimum(
        AUTO_CLOSE_S, rng.lognormal(np.log(20 * 3600), 0.8, n).astype(np.int64)
    )

    # --- what the extract saw ----------------------------------------------------------------
    cutoff = export_time(month)
    has_response = first_response <= cutoff
    has_pending = (pauses[:, None] > np.arange(2)) & (pending <= cutoff)
    has_resumed = has_pending & (resumed <= cutoff)
    is_resolved = resolved <= cutoff
    is_closed = closed <= cutoff

    # --- satisfaction: asked on resolution, answered by ~70 %, worse when it took long -------
    took = resolved - created
    slow = np.zeros(n, dtype=bool)
    for p in range(len(PRIORITIES)):
        pick = priority == p
        if pick.any():
            slow[pick] = took[pick] > np.quantile(took[pick], 0.8)
    answered = is_resolved & (rng.random(n) < CSAT_ANSWER_SHARE)
    draw = rng.random(n)
    score = np.where(
        slow,
        np.searchsorted(np.cumsum(CSAT_P_SLOW), draw, side="right"),
        np.searchsorted(np.cumsum(CSAT_P), draw, side="right"),
    )
    score = np.minimum(score, 4) + 1

    # --- rows in creation order; ids follow that order --------------------------------------
    order = np.lexsort((agreement, created))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    ids = ticket_ids(month, np.arange(1, n + 1))
    zones = [a.zone for a in agreements]
    zone = pl.Series(zones, dtype=pl.String)
    agreement_ids = pl.Series([a.id for a in agreements], dtype=pl.String)

    tickets = pl.DataFrame(
        {
            "ticket_id": ids,
            "agreement_id": agreement_ids.gather(agreement[order]),
            "priority": pl.Series(PRIORITIES, dtype=pl.String).gather(priority[order]),
            "created_at": created[order],
            "first_response_at": nullable(first_response[order], has_response[order]),
            "resolved_at": nullable(resolved[order], is_resolved[order]),
            "csat_score": nullable(score[order], answered[order]),
            TZ_COLUMN: zone.gather(agreement[order]),
        }
    ).with_columns(
        iso(from_epoch(c), zones).alias(c)
        for c in ("created_at", "first_response_at", "resolved_at")
    )

    # --- status history ----------------------------------------------------------------------
    parts: list[tuple[np.ndarray, np.ndarray, str]] = [
        (np.ones(n, dtype=bool), created, "new"),
        (has_response, first_response, "in_progress"),
    ]
    for k in range(2):
        parts.append((has_pending[:, k], pending[:, k], "pending_customer"))
        parts.append((has_resumed[:, k], resumed[:, k], "in_progress"))
    parts += [(is_resolved, resolved, "resolved"), (is_closed, closed, "closed")]
    statuses = [status for _, _, status in parts]
    ticket = np.concatenate([np.flatnonzero(mask) for mask, _, _ in parts])
    changed = np.concatenate([times[mask] for mask, times, _ in parts])
    step = np.concatenate([np.full(int(mask.sum()), i) for i, (mask, _, _) in enumerate(parts)])
    # the export lists status changes in time order; same-second ties by ticket and step
    sequence = np.lexsort((step, rank[ticket], changed))
    ticket, changed, step = ticket[sequence], changed[sequence], step[sequence]
    events = pl.DataFrame(
        {
            "ticket_id": ids.gather(rank[ticket]),
            "status": pl.Series(statuses, dtype=pl.String).gather(step),
            "changed_at": changed,
            TZ_COLUMN: zone.gather(agreement[ticket]),
        }
    ).with_columns(changed_at=iso(from_epoch("changed_at"), zones))
    return TicketBatch(tickets, events, n)
