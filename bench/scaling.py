"""The scaling curve: the year at several sizes of the desk, each stage in its own process.

At each scale the agreements and probed services are the full scale's times the factor (the
tickets per agreement-month, the months and the seed stay), the year is generated in Parquet
(the full scale's data is reused), then ingest, dbt and publish run one after the other on a
fresh warehouse, each as a child process: its wall time (start-up included) and the peak RSS of
its process tree. The growth per stage is fitted on landed rows, the first limit of this machine
is extrapolated, and a chart is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

STAGES = ("ingest", "dbt", "publish")


@dataclass(frozen=True)
class StagePoint:
    seconds: float
    peak_rss_gb: float


@dataclass(frozen=True)
class ScalePoint:
    factor: float
    rows: int  # landed rows read (raw.landing_files)
    stages: dict[str, StagePoint]

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.stages.values())

    @property
    def peak_rss_gb(self) -> float:
        return max(s.peak_rss_gb for s in self.stages.values())


def exponent(rows: Sequence[float], seconds: Sequence[float]) -> float:
    """The least-squares slope of log(seconds) on log(rows): 1 is linear growth."""
    xs, ys = [math.log(r) for r in rows], [math.log(max(s, 1e-9)) for s in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0


def marginal(points: Sequence[ScalePoint], value: Callable[[ScalePoint], float]) -> float:
    """The cost of one more landed row between the two largest scales (start-up cancels out)."""
    low, high = sorted(points, key=lambda p: p.rows)[-2:]
    return (value(high) - value(low)) / (high.rows - low.rows) if high.rows > low.rows else 0


def _growth(b: float) -> str:
    if b < 0.15:
        return "flat at these sizes: start-up dominates, or the machine was not idle"
    if b < 0.85:
        return "below linear: fixed start-up and per-run costs weigh more at the small scales"
    if b > 1.15:
        return "above linear"
    return "about linear"


def _reached(points: Sequence[ScalePoint], value: Callable[[ScalePoint], float],
             limit: float) -> float | None:  # fmt: skip
    """The scale factor at which ``value`` reaches ``limit``, extended linearly from the two
    largest scales; None when it does not grow."""
    top = max(points, key=lambda p: p.rows)
    per_row = marginal(points, value)
    if value(top) >= limit:
        return top.factor
    if per_row <= 0:
        return None
    return top.factor * (top.rows + (limit - value(top)) / per_row) / top.rows


def summary(points: Sequence[ScalePoint], memory_gb: float, time_budget: float,
            memory_budget: float) -> str:  # fmt: skip
    """The scaling section: a table per scale and stage, the growth, the first limit."""
    if len(points) < 2:
        return "Scaling: fewer than two scales measured."
    header = "| scale | landed rows | " + " | ".join(f"{s} (s; peak GB)" for s in STAGES)
    lines = [
        header + " | total (s) |",
        "|---|---|" + "---|" * len(STAGES) + "---|",
        *(f"| ×{p.factor:.3g} | {p.rows:,} | "
          + " | ".join(f"{p.stages[s].seconds:.1f}; {p.stages[s].peak_rss_gb:.2f}" for s in STAGES)
          + f" | {p.seconds:.1f} |" for p in points),
        "",
        "Growth per stage (seconds against landed rows: fitted exponent over every scale, and the "
        "marginal cost per million rows between the two largest):",
        "",
    ]  # fmt: skip
    rows = [p.rows for p in points]
    for stage in STAGES:
        b = exponent(rows, [p.stages[stage].seconds for p in points])

        def stage_seconds(point: ScalePoint, stage: str = stage) -> float:
            return point.stages[stage].seconds

        per_million = marginal(points, stage_seconds) * 1e6
        lines.append(f"- {stage}: exponent {b:.2f}, {per_million:.2f} s per million more rows "
                     f"({_growth(b)}).")  # fmt: skip
    b = exponent(rows, [p.peak_rss_gb for p in points])
    lines.append(
        f"- peak RSS: exponent {b:.2f} ({_growth(b)}; DuckDB's memory_limit caps the "
        "buffer pool, beyond it operators spill to disk and the cost shows in time)."
    )
    limits = {
        f"the full-year budget of {time_budget:g} s": _reached(points, lambda p: p.seconds,
                                                              time_budget),
        f"the {memory_budget:g} GB memory budget": _reached(points, lambda p: p.peak_rss_gb,
                                                           memory_budget),
        f"this machine's {memory_gb:.1f} GB of memory": _reached(points, lambda p: p.peak_rss_gb,
                                                                memory_gb),
    }  # fmt: skip
    reached = sorted((f, name) for name, f in limits.items() if f is not None)
    lines.append("")
    top = max(p.factor for p in points)
    if reached and reached[0][0] <= top:
        lines.append(f"First limit: {reached[0][1]}, already reached at ×{top:.3g}, the largest "
                     "scale measured.")  # fmt: skip
    elif reached:
        first, name = reached[0]
        others = "; ".join(f"{n} at ×{f:.1f}" for f, n in reached[1:])
        lines.append(f"First limit, extrapolated linearly from the two largest scales: {name} at "
                     f"about ×{first:.1f} the full scale" + (f" (then {others})." if others
                                                             else "."))  # fmt: skip
    else:
        lines.append("No limit is approached: neither time nor memory grows between the scales.")
    return "\n".join(lines)


def chart(points: Sequence[ScalePoint], target: Path) -> None:
    """Seconds against landed rows, one line per stage (and the total)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ordered = sorted(points, key=lambda p: p.rows)
    millions = [p.rows / 1e6 for p in ordered]
    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=110)
    for stage in STAGES:
        axes.plot(millions, [p.stages[stage].seconds for p in ordered], marker="o", label=stage)
    axes.plot(millions, [p.seconds for p in ordered], marker="s", linestyle="--", color="grey",
              label="total")  # fmt: skip
    axes.set_xlabel("landed rows (millions)")
    axes.set_ylabel("seconds")
    axes.set_title("The year at each scale: seconds per stage")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target)
    plt.close(figure)
