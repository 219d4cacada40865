"""Everything a review pack shows, read from the marts for the reviews of a publication.

One query per section for all the reviews of a run (each filtered by the reviews' agreements
and windows, passed as lists), then grouped by review in Python: ~15 small queries per pack
cost more than the rendering. Each review gets a few dozen rows per section: plain dicts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import duckdb

from orchestration.lib.periods import add_months
from orchestration.lib.publish.plan import Review
from orchestration.lib.review_pack.recommendations import HistoryPoint, recommend

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


def _wanted(columns: dict[str, tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """A derived table from parallel Python lists: ``(select unnest(?) as a, unnest(?) as b)``.

    DuckDB unnests the lists of one select side by side, so row i holds the i-th of each list.
    """
    select = ", ".join(f"unnest(?::{kind}[]) as {name}" for name, (kind, _) in columns.items())
    return f"(select {select})", [values for _, values in columns.values()]


def _grouped(rows: list[dict], key: str = "review_index") -> dict[Any, list[dict]]:
    """Rows by ``key`` (dropped from each row), in query order."""
    groups: dict[Any, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row.pop(key)].append(row)
    return groups


def review_context(
    connection: duckdb.DuckDBPyConnection, review: Review, *, generated_at: dt.datetime
) -> dict[str, Any]:
    """The template's context for one review pack (values raw; the templates format them)."""
    return review_contexts(connection, [review], generated_at=generated_at)[0]


def review_contexts(
    connection: duckdb.DuckDBPyConnection,
    reviews: Sequence[Review],
    *,
    generated_at: dt.datetime,
) -> list[dict[str, Any]]:
    """The template context of every review in ``reviews``, in that order."""
    if not reviews:
        return []
    indexes = list(range(len(reviews)))
    agreement_ids = sorted({review.agreement_id for review in reviews})
    agreements = {
        row["agreement_id"]: row
        for row in _rows(
            connection,
            "select * from definitions.agreements where list_contains(?, agreement_id)",
            [agreement_ids],
        )
    }
    # (review, period) pairs of every review window
    pairs = [(i, review.period_keys) for i, review in enumerate(reviews)]
    window_table, window_params = _wanted(
        {
            "review_index": ("integer", [i for i, keys in pairs for _ in keys]),
            "agreement_id": (
                "varchar",
                [reviews[i].agreement_id for i, keys in pairs for _ in keys],
            ),
            "period_key": ("varchar", [key for _, keys in pairs for key in keys]),
        }
    )
    scores = _grouped(
        _rows(
            connection,
            f"""
            select w.review_index, op.* replace ({MEASURES})
            from marts.objective_periods as op
            inner join {window_table} as w
                on op.agreement_id = w.agreement_id and op.period_key = w.period_key
            order by w.review_index, op.objective_order, op.objective_id, op.period_key
            """,
            window_params,
        )
    )
    objectives = {i: _scorecard(scores[i], list(reviews[i].period_keys)) for i in indexes}
    histories = _histories(connection, reviews, agreements)
    drivers = _drivers(connection, reviews, objectives)
    credits = _credits(connection, window_table, window_params)
    quarantine = _quarantine(connection, reviews, scores)
    versions = _grouped(
        _rows(
            connection,
            """
            select * from definitions.agreement_versions
            where list_contains(?, agreement_id) order by agreement_id, version
            """,
            [agreement_ids],
        ),
        key="agreement_id",
    )
    maintenance = _grouped(
        _rows(
            connection,
            f"""
            select w.review_index, m.*
            from marts.maintenance_windows as m
            inner join {window_table} as w
                on m.agreement_id = w.agreement_id and m.period_key = w.period_key
            order by w.review_index, m.starts_at, m.service_id
            """,
            window_params,
        )
    )
    # chronic breaches as of the review's last period
    last_table, last_params = _wanted(
        {
            "review_index": ("integer", indexes),
            "agreement_id": ("varchar", [review.agreement_id for review in reviews]),
            "period_key": (
                "varchar",
                [r.period_keys[-1] if r.period_keys else r.folder for r in reviews],
            ),
        }
    )
    chronic = _grouped(
        _rows(
            connection,
            f"""
            select w.review_index, cb.*, op.objective_name
            from marts.chronic_breaches as cb
            inner join {last_table} as w
                on cb.agreement_id = w.agreement_id and cb.period_key = w.period_key
            left join marts.objective_periods as op
                on cb.agreement_id = op.agreement_id and cb.period_key = op.period_key
                and cb.objective_id = op.objective_id
            order by w.review_index, op.objective_order, cb.objective_id
            """,
            last_params,
        )
    )
    action_items = _grouped(
        _rows(
            connection,
            """
            select * from definitions.review_items
            where list_contains(?, agreement_id) and status in ('open', 'in_progress')
            order by agreement_id, item_index
            """,
            [agreement_ids],
        ),
        key="agreement_id",
    )

    contexts = []
    for i, review in enumerate(reviews):
        agreement = agreements[review.agreement_id]
        keys = list(review.period_keys)
        review_scores = scores.get(i, [])
        history = histories.get(i, {})
        used_versions = {row["version"] for row in review_scores}
        contexts.append(
            {
                "agreement": agreement,
                "responsibilities": json.loads(agreement["responsibilities_json"] or "{}"),
                "escalation": json.loads(agreement["escalation_json"] or "[]"),
                "review": review,
                "review_last_day": review.review_end - dt.timedelta(days=1),
                "period_label": _period_label(keys),
                "versions": [
                    v
                    for v in versions.get(review.agreement_id, [])
                    if v["version"] in used_versions
                ],
                "generated_at": generated_at,
                "objectives": objectives[i],
                "period_keys": keys,
                "history": history,
                "drivers": drivers.get(i, []),
                "maintenance": maintenance.get(i, []),
                "credits": {
                    "objectives": credits["objectives"].get(i, []),
                    "totals": credits["totals"].get(i, []),
                },
                "chronic": chronic.get(i, []),
                "coverage_notes": [
                    {**row, "rating": rating(row["status"], row["is_warning"])}
                    for row in review_scores
                    if row["status"] == "insufficient_data"
                    or (row["coverage_pct"] is not None and row["coverage_pct"] < 100)
                ],
                "quarantine": quarantine[i],
                "recommendations": [
                    rec
                    for objective in objectives[i]
                    for rec in recommend(
                        objective["objective_id"],
                        objective["objective_name"],
                        history.get(objective["objective_id"], []),
                    )
                ],
                "action_items": action_items.get(review.agreement_id, []),
                "empty_action_rows": EMPTY_ACTION_ROWS,
            }
        )
    return contexts


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


