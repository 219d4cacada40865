"""Everything a review pack shows, read from the reporting marts for the reviews of a publication.

Each section is a dbt model keyed by review (the ``rpt_review_*`` marts, one row per review and
section line, with contracts): the joins, windows, rankings and the rating live there. This
module selects the rows of the run's reviews (one query per section for all of them, filtered by
``[agreement_id, review_period_key]``: ~15 small queries per pack cost more than the rendering)
and arranges them by review into the templates' context: plain dicts, values raw (the templates
format them).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeAlias

import duckdb

from orchestration.lib.publish.plan import Review
from orchestration.lib.review_pack.recommendations import HistoryPoint, recommend

# one row of a mart, by column name
Row: TypeAlias = dict[str, Any]

EMPTY_ACTION_ROWS = 4

ReviewKey = tuple[str, str]  # agreement_id, review_period_key (the review's folder)


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[Row]:
    cursor = connection.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _section(
    connection: duckdb.DuckDBPyConnection,
    model: str,
    reviews: Sequence[Review],
    *,
    order_by: str,
    drop: tuple[str, ...] = (),
    keep_agreement_id: bool = True,
) -> dict[ReviewKey, list[Row]]:
    """The rows of ``marts.<model>`` for ``reviews``, by review, in ``order_by`` order.

    ``review_period_key`` and the columns in ``drop`` are left out of the rows; so is
    ``agreement_id`` unless the section's rows carry it (``keep_agreement_id``)."""
    rows = _rows(
        connection,
        f"""
        select * from marts.{model}
        where list_contains(?::varchar[][], [agreement_id, review_period_key])
        order by agreement_id, review_period_key, {order_by}
        """,
        [[[review.agreement_id, review.folder] for review in reviews]],
    )
    grouped: dict[ReviewKey, list[Row]] = defaultdict(list)
    for row in rows:
        key = (row["agreement_id"], row.pop("review_period_key"))
        if not keep_agreement_id:
            row.pop("agreement_id")
        for column in drop:
            row.pop(column)
        grouped[key].append(row)
    return grouped


