"""Terminal text for `sla status` and `sla explain`: plain aligned columns, so that the output
reads the same in a terminal, a log and a test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from orchestration.lib.cli_reports.status import Status


def _number(value: Any) -> str:
    """A mart decimal without its padding zeros (99.9000 -> 99.9); money keeps its cents."""
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def _money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _instant(value: dt.datetime | None) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


def _yes(value: bool | None) -> str:
    return "yes" if value else "no"


def table(headers: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    """Columns as wide as their longest cell; text left-aligned, numbers right-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        parts = [
            cell.rjust(width) if _is_number(cell) else cell.ljust(width)
            for cell, width in zip(cells, widths, strict=True)
        ]
        return (indent + "  ".join(parts)).rstrip()

    return [line(headers), *(line(row) for row in rows)]


def _is_number(cell: str) -> bool:
    return cell.replace(".", "", 1).replace("-", "", 1).isdigit()


# ---------------------------------------------------------------------------------- status


def status_lines(status: Status) -> list[str]:
    lines: list[str] = []
    run = status.last_run
    if run is None:
        lines.append(f"last run: none recorded beside {status.warehouse}")
    else:
        outcome = "published" if run["success"] else "did not complete"
        lines.append(
            f"last run {run['run_id']}: {run['first_period']}..{run['last_period']}, "
            f"{run['started_at']} to {run['ended_at']} UTC, {outcome}; {run['checks']} checks, "
            f"{len(run['checks_failed'])} failed, {len(run['checks_warned'])} warned"
        )
        lines.extend(f"  failed: {name}" for name in run["checks_failed"])
        lines.extend(f"  warned: {name}" for name in run["checks_warned"])
    if not status.rows:
        lines.append(f"no publications in {status.reports}")
    else:
        headers = ["agreement", "period", "latest", "published at", "versions", "quarantined",
                   "failed", "warned", "adjustments"]  # fmt: skip
        rows = [
            [
                row.agreement_id,
                row.period,
                f"v{row.latest_version}",
                row.published_at or "-",
                str(row.versions),
                ", ".join(f"{source} {count}" for source, count in row.quarantined.items()),
                str(len(row.checks_failed)) if row.in_last_run else "-",
                str(len(row.checks_warned)) if row.in_last_run else "-",
                str(row.adjustments_applied),
            ]
            for row in status.rows
        ]
        lines.extend(table(headers, rows, indent=""))
    if status.unpublished_agreements:
        lines.append(f"never published: {', '.join(status.unpublished_agreements)}")
    return lines


# --------------------------------------------------------------------------------- explain


def explanation_lines(explanation: dict[str, Any]) -> list[str]:
    terms = explanation["terms"]
    lines = [
        f"{explanation['agreement_id']} {explanation['period']} {explanation['objective_id']}"
        f" ({terms['kind']})",
        *_terms_lines(terms, explanation["credit_tiers"]),
    ]
    figure = explanation["figure"]
    if figure is not None:
        unit = f" {figure['unit']}" if figure["unit"] != "%" else " %"
        lines.append(
            f"result: actual {_number(figure['actual'])}{unit}, target {_number(figure['target'])}"
            f"{unit}: {figure['status']} ({figure['rating']}), sample {figure['sample_size']}"
            + (f", coverage {_number(figure['coverage_pct'])} %" if figure["coverage_pct"] else "")
        )
    if "tickets_counted" in explanation:
        lines.extend(_ticket_lines(explanation))
    if "minutes" in explanation:
        lines.extend(_availability_lines(explanation))
    lines.extend(_credit_lines(explanation))
    lines.extend(_adjustment_lines(explanation["adjustments"]))
    return lines


def _adjustment_lines(adjustments: list[dict[str, Any]]) -> list[str]:
    """One line per entry with its status and why (decided in dbt: int_adjustments_assessed)."""
    if not adjustments:
        return ["adjustments: none"]
    counts = {s: sum(a["status"] == s for a in adjustments) for s in ("applied", "refused",
                                                                    "disputed")}  # fmt: skip
    lines = [f"adjustments: {counts['applied']} applied, {counts['refused']} refused,"
             f" {counts['disputed']} disputed"]  # fmt: skip
    for a in adjustments:
        if a["scope"] == "tickets":
            scope = f"ticket {a['ticket_id']}"
        else:
            scope = f"window {_instant(a['window_start_at'])}..{_instant(a['window_end_at'])} UTC"
        lines.append(
            f"  {a['adjustment_id']} ({a['category']}, {a['objective_id']}): {scope}:"
            f" {a['status']}: {a['status_reason']}; reason: {a['reason']}"
            f" (approved by {a['approved_by']}, {a['approved_at']})"
        )
    return lines


def _terms_lines(terms: dict[str, Any], tiers: list[dict[str, Any]]) -> list[str]:
    until = f"until {terms['effective_to']}" if terms["effective_to"] else "open-ended"
    lines = [
        f"agreement version {terms['version']} in force: from {terms['effective_from']}, {until}",
        f"  fee {_money(terms['fee_amount'])} {terms['currency']} for the period"
        f" (monthly {_money(terms['monthly_fee'])}), credit cap"
        f" {_number(terms['credit_cap_pct'])} %, minimum credit"
        f" {_money(terms['min_credit_amount'])}",
    ]
    target = f"target {_number(terms['target'])} {terms['unit']}"
    if terms["kind"] in ("first_response", "resolution"):
        clock = terms["clock"] + (f" ({terms['calendar_id']})" if terms["calendar_id"] else "")
        lines.append(
            f"  objective: {target} of {terms['priority']} tickets within"
            f" {terms['within_seconds']} s on the {clock} clock"
        )
    elif terms["kind"] == "availability":
        lines.append(
            f"  objective: {target} of service {terms['service_id']}; outages count from"
            f" {terms['min_downtime_minutes'] or 1} min; maintenance excluded with"
            f" {terms['maintenance_notice_seconds']} s notice"
        )
    else:
        lines.append(f"  objective: {target}")
    if tiers:
        lines.append(
            "  credit tiers: "
            + "; ".join(
                f"{tier['tier_rank']}: {tier['comparator']} {_number(tier['threshold'])}"
                f" -> {_number(tier['credit_pct'])} %"
                for tier in tiers
            )
        )
    else:
        lines.append("  credit tiers: none")
    return lines


