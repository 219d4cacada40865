"""What a run publishes: agreement periods ending inside its window, and the reviews they close.

A run over months ``[start, end)`` publishes every agreement period whose (exclusive) end date
falls in ``(start, end]``: a March run publishes March for monthly agreements and, because March
closes it, Q1 for quarterly ones. A review closes with the period that ends on a review boundary
(calendar quarters, half-years or years); its pack goes to that period's folder and covers every
period of the review window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from orchestration.lib.periods import add_months


@dataclass(frozen=True)
class AgreementPeriod:
    agreement_id: str
    period_key: str
    period_start: dt.date
    period_end: dt.date  # exclusive
    period_months: int
    review_months: int


@dataclass(frozen=True)
class Review:
    """One review meeting's scope: an agreement, the window it covers and the closing period."""

    agreement_id: str
    folder: str  # the period_key of the closing period: where the pack is published
    review_start: dt.date
    review_end: dt.date  # exclusive
    period_keys: tuple[str, ...]  # the agreement periods inside the review window, in order


def closes_review(period_end: dt.date, review_months: int, period_months: int) -> bool:
    """True when a period ending (exclusive) on ``period_end`` closes a review window.

    Reviews follow the calendar: quarterly reviews close at the end of March, June, September
    and December; a review shorter than the agreement period happens every period.
    """
    months = max(review_months, period_months)
    return (period_end.month - 1) % months == 0


def review_window(period_end: dt.date, review_months: int, period_months: int) -> dt.date:
    """The first day of the review window that ends (exclusive) on ``period_end``."""
    return add_months(period_end, -max(review_months, period_months))


def periods_in_window(
    connection: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date
) -> list[AgreementPeriod]:
    """Agreement periods computed in the marts whose end falls inside ``(start, end]``."""
    rows = connection.execute(
        """
        select distinct
            op.agreement_id, op.period_key, op.period_start, op.period_end,
            a.period_months, a.review_months
        from marts.objective_periods as op
        inner join definitions.agreements as a on op.agreement_id = a.agreement_id
        where op.period_end > ? and op.period_end <= ?
        order by op.period_key, op.agreement_id
        """,
        [start, end],
    ).fetchall()
    return [AgreementPeriod(*row) for row in rows]


def reviews_closing(
    connection: duckdb.DuckDBPyConnection, periods: list[AgreementPeriod]
) -> list[Review]:
    """The reviews closed by ``periods``, each with the agreement periods it covers."""
    closing = [
        (period, review_window(period.period_end, period.review_months, period.period_months))
        for period in periods
        if closes_review(period.period_end, period.review_months, period.period_months)
    ]
    if not closing:
        return []
    # one query for all reviews (a query per review cost more than the review's pack)
    rows = connection.execute(
        """
        select distinct w.review_index, op.period_key
        from marts.objective_periods as op
        inner join (
            select
                unnest(?::integer[]) as review_index,
                unnest(?::varchar[]) as agreement_id,
                unnest(?::date[]) as review_start,
                unnest(?::date[]) as review_end
        ) as w
            on op.agreement_id = w.agreement_id
            and op.period_start >= w.review_start and op.period_end <= w.review_end
        order by w.review_index, op.period_key
        """,
        [
            list(range(len(closing))),
            [period.agreement_id for period, _ in closing],
            [start for _, start in closing],
            [period.period_end for period, _ in closing],
        ],
    ).fetchall()
    keys: dict[int, list[str]] = {}
    for index, key in rows:
        keys.setdefault(index, []).append(key)
    return [
        Review(
            agreement_id=period.agreement_id,
            folder=period.period_key,
            review_start=start,
            review_end=period.period_end,
            period_keys=tuple(keys.get(index, [])),
        )
        for index, (period, start) in enumerate(closing)
    ]
