"""The trend chart's geometry (charts.py) and its one drawing, the SVG both the HTML and the PDF
embed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from orchestration.lib.review_pack.charts import STATUS_COLOURS, trend_chart, trend_chart_svg


def _point(key: str, actual: str | None, target: str | None, status: str) -> dict[str, object]:
    return {
        "period_key": key,
        "actual": None if actual is None else Decimal(actual),
        "target": None if target is None else Decimal(target),
        "status": status,
    }


QUARTER = [
    _point("2026-01", "90", "95", "breached"),
    _point("2026-02", None, "95", "insufficient_data"),
    _point("2026-03", "100", "97", "met"),
]


def test_chart_positions_follow_the_padded_domain():
    chart = trend_chart(QUARTER, "%", "availability")
    # values 90..100, pad 15 % of 10 = 1.5: domain 88.5..101.5 (13 wide). Ticks: step 5 gives
    # 90/95/100 (3, nearest to 4; step 2 gives 6, step 10 gives 2)
    assert [t["label"] for t in chart["y_ticks"]] == ["90 %", "95 %", "100 %"]
    # plot: left = 5 characters of "100 %" x 0.64 x 6.5 pt + 8 = 28.8, right = 244 - 4 = 240,
    # top 20, bottom 150 - 13 = 137 (labels side by side: 3 slots of 70.4 pt hold "2026-01")
    assert chart["plot"] == {"left": 28.8, "right": 240.0, "top": 20, "bottom": 137}
    assert chart["rotate_labels"] is False
    # y = 137 - (value - 88.5) / 13 x 117: 90 -> 123.5, 95 -> 78.5, 100 -> 33.5, 97 -> 60.5
    assert [t["y"] for t in chart["y_ticks"]] == [123.5, 78.5, 33.5]
    # x = 28.8 + (i + 0.5) x 70.4: 64.0, 134.4, 204.8
    assert [label["x"] for label in chart["x_labels"]] == [64.0, 134.4, 204.8]


def test_the_line_skips_a_gap_whose_dot_stays_on_the_axis():
    chart = trend_chart(QUARTER, "%", "availability")
    assert chart["actual"] == [[64.0, 123.5], [204.8, 33.5]]
    gap = chart["dots"][1]
    assert gap == {
        "x": 134.4,
        "y": 137,
        "colour": STATUS_COLOURS["insufficient_data"],
        "hollow": True,
    }
    assert [d["colour"] for d in chart["dots"]][::2] == ["#c62828", "#2e7d32"]


def test_the_target_steps_where_a_period_starts_and_breaks_where_it_is_missing():
    chart = trend_chart(QUARTER, "%", "availability")
    # slots 28.8 | 99.2 | 169.6 | 240: 95 over the first two slots, then up to 97 (y 60.5)
    assert chart["target"] == [
        [[28.8, 78.5], [99.2, 78.5], [169.6, 78.5], [169.6, 60.5], [240.0, 60.5]]
    ]
    without = [QUARTER[0], {**QUARTER[1], "target": None}, QUARTER[2]]
    assert [len(run) for run in trend_chart(without, "%", "availability")["target"]] == [2, 2]


def test_twelve_monthly_keys_are_turned():
    points = [_point(f"2025-{m:02d}", "810", "800", "breached") for m in range(1, 13)]
    chart = trend_chart(points, "ms", "p95 latency")
    # 12 slots of ~17.5 pt cannot hold "2025-01" (7 x 4.16 + 4 = 33.1 pt) side by side
    assert chart["rotate_labels"] is True
    # 800..810, pad 1.5: 798.5..811.5; step 5 gives 800/805/810 (3), step 2 gives 7
    assert [t["label"] for t in chart["y_ticks"]] == ["800 ms", "805 ms", "810 ms"]


def test_svg_chart_is_well_formed_and_escapes_the_title():
    chart = trend_chart(QUARTER, "score", "<script>alert(1)</script> & co")
    svg = trend_chart_svg(chart)
    root = ET.fromstring(svg)  # raises on markup that escaped
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0] == "<script>alert(1)</script> & co"
    assert "<script>" not in svg
    assert len(list(root.iter("{http://www.w3.org/2000/svg}circle"))) == 3
