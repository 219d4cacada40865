"""Everything one review pack shows, read from the marts for one agreement and review window.

The queries are per agreement and return a few dozen rows each: small enough for plain dicts.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb

from orchestration.defs.publish.plan import Review
from orchestration.defs.publish.recommendations import HistoryPoint, recommend
from orchestration.lib.periods import add_months

TREND_PERIODS = 12
TOP_DRIVERS = 5
EMPTY_ACTION_ROWS = 4
# measures as exact decimals whatever type the marts computed them in
MEASURES = (
    "target::decimal(18, 4) as target, actual::decimal(18, 4) as actual, "
    "margin::decimal(18, 4) as margin, coverage_pct::decimal(9, 4) as coverage_pct"
)
QUARANTINE_EXAMPLES = 8


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict]:
    cursor = connection.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _table_exists(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]  # type: ignore[index]
    )


def rating(status: str, is_warning: bool | None) -> str:
    """The review colour: green met, amber met inside the warning margin, red, grey."""
    if status == "insufficient_data":
        return "grey"
    if status == "breached":
        return "red"
    return "amber" if is_warning else "green"


def review_context(
    connection: duckdb.DuckDBPyConnection, review: Review, *, generated_at: dt.datetime
) -> dict[str, Any]:
    """The template's context for one review pack (values raw; the template formats them)."""
    agreement = _rows(
        connection, "select * from definitions.agreements where agreement_id = ?",
        [review.agreement_id],
    )[0]  # fmt: skip
    keys = list(review.period_keys)
    scores = _rows(
        connection,
        f"""
        select * replace ({MEASURES}) from marts.objective_periods
        where agreement_id = ? and list_contains(?, period_key)
        order by objective_order, objective_id, period_key
        """,
        [review.agreement_id, keys],
    )
    objectives = _scorecard(scores, keys)
    history = _history(connection, review, agreement["period_months"])
    breached_ids = [o["objective_id"] for o in objectives if o["breached_periods"]]
    return {
        "agreement": agreement,
        "responsibilities": json.loads(agreement["responsibilities_json"] or "{}"),
        "escalation": json.loads(agreement["escalation_json"] or "[]"),
        "review": review,
        "review_last_day": review.review_end - dt.timedelta(days=1),
        "period_label": _period_label(keys),
        "versions": _versions(connection, review, scores),
        "generated_at": generated_at,
        "objectives": objectives,
        "period_keys": keys,
        "history": history,
        "drivers": [
            _drivers(connection, review, objective)
            for objective in objectives
            if objective["objective_id"] in breached_ids
        ],
        "maintenance": _maintenance(connection, review),
        "credits": _credits(connection, review),
        "chronic": _rows(
            connection,
            """
            select cb.*, op.objective_name
            from marts.chronic_breaches as cb
            left join marts.objective_periods as op
                on cb.agreement_id = op.agreement_id and cb.period_key = op.period_key
                and cb.objective_id = op.objective_id
            where cb.agreement_id = ? and cb.period_key = ?
            order by op.objective_order, cb.objective_id
            """,
            [review.agreement_id, keys[-1] if keys else review.folder],
        ),
        "coverage_notes": [
            {**row, "rating": rating(row["status"], row["is_warning"])}
            for row in scores
            if row["status"] == "insufficient_data"
            or (row["coverage_pct"] is not None and row["coverage_pct"] < 100)
        ],
        "quarantine": _quarantine(connection, review, scores),
        "recommendations": [
            rec
            for objective in objectives
            for rec in recommend(
                objective["objective_id"],
                objective["objective_name"],
                history.get(objective["objective_id"], []),
            )
        ],
        "action_items": _rows(
            connection,
            """
            select * from definitions.review_items
            where agreement_id = ? and status in ('open', 'in_progress')
            order by item_index
            """,
            [review.agreement_id],
        ),
        "empty_action_rows": EMPTY_ACTION_ROWS,
    }


def _period_label(keys: list[str]) -> str:
    if not keys:
        return ""
    return keys[0] if len(keys) == 1 else f"{keys[0]} – {keys[-1]}"


def _scorecard(scores: list[dict], keys: list[str]) -> list[dict]:
    """One row per objective with a cell per period of the review window."""
    by_objective: dict[str, dict] = {}
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
        )  # fmt: skip
        entry["cells"][row["period_key"]] = {
            **row,
            "rating": rating(row["status"], row["is_warning"]),
        }
        if row["status"] == "breached":
            entry["breached_periods"].append(row["period_key"])
    ordered = sorted(by_objective.values(), key=lambda e: (e["order"], e["objective_id"]))
    for entry in ordered:
        entry["cells_in_order"] = [entry["cells"].get(key) for key in keys]
        entry["latest"] = next((c for c in reversed(entry["cells_in_order"]) if c), None)
    return ordered


def _history(
    connection: duckdb.DuckDBPyConnection, review: Review, period_months: int
) -> dict[str, list[HistoryPoint]]:
    """The last TREND_PERIODS periods per objective, oldest first, ending with the review."""
    start = add_months(review.review_end, -TREND_PERIODS * period_months)
    rows = _rows(
        connection,
        """
        select
            objective_id, period_key, status, is_warning, target::decimal(18, 4) as target,
            actual::decimal(18, 4) as actual, unit
        from marts.objective_periods
        where agreement_id = ? and period_start >= ? and period_end <= ?
        order by objective_id, period_key
        """,
        [review.agreement_id, start, review.review_end],
    )
    history: dict[str, list[HistoryPoint]] = {}
    for row in rows:
        history.setdefault(row["objective_id"], []).append(
            HistoryPoint(
                row["period_key"], row["status"], row["target"], row["actual"], row["unit"]
            )
        )
    return history


