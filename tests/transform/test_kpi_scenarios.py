"""Hand-computed KPI, compliance and credit scenarios on the real pipeline (DuckDB, dbt, Dagster).

One module-scoped run for March 2026 holds seven agreements; every expected figure below is
worked out by hand from the landing rows written here, following docs/kpi_rules.md:

- a minute is down when more than half of its probe results failed; no result = no data;
- agreed = period minutes - minutes of maintenance announced >= notice ahead;
- uptime % = (agreed - counted down minutes) / agreed x 100, down minutes counted against all
  agreed minutes (no-data minutes are not down), only in runs >= min_downtime_minutes;
- breached when actual < target (latency: >); met at or beyond; insufficient_data when nothing
  was measured, CSAT below min_responses, or availability met on < 90 % coverage;
- credit = round_half_up(fee x pct / 100, 2) per objective, most severe tier crossed strictly,
  cap shared pro rata, nothing paid when the total is below min_credit_amount.

March 2026 in UTC has 31 x 1440 = 44,640 minutes; February 40,320; Q1 129,600. Most services
here are probed only in the minutes that matter ("sparse"): their downtime still counts against
every agreed minute, so a breach is certain even with little coverage (see berlin-co for the
no-data side of that rule).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest
import yaml
from agreement_texts import agreement_head, write_utc_calendar
from pipeline_support import ENGINES, Scenario, copy_definitions, write_landing

from orchestration.lib.agreements.schema import Agreement

pytestmark = pytest.mark.slow


def _agreement(agreement_id: str, body: str, period: str = "monthly", currency: str = "EUR",
               calendar: str = "utc-24x7") -> str:  # fmt: skip
    return agreement_head(agreement_id, currency=currency, period=period, calendar=calendar) + body


AGREEMENTS = {
    # A: the cap binds, rounding half-up on x.xx5, CSAT with too few responses
    "cap-co": _agreement(
        "cap-co",
        """\
versions:
  - version: 1
    effective_from: 2026-03-01
    monthly_fee: 1234.55
    credit_cap_pct: 20
    objectives:
      - {id: avail-a, kind: availability, service: svc-a, target: 99.9,
         credits: [{below: 99.9, credit_pct: 10}]}
      - {id: avail-b, kind: availability, service: svc-a, target: 99.9,
         credits: [{below: 99.9, credit_pct: 15}]}
      - {id: csat, kind: csat, target: 4.0, min_responses: 3,
         credits: [{below: 4.0, credit_pct: 5}]}
""",
    ),
    # B1: AWS EC2 region-level schedule, blips shorter than 5 minutes do not count
    "aws-ec2": _agreement(
        "aws-ec2",
        """\
versions:
  - version: 1
    effective_from: 2026-03-01
    monthly_fee: 500.00
    credit_cap_pct: 100
    min_credit_amount: 10.00
    objectives:
      - id: ec2-region
        kind: availability
        service: svc-ec2
        target: 99.99
        min_downtime_minutes: 5
        credits:
          - {below: 99.99, credit_pct: 10}
          - {below: 99.0, credit_pct: 30}
          - {below: 95.0, credit_pct: 100}
""",
        currency="USD",
    ),
    # B2: AWS S3 schedule on a small fee (same service as cap-co): the credit is below the
    # minimum credit amount
    "aws-s3": _agreement(
        "aws-s3",
        """\
versions:
  - version: 1
    effective_from: 2026-03-01
    monthly_fee: 80.00
    min_credit_amount: 10.00
    objectives:
      - id: s3-bucket
        kind: availability
        service: svc-a
        target: 99.9
        credits:
          - {below: 99.9, credit_pct: 10}
          - {below: 99.0, credit_pct: 25}
          - {below: 95.0, credit_pct: 100}
""",
        currency="USD",
    ),
    # C: an actual of exactly 95.0: a target of 95 is met, a tier `below: 95` does not apply
    "boundary-co": _agreement(
        "boundary-co",
        """\
