"""Flatten a validated Catalog into the ``definitions`` schema that dbt reads as a source.

Each function returns plain rows; :func:`write_definitions` creates the tables with explicit
types (decimals stay decimals) and replaces their contents in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb
import holidays as holidays_lib
import pyarrow as pa

from orchestration.lib.agreements.loader import Catalog
from orchestration.lib.agreements.schema import (
    PERIOD_MONTHS,
    REVIEW_MONTHS,
    WEEKDAYS,
    Agreement,
    AvailabilityObjective,
    CsatObjective,
    LatencyObjective,
    TicketObjective,
    days_of,
)

# holidays are materialised for a generous fixed span around the agreements' dates; a clock
# asked about a day outside it would miss holidays, so the span is wide and checked in dbt
HOLIDAY_YEARS_BEFORE = 2
HOLIDAY_YEARS_AFTER = 10

TABLES: dict[str, str] = {
    "agreements": """
        agreement_id varchar primary key, customer varchar, provider varchar, currency varchar,
        period varchar, period_months integer, calendar_id varchar, review_cadence varchar,
        review_months integer, responsibilities_json varchar, escalation_json varchar,
        definitions_sha256 varchar, expected_sources varchar[],
        description varchar, term_start date, term_end date, term_renewal varchar,
        term_notice_days integer, signed_on date, signed_by_provider varchar,
        signed_by_customer varchar, contacts_json varchar""",
    "agreement_versions": """
        agreement_id varchar, version integer, effective_from date, effective_to date,
        monthly_fee decimal(18, 2), credit_cap_pct decimal(9, 4),
        min_credit_amount decimal(18, 2), maintenance_notice_seconds bigint,
        chronic_breaches integer, chronic_within_periods integer,
        maintenance_max_minutes integer,
        chronic_count varchar, chronic_objective_ids varchar[], chronic_notice_days integer,
        claims_within_days integer,
        primary key (agreement_id, version)""",
    "objectives": """
        agreement_id varchar, version integer, objective_id varchar, objective_order integer,
        objective_name varchar, kind varchar, service_id varchar, priority varchar,
        within_seconds bigint, clock varchar, calendar_id varchar, target decimal(18, 4),
        unit varchar, is_higher_better boolean, warning_margin decimal(18, 4),
        min_responses integer, min_downtime_minutes integer, missing_data varchar,
        measured_by varchar, primary key (agreement_id, version, objective_id)""",
    # maintenance.allowed_windows cut into pieces within one local day (a window across
    # midnight is two pieces); minutes are local time in the agreement calendar's zone
    "maintenance_allowed_windows": """
        agreement_id varchar, version integer, window_index integer, iso_dow integer,
        start_minute integer, end_minute integer""",
    "objective_pause_statuses": """
        agreement_id varchar, version integer, objective_id varchar, status varchar""",
    "credit_tiers": """
        agreement_id varchar, version integer, objective_id varchar, tier_rank integer,
        comparator varchar, threshold decimal(18, 4), credit_pct decimal(9, 4)""",
    "calendars": """
        calendar_id varchar primary key, timezone varchar, holiday_country varchar,
        holiday_subdivision varchar""",
    "calendar_hours": """
        calendar_id varchar, iso_dow integer, interval_index integer, start_minute integer,
        end_minute integer""",
    "calendar_closed_days": """
        calendar_id varchar, closed_date date, reason varchar,
        primary key (calendar_id, closed_date)""",
    "review_items": """
        agreement_id varchar, item_index integer, description varchar, owner varchar,
        target_date date, status varchar, raised_on date""",
    "definition_files": """path varchar primary key, sha256 varchar""",
    # money terms beside the tiers: the per-service fees of a version given `fees` (its
    # agreement_versions.monthly_fee is their sum) and the objectives' fixed penalties
    "service_fees": """
        agreement_id varchar, version integer, service_id varchar, monthly_fee decimal(18, 2),
        primary key (agreement_id, version, service_id)""",
    "objective_penalties": """
        agreement_id varchar, version integer, objective_id varchar, amount decimal(18, 2),
        per varchar, is_outside_cap boolean, primary key (agreement_id, version, objective_id)""",
    # adjustments/*.yaml: window bounds are naive UTC like the landed timestamps; objective_id
    # 'all' means every objective of the agreement
    "adjustments": """
        adjustment_id varchar primary key, agreement_id varchar, objective_id varchar,
        scope varchar, window_start_at timestamp, window_end_at timestamp, category varchar,
        reason varchar, approved_by varchar, approved_at varchar, evidence varchar,
        entry_order integer""",
    "adjustment_tickets": """
        adjustment_id varchar, ticket_id varchar, primary key (adjustment_id, ticket_id)""",
}


def _objective_row(
    agreement_id: str, default_calendar: str, version: int, order: int, o: Any
) -> tuple[Any, ...]:
    service = priority = within = clock = calendar = None
    min_responses = None
    min_downtime = missing_data = measured_by = None
    if isinstance(o, AvailabilityObjective):
        service, unit, higher = o.service, "%", True
        min_downtime, missing_data = o.min_downtime_minutes, o.missing_data
        measured_by = o.measured_by
    elif isinstance(o, TicketObjective):
        priority, within, clock, unit, higher = o.priority, o.within_seconds, o.clock, "%", True
        calendar = (o.calendar or default_calendar) if o.clock == "business" else None
    elif isinstance(o, CsatObjective):
        unit, higher, min_responses = "score", True, o.min_responses
    elif isinstance(o, LatencyObjective):
        service, unit, higher = o.service, "ms", False
    else:  # pragma: no cover - the schema's union is closed
        raise TypeError(type(o))
    return (
        agreement_id, version, o.id, order, o.name or o.id, o.kind, service, priority, within,
        clock, calendar, o.target, unit, higher, o.warning, min_responses, min_downtime,
        missing_data, measured_by,
    )  # fmt: skip


def _record(agreement: Agreement) -> tuple[Any, ...]:
    """The agreement's own record (issue 13): description, term, signature, contacts."""
    term, signed = agreement.term, agreement.signed
    return (
        agreement.description,
        term.start if term else None,
        term.end if term else None,
        term.renewal if term else None,
        days_of(term.notice) if term else None,
        signed.on if signed else None,
        signed.by_provider if signed else None,
        signed.by_customer if signed else None,
        json.dumps(agreement.contacts.model_dump(mode="json")),
    )


