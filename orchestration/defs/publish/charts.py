"""Trend charts for the review pack: actual against the target line, static SVG for HTML and PDF."""

from __future__ import annotations

import base64
from decimal import Decimal

import altair as alt
import vl_convert

STATUS_COLOURS = {
    "met": "#2e7d32",
    "warning": "#f9a825",
    "breached": "#c62828",
    "insufficient_data": "#9e9e9e",
}


def trend_chart_svg(points: list[dict[str, object]], unit: str, title: str) -> str:
    """A small line chart: actual per period (dots coloured by status) and the target as a step.

    ``points``: ``period_key``, ``actual`` (None when insufficient data), ``target``, ``status``
    (``met``/``warning``/``breached``/``insufficient_data``), oldest first.
    """
    rows = [
        {
            "period": p["period_key"],
            "actual": _number(p["actual"]),
            "target": _number(p["target"]),
            "status": p["status"],
        }
        for p in points
    ]
    order = [row["period"] for row in rows]
    values = [v for row in rows for v in (row["actual"], row["target"]) if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (high - low) * 0.15 or abs(high) * 0.01 or 1.0
    x = alt.X("period:O", sort=order, title=None, axis=alt.Axis(labelAngle=-45))
    y_scale = alt.Scale(domain=[low - pad, high + pad], zero=False, nice=False)
    base = alt.Chart(alt.Data(values=rows))
    target = base.mark_line(interpolate="step-after", strokeDash=[5, 3], color="#37474f").encode(
        x=x, y=alt.Y("target:Q", scale=y_scale, title=unit)
    )
    # the line joins the periods that have an actual; a gap (insufficient data) keeps its dot
    actual = (
        base.transform_filter("isValid(datum.actual)")
        .mark_line(color="#1565c0", strokeWidth=2.5)
        .encode(x=x, y=alt.Y("actual:Q", scale=y_scale, title=unit))
    )
    dots = base.mark_point(filled=True, size=45, opacity=1).encode(
        x=x,
        y=alt.Y("actual:Q", scale=y_scale),
        color=alt.Color(
            "status:N",
            scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
            legend=None,
        ),
    )
    chart = (
        alt.layer(target, actual, dots)
        .properties(width=270, height=120, title=alt.TitleParams(title, fontSize=11))
        .configure_view(strokeWidth=0)
        .configure_axis(labelFontSize=9, titleFontSize=9)
    )
    return vl_convert.vegalite_to_svg(chart.to_dict())


def svg_data_uri(svg: str) -> str:
    """Embed as ``<img src=...>``: WeasyPrint and browsers both render SVG images."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _number(value: object) -> float | None:
    # a chart axis is binary floating point anyway; the tables beside it show exact decimals
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal | int | float) else None
