"""The two tables a period folder publishes, read from their marts: compliance and credits.

``marts.rpt_compliance`` and ``marts.credits_ledger`` hold every period with the published
columns, types and order (enforced dbt contracts); a publication selects one period, in the
published row order, and adds its run id. Both come back as Arrow tables with the warehouse's
decimal types intact; the writers decide how each file format represents them.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

LEDGER_MONEY_COLUMNS = ("fee_amount", "credit_amount", "credit_amount_uncapped", "cap_amount")

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


def ledger_table(connection: duckdb.DuckDBPyConnection, period_key: str, run_id: str) -> pa.Table:
    """The credits ledger of one period: objective rows, then one agreement_total row each."""
    table = connection.execute(
        "select * exclude (line_number) from marts.credits_ledger where period = ? "
        "order by line_number",
        [period_key],
    ).to_arrow_table()
    return _with_run_id(table, run_id)