def catalog_rows(catalog: Catalog) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in a deterministic order."""
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}
    for agreement in sorted(catalog.agreements.values(), key=lambda a: a.id):
        rows["agreements"].append(
            (
                agreement.id, agreement.customer, agreement.provider, agreement.currency,
                agreement.period, PERIOD_MONTHS[agreement.period], agreement.calendar,
                agreement.review.cadence, REVIEW_MONTHS[agreement.review.cadence],
                json.dumps(agreement.responsibilities.model_dump(mode="json")),
                json.dumps([e.model_dump(mode="json") for e in agreement.escalation]),
                catalog.sha256, agreement.expected_sources,
                *_record(agreement),
            )
        )  # fmt: skip
        for v in agreement.versions:
            chronic = v.chronic_breach
            rows["agreement_versions"].append(
                (
                    agreement.id, v.version, v.effective_from, v.effective_to, v.total_monthly_fee,
                    v.credit_cap_pct, v.min_credit_amount, v.maintenance_notice_seconds,
                    chronic.breaches if chronic else None,
                    chronic.within_periods if chronic else None,
                    v.maintenance.max_minutes_per_period if v.maintenance else None,
                    chronic.count if chronic else None,
                    v.chronic_objectives if chronic else None,
                    days_of(chronic.notice_within) if chronic else None,
                    days_of(v.claims.within) if v.claims else None,
                )
            )  # fmt: skip
            for index, allowed in enumerate(
                (v.maintenance.allowed_windows or []) if v.maintenance else [], start=1
            ):
                rows["maintenance_allowed_windows"].extend(
                    (agreement.id, v.version, index, *piece) for piece in allowed.day_intervals()
                )
            rows["service_fees"].extend(
                (agreement.id, v.version, service, fee)
                for service, fee in sorted((v.fees or {}).items())
            )
            for order, o in enumerate(v.objectives, start=1):
                if o.penalty is not None:
                    rows["objective_penalties"].append(
                        (agreement.id, v.version, o.id, o.penalty.amount, o.penalty.per,
                         o.penalty.outside_cap)
                    )  # fmt: skip
                rows["objectives"].append(
                    _objective_row(agreement.id, agreement.calendar, v.version, order, o)
                )
                for status in getattr(o, "pause_on", []):
                    rows["objective_pause_statuses"].append((agreement.id, v.version, o.id, status))
                for rank, tier in enumerate(o.credits or [], start=1):
                    comparator = "below" if tier.below is not None else "above"
                    threshold = tier.below if tier.below is not None else tier.above
                    rows["credit_tiers"].append(
                        (agreement.id, v.version, o.id, rank, comparator, threshold,
                         tier.credit_pct)
                    )  # fmt: skip
        log = catalog.reviews.get(agreement.id)
        for index, item in enumerate(log.items if log else [], start=1):
            rows["review_items"].append(
                (agreement.id, index, item.description, item.owner, item.target_date,
                 item.status, item.raised_on)
            )  # fmt: skip

    years = _holiday_years(catalog)
    for calendar in sorted(catalog.calendars.values(), key=lambda c: c.id):
        source = calendar.holidays
        rows["calendars"].append(
            (calendar.id, calendar.timezone, source.country if source else None,
             source.subdivision if source else None)
        )  # fmt: skip
        for iso_dow, day in enumerate(WEEKDAYS, start=1):
            for index, (start, end) in enumerate(calendar.intervals(day), start=1):
                rows["calendar_hours"].append((calendar.id, iso_dow, index, start, end))
        closed: dict[dt.date, str] = {}
        if source:
            public = holidays_lib.country_holidays(
                source.country, subdiv=source.subdivision, years=years
            )
            closed.update({day: f"holiday: {name}" for day, name in public.items()})
        closed.update({day: "closure" for day in calendar.closures})
        rows["calendar_closed_days"].extend(
            (calendar.id, day, reason) for day, reason in sorted(closed.items())
        )
    rows["definition_files"] = sorted(catalog.files.items())
    for order, entry in enumerate(catalog.adjustments, start=1):
        window = entry.window
        rows["adjustments"].append(
            (entry.id, entry.agreement, entry.objective, entry.scope,
             window.start.replace(tzinfo=None) if window else None,
             window.end.replace(tzinfo=None) if window else None,
             entry.category, entry.reason, entry.approved_by, entry.approved_at.isoformat(),
             str(entry.evidence) if entry.evidence else None, order)
        )  # fmt: skip
        rows["adjustment_tickets"].extend((entry.id, t) for t in entry.tickets or [])
    return rows


def _holiday_years(catalog: Catalog) -> list[int]:
    starts = [v.effective_from.year for a in catalog.agreements.values() for v in a.versions]
    first = min(starts, default=dt.date.today().year) - HOLIDAY_YEARS_BEFORE
    last = max([*starts, dt.date.today().year]) + HOLIDAY_YEARS_AFTER
    return list(range(first, last + 1))


def write_definitions(connection: duckdb.DuckDBPyConnection, catalog: Catalog) -> dict[str, int]:
    """Replace the ``definitions`` schema's tables with this catalog; return row counts."""
    rows = catalog_rows(catalog)
    connection.execute("begin transaction")
    try:
        connection.execute("create schema if not exists definitions")
        for name, columns in TABLES.items():
            connection.execute(f"create or replace table definitions.{name} ({columns})")
            if rows[name]:
                # one columnar insert (DuckDB casts each column to the table's type): a
                # parameterised insert per row costs over a second for 200 agreements
                columns_data = pa.table(
                    {
                        f"c{i}": list(values)
                        for i, values in enumerate(zip(*rows[name], strict=True))
                    }
                )
                connection.register("definition_rows", columns_data)
                connection.execute(f"insert into definitions.{name} select * from definition_rows")
                connection.unregister("definition_rows")
        connection.execute("commit")
    except Exception:
        connection.execute("rollback")
        raise
    return {name: len(table_rows) for name, table_rows in rows.items()}
