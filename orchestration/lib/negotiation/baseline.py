"""``sla baseline``: what an agreement's objectives achieved and what they could promise.

The figures are the dbt marts ``negotiation_baselines`` and ``negotiation_period_achievements``
(rules in their SQL and in docs/negotiation.md), built in a scratch copy of the warehouse with
the requested ``--periods`` and ``--share`` as dbt vars. A service or customer without an
agreement gets a synthetic one there, measured by the pipeline's own models.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import duckdb

from orchestration.lib.agreements import Catalog
from orchestration.lib.agreements.schema import (
    PRIORITIES,
    Agreement,
    AvailabilityObjective,
    TicketObjective,
    Version,
)
from orchestration.lib.periods import add_months

from . import NegotiationError
from .scratch import BASELINE_MODELS, Scratch, scratch_copy

NEGOTIATION_MODELS = "path:dbt_project/models/marts/negotiation"
PLACEHOLDER_TARGET = Decimal(90)  # synthetic objectives: the baseline never reads their target


@dataclasses.dataclass(frozen=True)
class BaselineRequest:
    periods: int = 12
    share: Decimal = Decimal("0.9")
    agreement: str | None = None
    service: str | None = None
    customer: str | None = None
    priority: str | None = None
    clock: Literal["24x7", "business"] = "24x7"
    calendar: str | None = None


@dataclasses.dataclass(frozen=True)
class Baseline:
    agreement_id: str
    label: str  # what the baseline is of: the agreement, a service, a customer and priority
    objectives: list[dict[str, Any]]  # negotiation_baselines rows
    periods: list[dict[str, Any]]  # negotiation_period_achievements rows


def parse_share(text: str) -> Decimal:
    """``0.9`` -> Decimal('0.9'); a share is a fraction in (0, 1] with at most 4 decimals."""
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise NegotiationError(f"--share: {text!r} is not a number (e.g. 0.9)") from None
    if not value.is_finite() or not Decimal(0) < value <= 1 or value != round(value, 4):
        raise NegotiationError(
            f"--share: {text} must be a fraction above 0 and at most 1, with at most 4 decimals "
            "(0.9 = nine periods in ten)"
        )
    return value


def _last_period_end(warehouse: duckdb.DuckDBPyConnection) -> dt.date:
    row = warehouse.execute("select max(period_end) from marts.objective_periods").fetchone()
    if row is None or row[0] is None:
        raise NegotiationError("the warehouse has no computed periods yet: run `sla run` first")
    value: dt.date = row[0]
    return value


def _synthetic_catalog(
    catalog: Catalog, request: BaselineRequest, end: dt.date
) -> tuple[Catalog, str, str]:
    """A catalog holding one agreement that measures what the request asks for."""
    start = add_months(end, -request.periods)
    calendar = request.calendar
    if calendar is not None and calendar not in catalog.calendars:
        known = ", ".join(sorted(catalog.calendars))
        raise NegotiationError(f"--calendar: no calendar {calendar!r} (known: {known})")
    if request.service is not None:
        if calendar is None:
            naming = [
                a.calendar
                for a in catalog.agreements.values()
                for v in a.versions
                for o in v.objectives
                if isinstance(o, AvailabilityObjective) and o.service == request.service
            ]
            if not naming:
                raise NegotiationError(
                    f"--calendar: no agreement names service {request.service!r}; give the "
                    "calendar whose time zone sets the period boundaries"
                )
            calendar = naming[0]
        agreement = Agreement(
            id="baseline-service",
            customer="(no agreement)",
            provider="(no agreement)",
            currency="EUR",
            period="monthly",
            calendar=calendar,
            versions=[
                Version(
                    version=1,
                    effective_from=start,
                    monthly_fee=Decimal(0),
                    objectives=[
                        AvailabilityObjective(
                            id="availability",
                            kind="availability",
                            service=request.service,
                            target=PLACEHOLDER_TARGET,
                        )
                    ],
                )
            ],
        )
        label = f"service {request.service}"
    else:
        assert request.customer is not None
        matches = [a for a in catalog.agreements.values() if request.customer in (a.customer, a.id)]
        if not matches:
            known = ", ".join(sorted({a.customer for a in catalog.agreements.values()}))
            raise NegotiationError(
                f"--customer: no tickets can be attributed to {request.customer!r}: tickets land "
                f"under an agreement id, and no agreement names this customer (known: {known})"
            )
        if request.priority not in PRIORITIES:
            raise NegotiationError(f"--priority: give one of {', '.join(PRIORITIES)}")
        base = matches[0]
        calendar = calendar or base.calendar
        months = 3 if base.period == "quarterly" else 1
        first = add_months(end, -request.periods * months)
        objectives = [
            TicketObjective(
                id=f"{request.priority.lower()}-{kind.replace('_', '-')}",
                kind=kind,
                priority=request.priority,
                within="1h",  # the threshold is what the baseline computes; this one is unused
                clock=request.clock,
                calendar=calendar,
                target=PLACEHOLDER_TARGET,
            )
            for kind in ("first_response", "resolution")
        ]
        agreement = base.model_copy(
            update={
                "versions": [
                    Version(
                        version=1, effective_from=first, monthly_fee=Decimal(0),
                        objectives=objectives,
                    )
                ]
            }
        )  # fmt: skip
        label = f"customer {base.customer} ({base.id}), {request.priority}, {request.clock} clock"
    used = {agreement.calendar, calendar}
    synthetic = Catalog(
        catalog.root,
        {agreement.id: agreement},
        {key: value for key, value in catalog.calendars.items() if key in used},
        {},
    )
    return synthetic, agreement.id, label


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_baseline(connection: duckdb.DuckDBPyConnection, agreement_id: str, label: str) -> Baseline:
    objectives = _rows(
        connection,
        "select * from marts.negotiation_baselines where agreement_id = ? and is_latest "
        "order by objective_order",
        agreement_id,
    )
    periods = _rows(
        connection,
        "select * from marts.negotiation_period_achievements where agreement_id = ? "
        "and is_latest order by objective_order, period_start",
        agreement_id,
    )
    return Baseline(agreement_id, label, objectives, periods)


def compute_baseline(catalog: Catalog, warehouse: Path, request: BaselineRequest) -> Baseline:
    if request.periods < 1:
        raise NegotiationError(f"--periods: {request.periods} must be at least 1")
    given = [name for name in ("agreement", "service", "customer") if getattr(request, name)]
    if len(given) != 1:
        raise NegotiationError("give one of --agreement ID, --service ID or --customer NAME")
    if request.agreement and request.agreement not in catalog.agreements:
        known = ", ".join(sorted(catalog.agreements))
        raise NegotiationError(f"--agreement: no agreement {request.agreement!r} (known: {known})")
    if request.customer and not request.priority:
        raise NegotiationError("--priority: a customer baseline needs a priority (P1..P4)")
    dbt_vars = {"baseline_periods": request.periods, "baseline_share": str(request.share)}
    with scratch_copy(warehouse) as scratch:
        if request.agreement:
            _run_baseline_models(scratch, dbt_vars)
            agreement_id, label = request.agreement, f"agreement {request.agreement}"
        else:
            with scratch.connect() as connection:
                end = _last_period_end(connection)
            synthetic, agreement_id, label = _synthetic_catalog(catalog, request, end)
            scratch.write_definitions(synthetic)
            start = add_months(end, -request.periods * 3)  # whole quarters either way
            scratch.run_models(
                BASELINE_MODELS,
                period_start=start.isoformat(),
                period_end=end.isoformat(),
                dbt_vars=dbt_vars,
            )
        with scratch.connect() as connection:
            return read_baseline(connection, agreement_id, label)


def _run_baseline_models(scratch: Scratch, dbt_vars: dict[str, Any]) -> None:
    # the agreement's own figures are in the marts already: only the negotiation models run
    scratch.run_dbt(["--select", NEGOTIATION_MODELS], dbt_vars=dbt_vars)