versions:
  - version: 1
    effective_from: 2026-03-01
    monthly_fee: 1000.00
    objectives:
      - {id: avail-99, kind: availability, service: svc-c, target: 99.0,
         credits: [{below: 99.0, credit_pct: 10}, {below: 95.0, credit_pct: 50}]}
      - {id: avail-95, kind: availability, service: svc-c, target: 95.0, warning: 0.5,
         credits: [{below: 95.0, credit_pct: 20}]}
""",
        currency="GBP",
    ),
    # D: a new version from March: February is judged by v1, March by v2; chronic breach 2 of 3
    "versioned-co": _agreement(
        "versioned-co",
        """\
versions:
  - version: 1
    effective_from: 2026-02-01
    monthly_fee: 1000.00
    chronic_breach: {breaches: 2, within_periods: 3}
    objectives:
      - {id: uptime, kind: availability, service: svc-v, target: 99.9,
         credits: [{below: 99.9, credit_pct: 10}]}
  - version: 2
    effective_from: 2026-03-01
    monthly_fee: 2000.00
    chronic_breach: {breaches: 2, within_periods: 3}
    objectives:
      - {id: uptime, kind: availability, service: svc-v, target: 99.5,
         credits: [{below: 99.5, credit_pct: 20}]}
""",
    ),
    # E: maintenance with and without enough notice, a no-data day, majority rule per minute
    "maint-co": _agreement(
        "maint-co",
        """\
versions:
  - version: 1
    effective_from: 2026-03-01
    monthly_fee: 1000.00
    maintenance_notice: 48h
    objectives:
      - {id: avail-m, kind: availability, service: svc-m, target: 99.9,
         credits: [{below: 99.9, credit_pct: 10}]}
""",
    ),
    # F: quarterly (fee = 3 x monthly fee) with a latency p95 objective and `above` tiers
    "quarterly-co": _agreement(
        "quarterly-co",
        """\
versions:
  - version: 1
    effective_from: 2026-01-01
    monthly_fee: 1000.00
    objectives:
      - {id: avail-q, kind: availability, service: svc-q, target: 99.9,
         credits: [{below: 99.9, credit_pct: 5}]}
      - id: latency-q
        kind: latency_p95
        service: svc-q
        target: 200
        warning: 50
        credits:
          - {above: 200, credit_pct: 10}
          - {above: 500, credit_pct: 25}
          - {above: 2000, credit_pct: 50}
""",
        period="quarterly",
        currency="USD",
    ),
    # G: Berlin calendar (DST in March), too little coverage, and no data at all
    "berlin-co": _agreement(
        "berlin-co",
        """\
versions:
  - version: 1
    effective_from: 2026-03-01
    monthly_fee: 1000.00
    objectives:
      - {id: avail-berlin, kind: availability, service: svc-berlin, target: 99.9,
         credits: [{below: 99.9, credit_pct: 10}]}
      - {id: avail-sparse-99, kind: availability, service: svc-sparse, target: 99.0,
         credits: [{below: 99.0, credit_pct: 10}]}
      - {id: avail-sparse-98, kind: availability, service: svc-sparse, target: 98.0,
         credits: [{below: 99.5, credit_pct: 10}]}
      - {id: avail-none, kind: availability, service: svc-none, target: 99.0,
         credits: [{below: 99.0, credit_pct: 10}]}