def _histories(
    connection: duckdb.DuckDBPyConnection,
    reviews: Sequence[Review],
    agreements: dict[str, dict],
) -> dict[int, dict[str, list[HistoryPoint]]]:
    """Per review, the last TREND_PERIODS periods per objective, oldest first, ending with it."""
    table, params = _wanted(
        {
            "review_index": ("integer", list(range(len(reviews)))),
            "agreement_id": ("varchar", [r.agreement_id for r in reviews]),
            "history_start": (
                "date",
                [
                    add_months(
                        r.review_end,
                        -TREND_PERIODS * agreements[r.agreement_id]["period_months"],
                    )
                    for r in reviews
                ],
            ),
            "review_end": ("date", [r.review_end for r in reviews]),
        }
    )
    rows = _rows(
        connection,
        f"""
        select
            w.review_index, op.objective_id, op.period_key, op.status, op.is_warning,
            op.target::decimal(18, 4) as target, op.actual::decimal(18, 4) as actual, op.unit
        from marts.objective_periods as op
        inner join {table} as w
            on op.agreement_id = w.agreement_id
            and op.period_start >= w.history_start and op.period_end <= w.review_end
        order by w.review_index, op.objective_id, op.period_key
        """,
        params,
    )
    histories: dict[int, dict[str, list[HistoryPoint]]] = defaultdict(dict)
    for row in rows:
        histories[row["review_index"]].setdefault(row["objective_id"], []).append(
            HistoryPoint(
                row["period_key"], row["status"], row["target"], row["actual"], row["unit"]
            )
        )
    return histories


