"""The two tables a period folder publishes, shaped set-based in DuckDB: compliance and credits.

Both come back as Arrow tables with the warehouse's decimal types intact; the writers decide how
each file format represents them.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

# finance's column contract: names and order are fixed; extra columns only ever go after these
LEDGER_COLUMNS = (
    "agreement_id",
    "customer",
    "period",
    "objective_id",
    "kind",
    "target",
    "actual",
    "unit",
    "status",
    "credit_pct",
    "fee_amount",
    "credit_amount",
    "currency",
    "capped",
    "definitions_version",
    "run_id",
)
LEDGER_EXTRA_COLUMNS = (
    "row_type",
    "tier_rank",
    "credit_amount_uncapped",
    "cap_amount",
    "below_minimum",
)
LEDGER_MONEY_COLUMNS = ("fee_amount", "credit_amount", "credit_amount_uncapped", "cap_amount")

# measures are cast to fixed decimal types so that every file has the same schema whatever
# arithmetic the marts used; no binary-float digits reach a published file

# one definitions_version text for both tables: the agreement version and the definitions hash
_DEFINITIONS_VERSION = "'v' || {version} || '@' || a.definitions_sha256"

COMPLIANCE_SQL = f"""
select
    op.agreement_id,
    a.customer,
    op.period_key as period,
    op.period_start,
    op.period_end,
    op.objective_id,
    op.objective_order,
    op.objective_name,
    op.kind,
    op.service_id,
    op.priority,
    op.target::decimal(18, 4) as target,
    op.actual::decimal(18, 4) as actual,
    op.unit,
    op.is_higher_better,
    op.margin::decimal(18, 4) as margin,
    op.warning_margin::decimal(18, 4) as warning_margin,
    op.status,
    op.is_warning,
    case
        when op.status = 'insufficient_data' then 'grey'
        when op.status = 'breached' then 'red'
        when op.is_warning then 'amber'
        else 'green'
    end as rating,
    op.sample_size,
    op.coverage_pct::decimal(9, 4) as coverage_pct,
    op.version,
    {_DEFINITIONS_VERSION.format(version="op.version")} as definitions_version,
    $run_id as run_id
from marts.objective_periods as op
inner join definitions.agreements as a on op.agreement_id = a.agreement_id
where op.period_key = $period_key
order by op.agreement_id, op.objective_order, op.objective_id
"""

# every objective of every agreement appears (zero credits included) so that the ledger
# reconciles row for row with the compliance table; one agreement_total row per agreement
# carries the amount to book (after the cap and the minimum)
LEDGER_SQL = f"""
with objective_rows as (
    select
        c.agreement_id,
        a.customer,
        c.period_key as period,
        c.objective_id,
        c.kind,
        c.target::decimal(18, 4) as target,
        c.actual::decimal(18, 4) as actual,
        c.unit,
        c.status,
        c.credit_pct::decimal(9, 4) as credit_pct,
        c.fee_amount::decimal(18, 2) as fee_amount,
        c.credit_amount::decimal(18, 2) as credit_amount,
        c.currency,
        c.is_capped as capped,
        {_DEFINITIONS_VERSION.format(version="c.version")} as definitions_version,
        $run_id as run_id,
        'objective' as row_type,
        c.tier_rank,
        c.credit_amount_uncapped::decimal(18, 2) as credit_amount_uncapped,
        null::decimal(18, 2) as cap_amount,
        c.is_below_minimum as below_minimum,
        c.objective_order as sort_order
    from marts.objective_credits as c
    inner join definitions.agreements as a on c.agreement_id = a.agreement_id
    where c.period_key = $period_key
),

total_rows as (
    select
        g.agreement_id,
        a.customer,
        g.period_key as period,
        null as objective_id,
        null as kind,
        null::decimal(18, 4) as target,
        null::decimal(18, 4) as actual,
        null as unit,
        null as status,
        null::decimal(9, 4) as credit_pct,
        g.fee_amount::decimal(18, 2) as fee_amount,
        g.credit_amount::decimal(18, 2) as credit_amount,
        g.currency,
        g.is_capped as capped,
        {_DEFINITIONS_VERSION.format(version="g.version")} as definitions_version,
        $run_id as run_id,
        'agreement_total' as row_type,
        null::integer as tier_rank,
        g.credit_amount_uncapped::decimal(18, 2) as credit_amount_uncapped,
        g.cap_amount::decimal(18, 2) as cap_amount,
        g.is_below_minimum as below_minimum,
        2147483647 as sort_order
    from marts.agreement_credits as g
    inner join definitions.agreements as a on g.agreement_id = a.agreement_id
    where g.period_key = $period_key
),

final as (
    select * from objective_rows
    union all
    select * from total_rows
)

select {", ".join((*LEDGER_COLUMNS, *LEDGER_EXTRA_COLUMNS))}
from final
order by agreement_id, sort_order, objective_id
"""


def compliance_table(
    connection: duckdb.DuckDBPyConnection, period_key: str, run_id: str
) -> pa.Table:
    """Every agreement × objective of a period: actual, target, status, margin, sample, coverage."""
    return connection.execute(
        COMPLIANCE_SQL, {"period_key": period_key, "run_id": run_id}
    ).to_arrow_table()


def ledger_table(connection: duckdb.DuckDBPyConnection, period_key: str, run_id: str) -> pa.Table:
    """The credits ledger of one period: objective rows, then one agreement_total row each."""
    return connection.execute(
        LEDGER_SQL, {"period_key": period_key, "run_id": run_id}
    ).to_arrow_table()