""",
        calendar="de-office-hours",
    ),
}


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def probe_rows(
    service: str, start: str, minutes: int, ok: bool, latency: str = "", location: str = "l1"
) -> list[str]:
    """One probe per minute for ``minutes`` minutes from ``start`` (UTC)."""
    first = _at(start)
    flag = "true" if ok else "false"
    return [
        f"{service},{_iso(first + dt.timedelta(minutes=i))},{flag},{latency},{location}"
        for i in range(minutes)
    ]


MARCH_START = _at("2026-03-01T00:00:00")
# every minute of March 2026 (UTC) as landing text, formatted once for all services
MARCH_MINUTES = [_iso(MARCH_START + dt.timedelta(minutes=i)) for i in range(44_640)]


def march_rows(
    service: str, down: list[tuple[str, int]], days: int = 31, skip_day: int | None = None
) -> list[str]:
    """A probe every minute from 1 March (UTC) for ``days`` days, failing in the given
    (start, minutes) runs, none on ``skip_day``."""
    failing: set[str] = set()
    for start, count in down:
        failing.update(_iso(_at(start) + dt.timedelta(minutes=i)) for i in range(count))
    skipped = f"2026-03-{skip_day:02d}T" if skip_day else "-"
    return [
        f"{service},{minute},{'false' if minute in failing else 'true'},,l1"
        for minute in MARCH_MINUTES[: days * 1440]
        if not minute.startswith(skipped)
    ]


def _probes() -> str:
    # The ingestion gate (a blocking GX check) wants every probed service covered for at least
    # half of the minutes from 1 March to the newest probe (31 March 23:59, svc-c), so most
    # services are probed every minute for the first 16 days (23,040 minutes, 51.6 %): enough
    # for the gate, and their breaches stand on any coverage. February lies outside the gate's
    # window and is probed only in the minutes that matter.
    rows: list[str] = []
    # A and B2: svc-a down 60 minutes
    rows += march_rows("svc-a", [("2026-03-10T10:00:00", 60)], days=16)
    # B1: runs of 4, 5 and 3 down minutes: only the run of 5 counts
    rows += march_rows(
        "svc-ec2",
        [("2026-03-03T01:00:00", 4), ("2026-03-04T02:00:00", 5), ("2026-03-05T03:00:00", 3)],
        days=16,
    )
    # C: the whole month, one run of 2,232 down minutes = 5 % of 44,640
    rows += march_rows("svc-c", [("2026-03-02T00:00:00", 2232)])
    # D: February 100 down minutes (only those probed), March 300
    rows += probe_rows("svc-v", "2026-02-10T00:00:00", 100, ok=False)
    rows += march_rows("svc-v", [("2026-03-10T00:00:00", 300)], days=16)
    # E: 1..17 March without the 8th; down through window W1 (excluded) and W2 (late notice)
    rows += march_rows(
        "svc-m", [("2026-03-05T00:00:00", 120), ("2026-03-12T00:00:00", 60)], days=17, skip_day=8
    )
    # E: more locations: 12:00 fails at l2 while l1 is ok (1 of 2 is not more than half: up);
    # 13:00..13:04 fail at l2 and l3 while l1 is ok (2 of 3: down, a run of 5)
    rows += probe_rows("svc-m", "2026-03-15T12:00:00", 1, ok=False, location="l2")
    rows += probe_rows("svc-m", "2026-03-15T13:00:00", 5, ok=False, location="l2")
    rows += probe_rows("svc-m", "2026-03-15T13:00:00", 5, ok=False, location="l3")
    # F: 200 down minutes in February, their failed probes carrying a 9999 ms timeout that must
    # not reach the percentile; March up, 20 probes at l2 with 100, 200, ..., 2000 ms
    rows += probe_rows("svc-q", "2026-02-15T00:00:00", 200, ok=False, latency="9999")
    rows += march_rows("svc-q", [], days=16)
    rows += [f"svc-q,{MARCH_MINUTES[i]},true,{100 * (i + 1)},l2" for i in range(20)]
    # G: 45 down minutes at the start of March in Berlin (still February in UTC) and 30 down
    # minutes that are already April in Berlin (31 March 22:00Z = 1 April 00:00 CEST)
    rows += probe_rows("svc-berlin", "2026-02-28T23:00:00", 45, ok=False)
    rows += march_rows("svc-berlin", [], days=16)
    rows += probe_rows("svc-berlin", "2026-03-31T22:00:00", 30, ok=False)
    # G: svc-sparse probed 1..17 March (24,480 minutes), 500 of them down
    rows += march_rows("svc-sparse", [("2026-03-05T00:00:00", 500)], days=17)
    return "\n".join(rows)


MAINTENANCE = "\n".join(
    [
        # W1: 96 h notice >= 48 h -> excluded (120 minutes)
        "svc-m,2026-03-05T00:00:00Z,2026-03-05T02:00:00Z,2026-03-01T00:00:00Z",
        # W2: 24 h notice < 48 h -> not excluded: its 60 down minutes count
        "svc-m,2026-03-12T00:00:00Z,2026-03-12T01:00:00Z,2026-03-11T00:00:00Z",
        # W3: exactly 48 h notice -> excluded (30 minutes, all up)
        "svc-m,2026-03-14T00:00:00Z,2026-03-14T00:30:00Z,2026-03-12T00:00:00Z",
    ]
)

TICKETS = "\n".join(
    [
        # two CSAT responses (mean 2.5) where 3 are required: insufficient, never a breach
        "C1,cap-co,P3,2026-03-02T09:00:00Z,2026-03-02T09:10:00Z,2026-03-02T11:00:00Z,2",
        "C2,cap-co,P3,2026-03-03T09:00:00Z,2026-03-03T09:10:00Z,2026-03-03T11:00:00Z,3",
    ]
)


@pytest.fixture(scope="module", params=ENGINES)
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    scenario = Scenario(tmp_path_factory.mktemp(f"kpi-{request.param}"), request.param)
    copy_definitions(scenario.paths.definitions_dir, AGREEMENTS)
    write_utc_calendar(scenario.paths.definitions_dir)
    write_landing(
        scenario.paths.landing_dir,
        {
            "probes/probes.csv": _probes(),
            "maintenance/maintenance.csv": MAINTENANCE,
            "tickets/tickets.csv": TICKETS,
            "ticket_events/events.csv": "",
        },
    )
    outcome = scenario.run("2026-03")
    # the marts are what this module checks; a failing publication is another module's concern
    assert not [step for step in outcome.failed_steps if "dbt" in step], outcome.reason
    return scenario


def _one_row(case: Scenario, mart: str, columns: str, keys: dict[str, str]) -> dict:
    """The one row of ``marts.<mart>`` with these key values, as {column: value}."""
    where = " and ".join(f"{key} = ?" for key in keys)
    row = case.query(f"select {columns} from marts.{mart} where {where}", list(keys.values()))
    assert len(row) == 1, (mart, keys, row)
    return dict(zip([c.strip() for c in columns.split(",")], row[0], strict=True))


def compliance(case: Scenario, agreement: str, period: str, objective: str) -> dict:
    columns = (
        "version, target, actual, status, sample_size, coverage_pct, agreed_minutes, "
        "down_minutes, margin, is_warning"
    )
    keys = {"agreement_id": agreement, "period_key": period, "objective_id": objective}
    return _one_row(case, "objective_periods", columns, keys)


def credit(case: Scenario, agreement: str, period: str, objective: str) -> dict:
    columns = (
        "tier_rank, credit_pct, fee_amount, credit_amount_uncapped, credit_amount_capped, "
        "credit_amount, is_capped, is_below_minimum"
    )
    keys = {"agreement_id": agreement, "period_key": period, "objective_id": objective}
    return _one_row(case, "objective_credits", columns, keys)


def total(case: Scenario, agreement: str, period: str) -> dict:
    columns = (
        "version, currency, fee_amount, cap_amount, credit_amount_uncapped, "
        "credit_amount_capped, credit_amount, is_capped, is_below_minimum"
    )
    return _one_row(case, "agreement_credits", columns, {"agreement_id": agreement,
                                                         "period_key": period})  # fmt: skip


def test_cap_binds_shared_pro_rata_with_half_up_rounding(case: Scenario) -> None:
    # svc-a: 60 down minutes of 44,640 -> 44,580 x 100 / 44,640 = 99.8655... < 99.9, probed
    # for 16 days (23,040 minutes): the breach stands on any coverage. avail-a's tier: 10 % of
    # 1,234.55 = 123.455 -> half-up 123.46; avail-b (same service): 15 % = 185.1825 -> 185.18
    a = compliance(case, "cap-co", "2026-03", "avail-a")
    assert a["actual"] == 44_580 * 100 / 44_640
    assert (a["status"], a["down_minutes"], a["agreed_minutes"]) == ("breached", 60, 44_640)
    assert (a["sample_size"], a["coverage_pct"]) == (23_040, 23_040 * 100 / 44_640)
    assert a["margin"] == 44_580 * 100 / 44_640 - 99.9
    # cap 20 % of 1,234.55 = 246.91; 123.46 + 185.18 = 308.64 > 246.91: shared pro rata in cents
    # (docs/kpi_rules.md): avail-a 24,691 x 12,346 / 30,864 = 9,876 rest 22,222; avail-b
    # 24,691 x 18,518 / 30,864 = 14,814 rest 8,642. Floors 9,876 + 14,814 = 24,690: the one
    # missing cent goes to the largest remainder (avail-a): 98.77 + 148.14 = 246.91; csat 0
    ca = credit(case, "cap-co", "2026-03", "avail-a")
    cb = credit(case, "cap-co", "2026-03", "avail-b")
    assert (ca["credit_amount_uncapped"], ca["credit_amount"], ca["is_capped"]) == (
        Decimal("123.46"), Decimal("98.77"), True,
    )  # fmt: skip
    assert (cb["credit_amount_uncapped"], cb["credit_amount"], cb["is_capped"]) == (
        Decimal("185.18"), Decimal("148.14"), True,
    )  # fmt: skip
    t = total(case, "cap-co", "2026-03")
    assert t["cap_amount"] == Decimal("246.91")
    assert t["credit_amount_uncapped"] == Decimal("308.64")
    assert t["credit_amount"] == Decimal("246.91") and t["is_capped"]


def test_csat_below_min_responses_is_insufficient_and_earns_nothing(case: Scenario) -> None:
    # 2 responses (scores 2 and 3, mean 2.5 < 4.0) where 3 are required
    c = compliance(case, "cap-co", "2026-03", "csat")
    assert c["status"] == "insufficient_data"
    assert c["sample_size"] == 2
    cc = credit(case, "cap-co", "2026-03", "csat")
    assert cc["tier_rank"] is None and cc["credit_amount"] == Decimal("0.00")


def test_aws_ec2_counts_only_runs_of_five_minutes(case: Scenario) -> None:
    # runs of 4, 5 and 3 down minutes; only the 5 count: 44,635 x 100 / 44,640 = 99.98879...
    # < 99.99 -> 10 % (not below 99.0) of 500.00 = 50.00 >= minimum 10.00 -> paid
    e = compliance(case, "aws-ec2", "2026-03", "ec2-region")
    assert e["down_minutes"] == 5
    assert e["actual"] == 44_635 * 100 / 44_640
    assert (e["status"], e["sample_size"]) == ("breached", 23_040)
    ce = credit(case, "aws-ec2", "2026-03", "ec2-region")
    assert (ce["tier_rank"], ce["credit_pct"], ce["credit_amount"]) == (
        1, Decimal("10.0000"), Decimal("50.00"),
    )  # fmt: skip
    outages = case.query(
        "select started_at, down_minutes, is_counted from marts.outages "
        "where service_id = 'svc-ec2' order by started_at"
    )
    assert outages == [
        (dt.datetime(2026, 3, 3, 1, 0), 4, False),
        (dt.datetime(2026, 3, 4, 2, 0), 5, True),
        (dt.datetime(2026, 3, 5, 3, 0), 3, False),
    ]


def test_aws_s3_credit_below_minimum_is_not_paid(case: Scenario) -> None:
    # 60 down of 44,640 -> 99.8655... < 99.9 -> 10 % of 80.00 = 8.00 < 10.00 minimum -> 0
    cs = credit(case, "aws-s3", "2026-03", "s3-bucket")
    assert (cs["credit_amount_uncapped"], cs["credit_amount"], cs["is_below_minimum"]) == (
        Decimal("8.00"), Decimal("0.00"), True,
    )  # fmt: skip
    t = total(case, "aws-s3", "2026-03")
    assert (t["credit_amount_capped"], t["credit_amount"], t["is_below_minimum"]) == (
        Decimal("8.00"), Decimal("0.00"), True,
    )  # fmt: skip


def test_tier_and_target_boundaries_are_exact(case: Scenario) -> None:
    # 2,232 down of 44,640 -> 42,408 x 100 / 44,640 = 95.0 exactly
    breached = compliance(case, "boundary-co", "2026-03", "avail-99")
    assert breached["actual"] == 95.0 and breached["status"] == "breached"
    # below 95.0 is strict: 95.0 is not below it, so the 10 % tier applies: 100.00
    c99 = credit(case, "boundary-co", "2026-03", "avail-99")
    assert (c99["tier_rank"], c99["credit_amount"]) == (1, Decimal("100.00"))
    # target 95.0: met at exactly the target, margin 0 < warning 0.5 -> amber
    met = compliance(case, "boundary-co", "2026-03", "avail-95")
    assert (met["status"], met["margin"], met["is_warning"]) == ("met", 0.0, True)
    assert (met["sample_size"], met["coverage_pct"]) == (44_640, 100.0)
    c95 = credit(case, "boundary-co", "2026-03", "avail-95")
    assert c95["tier_rank"] is None and c95["credit_amount"] == Decimal("0.00")
    assert total(case, "boundary-co", "2026-03")["credit_amount"] == Decimal("100.00")


def test_version_change_between_periods(case: Scenario) -> None:
    # February, v1: 100 down of 40,320 -> 40,220 x 100 / 40,320 = 99.7519... < 99.9 -> 10 % of
    # 1,000.00 = 100.00
    feb = compliance(case, "versioned-co", "2026-02", "uptime")
    assert (feb["version"], feb["target"], feb["status"]) == (1, Decimal("99.9000"), "breached")
    assert feb["actual"] == 40_220 * 100 / 40_320
    assert total(case, "versioned-co", "2026-02")["credit_amount"] == Decimal("100.00")
    # March, v2: 300 down of 44,640 -> 99.3279... < 99.5 -> 20 % of 2,000.00 = 400.00
    mar = compliance(case, "versioned-co", "2026-03", "uptime")
    assert (mar["version"], mar["target"], mar["status"]) == (2, Decimal("99.5000"), "breached")
    t = total(case, "versioned-co", "2026-03")
    assert (t["version"], t["fee_amount"], t["credit_amount"]) == (
        2, Decimal("2000.00"), Decimal("400.00"),
    )  # fmt: skip


def test_chronic_breach_two_in_three_periods(case: Scenario) -> None:
    rows = case.query(
        "select period_key, breaches_in_window, has_termination_right, breach_period_keys "
        "from marts.chronic_breaches where agreement_id = 'versioned-co' order by period_key"
    )
    # February: 1 breach (the first period); March: February and March -> 2 of 2 required
    assert rows == [("2026-02", 1, False, "2026-02"), ("2026-03", 2, True, "2026-02,2026-03")]


def test_maintenance_notice_coverage_and_majority(case: Scenario) -> None:
    # excluded: W1 (120 min, 96 h notice) and W3 (30 min, exactly 48 h) -> agreed 44,640 - 150
    # = 44,490. Down: W2's 60 minutes (24 h notice, not excluded) + 13:00..13:04 on the 15th
    # (2 of 3 results failed) = 65; W1's 120 down minutes are outside agreed time; 12:00 on the
    # 15th (1 of 2 failed) is up. Uptime = (44,490 - 65) x 100 / 44,490 = 99.8538... < 99.9.
    m = compliance(case, "maint-co", "2026-03", "avail-m")
    assert (m["agreed_minutes"], m["down_minutes"]) == (44_490, 65)
    assert m["actual"] == (44_490 - 65) * 100 / 44_490 and m["status"] == "breached"
    # data: 1..17 March without the 8th = 16 x 1,440 = 23,040 minutes, less the 150 excluded
    # ones (all probed) = 22,890 -> coverage 22,890 x 100 / 44,490 = 51.4...
    assert m["sample_size"] == 22_890
    assert m["coverage_pct"] == 22_890 * 100 / 44_490
    assert credit(case, "maint-co", "2026-03", "avail-m")["credit_amount"] == Decimal("100.00")
    windows = case.query(
        "select starts_at, notice_seconds, required_notice_seconds, is_excluded "
        "from marts.maintenance_windows where agreement_id = 'maint-co' order by starts_at"
    )
    assert windows == [
        (dt.datetime(2026, 3, 5, 0, 0), 96 * 3600, 172_800, True),
        (dt.datetime(2026, 3, 12, 0, 0), 24 * 3600, 172_800, False),
        (dt.datetime(2026, 3, 14, 0, 0), 48 * 3600, 172_800, True),
    ]


def test_quarterly_agreement_with_latency_tiers(case: Scenario) -> None:
    # Q1 = 44,640 + 40,320 + 44,640 = 129,600 minutes; 200 down -> 129,400 x 100 / 129,600
    # = 99.8456... < 99.9 -> 5 % of the quarter's fee 3 x 1,000.00 = 3,000.00 -> 150.00
    q = compliance(case, "quarterly-co", "2026-Q1", "avail-q")
    assert q["actual"] == 129_400 * 100 / 129_600 and q["status"] == "breached"
    assert credit(case, "quarterly-co", "2026-Q1", "avail-q")["credit_amount"] == Decimal("150.00")
    # p95 of 100, 200, ..., 2000 (20 successful probes; the failed ones' 9999 ms are left out):
    # position 0.95 x 19 = 18.05 -> 1900 + 0.05 x (2000 - 1900) = 1905 ms > 200 -> breached;
    # above 500 (25 %) is the most severe tier crossed (not above 2000) -> 25 % of 3,000 = 750
    lat = compliance(case, "quarterly-co", "2026-Q1", "latency-q")
    assert lat["actual"] == pytest.approx(1905.0, abs=1e-9)
    assert (lat["status"], lat["sample_size"]) == ("breached", 20)
    assert lat["margin"] == pytest.approx(200 - 1905.0, abs=1e-9)
    cl = credit(case, "quarterly-co", "2026-Q1", "latency-q")
    assert (cl["tier_rank"], cl["credit_amount"]) == (2, Decimal("750.00"))
    t = total(case, "quarterly-co", "2026-Q1")
    assert (t["fee_amount"], t["credit_amount"]) == (Decimal("3000.00"), Decimal("900.00"))


def test_berlin_period_bounds_and_insufficient_data(case: Scenario) -> None:
    # March in Europe/Berlin: 2026-02-28 23:00Z .. 2026-03-31 22:00Z (DST from 29 March) =
    # 44,640 - 60 = 44,580 minutes. The 45 down minutes from 23:00Z on 28 February are in March;
    # the 30 from 22:00Z on 31 March are April. (44,580 - 45) x 100 / 44,580 = 99.899... < 99.9
    b = compliance(case, "berlin-co", "2026-03", "avail-berlin")
    assert (b["agreed_minutes"], b["down_minutes"]) == (44_580, 45)
    assert b["actual"] == 44_535 * 100 / 44_580 and b["status"] == "breached"
    assert credit(case, "berlin-co", "2026-03", "avail-berlin")["credit_amount"] == Decimal(
        "100.00"
    )
    # svc-sparse: probed 1..17 March only (24,480 of 44,580 minutes, coverage 54.9 %), 500
    # of them down -> (44,580 - 500) x 100 / 44,580 = 98.878... Below the 99.0 target the
    # breach is certain whatever the unobserved minutes were: breached, 10 % = 100.00
    sparse = compliance(case, "berlin-co", "2026-03", "avail-sparse-99")
    assert sparse["actual"] == 44_080 * 100 / 44_580
    assert (sparse["status"], sparse["sample_size"]) == ("breached", 24_480)
    assert sparse["coverage_pct"] == 24_480 * 100 / 44_580
    assert credit(case, "berlin-co", "2026-03", "avail-sparse-99")["credit_amount"] == Decimal(
        "100.00"
    )
    # the same minutes against 98.0: met only on an upper bound with coverage below 90 % ->
    # insufficient_data, and no credit although its tier (below 99.5) would match 98.878
    unsure = compliance(case, "berlin-co", "2026-03", "avail-sparse-98")
    assert unsure["status"] == "insufficient_data" and not unsure["is_warning"]
    nothing = credit(case, "berlin-co", "2026-03", "avail-sparse-98")
    assert nothing["tier_rank"] is None and nothing["credit_amount"] == Decimal("0.00")
    # no probes at all: no actual, nothing observed
    none = compliance(case, "berlin-co", "2026-03", "avail-none")
    assert (none["status"], none["actual"], none["sample_size"], none["coverage_pct"]) == (
        "insufficient_data", None, 0, 0.0,
    )  # fmt: skip
    assert total(case, "berlin-co", "2026-03")["credit_amount"] == Decimal("200.00")


def test_every_objective_of_every_period_has_a_row(case: Scenario) -> None:
    # every spine period x every objective of its version, measured or not: the monthly
    # agreements' March, versioned-co's February too, and quarterly-co's Q1
    counts = dict(
        case.query(
            "select agreement_id || ' ' || period_key, count(*) from marts.objective_periods "
            "group by 1"
        )
    )
    assert counts == {
        "cap-co 2026-03": 3,
        "aws-ec2 2026-03": 1,
        "aws-s3 2026-03": 1,
        "boundary-co 2026-03": 2,
        "versioned-co 2026-02": 1,
        "versioned-co 2026-03": 1,
        "maint-co 2026-03": 1,
        "quarterly-co 2026-Q1": 2,
        "berlin-co 2026-03": 4,
    }
    # the agreement ledger adds up to the objective rows, to the cent
    mismatches = case.query(
        "select a.agreement_id, a.period_key from marts.agreement_credits as a "
        "join (select agreement_id, period_key, sum(credit_amount) as s "
        "from marts.objective_credits group by 1, 2) as o using (agreement_id, period_key) "
        "where a.credit_amount != o.s"
    )
    assert mismatches == []


def test_duckdb_round_on_decimals_is_half_up() -> None:
    # the one rounding step relies on this: x.xx5 goes up for non-negative amounts
    with duckdb.connect() as connection:
        rounded = connection.execute(
            "select round(cast(v as decimal(38, 8)), 2) from (values "
            "('123.455'), ('0.125'), ('0.135'), ('2.675'), ('1.005'), ('8.00499999')) t(v)"
        ).fetchall()
    assert [r[0] for r in rounded] == [
        Decimal("123.46"), Decimal("0.13"), Decimal("0.14"), Decimal("2.68"), Decimal("1.01"),
        Decimal("8.00"),
    ]  # fmt: skip


def test_cloud_schedules_are_expressible_in_the_agreement_format() -> None:
    # the EC2 table as written above: tiers below 99.99 / 99.0 / 95.0 at 10 / 30 / 100 %, cap
    # 100 % of the fee, minimum credit 10.00, downtime only in runs of 5 minutes or more
    agreement = Agreement.model_validate(yaml.safe_load(AGREEMENTS["aws-ec2"]))
    version = agreement.versions[0]
    objective = version.objectives[0]
    assert [(t.below, t.credit_pct) for t in objective.credits or []] == [
        (Decimal("99.99"), Decimal("10")), (Decimal("99.0"), Decimal("30")),
        (Decimal("95.0"), Decimal("100")),
    ]  # fmt: skip
    assert (version.credit_cap_pct, version.min_credit_amount) == (Decimal(100), Decimal("10.00"))
    assert objective.min_downtime_minutes == 5  # type: ignore[union-attr]