def _drivers(
    connection: duckdb.DuckDBPyConnection,
    reviews: Sequence[Review],
    objectives: dict[int, list[dict]],
) -> dict[int, list[dict]]:
    """What drove each breached objective: its longest outages or its most overdue tickets."""
    drivers: dict[int, list[dict]] = defaultdict(list)
    by_kind: dict[str, list[tuple[dict, int]]] = {"outages": [], "tickets": []}
    for i in range(len(reviews)):
        for objective in objectives[i]:
            if not objective["breached_periods"]:
                continue
            driver: dict[str, Any] = {"objective": objective, "outages": [], "tickets": []}
            drivers[i].append(driver)
            if objective["kind"] in ("availability", "latency_p95") and objective["service_id"]:
                by_kind["outages"].append((driver, i))
            elif objective["kind"] in ("first_response", "resolution"):
                by_kind["tickets"].append((driver, i))
    for kind, entries in by_kind.items():
        if not entries:
            continue
        # one row per breached period of each driver
        table, params = _wanted(
            {
                "driver_index": ("integer", [n for n, (d, _) in enumerate(entries)
                                             for _ in d["objective"]["breached_periods"]]),
                "agreement_id": ("varchar", [reviews[i].agreement_id for d, i in entries
                                             for _ in d["objective"]["breached_periods"]]),
                "objective_id": ("varchar", [d["objective"]["objective_id"] for d, _ in entries
                                             for _ in d["objective"]["breached_periods"]]),
                "service_id": ("varchar", [d["objective"]["service_id"] for d, _ in entries
                                           for _ in d["objective"]["breached_periods"]]),
                "period_key": ("varchar", [key for d, _ in entries
                                           for key in d["objective"]["breached_periods"]]),
            }
        )  # fmt: skip
        sql = _OUTAGE_DRIVERS if kind == "outages" else _TICKET_DRIVERS
        rows = _grouped(
            _rows(connection, sql.format(wanted=table), [*params, TOP_DRIVERS]),
            key="driver_index",
        )
        for n, (driver, _) in enumerate(entries):
            driver[kind] = rows.get(n, [])
    return drivers


# the longest outages of the objective's service overlapping any of its breached periods
_OUTAGE_DRIVERS = """
with wanted as (select * from {wanted}),
windows as (
    select w.driver_index, op.period_start, op.period_end
    from marts.objective_periods as op
    inner join wanted as w
        on op.agreement_id = w.agreement_id and op.objective_id = w.objective_id
        and op.period_key = w.period_key
),
services as (select distinct driver_index, service_id from wanted)
select s.driver_index, o.*
from services as s
inner join marts.outages as o on o.service_id = s.service_id
where exists (
    select 1 from windows as w
    where w.driver_index = s.driver_index
        and o.started_at < w.period_end and o.ended_at > w.period_start
)
qualify row_number() over (
    partition by s.driver_index order by o.down_minutes desc, o.started_at
) <= ?
order by s.driver_index, o.down_minutes desc, o.started_at
"""

# the breached tickets with the largest overrun counted in the objective's breached periods
_TICKET_DRIVERS = """
select w.driver_index, tc.*
from marts.ticket_clocks as tc
inner join {wanted} as w
    on tc.agreement_id = w.agreement_id and tc.objective_id = w.objective_id
    and tc.counted_period_key = w.period_key
where tc.is_breached
qualify row_number() over (
    partition by w.driver_index order by tc.overrun_seconds desc, tc.ticket_id
) <= ?
order by w.driver_index, tc.overrun_seconds desc, tc.ticket_id
"""


