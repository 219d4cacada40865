"""The tables a period folder publishes, read from their marts: compliance and credits.

``marts.rpt_compliance``, ``marts.credits_ledger`` and ``marts.credits_by_currency`` hold every
period with the published columns, types and order (enforced dbt contracts); a publication
selects one period, in the published row order, and adds its run id to the first two. All come
back as Arrow tables with the warehouse's decimal types intact; the writers decide how each file
format represents them. The ledger's objective and total files are the ledger's rows of one
``row_type`` (a selection, not a computation), so they hold the ledger's columns.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

LEDGER_MONEY_COLUMNS = ("fee_amount", "credit_amount", "credit_amount_uncapped", "cap_amount")

# an objective's lines: its credit and, with a penalty clause, its penalty (they sum to the total)
OBJECTIVE_ROWS = ("objective", "penalty")
TOTAL_ROWS = ("agreement_total",)

# the run id is known only when a run publishes: it goes right after definitions_version (the
# 16th column of the ledger, the last of the compliance table)
RUN_ID_AFTER = "definitions_version"


def _with_run_id(table: pa.Table, run_id: str) -> pa.Table:
    position = table.column_names.index(RUN_ID_AFTER) + 1
    return table.add_column(
        position, pa.field("run_id", pa.string()), pa.array([run_id] * table.num_rows, pa.string())
    )


def compliance_table(
    connection: duckdb.DuckDBPyConnection, period_key: str, run_id: str
) -> pa.Table:
    """Every agreement × objective of a period: actual, target, status, margin, sample, coverage."""
    table = connection.execute(
        "select * from marts.rpt_compliance where period = ? "
        "order by agreement_id, objective_order, objective_id",
        [period_key],
    ).to_arrow_table()
    return _with_run_id(table, run_id)


def ledger_table(
    connection: duckdb.DuckDBPyConnection,
    period_key: str,
    run_id: str,
    *,
    row_type: tuple[str, ...] | None = None,
) -> pa.Table:
    """The credits ledger of one period: objective rows, then one agreement_total row each.

    ``row_type`` keeps only the rows of those types (:data:`OBJECTIVE_ROWS` or
    :data:`TOTAL_ROWS`), in the same order and with the same columns.
    """
    table = connection.execute(
        "select * exclude (line_number) from marts.credits_ledger "
        "where period = $period and coalesce(list_contains($row_types, row_type), true) "
        "order by line_number",
        {"period": period_key, "row_types": list(row_type) if row_type else None},
    ).to_arrow_table()
    return _with_run_id(table, run_id)


def by_currency_table(connection: duckdb.DuckDBPyConnection, period_key: str) -> pa.Table:
    """One row per currency of a period: its agreements and the credits to book in it."""
    return connection.execute(
        "select * from marts.credits_by_currency where period = ? order by currency",
        [period_key],
    ).to_arrow_table()


# the published columns of reconciliation.csv (docs/adapters.md), in this order
RECONCILIATION_COLUMNS = (
    "number", "priority", "objective_id", "our_status", "made_sla", "agrees", "cause",
)  # fmt: skip


def reconciliation_tables(
    connection: duckdb.DuckDBPyConnection, period_key: str
) -> dict[str, pa.Table]:
    """The reconciliation with the source system's own SLA verdict for one period (marts
    ``rpt_reconciliation`` and ``rpt_reconciliation_summary``), by file stem; empty when no
    ticket of the period has a verdict landed (ticket_outcomes: adapters only)."""
    rows = connection.execute(
        f"select {', '.join(RECONCILIATION_COLUMNS)} from marts.rpt_reconciliation "
        "where period_key = ? order by agreement_id, objective_id, number",
        [period_key],
    ).to_arrow_table()
    if rows.num_rows == 0:
        return {}
    summary = connection.execute(
        "select * exclude (period_key) from marts.rpt_reconciliation_summary "
        "where period_key = ? order by agreement_id, priority = 'all', priority",
        [period_key],
    ).to_arrow_table()
    return {"reconciliation": rows, "reconciliation_summary": summary}
