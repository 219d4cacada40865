"""The agreement period grain shared by every partitioned asset: calendar months.

Partition keys are the periods' own names, ``2026-03`` (``fmt="%Y-%m"``), so the Dagster UI,
the CLI (``--period 2026-03``) and the report folders (``reports/2026-03/``) name a month alike.
Quarterly agreements are computed from the same monthly partitions and published when the run
covers the quarter's last month.
"""

import datetime as dt

import dagster as dg

MONTH_KEY_FORMAT = "%Y-%m"

monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date="2016-01", fmt=MONTH_KEY_FORMAT, end_offset=1
)


def month_key(month: dt.date) -> str:
    """The partition key of the month holding ``month``: 2026-03-01 -> ``"2026-03"``."""
    return month.strftime(MONTH_KEY_FORMAT)