def _credits(
    connection: duckdb.DuckDBPyConnection, window_table: str, window_params: list[Any]
) -> dict[str, dict[int, list[dict]]]:
    return {
        "objectives": _grouped(
            _rows(
                connection,
                f"""
                select w.review_index, c.* replace (c.actual::decimal(18, 4) as actual),
                    op.objective_name
                from marts.objective_credits as c
                inner join {window_table} as w
                    on c.agreement_id = w.agreement_id and c.period_key = w.period_key
                left join marts.objective_periods as op
                    on c.agreement_id = op.agreement_id and c.period_key = op.period_key
                    and c.objective_id = op.objective_id
                where c.status = 'breached' or c.credit_amount_uncapped > 0
                order by w.review_index, c.period_key, c.objective_order, c.objective_id
                """,
                window_params,
            )
        ),
        "totals": _grouped(
            _rows(
                connection,
                f"""
                select w.review_index, t.*
                from marts.agreement_credits as t
                inner join {window_table} as w
                    on t.agreement_id = w.agreement_id and t.period_key = w.period_key
                order by w.review_index, t.period_key
                """,
                window_params,
            )
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
    connection: duckdb.DuckDBPyConnection,
    reviews: Sequence[Review],
    scores: dict[int, list[dict]],
) -> dict[int, dict[str, Any]]:
    """Quarantined rows touching each review's agreement inside its review window.

    Tickets by agreement_id; ticket events through their ticket; probes and maintenance by the
    agreement's services. Rows whose time cannot be read are included: they may belong here.
    """
    empty = {i: {"counts": [], "examples": [], "total": 0} for i in range(len(reviews))}
    review_table, review_params = _wanted(
        {
            "review_index": ("integer", list(range(len(reviews)))),
            "agreement_id": ("varchar", [r.agreement_id for r in reviews]),
            "review_start": ("date", [r.review_start for r in reviews]),
            "review_end": ("date", [r.review_end for r in reviews]),
        }
    )
    services = [
        (i, service)
        for i in range(len(reviews))
        for service in sorted({row["service_id"] for row in scores.get(i, []) if row["service_id"]})
    ]
    service_table, service_params = _wanted(
        {
            "review_index": ("integer", [i for i, _ in services]),
            "service_id": ("varchar", [service for _, service in services]),
        }
    )
    selects = []
    for source, time_column in _EVENT_COLUMNS.items():
        if not _table_exists(connection, "quarantine", source):
            continue
        if source == "tickets":
            candidates = "agreement_id in (select agreement_id from reviews)"
            touches = "inner join reviews as r on q.agreement_id = r.agreement_id"
        elif source == "ticket_events":
            if not _table_exists(connection, "raw", "tickets") or not _table_exists(
                connection, "quarantine", "tickets"
            ):
                continue
            candidates = "ticket_id in (select ticket_id from ticket_owners)"
            touches = (
                "inner join ticket_owners as t on q.ticket_id = t.ticket_id "
                "inner join reviews as r on t.agreement_id = r.agreement_id"
            )
        else:
            candidates = "service_id in (select service_id from services)"
            touches = (
                "inner join services as s on q.service_id = s.service_id "
                "inner join reviews as r on s.review_index = r.review_index"
            )
        # the time is parsed once per candidate row, before the rows fan out to reviews
        selects.append(
            f"""
            select r.review_index, '{source}' as source, q.source_file, q.source_row,
                q.reason_code, q.reason
            from (
                select *, try_cast(trim({time_column}) as timestamptz) as event_at
                from quarantine.{source} where {candidates}
            ) as q {touches}
            where q.event_at is null
                or (q.event_at >= r.review_start and q.event_at < r.review_end)
            """
        )
    if not selects:
        return empty
    owners = ""
    if any("ticket_owners" in select for select in selects):
        # the agreement of a quarantined event's ticket, whether the ticket was loaded or
        # quarantined itself; distinct so that an event counts once
        owners = """,
        ticket_owners as (
            select distinct ticket_id, agreement_id from (
                select ticket_id, agreement_id from raw.tickets
                union all select ticket_id, agreement_id from quarantine.tickets
            )
            where agreement_id in (select agreement_id from reviews)
                and ticket_id in (select ticket_id from quarantine.ticket_events)
        )"""
    # one pass: every reason's count with its first row (whose reason text is shown: the text
    # may name rows, so "the first" keeps the pack the same from run to run) and the first
    # QUARANTINE_EXAMPLES rows of each review as examples
    rows = _rows(
        connection,
        f"""
        with reviews as (select * from {review_table}),
        services as (select * from {service_table}){owners},
        touching as ({" union all ".join(selects)})
        select
            *,
            count(*) over by_reason as row_count,
            row_number() over (by_reason order by source_file, source_row) as reason_rank,
            row_number() over (
                partition by review_index order by source, source_file, source_row
            ) as review_rank
        from touching
        window by_reason as (partition by review_index, source, reason_code)
        qualify reason_rank = 1 or review_rank <= {QUARANTINE_EXAMPLES}
        order by review_index, source, source_file, source_row
        """,
        [*review_params, *service_params],
    )
    counts: dict[int, list[dict]] = defaultdict(list)
    examples: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        fields = ("source", "source_file", "source_row", "reason_code", "reason")
        if row["review_rank"] <= QUARANTINE_EXAMPLES:
            examples[row["review_index"]].append({key: row[key] for key in fields})
        if row["reason_rank"] == 1:
            counts[row["review_index"]].append(
                {key: row[key] for key in ("source", "reason_code", "reason", "row_count")}
            )
    for reasons in counts.values():
        reasons.sort(key=lambda count: (count["source"], count["reason_code"]))
    return {
        i: {
            "counts": counts.get(i, []),
            "examples": examples.get(i, []),
            "total": sum(c["row_count"] for c in counts.get(i, [])),
        }
        for i in empty
    }
