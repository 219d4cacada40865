"""The review pack: a Jinja2 template (autoescaped) rendered to HTML, then to PDF by WeasyPrint."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from orchestration.defs.publish.charts import svg_data_uri, trend_chart_svg
from orchestration.defs.publish.review_data import chart_points
from orchestration.lib.money import format_amount
from orchestration.lib.settings import TEMPLATES_DIR

TEMPLATE = "review_pack.html.j2"
STYLESHEET = "review_pack.css"


@cache
def environment() -> jinja2.Environment:
    # autoescape everywhere: customer names, contacts and review items come from users' files
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        measure=format_measure,
        money=lambda value: format_amount(value, grouping=True),
        duration=format_duration,
        utc=format_utc,
        pct=format_pct,
    )
    return env


def format_measure(value: Decimal | None, unit: str) -> str:
    """An objective's value as a reader expects it: ``99.95 %``, ``4.31``, ``812 ms``."""
    if value is None:
        return "–"
    if unit == "%":
        return f"{_trim(value, 3)} %"
    if unit == "ms":
        return f"{_trim(value, 0)} ms"
    return _trim(value, 2)


def format_pct(value: Decimal | None) -> str:
    return "–" if value is None else f"{_trim(value, 2)} %"


def _trim(value: Decimal, places: int) -> str:
    text = format(Decimal(value).quantize(Decimal(1).scaleb(-places)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_duration(seconds: int | None) -> str:
    """``3900`` -> ``1h 05m``, ``172800`` -> ``2d``; under a minute shows seconds."""
    if seconds is None:
        return "–"
    seconds = int(seconds)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{sign}{seconds}s"
    hours, minutes = divmod(seconds // 60, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d"] if days else []
    if hours or (minutes and days):
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes:02d}m" if parts else f"{minutes}m")
    return sign + " ".join(parts)


def format_utc(value: dt.datetime | None) -> str:
    return "–" if value is None else value.strftime("%Y-%m-%d %H:%M")


def charts_for(context: dict[str, Any]) -> dict[str, str]:
    """One trend chart per objective as an embeddable data URI."""
    charts = {}
    for objective in context["objectives"]:
        history = context["history"].get(objective["objective_id"], [])
        if not history:
            continue
        warnings = {
            key: bool(cell and cell["is_warning"]) for key, cell in objective["cells"].items()
        }
        svg = trend_chart_svg(
            chart_points(history, warnings), objective["unit"], objective["objective_name"]
        )
        charts[objective["objective_id"]] = svg_data_uri(svg)
    return charts


def render_html(context: dict[str, Any]) -> str:
    stylesheet = (TEMPLATES_DIR / STYLESHEET).read_text(encoding="utf-8")
    return (
        environment()
        .get_template(TEMPLATE)
        .render(**context, charts=charts_for(context), stylesheet=stylesheet)
    )


def render_pdf(html: str, target: Path) -> None:
    """HTML -> PDF with WeasyPrint (charts are embedded images, so no network is needed)."""
    import weasyprint

    weasyprint.HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf(str(target))
