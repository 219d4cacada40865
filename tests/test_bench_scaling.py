"""The scaling curve's arithmetic: growth exponent, marginal cost, the first limit reached."""

from __future__ import annotations

import pytest

from bench.scaling import STAGES, ScalePoint, StagePoint, exponent, marginal, summary


def _point(factor: float, rows: int, seconds: float, rss: float) -> ScalePoint:
    # the same seconds and memory in every stage: the total is 3 x seconds
    return ScalePoint(factor, rows, {s: StagePoint(seconds, rss) for s in STAGES})


def test_exponent_of_proportional_growth_is_one_and_of_a_constant_zero():
    assert exponent([1, 10, 100], [2, 20, 200]) == pytest.approx(1.0)
    assert exponent([1, 10, 100], [5, 5, 5]) == pytest.approx(0.0)
    # seconds growing with the square of the rows
    assert exponent([1, 10], [3, 300]) == pytest.approx(2.0)


def test_marginal_cost_is_taken_between_the_two_largest_scales():
    points = [_point(0.1, 100_000, 9, 1), _point(1 / 3, 1_000_000, 10, 1),
              _point(1, 3_000_000, 30, 1)]  # fmt: skip
    # (30 - 10) s / (3 M - 1 M) rows = 1e-5 s a row, whatever the smallest scale
    assert marginal(points, lambda p: p.stages["dbt"].seconds) == pytest.approx(1e-5)


def test_summary_names_the_first_limit_extrapolated_linearly():
    points = [_point(1 / 3, 1_000_000, 10, 1.0), _point(1, 3_000_000, 30, 2.0)]
    text = summary(points, memory_gb=24, time_budget=120, memory_budget=4)
    # total 3 x 30 = 90 s at x1, 3 x 20 s / 2 M rows = 3e-5 s a row more: 120 s at
    # 3 M + 30 / 3e-5 = 4 M rows, x4/3. Memory 2 GB at x1, 1 GB / 2 M rows: 4 GB at 7 M rows, x7/3
    assert "the full-year budget of 120 s at about ×1.3 the full scale" in text
    assert "the 4 GB memory budget at ×2.3" in text
    assert "| ×1 | 3,000,000 | 30.0; 2.00 | 30.0; 2.00 | 30.0; 2.00 | 90.0 |" in text
    assert "- dbt: exponent 1.00, 10.00 s per million more rows (about linear)." in text


def test_summary_says_when_a_limit_is_already_reached():
    points = [_point(0.5, 1_000_000, 30, 1.0), _point(1, 2_000_000, 50, 1.5)]
    text = summary(points, memory_gb=24, time_budget=120, memory_budget=4)
    # the total at x1 is 3 x 50 = 150 s, over the 120 s budget
    assert "First limit: the full-year budget of 120 s, already reached at ×1" in text