def _listed(
    title: str,
    rows: list[dict[str, Any]],
    headers: list[str],
    cells: Callable[[dict[str, Any]], list[str]],
) -> list[str]:
    """``<title>: <count>`` and, when there are rows, a table of them (``cells`` per row)."""
    lines = [f"{title}: {len(rows)}"]
    if rows:
        lines.extend(table(headers, [cells(row) for row in rows]))
    return lines


TICKET_HEADERS = ["ticket", "start (UTC)", "stop (UTC)", "paused s", "clock s", "threshold s",
                  "verdict"]  # fmt: skip
LEFT_OUT_HEADERS = ["ticket", "start (UTC)", "why"]
OUTAGE_HEADERS = ["started (UTC)", "ended (UTC)", "minutes", "in maintenance", "in agreed time",
                  "counted"]  # fmt: skip
WINDOW_HEADERS = ["starts (UTC)", "ends (UTC)", "announced (UTC)", "notice s", "required s",
                  "exclusion"]  # fmt: skip
# an outage's minutes: in all, in maintenance, in agreed time, counted (docs/explain.md)
OUTAGE_MINUTES = ("outage_minutes", "maintenance_minutes", "agreed_down_minutes",
                  "counted_down_minutes")  # fmt: skip


def _ticket_cells(ticket: dict[str, Any]) -> list[str]:
    seconds = ("paused_seconds", "elapsed_seconds", "allowed_seconds")
    return [
        ticket["ticket_id"],
        _instant(ticket["created_at"]),
        _instant(ticket["stopped_at"]),
        *(_number(ticket[name]) for name in seconds),
        "within" if ticket["verdict"] == "met" else "breached",
    ]


def _left_out_cells(ticket: dict[str, Any]) -> list[str]:
    return [ticket["ticket_id"] or "-", _instant(ticket["created_at"]), ticket["left_out_reason"]]


def _outage_cells(outage: dict[str, Any]) -> list[str]:
    started, ended = _instant(outage["started_at"]), _instant(outage["ended_at"])
    return [started, ended, *(str(outage[minutes]) for minutes in OUTAGE_MINUTES)]


def _window_cells(window: dict[str, Any]) -> list[str]:
    instants = (_instant(window[name]) for name in ("starts_at", "ends_at", "announced_at"))
    exclusion = "applied" if window["is_excluded"] else "refused: notice too short"
    notice, required = window["notice_seconds"], window["required_notice_seconds"]
    return [*instants, str(notice), str(required), exclusion]


def _ticket_lines(explanation: dict[str, Any]) -> list[str]:
    counted = explanation["tickets_counted"]
    left_out = explanation["tickets_left_out"]
    return [
        *_listed("tickets counted", counted, TICKET_HEADERS, _ticket_cells),
        *_listed("tickets left out", left_out, LEFT_OUT_HEADERS, _left_out_cells),
    ]


def _availability_lines(explanation: dict[str, Any]) -> list[str]:
    minutes = explanation["minutes"]
    if minutes is None:
        return ["minutes: no measurement for the period"]
    return [
        f"minutes: period {minutes['period_minutes']} - maintenance excluded"
        f" {minutes['excluded_minutes']} = agreed {minutes['agreed_minutes']}; with probe data"
        f" {minutes['data_minutes']}, unknown {minutes['unknown_minutes']}",
        f"down minutes counted: {minutes['down_minutes']} (in runs shorter than"
        f" {minutes['min_downtime_minutes']} min, not counted: {minutes['short_down_minutes']})",
        *_listed("outages", explanation["outages"], OUTAGE_HEADERS, _outage_cells),
        *_listed("maintenance windows", explanation["maintenance"], WINDOW_HEADERS, _window_cells),
    ]


def _credit_lines(explanation: dict[str, Any]) -> list[str]:
    credit = explanation["credit"]
    total = explanation["agreement_credit"]
    if credit is None:
        return ["credit: none computed"]
    currency = credit["currency"]
    if credit["tier_rank"] is None:
        tier = "tier matched: none"
    else:
        tier = (
            f"tier matched: {credit['tier_rank']} ({credit['tier_comparator']}"
            f" {_number(credit['tier_threshold'])} -> {_number(credit['credit_pct'])} % of"
            f" {_money(credit['fee_amount'])})"
        )
    lines = [
        tier,
        f"credit: {_money(credit['credit_amount_uncapped'])} {currency} before the cap,"
        f" {_money(credit['credit_amount_capped'])} after the cap"
        f" (capped: {_yes(credit['is_capped'])}), {_money(credit['credit_amount'])} paid after"
        f" the minimum (below minimum: {_yes(credit['is_below_minimum'])})",
    ]
    if total is not None:
        lines.append(
            f"agreement period: {_money(total['credit_amount_uncapped'])} before the cap of"
            f" {_money(total['cap_amount'])}, {_money(total['credit_amount_capped'])} after it,"
            f" {_money(total['credit_amount'])} {currency} paid (minimum"
            f" {_money(total['min_credit_amount'])})"
        )
    return lines