def _by_agreement(
    connection: duckdb.DuckDBPyConnection, model: str, agreement_ids: list[str], order_by: str
) -> dict[str, list[Row]]:
    """The rows of ``marts.<model>`` for ``agreement_ids``, by agreement (agreement_id dropped)."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in _rows(
        connection,
        f"select * from marts.{model} where list_contains(?, agreement_id) order by {order_by}",
        [agreement_ids],
    ):
        groups[row.pop("agreement_id")].append(row)
    return groups


def review_contexts(
    connection: duckdb.DuckDBPyConnection,
    reviews: Sequence[Review],
    *,
    generated_at: dt.datetime,
) -> list[Row]:
    """The template context of every review in ``reviews``, in that order."""
    if not reviews:
        return []
    agreement_ids = sorted({review.agreement_id for review in reviews})
    agreements = {
        row["agreement_id"]: row
        for row in _rows(
            connection,
            "select * from marts.rpt_agreements where list_contains(?, agreement_id)",
            [agreement_ids],
        )
    }
    action_items = _by_agreement(
        connection, "rpt_review_items", agreement_ids, "agreement_id, item_index"
    )

    def section(model: str, order_by: str, **options: Any) -> dict[ReviewKey, list[Row]]:
        return _section(connection, model, reviews, order_by=order_by, **options)

    scores = section("rpt_review_scores", "objective_order, objective_id, period_key")
    coverage = section("rpt_review_coverage_notes", "objective_order, objective_id, period_key")
    trends = section("rpt_review_trends", "objective_id, period_key")
    versions = section("rpt_review_versions", "version", keep_agreement_id=False)
    # a window spanning two periods is listed for each: period_key keeps the order fixed
    maintenance = section("rpt_review_maintenance", "starts_at, service_id, period_key")
    adjustments = section("rpt_review_adjustments", "entry_order, ticket_id", drop=("entry_order",))
    credit_rows = section("rpt_review_credits", "period_key, objective_order, objective_id")
    credit_totals = section("rpt_review_credit_totals", "period_key")
    chronic = section(
        "rpt_review_chronic_breaches", "objective_order, objective_id", drop=("objective_order",)
    )
    outages = section(
        "rpt_review_outage_drivers",
        "objective_id, driver_rank",
        drop=("driver_rank",),
        keep_agreement_id=False,
    )
    tickets = section(
        "rpt_review_ticket_drivers", "objective_id, driver_rank", drop=("driver_rank",)
    )
    reasons = section(
        "rpt_review_quarantine_reasons", "source, reason_code", keep_agreement_id=False
    )
    examples = section(
        "rpt_review_quarantine_examples",
        "example_rank",
        drop=("example_rank",),
        keep_agreement_id=False,
    )

    next_term = section(
        "rpt_review_next_term_targets", "objective_order, objective_id", keep_agreement_id=False
    )

    contexts = []
    for review in reviews:
        key = (review.agreement_id, review.folder)
        agreement = agreements[review.agreement_id]
        keys = list(review.period_keys)
        objectives = _scorecard(scores.get(key, []), keys)
        history = _history(trends.get(key, []))
        contexts.append(
            {
                "agreement": agreement,
                "responsibilities": json.loads(agreement["responsibilities_json"] or "{}"),
                "escalation": json.loads(agreement["escalation_json"] or "[]"),
                "review": review,
                "review_last_day": review.review_end - dt.timedelta(days=1),
                "period_label": _period_label(keys),
                "versions": versions.get(key, []),
                "generated_at": generated_at,
                "objectives": objectives,
                "period_keys": keys,
                "history": history,
                "drivers": _drivers(objectives, outages.get(key, []), tickets.get(key, [])),
                "maintenance": maintenance.get(key, []),
                "adjustments": adjustments.get(key, []),
                "credits": {
                    "objectives": credit_rows.get(key, []),
                    "totals": credit_totals.get(key, []),
                },
                "chronic": chronic.get(key, []),
                "coverage_notes": coverage.get(key, []),
                "quarantine": _quarantine(reasons.get(key, []), examples.get(key, [])),
                "recommendations": [
                    rec
                    for objective in objectives
                    for rec in recommend(
                        objective["objective_id"],
                        objective["objective_name"],
                        history.get(objective["objective_id"], []),
                    )
                ],
                "action_items": action_items.get(review.agreement_id, []),
                "next_term": next_term.get(key, []),
                "empty_action_rows": EMPTY_ACTION_ROWS,
            }
        )
    return contexts


def _period_label(keys: list[str]) -> str:
    if not keys:
        return ""
    return keys[0] if len(keys) == 1 else f"{keys[0]} – {keys[-1]}"


def _scorecard(scores: list[Row], keys: list[str]) -> list[Row]:
    """One row per objective with a cell per period of the review window.

    ``scores`` come in objective and period order; a cell is the score row itself."""
    by_objective: dict[str, Row] = {}
    for row in scores:
        entry = by_objective.setdefault(
            row["objective_id"],
            {
                "objective_id": row["objective_id"],
                "objective_name": row["objective_name"],
                "kind": row["kind"],
                "unit": row["unit"],
                "is_higher_better": row["is_higher_better"],
                "order": row["objective_order"],
                "cells": {},
                "breached_periods": [],
            },
        )
        # the latest period's terms describe the objective (a new version may change them)
        entry.update(
            target=row["target"], objective_name=row["objective_name"],
            service_id=row["service_id"], priority=row["priority"],
            within_seconds=row["within_seconds"], clock=row["clock"],
        )  # fmt: skip
        entry["cells"][row["period_key"]] = row
        if row["status"] == "breached":
            entry["breached_periods"].append(row["period_key"])
    ordered = sorted(by_objective.values(), key=lambda e: (e["order"], e["objective_id"]))
    for entry in ordered:
        entry["cells_in_order"] = [entry["cells"].get(key) for key in keys]
        entry["latest"] = next((c for c in reversed(entry["cells_in_order"]) if c), None)
    return ordered


def chart_points(history: list[HistoryPoint], warnings: dict[str, bool]) -> list[Row]:
    return [
        {
            "period_key": p.period_key,
            "actual": p.actual,
            "target": p.target,
            "status": "warning" if p.status == "met" and warnings.get(p.period_key) else p.status,
        }
        for p in history
    ]


def _history(rows: list[Row]) -> dict[str, list[HistoryPoint]]:
    """The trend of each objective (rpt_review_trends: the last periods up to the review's end),
    oldest first."""
    history: dict[str, list[HistoryPoint]] = {}
    for row in rows:
        history.setdefault(row["objective_id"], []).append(
            HistoryPoint(
                row["period_key"], row["status"], row["target"], row["actual"], row["unit"]
            )
        )
    return history


def _drivers(objectives: list[Row], outages: list[Row], tickets: list[Row]) -> list[Row]:
    """What drove each breached objective (rpt_review_*_drivers): its longest outages or its
    most overdue tickets."""
    outages_of: dict[str, list[Row]] = defaultdict(list)
    for row in outages:
        # the objective an outage drove is not an outage column: the templates get the outage
        outages_of[row.pop("objective_id")].append(row)
    tickets_of: dict[str, list[Row]] = defaultdict(list)
    for row in tickets:
        tickets_of[row["objective_id"]].append(row)
    return [
        {
            "objective": objective,
            "outages": outages_of.get(objective["objective_id"], []),
            "tickets": tickets_of.get(objective["objective_id"], []),
        }
        for objective in objectives
        if objective["breached_periods"]
    ]


def _quarantine(reasons: list[Row], examples: list[Row]) -> Row:
    """The data-quality section: counts by source and reason, the first examples, the total."""
    return {
        "counts": [
            {key: row[key] for key in ("source", "reason_code", "reason", "row_count")}
            for row in reasons
        ],
        "examples": examples,
        "total": reasons[0]["review_row_count"] if reasons else 0,
    }
