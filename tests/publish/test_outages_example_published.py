"""The outages example end to end on a hand-made GitHub trace: the outage-trace adapter lands
it as downtime windows, the availability objectives measured by incidents count the minutes
of the windows that reach min_severity, and April 2021 publishes compliance and credits under
the AWS and Azure schedules, checked by hand arithmetic."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from pipeline_support import Scenario, published

from orchestration.lib.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

EXAMPLE = PROJECT_ROOT / "sla_definitions" / "examples" / "outages"
# seconds from the example's anchor 2021-01-01T00:00Z: 2021-04-10 is day 99 (31 + 28 + 31 + 9
# days) = 8,553,600 s; 2021-04-20 is day 109 = 9,417,600 s
TRACE = (
    "start_time,end_time,status,service\n"
    # 50 min (3,000 s) with the whole service down: counts (1.0 >= min_severity 0.25)
    "8553600.0,8556600.0,1.0,github-status_global-status\n"
    # 30 min (1,800 s) with a fifth of it affected: below min_severity 0.25, not down
    "9417600.0,9419400.0,0.2,github-status_global-status\n"
)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    scenario = Scenario(tmp_path_factory.mktemp("outages"))
    shutil.copytree(EXAMPLE, scenario.paths.definitions_dir)
    folder = scenario.paths.landing_dir / "downtime_windows"
    folder.mkdir(parents=True)
    (folder / "github-status_global-status_operator_reported.csv").write_text(TRACE, "utf-8")
    scenario.run("2021-04")
    return scenario


def _csv(case: Scenario, name: str, columns: str) -> list[str]:
    header, *rows = (
        published(case.paths.reports_dir, "2021-04", name)
        .read_text(encoding="utf-8-sig")
        .splitlines()
    )
    names = header.split(",")
    wanted = columns.split(",")
    return [
        ",".join(dict(zip(names, row.split(","), strict=True))[c] for c in wanted) for row in rows
    ]


def test_both_trace_rows_are_read_and_landed(case: Scenario):
    assert case.query(
        "select rows_read, rows_loaded, rows_quarantined from raw.landing_files "
        "where source = 'downtime_windows'"
    ) == [(2, 2, 0)]


def test_april_availability_counts_only_the_window_at_full_severity(case: Scenario):
    rows = _csv(case, "compliance.csv", "agreement_id,service_id,actual,status,unknown_minutes")
    # April = 30 days = 43,200 minutes; 50 down: (43,200 - 50) / 43,200 = 99.884259..% -> 99.8843
    # (target 99.99: breached). No window of slack or discord: every minute up, none unknown
    assert sorted(rows) == [
        "status-pages-aws,discord,100.0000,met,0",
        "status-pages-aws,github,99.8843,breached,0",
        "status-pages-aws,slack,100.0000,met,0",
        "status-pages-azure,discord,100.0000,met,0",
        "status-pages-azure,github,99.8843,breached,0",
        "status-pages-azure,slack,100.0000,met,0",
    ]
    assert case.query(
        "select agreed_minutes, down_minutes from marts.objective_periods "
        "where period_key = '2021-04' and service_id = 'github'"
    ) == [(43_200, 50), (43_200, 50)]


def test_april_credits_follow_the_aws_and_azure_schedules(case: Scenario):
    columns = "agreement_id,objective_id,row_type,credit_pct,fee_amount,credit_amount"
    rows = _csv(case, "credits.csv", columns)
    github = sorted(row for row in rows if ",github-availability," in row)
    # 99.8843 is below 99.99 and not below 99.0: 10 % under both schedules, of GitHub's fee
    # 2,000.00 = 200.00 USD each
    assert github == [
        "status-pages-aws,github-availability,objective,10.0000,2000.00,200.00",
        "status-pages-azure,github-availability,objective,10.0000,2000.00,200.00",
    ]
    total = case.query(
        "select sum(credit_amount) from marts.credits_ledger "
        "where period = '2021-04' and row_type = 'objective'"
    )
    assert total == [(Decimal("400.00"),)]
