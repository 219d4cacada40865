"""`sla explain`: how one agreement x period x objective figure was computed, as plain data.

Every value is read from the marts (the published figures): the terms and tiers of the version
in force (rpt_explain_terms, rpt_explain_credit_tiers), the figure (rpt_compliance), the tickets
counted and left out (rpt_explain_tickets), the minutes, outages and maintenance windows
(rpt_explain_availability, rpt_explain_outages, maintenance_windows) and the credit
(objective_credits, agreement_credits) and the adjustments touching it (adjustments).
Nothing is recomputed here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib.cli_reports import ReportError
from orchestration.lib.warehouse import connect

TICKET_KINDS = ("first_response", "resolution")


def _rows(
    connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any]
) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _one(
    connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any]
) -> dict[str, Any] | None:
    rows = _rows(connection, sql, params)
    return rows[0] if rows else None


def _known(connection: duckdb.DuckDBPyConnection, agreement: str, period: str) -> None:
    """Raise a one-line ReportError naming what does not exist."""
    where = "from marts.rpt_explain_terms where agreement_id = ?"
    if not connection.execute(f"select 1 {where} limit 1", [agreement]).fetchall():
        raise ReportError(f"unknown agreement {agreement!r}")
    periods = connection.execute(f"select 1 {where} and period_key = ?", [agreement, period])
    if not periods.fetchall():
        raise ReportError(f"agreement {agreement!r} has no period {period!r} in the warehouse")


def collect_explanation(
    warehouse: Path, agreement: str, period: str, objective: str
) -> dict[str, Any]:
    if not warehouse.is_file():
        raise ReportError(f"{warehouse}: no warehouse file (give --warehouse)")
    params = [agreement, period, objective]
    key = "agreement_id = ? and period_key = ? and objective_id = ?"
    try:
        with connect(warehouse, read_only=True) as connection:
            _known(connection, agreement, period)
            terms = _one(connection, f"select * from marts.rpt_explain_terms where {key}", params)
            if terms is None:
                known = connection.execute(
                    "select objective_id from marts.rpt_explain_terms"
                    " where agreement_id = ? and period_key = ? order by objective_order",
                    [agreement, period],
                ).fetchall()
                names = ", ".join(row[0] for row in known)
                raise ReportError(
                    f"agreement {agreement!r} has no objective {objective!r} in {period}"
                    f" (objectives: {names})"
                )
            explanation = {
                "agreement_id": agreement,
                "period": period,
                "objective_id": objective,
                "terms": terms,
                "credit_tiers": _rows(
                    connection,
                    "select tier_rank, comparator, threshold, credit_pct"
                    f" from marts.rpt_explain_credit_tiers where {key} order by tier_rank",
                    params,
                ),
                "figure": _one(
                    connection,
                    "select target, actual, unit, status, rating, margin, sample_size,"
                    " coverage_pct from marts.rpt_compliance"
                    " where agreement_id = ? and period = ? and objective_id = ?",
                    params,
                ),
                "credit": _one(
                    connection,
                    "select tier_rank, tier_comparator, tier_threshold, credit_pct, fee_amount,"
                    " credit_amount_uncapped, credit_amount_capped, credit_amount, currency,"
                    f" is_capped, is_below_minimum from marts.objective_credits where {key}",
                    params,
                ),
                "agreement_credit": _one(
                    connection,
                    "select fee_amount, cap_pct, cap_amount, min_credit_amount,"
                    " credit_amount_uncapped, credit_amount_capped, credit_amount, currency,"
                    " is_capped, is_below_minimum from marts.agreement_credits"
                    " where agreement_id = ? and period_key = ?",
                    [agreement, period],
                ),
            }
            kind = terms["kind"]
            if kind in TICKET_KINDS:
                base = (
                    "select ticket_id, priority, clock, created_at, stopped_at, deadline_at,"
                    " evaluated_at, paused_seconds, elapsed_seconds, allowed_seconds, verdict,"
                    f" left_out_reason from marts.rpt_explain_tickets where {key}"
                )
                order = " order by created_at nulls last, ticket_id, left_out_reason"
                explanation["tickets_counted"] = _rows(
                    connection, f"{base} and is_counted{order}", params
                )
                explanation["tickets_left_out"] = _rows(
                    connection, f"{base} and not is_counted{order}", params
                )
            elif kind == "availability":
                explanation["minutes"] = _one(
                    connection,
                    "select period_minutes, excluded_minutes, agreed_minutes, data_minutes,"
                    " unknown_minutes, down_minutes, short_down_minutes, min_downtime_minutes"
                    f" from marts.rpt_explain_availability where {key}",
                    params,
                )
                explanation["outages"] = _rows(
                    connection,
                    "select started_at, ended_at, outage_minutes, is_counted,"
                    " maintenance_minutes, agreed_down_minutes, counted_down_minutes"
                    f" from marts.rpt_explain_outages where {key} order by started_at",
                    params,
                )
                explanation["maintenance"] = _rows(
                    connection,
                    "select starts_at, ends_at, announced_at, notice_seconds,"
                    " required_notice_seconds, is_excluded from marts.maintenance_windows"
                    " where agreement_id = ? and period_key = ? and service_id = ?"
                    " order by starts_at, ends_at",
                    [agreement, period, terms["service_id"]],
                )
            # the entries touching this figure (or the whole agreement); an entry refused without
            # a period (unknown ticket, outside the agreement's periods) is listed in every one
            explanation["adjustments"] = _rows(
                connection,
                "select adjustment_id, objective_id, scope, ticket_id, window_start_at,"
                " window_end_at, category, status, status_reason, reason, approved_by,"
                " approved_at, evidence from marts.adjustments"
                " where agreement_id = ? and (period_key = ? or period_key is null)"
                " and objective_id in (?, 'all') order by entry_order, ticket_id",
                params,
            )
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        raise ReportError(f"{warehouse}: cannot read the marts ({message})") from None
    return explanation


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat("T", "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def explanation_as_json(explanation: dict[str, Any]) -> dict[str, Any]:
    """Decimals as strings (exact), instants as ISO 8601 UTC without offset, like the marts."""
    plain: dict[str, Any] = _plain(explanation)
    return plain
