"""Unknown time and capped maintenance on the real pipeline, read from the published
compliance.csv and the maintenance_windows mart (issue 13, points 2 and 3).

March 2026, UTC calendar: 44,640 minutes. Fee 1,000.00, tier 10 % below the target.

svc-a is probed every minute except 60 minutes without any result (5 March 00:00-01:00) and is
down 20 minutes (10 March 10:00-10:20). Three agreements measure it, target 99.9 % (44.64
minutes of downtime allowed), each with another missing_data:
- ex-co (exclude): (44,640 - 20) / 44,640 = 99.955197 % met, coverage 44,580 / 44,640 = 99.87 %
  >= 90; were the 60 unknown minutes down: (44,640 - 80) / 44,640 = 99.820789 % < 99.9, a
  breach: uncertain, rated amber
- up-co (up): the same 99.955197 % met, the same worst case: uncertain, amber
- dn-co (down): the unknown minutes are down: 99.820789 % breached, tier 10 % = 100.00 credit,
  and nothing is left to doubt: certain, red

svc-m is probed every minute and down during both maintenance windows, both announced on
1 March (more than 48 h ahead). mt-co: target 99.0, maintenance {notice: 48h,
max_minutes_per_period: 240, allowed_windows: [{days: [sat], start: "22:00", end: "06:00"}]}:
- W1 Sat 7 March 22:00 - Sun 8 March 03:00 = 300 minutes, all in the allowed window: the first
  240 (22:00-02:00) are excluded, the last 60 (02:00-03:00) are beyond the cap
- W2 Wed 11 March 10:00-11:00 = 60 minutes outside the allowed windows
Agreed 44,640 - 240 = 44,400; downtime 60 + 60 = 120; (44,400 - 120) / 44,400 = 99.729730 % met
(every minute observed: certain).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
import yaml
from pipeline_support import ENGINES, Scenario, copy_definitions, published, write_landing

pytestmark = pytest.mark.slow

# every day 00:00-24:00 in UTC: agreed time is the whole month
CALENDAR = {
    "id": "utc-24x7",
    "timezone": "UTC",
    "hours": {day: "00:00-24:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
}
MAINTENANCE = {
    "notice": "48h",
    "max_minutes_per_period": 240,
    "allowed_windows": [{"days": ["sat"], "start": "22:00", "end": "06:00"}],
}


def _agreement(
    agreement_id: str,
    service: str,
    target: str,
    version: dict[str, object] | None = None,
    **terms: object,
) -> str:
    """One monthly agreement with one availability objective (tier 10 % below the target);
    `terms` go to the objective (missing_data), `version` to the version (maintenance)."""
    objective = {"id": "availability", "kind": "availability", "service": service,
                 "target": float(target), **terms,
                 "credits": [{"below": float(target), "credit_pct": 10}]}  # fmt: skip
    document = {
        "id": agreement_id, "customer": f"{agreement_id} customer", "provider": "Northwind",
        "currency": "EUR", "period": "monthly", "calendar": "utc-24x7",
        "versions": [{"version": 1, "effective_from": dt.date(2026, 3, 1),
                      "monthly_fee": 1000.0, **(version or {}), "objectives": [objective]}],
    }  # fmt: skip
    return yaml.safe_dump(document, sort_keys=False)


MARCH_START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def _minutes(start: dt.datetime, count: int) -> set[dt.datetime]:
    return {start + dt.timedelta(minutes=i) for i in range(count)}


def _probes() -> str:
    gap = _minutes(dt.datetime(2026, 3, 5, tzinfo=dt.UTC), 60)
    down = {
        "svc-a": _minutes(dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC), 20),
        "svc-m": _minutes(dt.datetime(2026, 3, 7, 22, tzinfo=dt.UTC), 300)
        | _minutes(dt.datetime(2026, 3, 11, 10, tzinfo=dt.UTC), 60),
    }
    rows = []
    for i in range(44_640):
        minute = MARCH_START + dt.timedelta(minutes=i)
        stamp = minute.strftime("%Y-%m-%dT%H:%M:%SZ")
        for service, failing in down.items():
            if service == "svc-a" and minute in gap:
                continue
            rows.append(f"{service},{stamp},{'false' if minute in failing else 'true'},,l1")
    return "\n".join(rows)


@pytest.fixture(scope="module", params=ENGINES)
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    scenario = Scenario(tmp_path_factory.mktemp(f"unknown_time-{request.param}"), request.param)
    definitions = scenario.paths.definitions_dir
    agreements = {
        name: _agreement(name, "svc-a", "99.9", missing_data=rule)
        for name, rule in (("ex-co", "exclude"), ("up-co", "up"), ("dn-co", "down"))
    }
    agreements["mt-co"] = _agreement("mt-co", "svc-m", "99.0", version={"maintenance": MAINTENANCE})
    copy_definitions(definitions, agreements)
    (definitions / "calendars" / "utc-24x7.yaml").write_text(yaml.safe_dump(CALENDAR))
    write_landing(
        scenario.paths.landing_dir,
        {
            "probes/probes.csv": _probes(),
            "maintenance/maintenance.csv": (
                "svc-m,2026-03-07T22:00:00Z,2026-03-08T03:00:00Z,2026-03-01T00:00:00Z\n"
                "svc-m,2026-03-11T10:00:00Z,2026-03-11T11:00:00Z,2026-03-01T00:00:00Z"
            ),
            "tickets/tickets.csv": "",
            "ticket_events/events.csv": "",
        },
    )
    outcome = scenario.run("2026-03")
    assert not outcome.failed_steps, outcome.reason
    return scenario


@pytest.fixture(scope="module")
def compliance(case: Scenario) -> pl.DataFrame:
    path = published(case.paths.reports_dir, "2026-03", "compliance.csv")
    return pl.read_csv(path, infer_schema=False).sort("agreement_id")


def test_compliance_publishes_unknown_minutes_and_certainty_after_its_columns(compliance):
    # after every column published before, run_id (right after definitions_version) included
    assert compliance.columns[-4:] == [
        "definitions_version", "run_id", "unknown_minutes", "is_verdict_certain",
    ]  # fmt: skip
    rows = {
        r["agreement_id"]: (r["status"], r["rating"], r["unknown_minutes"], r["is_verdict_certain"])
        for r in compliance.iter_rows(named=True)
    }
    assert rows == {
        # met on the observed minutes, a breach were the 60 unknown ones down
        "ex-co": ("met", "amber", "60", "false"),
        "up-co": ("met", "amber", "60", "false"),
        # the 60 unknown minutes are down by contract: a certain breach
        "dn-co": ("breached", "red", "60", "true"),
        # nothing unknown
        "mt-co": ("met", "green", "0", "true"),
    }


def test_the_actual_follows_missing_data(compliance):
    actual = {r["agreement_id"]: Decimal(r["actual"]) for r in compliance.iter_rows(named=True)}
    # (44,640 - 20) / 44,640 = 99.955197; (44,640 - 80) / 44,640 = 99.820789;
    # (44,400 - 120) / 44,400 = 99.729730 (4 decimals as published)
    assert actual == {
        "ex-co": Decimal("99.9552"),
        "up-co": Decimal("99.9552"),
        "dn-co": Decimal("99.8208"),
        "mt-co": Decimal("99.7297"),
    }


def test_maintenance_beyond_the_cap_and_outside_the_windows_counts_as_agreed_time(case):
    windows = case.query(
        "select strftime(starts_at, '%d %H:%M'), is_excluded, excluded_minutes, counted_minutes,"
        " late_notice_minutes, outside_window_minutes, beyond_cap_minutes"
        " from marts.maintenance_windows where agreement_id = 'mt-co' order by starts_at"
    )
    assert windows == [
        # 300 minutes in the allowed window: 240 up to the cap, 60 beyond it
        ("07 22:00", True, 240, 60, 0, 0, 60),
        # Wednesday 10:00-11:00 is outside sat 22:00-06:00
        ("11 10:00", True, 0, 60, 0, 60, 0),
    ]
    figures = case.query(
        "select agreed_minutes, down_minutes from marts.objective_periods"
        " where agreement_id = 'mt-co'"
    )
    # 44,640 - 240 excluded; 60 minutes beyond the cap + 60 outside the window were down
    assert figures == [(44_400, 120)]
