"""The landing contract: one folder per source, its columns, their types and row rules.

docs/landing.md describes the same contract for the people who deliver the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# an ISO 8601 timestamp must carry its offset: without it, 09:00 is a different instant in
# Berlin and in New York, and a clock computed from it would be silently wrong
OFFSET_PATTERN = r"(Z|[+-]\d{2}(:?\d{2})?)$"


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # the raw table's type: varchar, timestamp (naive UTC), boolean, double, integer
    required: bool = True

    @property
    def is_timestamp(self) -> bool:
        return self.sql_type == "timestamp"


@dataclass(frozen=True)
class Rule:
    """A row rule: ``condition`` (SQL over the landed text columns) true means rejected."""

    reason_code: str
    reason: str
    condition: str


@dataclass(frozen=True)
class LandingSource:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    event_time: str  # the column that places a row in a period
    rules: tuple[Rule, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _ts_rules(column: str, required: bool) -> tuple[Rule, ...]:
    present = f"nullif(trim({column}), '') is not null"
    missing = () if not required else (
        Rule(f"missing_{column}", f"{column} is empty", f"not ({present})"),
    )  # fmt: skip
    return (
        *missing,
        Rule(
            "unparseable_timestamp",
            f"{column} is not an ISO 8601 timestamp",
            f"{present} and try_cast(trim({column}) as timestamptz) is null",
        ),
        Rule(
            "timestamp_without_offset",
            f"{column} has no UTC offset",
            f"{present} and not regexp_matches(trim({column}), '{OFFSET_PATTERN}')",
        ),
    )


def _required(column: str) -> Rule:
    return Rule(f"missing_{column}", f"{column} is empty", f"nullif(trim({column}), '') is null")


PROBES = LandingSource(
    name="probes",
    columns=(
        Column("service_id", "varchar"),
        Column("checked_at", "timestamp"),
        Column("ok", "boolean"),
        Column("latency_ms", "double", required=False),
        Column("location", "varchar", required=False),
    ),
    key=("service_id", "checked_at", "location"),
    event_time="checked_at",
    rules=(
        _required("service_id"),
        *_ts_rules("checked_at", True),
        Rule(
            "invalid_ok",
            "ok is not a boolean (true/false)",
            "try_cast(trim(ok) as boolean) is null",
        ),
        Rule(
            "invalid_latency",
            "latency_ms is not a non-negative number",
            "nullif(trim(latency_ms), '') is not null and "
            "coalesce(try_cast(trim(latency_ms) as double) < 0, true)",
        ),
    ),
)

TICKETS = LandingSource(
    name="tickets",
    columns=(
        Column("ticket_id", "varchar"),
        Column("agreement_id", "varchar"),
        Column("priority", "varchar"),
        Column("created_at", "timestamp"),
        Column("first_response_at", "timestamp", required=False),
        Column("resolved_at", "timestamp", required=False),
        Column("csat_score", "integer", required=False),
    ),
    key=("ticket_id",),
    event_time="created_at",
    rules=(
        _required("ticket_id"),
        _required("agreement_id"),
        Rule(
            "unknown_priority",
            "priority is not one of P1, P2, P3, P4",
            "coalesce(trim(priority) not in ('P1', 'P2', 'P3', 'P4'), true)",
        ),
        *_ts_rules("created_at", True),
        *_ts_rules("first_response_at", False),
        *_ts_rules("resolved_at", False),
        Rule(
            "invalid_csat",
            "csat_score is not a whole number from 1 to 5",
            "nullif(trim(csat_score), '') is not null and "
            "coalesce(try_cast(trim(csat_score) as integer) not between 1 and 5, true)",
        ),
    ),
)

TICKET_EVENTS = LandingSource(
    name="ticket_events",
    columns=(
        Column("ticket_id", "varchar"),
        Column("status", "varchar"),
        Column("changed_at", "timestamp"),
    ),
    key=("ticket_id", "changed_at", "status"),
    event_time="changed_at",
    rules=(_required("ticket_id"), _required("status"), *_ts_rules("changed_at", True)),
)

MAINTENANCE = LandingSource(
    name="maintenance",
    columns=(
        Column("service_id", "varchar"),
        Column("starts_at", "timestamp"),
        Column("ends_at", "timestamp"),
        Column("announced_at", "timestamp"),
    ),
    key=("service_id", "starts_at"),
    event_time="starts_at",
    rules=(
        _required("service_id"),
        *_ts_rules("starts_at", True),
        *_ts_rules("ends_at", True),
        *_ts_rules("announced_at", True),
    ),
)

SOURCES: dict[str, LandingSource] = {
    s.name: s for s in (PROBES, TICKETS, TICKET_EVENTS, MAINTENANCE)
}
