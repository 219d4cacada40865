"""What a run publishes: agreement periods ending inside its window, and the reviews they close.

A run over months ``[start, end)`` publishes every agreement period whose (exclusive) end date
falls in ``(start, end]``: a March run publishes March for monthly agreements and, because March
closes it, Q1 for quarterly ones. A review closes with the period that ends on a review boundary
(calendar quarters, half-years or years); its pack goes to that period's folder and covers every
period of the review window. The periods, the boundaries and the windows are computed in dbt
(``marts.rpt_publication_periods``, ``marts.rpt_reviews``); this module selects a run's share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb


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


def periods_in_window(
    connection: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date
) -> list[AgreementPeriod]:
    """Agreement periods computed in the marts whose end falls inside ``(start, end]``."""
    rows = connection.execute(
        """
        select agreement_id, period_key, period_start, period_end, period_months, review_months
        from marts.rpt_publication_periods
        where period_end > ? and period_end <= ?
        order by period_key, agreement_id
        """,
        [start, end],
    ).fetchall()
    return [AgreementPeriod(*row) for row in rows]


def reviews_closing(
    connection: duckdb.DuckDBPyConnection, periods: Sequence[AgreementPeriod]
) -> list[Review]:
    """The reviews closed by ``periods``, each with the agreement periods it covers."""
    if not periods:
        return []
    rows = connection.execute(
        """
        select agreement_id, review_period_key, review_start, review_end, period_keys
        from marts.rpt_reviews
        where list_contains(?::varchar[][], [agreement_id, review_period_key])
        order by review_period_key, agreement_id
        """,
        [[[period.agreement_id, period.period_key] for period in periods]],
    ).fetchall()
    return [
        Review(
            agreement_id=agreement_id,
            folder=folder,
            review_start=review_start,
            review_end=review_end,
            period_keys=tuple(keys),
        )
        for agreement_id, folder, review_start, review_end, keys in rows
    ]
