"""The published chronic_breaches file of a period: the termination rights as contracts write them.

``marts.rpt_chronic_breaches`` holds every period with the published columns, types and order (an
enforced dbt contract, docs/publications.md "Chronic breaches"); a publication selects one period
in a fixed row order and writes it. An agreement without a chronic-breach rule has no row.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

STEM = "chronic_breaches"


def chronic_breaches_table(connection: duckdb.DuckDBPyConnection, period_key: str) -> pa.Table:
    """The rows of one period, by agreement and counted objective(s)."""
    return connection.execute(
        "select * from marts.rpt_chronic_breaches where period = ? "
        "order by agreement_id, objectives",
        [period_key],
    ).to_arrow_table()
