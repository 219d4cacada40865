"""What `sla status` and `sla explain` show: plain data read from the reports folder, the
warehouse marts and the last run's record (status.py, explain.py), and its terminal text
(text.py). Nothing here computes a figure: every number comes from a dbt mart."""

from __future__ import annotations


class ReportError(Exception):
    """A usage error: a missing path, or an agreement, period or objective that does not exist."""