def chart_points(history: list[HistoryPoint], warnings: dict[str, bool]) -> list[dict]:
    return [
        {
            "period_key": p.period_key,
            "actual": p.actual,
            "target": p.target,
            "status": "warning" if p.status == "met" and warnings.get(p.period_key) else p.status,
        }
        for p in history
    ]


def _versions(connection: duckdb.DuckDBPyConnection, review: Review, scores: list[dict]) -> list:
    versions = sorted({row["version"] for row in scores})
    return _rows(
        connection,
        """
        select * from definitions.agreement_versions
        where agreement_id = ? and list_contains(?, version)
        order by version
        """,
        [review.agreement_id, versions],
    )


def _drivers(connection: duckdb.DuckDBPyConnection, review: Review, objective: dict) -> dict:
    """What drove an objective's breaches: the longest outages or the most overdue tickets."""
    keys = objective["breached_periods"]
    driver: dict[str, Any] = {"objective": objective, "outages": [], "tickets": []}
    if objective["kind"] in ("availability", "latency_p95") and objective.get("service_id"):
        driver["outages"] = _rows(
            connection,
            """
            with windows as (
                select period_start, period_end from marts.objective_periods
                where agreement_id = ? and objective_id = ? and list_contains(?, period_key)
            )
            select o.* from marts.outages as o
            where o.service_id = ? and exists (
                select 1 from windows as w
                where o.started_at < w.period_end and o.ended_at > w.period_start
            )
            order by o.down_minutes desc, o.started_at
            limit ?
            """,
            [review.agreement_id, objective["objective_id"], keys, objective["service_id"],
             TOP_DRIVERS],
        )  # fmt: skip
    elif objective["kind"] in ("first_response", "resolution"):
        driver["tickets"] = _rows(
            connection,
            """
            select * from marts.ticket_clocks
            where agreement_id = ? and objective_id = ? and list_contains(?, counted_period_key)
                and is_breached
            order by overrun_seconds desc, ticket_id
            limit ?
            """,
            [review.agreement_id, objective["objective_id"], keys, TOP_DRIVERS],
        )
    return driver


def _maintenance(connection: duckdb.DuckDBPyConnection, review: Review) -> list[dict]:
    return _rows(
        connection,
        """
        select * from marts.maintenance_windows
        where agreement_id = ? and list_contains(?, period_key)
        order by starts_at, service_id
        """,
        [review.agreement_id, list(review.period_keys)],
    )


def _credits(connection: duckdb.DuckDBPyConnection, review: Review) -> dict[str, list[dict]]:
    keys = list(review.period_keys)
    return {
        "objectives": _rows(
            connection,
            """
            select c.* replace (c.actual::decimal(18, 4) as actual), op.objective_name
            from marts.objective_credits as c
            left join marts.objective_periods as op
                on c.agreement_id = op.agreement_id and c.period_key = op.period_key
                and c.objective_id = op.objective_id
            where c.agreement_id = ? and list_contains(?, c.period_key)
                and (c.status = 'breached' or c.credit_amount_uncapped > 0)
            order by c.period_key, c.objective_order, c.objective_id
            """,
            [review.agreement_id, keys],
        ),
        "totals": _rows(
            connection,
            """
            select * from marts.agreement_credits
            where agreement_id = ? and list_contains(?, period_key)
            order by period_key
            """,
            [review.agreement_id, keys],
        ),
    }


# the landing column that places a quarantined row in time, per source
_EVENT_COLUMNS = {
    "tickets": "created_at",
    "ticket_events": "changed_at",
    "probes": "checked_at",
    "maintenance": "starts_at",
}


def _quarantine(
    connection: duckdb.DuckDBPyConnection, review: Review, scores: list[dict]
) -> dict[str, Any]:
    """Quarantined rows touching this agreement inside the review window.

    Tickets by agreement_id; ticket events through their ticket; probes and maintenance by the
    agreement's services. Rows whose time cannot be read are included: they may belong here.
    """
    services = sorted({row["service_id"] for row in scores if row["service_id"]})
    selects = []
    params: list[Any] = []
    for source, time_column in _EVENT_COLUMNS.items():
        if not _table_exists(connection, "quarantine", source):
            continue
        if source == "tickets":
            touches, touch_params = "q.agreement_id = ?", [review.agreement_id]
        elif source == "ticket_events":
            touches = (
                "q.ticket_id in (select ticket_id from raw.tickets where agreement_id = ? "
                "union all select ticket_id from quarantine.tickets where agreement_id = ?)"
            )
            touch_params = [review.agreement_id, review.agreement_id]
            if not _table_exists(connection, "raw", "tickets") or not _table_exists(
                connection, "quarantine", "tickets"
            ):
                continue
        else:
            touches, touch_params = "list_contains(?, q.service_id)", [services]
        when = f"try_cast(trim(q.{time_column}) as timestamptz)"
        selects.append(
            f"""
            select '{source}' as source, q.source_file, q.source_row, q.reason_code, q.reason
            from quarantine.{source} as q
            where {touches}
                and ({when} is null or ({when} >= ? and {when} < ?))
            """
        )
        params += [*touch_params, review.review_start, review.review_end]
    if not selects:
        return {"counts": [], "examples": [], "total": 0}
    union = " union all ".join(selects)
    counts = _rows(
        connection,
        f"select source, reason_code, any_value(reason) as reason, count(*) as row_count "
        f"from ({union}) group by all order by source, reason_code",
        params,
    )
    examples = _rows(
        connection,
        f"select * from ({union}) order by source, source_file, source_row "
        f"limit {QUARANTINE_EXAMPLES}",
        params,
    )
    return {"counts": counts, "examples": examples, "total": sum(c["row_count"] for c in counts)}
