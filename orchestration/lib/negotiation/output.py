"""Formatting only: the baseline and simulation rows (from the marts) as CSV, terminal tables and
the simulation's HTML page with its credit-exposure chart."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rich.table import Table

from orchestration.lib.agreements.durations import format_duration

from .baseline import Baseline
from .simulate import IN_FORCE, PROPOSED, Simulation

TEMPLATES = Path(__file__).with_name("templates")

BASELINE_COLUMNS = (
    "agreement_id", "objective_id", "kind", "priority", "clock", "baseline_share",
    "periods_counted",
    "first_period_key", "last_period_key", "current_target", "periods_breached",
    "achieved_min", "achieved_p10", "achieved_median", "achieved_p90", "achieved_max",
    "recommended_target", "periods_breached_at_recommended", "current_within",
    "tickets_counted", "tickets_within_current", "recommended_within",
)  # fmt: skip
PERIOD_COLUMNS = ("agreement_id", "objective_id", "period_key", "version", "target_in_force",
                  "actual", "status")  # fmt: skip
SIMULATION_COLUMNS = (
    "period_key", "option", "version", "currency", "objectives_met", "objectives_breached",
    "objectives_insufficient_data", "credit_amount_uncapped", "cap_amount", "credit_amount",
    "cap_hits", "chronic_triggers",
)  # fmt: skip
OBJECTIVE_COLUMNS = ("period_key", "objective_id", "option", "target", "actual", "status",
                     "credit_pct", "credit_amount", "is_capped",
                     "has_termination_right")  # fmt: skip


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)  # money keeps its two decimals
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _within(seconds: int | None) -> str:
    return "" if seconds is None else format_duration(int(seconds))


def _target(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def baseline_rows(baseline: Baseline) -> list[dict[str, str]]:
    rows = []
    for row in baseline.objectives:
        values = dict(row)
        values["current_within"] = _within(row["current_within_seconds"])
        values["recommended_within"] = _within(row["recommended_within_seconds"])
        values["current_target"] = _target(row["current_target"])
        values["recommended_target"] = _target(row["recommended_target"])
        rows.append({name: _text(values.get(name)) for name in BASELINE_COLUMNS})
    return rows


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.partial")
    with staged.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: _text(row.get(name)) for name in columns})
    staged.replace(path)
    return path


def write_baseline(baseline: Baseline, folder: Path, name: str) -> list[Path]:
    """``<folder>/<name>.csv`` (per objective) and ``<name>-periods.csv`` (per past period)."""
    return [
        _write_csv(folder / f"{name}.csv", BASELINE_COLUMNS, baseline_rows(baseline)),
        _write_csv(folder / f"{name}-periods.csv", PERIOD_COLUMNS, baseline.periods),
    ]


def baseline_table(baseline: Baseline) -> Table:
    table = Table(title=f"Baseline of {baseline.label}", title_justify="left")
    headers = ("objective", "periods", "target now", "min", "p10", "median", "p90", "max",
               "recommended", "breaches now / at rec.", "within now",
               "recommended within")  # fmt: skip
    for header in headers:
        table.add_column(header, justify="left" if header == "objective" else "right")
    for row in baseline_rows(baseline):
        table.add_row(
            row["objective_id"] + (f" ({row['priority']}, {row['clock']})" if row["clock"] else ""),
            f"{row['periods_counted']} ({row['first_period_key']}..{row['last_period_key']})",
            row["current_target"], *(_short(row[f"achieved_{p}"]) for p in
                                     ("min", "p10", "median", "p90", "max")),
            row["recommended_target"],
            f"{row['periods_breached']} / {row['periods_breached_at_recommended']}",
            row["current_within"], row["recommended_within"],
        )  # fmt: skip
    return table


def _short(text: str) -> str:
    return text[:-2] if text.endswith("00") and "." in text else text


def periods_table(baseline: Baseline) -> Table:
    keys = sorted({row["period_key"] for row in baseline.periods})
    table = Table(title="Achieved per period", title_justify="left")
    table.add_column("objective")
    for key in keys:
        table.add_column(key, justify="right")
    by_objective: dict[str, dict[str, str]] = {}
    for row in baseline.periods:
        mark = "" if row["status"] == "met" else " ✗"
        by_objective.setdefault(row["objective_id"], {})[row["period_key"]] = (
            f"{row['actual']:.2f}{mark}"
        )
    for objective_id, values in by_objective.items():
        table.add_row(objective_id, *(values.get(key, "") for key in keys))
    return table


def simulation_table(simulation: Simulation) -> Table:
    table = Table(
        title=f"{simulation.proposal.name}: proposed terms beside the terms in force",
        title_justify="left",
    )
    for header in ("period", "option", "met", "breached", "no data", "uncapped", "cap",
                   "credit", "cap hits", "chronic"):  # fmt: skip
        table.add_column(header, justify="left" if header in ("period", "option") else "right")
    for row in simulation.periods:
        table.add_row(
            row["period_key"], row["option"].replace("_", " "), str(row["objectives_met"]),
            str(row["objectives_breached"]), str(row["objectives_insufficient_data"]),
            _money(row["credit_amount_uncapped"]), _money(row["cap_amount"]),
            f"{_money(row['credit_amount'])} {row['currency']}", str(row["cap_hits"]),
            str(row["chronic_triggers"]),
        )  # fmt: skip
    return table


def _chart(simulation: Simulation) -> dict[str, Any]:
    """Bars of credit per period, one per option, scaled to the largest credit."""
    rows = [row for row in simulation.periods if row["period_key"] != "total"]
    largest = max((row["credit_amount"] for row in rows), default=Decimal(0)) or Decimal(1)
    width, height, left, bottom = 720, 260, 70, 40
    slot = (width - left - 10) / max(1, len(simulation.period_keys))
    bars = []
    for index, key in enumerate(simulation.period_keys):
        for offset, option in enumerate((IN_FORCE, PROPOSED)):
            row = next((r for r in rows if r["period_key"] == key and r["option"] == option), None)
            amount = row["credit_amount"] if row else Decimal(0)
            bar_height = float(amount / largest) * (height - bottom - 20)
            bars.append(
                {
                    "x": round(left + index * slot + slot * (0.15 + 0.35 * offset), 1),
                    "y": round(height - bottom - bar_height, 1),
                    "width": round(slot * 0.33, 1),
                    "height": round(bar_height, 1),
                    "option": option,
                    "label": f"{key} {option.replace('_', ' ')}: {_money(amount)}",
                }
            )
    labels = [
        {"x": round(left + (index + 0.5) * slot, 1), "text": key}
        for index, key in enumerate(simulation.period_keys)
    ]
    return {"width": width, "height": height, "left": left, "bottom": bottom, "bars": bars,
            "labels": labels, "largest": _money(largest)}  # fmt: skip


def write_simulation(simulation: Simulation, folder: Path, name: str) -> list[Path]:
    """``<name>.csv`` (per option x period, then totals), ``<name>-objectives.csv`` and
    ``<name>.html`` in ``folder``."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(),
        keep_trailing_newline=True,
    )
    page = environment.get_template("simulation.html.j2").render(
        simulation=simulation,
        chart=_chart(simulation),
        money=_money,
        text=_text,
        agreement_id=simulation.proposal.agreement.id,
    )
    html = folder / f"{name}.html"
    folder.mkdir(parents=True, exist_ok=True)
    html.write_text(page, encoding="utf-8")
    return [
        _write_csv(folder / f"{name}.csv", SIMULATION_COLUMNS, simulation.periods),
        _write_csv(folder / f"{name}-objectives.csv", OBJECTIVE_COLUMNS, simulation.objectives),
        html,
    ]
