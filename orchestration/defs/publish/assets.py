"""Publications for the period: walking-skeleton version (compliance CSV only)."""


from pathlib import Path

import dagster as dg

from orchestration.defs.partitions import monthly_partitions
from orchestration.defs.resources import SlaPaths


@dg.asset(
    key=["publish", "compliance_report"],
    group_name="publish",
    partitions_def=monthly_partitions,
    deps=[dg.AssetKey(["marts", "ticket_counts"])],
    kinds={"csv"},
)
def compliance_report(context: dg.AssetExecutionContext, paths: SlaPaths) -> dg.MaterializeResult:
    """The compliance table analysts read: every agreement x objective for the period."""
    period = context.partition_time_window.start.strftime("%Y-%m")
    out = Path(paths.reports_dir) / period
    out.mkdir(parents=True, exist_ok=True)
    target = out / "compliance.csv"
    with paths.connect(read_only=True) as connection:
        connection.execute(
            f"copy (select * from marts.ticket_counts where period_key = '{period}' order by all) "
            f"to '{target}' (header)"
        )
    return dg.MaterializeResult(metadata={"path": str(target)})
