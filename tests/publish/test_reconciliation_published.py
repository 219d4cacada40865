"""The ServiceNow example end to end on four hand-made incidents: the adapter lands them, the
pipeline computes our verdicts, and the period publishes reconciliation.csv and its summary."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pipeline_support import Scenario, published

from orchestration.lib.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

EXAMPLE = PROJECT_ROOT / "sla_definitions" / "examples" / "servicenow"
HEADER = (
    "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,"
    "caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,sys_updated_at,"
    "contact_type,location,category,subcategory,u_symptom,cmdb_ci,impact,urgency,priority,"
    "assignment_group,assigned_to,knowledge,u_priority_confirmation,notify,problem_id,rfc,"
    "vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at"
)
PRIORITY_LABELS = {"1": "1 - Critical", "2": "2 - High", "3": "3 - Moderate"}
# number, state, sys_mod_count, made_sla, opened_at, sys_updated_at, priority, resolved_at
# (dates day/month of 2016)
UPDATES = """
INC1,New,0,true,1/3 10:00,1/3 10:00,3,1/3 12:00
INC1,Resolved,1,true,1/3 10:00,1/3 12:00,3,1/3 12:00
INC2,New,0,false,2/3 10:00,2/3 10:00,3,10/3 12:00
INC2,Awaiting User Info,1,false,2/3 10:00,2/3 11:00,3,10/3 12:00
INC2,Active,2,false,2/3 10:00,10/3 11:00,3,10/3 12:00
INC2,Resolved,3,false,2/3 10:00,10/3 12:00,3,10/3 12:00
INC3,New,0,true,3/3 10:00,3/3 10:00,1,3/3 10:30
INC3,Resolved,1,true,3/3 10:00,3/3 10:30,1,3/3 10:30
INC4,New,0,false,4/3 10:00,4/3 10:00,2,4/3 13:00
INC4,Resolved,1,false,4/3 10:00,4/3 13:00,2,4/3 13:00
"""
# INC1 P3: resolved after 2 h of 96 h, made_sla true: agrees.
# INC2 P3: 1 h active, 192 h Awaiting User Info (paused), 1 h active: met in 2 h of 96 h;
#   made_sla false, and without the pause 194 h > 96 h: pause_handling.
# INC3 P1: 30 min of 1 h, made_sla true: agrees. INC4 P2: 3 h of 1 h, breached, made_sla
#   false: agrees.


def _day(text: str) -> str:
    day, time = text.split(" ")
    return f"{day}/2016 {time}"


def _line(update: str) -> str:
    number, state, mod, made_sla, opened, updated, priority, resolved = update.split(",")
    return (
        f"{number},{state},true,0,0,{mod},{made_sla},Caller 1,Opened by 1,{_day(opened)},"
        f"Created by 1,{_day(opened)},Updated by 1,{_day(updated)},Phone,Location 1,Category 1,"
        f"Subcategory 1,Symptom 1,?,2 - Medium,2 - Medium,{PRIORITY_LABELS[priority]},Group 1,?,"
        f"true,false,Do Not Notify,?,?,?,?,code 1,Resolved by 1,{_day(resolved)},?"
    )


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    scenario = Scenario(tmp_path_factory.mktemp("servicenow"))
    shutil.copytree(EXAMPLE, scenario.paths.definitions_dir)
    landing = scenario.paths.landing_dir
    (landing / "tickets").mkdir(parents=True)
    export = landing / "tickets" / "incidents.csv"
    lines = [_line(update) for update in UPDATES.strip().splitlines()]
    export.write_text("\n".join([HEADER, *lines]) + "\n", "utf-8")
    for name in ("ticket_events", "ticket_outcomes"):
        (landing / name).mkdir()
        (landing / name / "incidents.csv").symlink_to(os.path.relpath(export, landing / name))
    scenario.run("2016-03")
    return scenario


def _rows(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()


def test_reconciliation_csv_has_the_issue_columns_and_one_row_per_incident(case: Scenario):
    path = published(case.paths.reports_dir, "2016-03", "reconciliation.csv")
    assert _rows(path) == [
        "number,priority,objective_id,our_status,made_sla,agrees,cause",
        "INC3,P1,p1-resolution,met,true,true,",
        "INC4,P2,p2-resolution,breached,false,true,",
        "INC1,P3,p3-resolution,met,true,true,",
        "INC2,P3,p3-resolution,met,false,false,pause_handling",
    ]


def test_the_summary_gives_the_agreement_rate_per_priority_and_overall(case: Scenario):
    path = published(case.paths.reports_dir, "2016-03", "reconciliation_summary.csv")
    header, *rows = _rows(path)
    assert header == (
        "agreement_id,priority,tickets,agreeing,agreement_pct,pause_handling,reopened,"
        "missing_or_late_resolution,clock_start,threshold"
    )
    # P3: 1 of 2 agree = 50.00 %; all: 3 of 4 = 75.00 %
    assert rows == [
        "servicenow-incidents,P1,1,1,100.00,0,0,0,0,0",
        "servicenow-incidents,P2,1,1,100.00,0,0,0,0,0",
        "servicenow-incidents,P3,2,1,50.00,1,0,0,0,0",
        "servicenow-incidents,all,4,3,75.00,1,0,0,0,0",
    ]


def test_every_update_is_read_and_the_manifest_shows_it(case: Scenario):
    files = case.query(
        "select source, rows_read, rows_loaded, rows_quarantined from raw.landing_files "
        "where status = 'loaded' order by source"
    )
    # 10 updates of 4 incidents; no update repeats another
    assert files == [
        ("ticket_events", 10, 10, 0), ("ticket_outcomes", 4, 4, 0), ("tickets", 4, 4, 0),
    ]  # fmt: skip
