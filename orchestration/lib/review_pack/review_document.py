"""The review pack's content as plain strings, for the Typst PDF template.

Built from the same context as the Jinja2 HTML and formatted by the same functions
(``formatting.py``), so the PDF and the HTML show identical figures. Everything here is data
for ``templates/review_pack.typ`` (passed as JSON through ``sys.inputs``): Typst shows strings
as text, never as markup, so no escaping is needed.
"""

from __future__ import annotations

from typing import Any

from orchestration.lib.publish.formatting import (
    MISSING,
    STATUS_WORDS,
    format_duration,
    format_measure,
    format_money,
    format_pct,
    format_target,
    format_utc,
)
from orchestration.lib.review_pack.charts import STATUS_COLOURS


def review_document(context: dict[str, Any], charts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``charts``: objective_id -> geometry of its trend chart (``charts.trend_chart``)."""
    agreement = context["agreement"]
    currency = agreement["currency"]
    customer, provider = agreement["customer"], agreement["provider"]
    generated_at = context["generated_at"]
    objectives = context["objectives"]
    credits = context["credits"]
    history = context["history"]
    return {
        "title": f"SLA review – {customer} – {context['period_label']}",
        "running": f"SLA review · {customer} · {context['period_label']}",
        "kicker": f"Service level review · {agreement['review_cadence']} review",
        "customer": customer,
        "provider": provider,
        "agreement_id": agreement["agreement_id"],
        "period_label": context["period_label"],
        "circulated_on": generated_at.strftime("%Y-%m-%d"),
        "data_as_of": generated_at.strftime("%Y-%m-%d %H:%M"),
        "review_window": f"{context['review'].review_start} to {context['review_last_day']}",
        "periods": f"{', '.join(context['period_keys'])} ({agreement['period']})",
        "versions": [_version(v, currency) for v in context["versions"]],
        "definitions": f"sha256 {agreement['definitions_sha256']}",
        "period_keys": list(context["period_keys"]),
        "scorecard": [_scorecard_row(o) for o in objectives],
        "total_credit": f"{format_money(sum(t['credit_amount'] for t in credits['totals']))} "
        f"{currency}",
        "cap_bound": any(t["is_capped"] for t in credits["totals"]),
        "responsibilities": {
            side: list(context["responsibilities"].get(side, []))
            for side in ("provider", "customer")
        },
        "escalation": [
            [str(e["level"]), e["role"], e["contact"], e.get("within") or MISSING]
            for e in context["escalation"]
        ],
        "trend_periods": str(max((len(h) for h in history.values()), default=0)),
        "charts": [_chart(o, charts.get(o["objective_id"])) for o in objectives],
        "status_colours": STATUS_COLOURS,
        "drivers": [_driver(d) for d in context["drivers"]],
        "maintenance": [_maintenance(m) for m in context["maintenance"]],
        "currency": currency,
        "credit_objectives": [
            [
                c["period_key"],
                c["objective_name"] or c["objective_id"],
                format_measure(c["actual"], c["unit"]),
                f"tier {c['tier_rank']}: {c['tier_comparator']} "
                f"{format_measure(c['tier_threshold'], c['unit'])}"
                if c["tier_rank"]
                else "no tier applies",
                format_pct(c["credit_pct"]),
                format_money(c["credit_amount_uncapped"]),
            ]
            for c in credits["objectives"]
        ],
        "credit_totals": [_credit_total(t) for t in credits["totals"]],
        "chronic": [
            {
                "cells": [
                    c["objective_name"] or c["objective_id"],
                    str(c["breaches_in_window"]),
                    _text(c["breaches_required"]),
                    _text(c["window_periods"]),
                ],
                "termination": bool(c["has_termination_right"]),
            }
            for c in context["chronic"]
        ],
        "coverage": [
            {
                "cells": [
                    c["period_key"],
                    c["objective_name"],
                    _text(c["sample_size"]),
                    format_pct(c["coverage_pct"]),
                ],
                "rating": c["rating"],
                "word": STATUS_WORDS[c["rating"]],
            }
            for c in context["coverage_notes"]
        ],
        "quarantine": {
            "total": context["quarantine"]["total"],
            "counts": [
                [q["source"], q["reason"], q["reason_code"], str(q["row_count"])]
                for q in context["quarantine"]["counts"]
            ],
            "examples": [
                [e["source_file"], str(e["source_row"]), e["reason"]]
                for e in context["quarantine"]["examples"]
            ],
        },
        "recommendations": [{"kind": r.kind, "text": r.text} for r in context["recommendations"]],
        "actions": [
            {
                "description": a["description"],
                "raised": f"raised {a['raised_on']}" if a["raised_on"] else "",
                "owner": a["owner"] or MISSING,
                "target_date": str(a["target_date"]) if a["target_date"] else MISSING,
                "status": f"{a['status'].replace('_', ' ')} (carried forward)",
            }
            for a in context["action_items"]
        ],
        "empty_action_rows": context["empty_action_rows"],
    }


def _text(value: object) -> str:
    return MISSING if value is None else str(value)


def _version(v: dict[str, Any], currency: str) -> str:
    until = f" to {v['effective_to']}" if v["effective_to"] else ""
    return (
        f"v{v['version']}: in force from {v['effective_from']}{until}, "
        f"fee {format_money(v['monthly_fee'])} {currency}/month, "
        f"credit cap {format_pct(v['credit_cap_pct'])}"
    )


def _detail(objective: dict[str, Any]) -> str:
    parts = [objective["kind"].replace("_", " ")]
    parts += [value for value in (objective["priority"], objective["service_id"]) if value]
    return " · ".join(parts)


def _scorecard_row(objective: dict[str, Any]) -> dict[str, Any]:
    unit = objective["unit"]
    return {
        "name": objective["objective_name"],
        "detail": _detail(objective),
        "target": format_target(objective["target"], unit, objective["is_higher_better"]),
        "cells": [
            {
                "text": format_measure(cell["actual"], unit),
                "word": STATUS_WORDS[cell["rating"]],
                "rating": cell["rating"],
            }
            if cell
            else None
            for cell in objective["cells_in_order"]
        ],
    }


def _chart(objective: dict[str, Any], chart: dict[str, Any] | None) -> dict[str, Any]:
    unit = objective["unit"]
    caption = f"target {format_target(objective['target'], unit, objective['is_higher_better'])}"
    latest = objective["latest"]
    if latest:
        caption += (
            f" · latest {format_measure(latest['actual'], unit)} ({STATUS_WORDS[latest['rating']]})"
        )
    return {"name": objective["objective_name"], "chart": chart, "caption": caption}


def _driver(driver: dict[str, Any]) -> dict[str, Any]:
    objective = driver["objective"]
    note = "No single event stands out"
    if objective["kind"] == "csat":
        note += ": the mean satisfaction score fell below target"
    return {
        "name": objective["objective_name"],
        "breached": f"breached {', '.join(objective['breached_periods'])}",
        "outages": [
            [
                format_utc(o["started_at"]),
                format_utc(o["ended_at"]),
                str(o["down_minutes"]),
                "yes" if o["is_counted"] else "no, shorter than the minimum",
            ]
            for o in driver["outages"]
        ],
        "tickets": [
            [
                t["ticket_id"],
                t["priority"],
                format_utc(t["created_at"]),
                format_duration(t["elapsed_seconds"]),
                format_duration(t["allowed_seconds"]),
                format_duration(t["overrun_seconds"]),
                format_duration(t["paused_seconds"]),
                t["clock"],
            ]
            for t in driver["tickets"]
        ],
        "note": note + ".",
    }


def _maintenance(window: dict[str, Any]) -> dict[str, Any]:
    return {
        "cells": [
            window["service_id"],
            format_utc(window["starts_at"]),
            format_utc(window["ends_at"]),
            format_utc(window["announced_at"]),
            format_duration(window["notice_seconds"]),
            format_duration(window["required_notice_seconds"]),
        ],
        "excluded": bool(window["is_excluded"]),
    }


def _credit_total(total: dict[str, Any]) -> dict[str, Any]:
    note = ""
    if total["is_capped"]:
        note = "the cap bound"
    elif total["is_below_minimum"]:
        note = "below the minimum credit: not paid"
    return {
        "cells": [
            total["period_key"],
            format_money(total["fee_amount"]),
            format_money(total["credit_amount_uncapped"]),
            f"{format_money(total['cap_amount'])} ({format_pct(total['cap_pct'])})",
        ],
        "payable": format_money(total["credit_amount"]),
        "note": note,
    }
