"""Trend charts for the review pack: actual against the target, from coordinates computed here.

One function (``trend_chart``) turns a chart's points into plain geometry: positions in points
(1/72 in) inside a ``WIDTH`` x ``HEIGHT`` box, tick labels already formatted. One template
(``templates/trend_chart.svg.j2``, via ``trend_chart_svg``) draws it as SVG, and both files embed
that same SVG: the HTML as a data URI image, the PDF as a Typst image. This replaced Altair +
vl-convert, which cost ~20 ms a chart; the geometry and the SVG take well under 1 ms
(docs/publications.md has the measurements).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from orchestration.lib.review_pack.templating import environment

CHART_TEMPLATE = "trend_chart.svg.j2"

STATUS_COLOURS = {
    "met": "#2e7d32",
    "warning": "#f9a825",
    "breached": "#c62828",
    "insufficient_data": "#9e9e9e",
}
# the actual's line and the target's dashes (the legend above the charts shows them too)
LINE_COLOURS = {"actual": "#1565c0", "target": "#37474f"}

# the chart's box in points: 86 mm wide, the width of one column of the PDF's chart grid and of
# the HTML's chart figure, so a point is a point in both
WIDTH = 244.0
HEIGHT = 150.0
TITLE_HEIGHT = 16.0  # the title's line, above the plot
LABEL_SIZE = 6.5  # tick labels, pt
# DejaVu Sans' digits are 0.636 em wide; an estimate is enough to leave room for the labels
CHAR_WIDTH = 0.64 * LABEL_SIZE
Y_TICKS = 4  # about this many labelled ticks on the y axis
PAD = Decimal("0.15")  # the y domain extends 15 % of the data's range above and below it


def trend_chart(points: list[dict[str, Any]], unit: str, title: str) -> dict[str, Any]:
    """The geometry of one trend chart, as JSON-ready plain data.

    ``points``: ``period_key``, ``actual`` (None when insufficient data), ``target``, ``status``
    (``met``/``warning``/``breached``/``insufficient_data``), oldest first. Coordinates are
    rounded to 0.01 pt, so the same points always give the same drawing (byte-identical files).
    """
    values = [v for p in points for v in (p["actual"], p["target"]) if v is not None]
    low, high = (min(values), max(values)) if values else (Decimal(0), Decimal(1))
    low, high = Decimal(low), Decimal(high)
    pad = (high - low) * PAD or abs(high) * Decimal("0.01") or Decimal(1)
    domain = (low - pad, high + pad)
    ticks = _ticks(*domain)
    # the decimals the step needs, the same for every label: 99.80 % next to 99.85 %
    step_of_ticks = ticks[1] - ticks[0] if len(ticks) > 1 else ticks[0]
    places = max(0, -int(step_of_ticks.normalize().as_tuple().exponent))
    labels = [_tick_label(t, places, unit) for t in ticks]

    keys = [str(p["period_key"]) for p in points]
    left = max((len(label) for label in labels), default=1) * CHAR_WIDTH + 8
    right = WIDTH - 4
    step = (right - left) / max(len(points), 1)
    # period keys side by side when they fit, else turned 45° (12 monthly keys do not fit)
    rotate = max((len(k) for k in keys), default=0) * CHAR_WIDTH + 4 > step
    top, bottom = TITLE_HEIGHT + 4, HEIGHT - (30 if rotate else 13)

    def y_of(value: Decimal) -> float:
        share = (Decimal(value) - domain[0]) / (domain[1] - domain[0])
        return _r(bottom - float(share) * (bottom - top))

    xs = [_r(left + (i + 0.5) * step) for i in range(len(points))]
    actual = [
        (x, y_of(p["actual"])) for x, p in zip(xs, points, strict=True) if p["actual"] is not None
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "title": title,
        "plot": {"left": _r(left), "right": _r(right), "top": top, "bottom": bottom},
        "y_ticks": [{"y": y_of(t), "label": label} for t, label in zip(ticks, labels, strict=True)],
        "x_labels": [{"x": x, "label": k} for x, k in zip(xs, keys, strict=True)],
        "rotate_labels": rotate,
        "line_colours": LINE_COLOURS,
        # the line joins the periods that have an actual; a period without one keeps its
        # (grey, hollow) dot on the axis
        "actual": [[x, y] for x, y in actual],
        "target": _target_steps(points, left, step, y_of),
        "dots": [
            {
                "x": x,
                "y": y_of(p["actual"]) if p["actual"] is not None else bottom,
                "colour": STATUS_COLOURS[p["status"]],
                "hollow": p["actual"] is None,
            }
            for x, p in zip(xs, points, strict=True)
        ],
    }


def _target_steps(
    points: list[dict[str, Any]], left: float, step: float, y_of: Any
) -> list[list[list[float]]]:
    """The target as a step line: each period's target spans its whole slot, so a new
    agreement version's target starts where its period starts. One polyline per run of
    periods with a target."""
    runs: list[list[list[float]]] = []
    previous = None
    for i, p in enumerate(points):
        if p["target"] is None:
            previous = None
            continue
        y = y_of(p["target"])
        start, end = _r(left + i * step), _r(left + (i + 1) * step)
        if previous is None:
            runs.append([[start, y]])
        elif previous != y:
            runs[-1].append([start, y])  # the run ends at (start, previous): a vertical step
        runs[-1].append([end, y])
        previous = y
    return runs


def _ticks(low: Decimal, high: Decimal) -> list[Decimal]:
    """About ``Y_TICKS`` round values between ``low`` and ``high``: multiples of 1, 2 or 5 x 10^k,
    the step whose count of ticks is nearest ``Y_TICKS`` and at least 3 (the larger step on a
    tie)."""
    exponent = math.floor(math.log10((high - low) / Y_TICKS))
    steps = [
        m * Decimal(10) ** e
        for e in (exponent - 1, exponent, exponent + 1)
        for m in (Decimal(1), Decimal(2), Decimal(5))
    ]

    def ticks(step: Decimal) -> list[Decimal]:
        return [k * step for k in range(math.ceil(low / step), math.floor(high / step) + 1)]

    # fewer than 3 labels leave the reader guessing the scale
    return ticks(
        min(steps, key=lambda step: (len(ticks(step)) < 3, abs(len(ticks(step)) - Y_TICKS), -step))
    )


def _tick_label(value: Decimal, places: int, unit: str) -> str:
    text = format(value.quantize(Decimal(1).scaleb(-places)), "f")
    return {"%": f"{text} %", "ms": f"{text} ms"}.get(unit, text)


def trend_chart_svg(chart: dict[str, Any]) -> str:
    """The chart's geometry (``trend_chart``) drawn as an SVG document, 1 unit = 1 pt."""
    return environment().get_template(CHART_TEMPLATE).render(c=chart)


def _r(value: float) -> float:
    # a picture needs no more than 0.01 pt; rounding also keeps the JSON and SVG text stable
    return round(value, 2)
