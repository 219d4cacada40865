"""``sla simulate``: the agreement's history replayed under proposed terms, beside the terms in
force.

The proposed terms are written into a scratch copy of the warehouse and the pipeline's dbt models
downstream of the definitions run there over the simulated periods; the comparison is one
set-based query over the real marts (attached read-only) and the scratch ones. Nothing is
written into the real warehouse or the published periods.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib.agreements import Catalog
from orchestration.lib.periods import add_months

from . import NegotiationError
from .baseline import _last_period_end
from .proposal import Proposal, proposed_catalog
from .scratch import COMPLIANCE_MODELS, scratch_copy

IN_FORCE, PROPOSED = "in_force", "proposed"


def _both(name: str, mart: str) -> str:
    """A CTE ``name`` holding the agreement's rows of ``mart`` under both options: the terms in
    force (the copy's marts before the proposal, schema ``in_force``) and the proposed ones."""
    return f"""{name} as (
    select 'in_force' as option, * from in_force.{mart}
    where agreement_id = $agreement and list_contains($periods, period_key)
    union all by name
    select 'proposed' as option, * from marts.{mart}
    where agreement_id = $proposed and list_contains($periods, period_key)
)"""


# per option and period, and per option in total (period_key 'total'): one grouping-sets query
_PERIODS_SQL = f"""
with
{_both("credits", "agreement_credits")},
{_both("objectives", "objective_periods")},
{_both("chronic", "chronic_breaches")},
statuses as (
    select
        option,
        period_key,
        count(*) filter (where status = 'met') as objectives_met,
        count(*) filter (where status = 'breached') as objectives_breached,
        count(*) filter (where status = 'insufficient_data') as objectives_insufficient_data,
    from objectives
    group by 1, 2
),
triggers as (
    select option, period_key, count(*) filter (where has_termination_right) as chronic_triggers,
    from chronic
    group by 1, 2
),
per_period as (
    select
        credits.option,
        credits.period_key,
        credits.version,
        credits.currency,
        coalesce(statuses.objectives_met, 0) as objectives_met,
        coalesce(statuses.objectives_breached, 0) as objectives_breached,
        coalesce(statuses.objectives_insufficient_data, 0) as objectives_insufficient_data,
        credits.credit_amount_uncapped,
        credits.cap_amount,
        credits.credit_amount,
        cast(credits.is_capped as integer) as cap_hits,
        coalesce(triggers.chronic_triggers, 0) as chronic_triggers,
    from credits
    left join statuses using (option, period_key)
    left join triggers using (option, period_key)
)
select
    option,
    coalesce(period_key, 'total') as period_key,
    case when grouping(period_key) = 0 then any_value(version) end as version,
    any_value(currency) as currency,
    sum(objectives_met) as objectives_met,
    sum(objectives_breached) as objectives_breached,
    sum(objectives_insufficient_data) as objectives_insufficient_data,
    sum(credit_amount_uncapped) as credit_amount_uncapped,
    sum(cap_amount) as cap_amount,
    sum(credit_amount) as credit_amount,
    sum(cap_hits) as cap_hits,
    sum(chronic_triggers) as chronic_triggers,
from per_period
group by grouping sets ((option, period_key), (option))
order by grouping(period_key), period_key, option
"""

_OBJECTIVES_SQL = f"""
with
{_both("credits", "objective_credits")},
{_both("chronic", "chronic_breaches")}
select
    credits.period_key,
    credits.objective_id,
    credits.option,
    credits.target,
    credits.actual,
    credits.status,
    credits.credit_pct,
    credits.credit_amount,
    credits.is_capped,
    coalesce(chronic.has_termination_right, false) as has_termination_right,
from credits
left join chronic using (option, period_key, objective_id)
order by credits.period_key, credits.objective_order, credits.objective_id, credits.option
"""


_COMPARED_MARTS = (
    "agreement_credits",
    "objective_periods",
    "objective_credits",
    "chronic_breaches",
)


@dataclasses.dataclass(frozen=True)
class Simulation:
    proposal: Proposal
    period_keys: list[str]
    periods: list[dict[str, Any]]  # per option x period, then per option 'total'
    objectives: list[dict[str, Any]]  # per period x objective x option


def _window(
    real: duckdb.DuckDBPyConnection, proposal: Proposal, periods: int
) -> tuple[list[str], str, str]:
    """The last ``periods`` computed periods of the agreement (a new agreement: of its grid up to
    the warehouse's last computed period): keys, first start, end."""
    agreement_id = proposal.agreement.id if proposal.in_force else None
    if agreement_id is not None:
        rows = real.execute(
            "select period_key, min(period_start), max(period_end) from marts.objective_periods "
            "where agreement_id = ? group by 1 order by 2 desc limit ?",
            [agreement_id, periods],
        ).fetchall()
        if not rows:
            raise NegotiationError(f"agreement {agreement_id}: no computed periods to replay")
        keys = sorted(row[0] for row in rows)
        return (
            keys,
            min(row[1] for row in rows).isoformat(),
            max(row[2] for row in rows).isoformat(),
        )
    end = _last_period_end(real)
    months = 3 if proposal.agreement.period == "quarterly" else 1
    start = add_months(end, -periods * months)
    keys = []
    for index in range(periods):
        first = add_months(start, index * months)
        keys.append(
            f"{first.year}-Q{(first.month - 1) // 3 + 1}" if months == 3 else f"{first:%Y-%m}"
        )
    return keys, start.isoformat(), end.isoformat()


def simulate(catalog: Catalog, warehouse: Path, proposal: Proposal, periods: int) -> Simulation:
    if periods < 1:
        raise NegotiationError(f"--periods: {periods} must be at least 1")
    with scratch_copy(warehouse) as scratch:
        with scratch.connect() as copy:
            period_keys, start, end = _window(copy, proposal, periods)
            # the terms in force as the copy holds them, before the proposal replaces them
            copy.execute("create schema in_force")
            for mart in _COMPARED_MARTS:
                copy.execute(f"create table in_force.{mart} as select * from marts.{mart}")
        scratch.write_definitions(proposed_catalog(catalog, proposal))
        scratch.run_models(COMPLIANCE_MODELS, period_start=start, period_end=end)
        with duckdb.connect(str(scratch.warehouse_path), read_only=True) as connection:
            parameters = {
                "agreement": proposal.in_force.id if proposal.in_force else "",
                "proposed": proposal.agreement.id,
                "periods": period_keys,
            }
            return Simulation(
                proposal,
                period_keys,
                _named(connection, _PERIODS_SQL, parameters),
                _named(connection, _OBJECTIVES_SQL, parameters),
            )


def _named(
    connection: duckdb.DuckDBPyConnection, sql: str, parameters: dict[str, Any]
) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, parameters)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
