"""The monthly close: on the 2nd of each month, publish the month that just ended."""

import datetime as dt

import dagster as dg

from orchestration.defs.partitions import month_key, monthly_partitions
from orchestration.lib.periods import add_months

monthly_close_job = dg.define_asset_job(
    name="monthly_close",
    selection=dg.AssetSelection.all(),
    partitions_def=monthly_partitions,
    description="Ingest, check, compute and publish one month (and a quarter at its end).",
)


def closing_month(at: dt.datetime) -> str:
    """The partition a run at ``at`` closes: the previous calendar month (``"2026-02"``)."""
    return month_key(add_months(dt.date(at.year, at.month, 1), -1))


@dg.schedule(
    cron_schedule="0 6 2 * *",
    job=monthly_close_job,
    execution_timezone="UTC",
    description="06:00 UTC on the 2nd: late tickets and probes of the last day have landed.",
)
def monthly_close(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    partition_key = closing_month(context.scheduled_execution_time)
    return dg.RunRequest(run_key=partition_key, partition_key=partition_key)
