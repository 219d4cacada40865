"""The agreement period grain shared by every partitioned asset: calendar months.

Quarterly agreements are computed from the same monthly partitions and published when the run
covers the quarter's last month.
"""

import dagster as dg

monthly_partitions = dg.MonthlyPartitionsDefinition(start_date="2024-01-01", end_offset=1)
