"""The landing contract: one folder per source, its columns, their types and row rules.

docs/landing.md describes the same contract for the people who deliver the files, and
docs/data_quality.md lists every reason code a quarantined row can carry.

Rules are SQL conditions over one landed row. Each column is available three times: as the text
that arrived (``created_at``), trimmed with empty as null (``t_created_at``) and parsed into its
raw type (``v_created_at``, null when unparseable), so a rule never trims or parses a value
itself. ``:load_time`` is the load's clock (naive UTC).

Nearly every row of a big file is clean and written the way most files write values. Such a
value is *canonical* (``Column.canonical``): trimming cannot change it, so ``t_`` is the text
itself and ``v_`` its plain cast. For a row whose values are all canonical the loader evaluates
the rules on those cheap columns, skipping the rules a canonical value cannot break
(``Rule.on_canonical``, e.g. the offset regex); only the other rows are trimmed and checked in
full. Both ways give the same verdict: a canonical shape is a strict subset of what the full
rules accept (tests/ingest/test_landing_fast_path.py compares them value by value).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# an ISO 8601 timestamp with a time and an offset. Without the offset 09:00 is a different instant
# in Berlin and in New York and a clock computed from it would be silently wrong; DuckDB would
# happily read "2026-01-05" or "2026-01-05 09:00" as UTC, so the shape is checked before the cast.
ISO_WITH_OFFSET = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)$"
PRIORITIES = ("P1", "P2", "P3", "P4")
# the shapes of a canonical timestamp (``_`` is any one character): a fixed-width date, time and
# offset, the last one as DuckDB writes a Parquet TIMESTAMPTZ as text. With a digit first (no
# sign, no space: DuckDB reads "-025-03-01" as a year BC and " 025-03-01" as the year 25), a
# value of one of these shapes that casts is one the offset regex accepts.
CANONICAL_TIMESTAMPS = (
    "____-__-__T__:__:__+__:__",
    "____-__-__T__:__:__-__:__",
    "____-__-__T__:__:__Z",
    "____-__-__ __:__:__+__",
)


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # the raw table's type: varchar, timestamp (naive UTC), boolean, double, integer
    required: bool = True
    is_id: bool = False

    @property
    def is_timestamp(self) -> bool:
        return self.sql_type == "timestamp"

    def cast(self, text: str) -> str:
        """SQL turning text (already trimmed, empty as null) into the raw type; null when it does
        not parse. A timestamp's instant is taken as naive UTC through its epoch, which skips the
        time zone library that ``timezone('UTC', ...)`` calls for every row."""
        if self.is_timestamp:
            return f"make_timestamp(epoch_us(try_cast({text} as timestamptz)))"
        if self.sql_type == "varchar":
            return text
        return f"try_cast({text} as {self.sql_type})"

    @property
    def trimmed(self) -> str:
        return f"nullif(trim({self.name}), '')"

    @property
    def parsed(self) -> str:
        """SQL turning the landed text into the raw type; null when it does not parse."""
        return self.cast(self.trimmed)

    @property
    def canonical(self) -> str:
        """SQL: the landed text is empty or in a shape that trimming cannot change, so that it is
        its own ``t_`` value and its plain cast its ``v_`` value. Cheap tests only (no regex, no
        copy): a first byte from ``!`` to ``~``, only ASCII (DuckDB's trim strips Unicode spaces
        too) and no trailing space; a timestamp has one of CANONICAL_TIMESTAMPS."""
        name = self.name
        if self.is_timestamp:
            # CASE tries the next shape only on the rows the previous one missed (OR would test
            # every shape on every row)
            first, *others = CANONICAL_TIMESTAMPS
            whens = " ".join(f"when {name} like '{shape}' then true" for shape in others)
            shape = (
                f"{name} >= '0' and {name} < ':' and "
                f"case when {name} like '{first}' then true {whens} else false end"
            )
        elif self.sql_type == "boolean":
            shape = f"{name} in ('true', 'false')"
        else:
            shape = f"{name} >= '!' and strlen({name}) = length({name}) and not suffix({name}, ' ')"
        return f"({name} is null or ({shape}))"


@dataclass(frozen=True)
class Rule:
    """A row rule: ``condition`` true means the row is quarantined with this reason."""

    reason_code: str
    reason: str
    condition: str
    # the condition for a row whose values are all canonical (None: the same condition); "false"
    # for a rule such a row cannot break
    on_canonical: str | None = None

    @property
    def canonical_condition(self) -> str:
        return self.condition if self.on_canonical is None else self.on_canonical


@dataclass(frozen=True)
class LandingSource:
    name: str
    columns: tuple[Column, ...]
    # the natural key: two rows with the same key are the same fact (duplicate or conflict)
    key: tuple[str, ...]
    event_time: str  # the column that places a row in a period
    rules: tuple[Rule, ...] = field(default=())
    # reference data a row must point to: (column, SQL query returning the known values, code)
    references: tuple[tuple[str, str, str], ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _present(column: str) -> str:
    return f"t_{column} is not null"


def _column_rules(columns: tuple[Column, ...]) -> tuple[Rule, ...]:
    """Missing values first (an empty ID makes every other finding moot), then unparseable
    timestamps, then timestamps without an offset, column by column."""
    missing = tuple(
        Rule(
            "missing_id" if c.is_id else "missing_value",
            f"{c.name} is empty",
            f"not ({_present(c.name)})",
        )
        for c in columns
        if c.required
    )
    timestamps = [c for c in columns if c.is_timestamp]
    unparseable = tuple(
        Rule(
            "unparseable_timestamp",
            f"{c.name} is not a valid ISO 8601 timestamp",
            f"{_present(c.name)} and v_{c.name} is null",
        )
        for c in timestamps
    )
    offsetless = tuple(
        Rule(
            "timestamp_without_offset",
            f"{c.name} has no UTC offset (expected e.g. 2026-03-01T09:00:00+01:00 or ...Z)",
            f"{_present(c.name)} and not regexp_matches(t_{c.name}, '{ISO_WITH_OFFSET}')",
            # a canonical timestamp has its offset: CANONICAL_TIMESTAMPS
            on_canonical="false",
        )
        for c in timestamps
    )
    return missing + unparseable + offsetless


def _future_rule(columns: tuple[Column, ...]) -> Rule:
    checks = " or ".join(f"v_{c.name} > :load_time" for c in columns if c.is_timestamp)
    return Rule(
        "future_timestamp", "a timestamp is later than the time the file was loaded", checks
    )


PROBE_COLUMNS = (
    Column("service_id", "varchar", is_id=True),
    Column("checked_at", "timestamp"),
    Column("ok", "boolean"),
    Column("latency_ms", "double", required=False),
    Column("location", "varchar", required=False),
)
PROBES = LandingSource(
    name="probes",
    columns=PROBE_COLUMNS,
    key=("service_id", "checked_at", "location"),
    event_time="checked_at",
    rules=(
        *_column_rules(PROBE_COLUMNS),
        Rule("invalid_boolean", "ok is not a boolean (true/false)", "v_ok is null"),
        Rule(
            "invalid_number",
            "latency_ms is not a non-negative number",
            f"{_present('latency_ms')} and coalesce(v_latency_ms < 0, true)",
        ),
        _future_rule(PROBE_COLUMNS),
    ),
)

TICKET_COLUMNS = (
    Column("ticket_id", "varchar", is_id=True),
    Column("agreement_id", "varchar", is_id=True),
    Column("priority", "varchar"),
    Column("created_at", "timestamp"),
    Column("first_response_at", "timestamp", required=False),
    Column("resolved_at", "timestamp", required=False),
    Column("csat_score", "integer", required=False),
)
TICKETS = LandingSource(
    name="tickets",
    columns=TICKET_COLUMNS,
    key=("ticket_id",),
    event_time="created_at",
    rules=(
        *_column_rules(TICKET_COLUMNS),
        Rule(
            "unknown_priority",
            f"priority is not one of {', '.join(PRIORITIES)}",
            f"coalesce(t_priority, '') not in ({', '.join(repr(p) for p in PRIORITIES)})",
        ),
        Rule(
            "invalid_csat",
            "csat_score is not a whole number from 1 to 5",
            f"{_present('csat_score')} and coalesce(v_csat_score not between 1 and 5, true)"
            # try_cast('4.5' as integer) rounds to 5: a fractional score is not a score
            " or (v_csat_score is not null and t_csat_score not similar to '[0-9]+')",
        ),
        Rule(
            "first_response_before_created",
            "first_response_at is earlier than created_at",
            "v_first_response_at < v_created_at",
        ),
        Rule(
            "resolved_before_created",
            "resolved_at is earlier than created_at",
            "v_resolved_at < v_created_at",
        ),
        _future_rule(TICKET_COLUMNS),
    ),
    references=(
        (
            "agreement_id",
            "select agreement_id from definitions.agreements",
            "unknown_agreement",
        ),
    ),
)

TICKET_EVENT_COLUMNS = (
    Column("ticket_id", "varchar", is_id=True),
    Column("status", "varchar"),
    Column("changed_at", "timestamp"),
)
TICKET_EVENTS = LandingSource(
    name="ticket_events",
    columns=TICKET_EVENT_COLUMNS,
    key=("ticket_id", "changed_at", "status"),
    event_time="changed_at",
    rules=(*_column_rules(TICKET_EVENT_COLUMNS), _future_rule(TICKET_EVENT_COLUMNS)),
    # an event of a ticket that is not loaded (never landed, or quarantined) cannot pause a clock
    references=(("ticket_id", "select ticket_id from raw.tickets", "unknown_ticket"),),
)

MAINTENANCE_COLUMNS = (
    Column("service_id", "varchar", is_id=True),
    Column("starts_at", "timestamp"),
    Column("ends_at", "timestamp"),
    Column("announced_at", "timestamp"),
)
MAINTENANCE = LandingSource(
    name="maintenance",
    columns=MAINTENANCE_COLUMNS,
    key=("service_id", "starts_at"),
    event_time="starts_at",
    rules=(
        *_column_rules(MAINTENANCE_COLUMNS),
        Rule("ends_before_start", "ends_at is earlier than starts_at", "v_ends_at < v_starts_at"),
        # a window is announced ahead of time; the announcement itself cannot be in the future,
        # but the window may be (planned maintenance), so only announced_at is held to the clock
        Rule(
            "future_timestamp",
            "announced_at is later than the time the file was loaded",
            "v_announced_at > :load_time",
        ),
    ),
)

SOURCES: dict[str, LandingSource] = {
    s.name: s for s in (PROBES, TICKETS, TICKET_EVENTS, MAINTENANCE)
}
