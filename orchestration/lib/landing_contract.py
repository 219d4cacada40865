"""The landing contract: one folder per source, its columns, their types and row rules.

This module is the one statement of what a landing file holds: per source its columns (name,
type, required, description), natural key, event-time column, allowed values, the row rules and
the quarantine reason codes with their text, and the columns of the tables the loader writes
(``raw.<source>``, ``quarantine.<source>``, ``raw.landing_files``). The loader, the generator,
the data-quality checks and the test helpers read it; the dbt sources
(``dbt_project/models/staging/landing/_landing__sources.yml``) and the tables in
docs/landing.md and docs/data_quality.md are generated from it by
``python -m orchestration.lib.landing.contract_files --write`` and a test fails when they drift.
Adding a column is one edit here plus that command.

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
from typing import NamedTuple

# an ISO 8601 timestamp with a time and an offset. Without the offset 09:00 is a different instant
# in Berlin and in New York and a clock computed from it would be silently wrong; DuckDB would
# happily read "2026-01-05" or "2026-01-05 09:00" as UTC, so the shape is checked before the cast.
ISO_WITH_OFFSET = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)$"
PRIORITIES = ("P1", "P2", "P3", "P4")
# the statuses the service desk exports (documentation and the generator; not a rule: an
# agreement's pause_on names the statuses that stop its clock, and another status is kept)
TICKET_STATUSES = ("new", "in_progress", "pending_customer", "resolved", "closed")
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
# the widest UTC offset in use (Kiribati, +14:00; -12:00 the other way): a wider one is a typo
MAX_OFFSET_MINUTES = 14 * 60
# the earliest instant a landing timestamp may hold: no service log or ticket predates it, and a
# year 0001 or 1900 is a default value of some exporter, not an event
TIMESTAMP_FLOOR = "1970-01-01"
# latency_ms must be below this: the marts hold it as DECIMAL(18,4) (14 digits before the point)
LATENCY_MS_LIMIT = 10**14
# a whole number as text: "4", or "4.0" as a Parquet DOUBLE (what pandas writes for an integer
# column with nulls) is cast to text; "4.5" is not a whole number
WHOLE_NUMBER = "[0-9]+([.]0*)?"


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # the raw table's type: varchar, timestamp (naive UTC), boolean, double, integer
    required: bool = True
    is_id: bool = False
    description: str = ""
    # the only values a row may hold (a rule quarantines any other); empty: any value of the type
    allowed: tuple[str, ...] = ()

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
        """SQL turning the landed text into the raw type; null when it does not parse. A
        timestamp is first brought to the form DuckDB casts: the seconds added when a documented
        form leaves them out (``2026-03-10 09:00+0100``, ``2026-03-11T09:00Z``), a lower-case
        ``z`` and spaces before the offset tidied. A canonical value (CANONICAL_TIMESTAMPS) is
        already in that form, so its plain cast (``cast``) gives the same instant."""
        if not self.is_timestamp:
            return self.cast(self.trimmed)
        # "@" marks where the offset starts; the seconds are added where the minutes meet it
        marked = (
            f"regexp_replace(upper({self.trimmed}), "
            r"'^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2})(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$', "
            r"'\1\2@\4')"
        )
        with_seconds = (
            f"regexp_replace({marked}, " r"'^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2})@', '\1:00@')"
        )
        return self.cast(f"replace({with_seconds}, '@', '')")

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


class Reference(NamedTuple):
    """Reference data a row must point to: a row whose ``column`` is not among the values
    ``query`` returns is quarantined with ``reason_code``."""

    column: str
    query: str
    reason_code: str

    @property
    def reason(self) -> str:
        table = self.query.split(" from ")[-1].split(" where ")[0]
        return f"{self.column} is not known (not in {table})"


@dataclass(frozen=True)
class LandingSource:
    """One landing folder and its raw table. The row rules are derived from the columns (missing
    values, timestamps, allowed values), then the source's own ``checks``, then the future check
    (on every timestamp, or only on ``future``)."""

    name: str
    columns: tuple[Column, ...]
    # the natural key: two rows with the same key are the same fact (duplicate or conflict)
    key: tuple[str, ...]
    event_time: str  # the column that places a row in a period
    grain: str  # what one row is, in the deliverer's words
    description: str  # business meaning and use (the asset's and the dbt source's description)
    # rules of this source beyond the ones its columns imply; each code one of REASON_CODES
    checks: tuple[Rule, ...] = field(default=())
    # the timestamps that may not be later than the load (None: every timestamp column)
    future: tuple[str, ...] | None = None
    references: tuple[Reference, ...] = field(default=())
    # the objective kinds computed from this source: a source no objective reads is optional
    objective_kinds: tuple[str, ...] = ()
    # delivered only through an adapter (docs/adapters.md): the sample generator writes none
    adapter_only: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every row rule in the order a row meets them: the first one broken is its reason."""
        return (
            *_column_rules(self.columns),
            *(_allowed_rule(c) for c in self.columns if c.allowed),
            *self.checks,
            _future_rule(self),
        )

    @property
    def reason_codes(self) -> tuple[str, ...]:
        """Every reason a row of this source can be quarantined with, in REASON_CODES order."""
        own = {rule.reason_code for rule in self.rules}
        own |= {reference.reason_code for reference in self.references}
        own |= {reason.code for reason in REASON_CODES if reason.every_source}
        return tuple(reason.code for reason in REASON_CODES if reason.code in own)


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
    out_of_range = tuple(_range_rule(c.name) for c in timestamps)
    return missing + unparseable + offsetless + out_of_range


def _range_rule(name: str) -> Rule:
    """An offset beyond ±14:00 or an instant before TIMESTAMP_FLOOR: DuckDB reads ``+25:00`` and
    the year 0001 happily, neither is a real event time."""
    # reached only by a value the offset regex accepts: it ends in Z or in ±hh, ±hhmm, ±hh:mm
    hours = f"try_cast(regexp_extract(t_{name}, '[+-](\\d{{2}}):?(\\d{{2}})?$', 1) as integer)"
    minutes = f"try_cast(regexp_extract(t_{name}, '[+-]\\d{{2}}:?(\\d{{2}})$', 1) as integer)"
    offset = f"coalesce({hours}, 0) * 60 + coalesce({minutes}, 0)"
    # a canonical value has its offset at character 20: +hh:mm, -hh:mm, Z or +hh
    canonical_offset = (
        f"case when substr(t_{name}, 20, 1) in ('+', '-') then "
        f"cast(substr(t_{name}, 21, 2) as integer) * 60 "
        f"+ coalesce(try_cast(nullif(substr(t_{name}, 24, 2), '') as integer), 0) else 0 end"
    )
    floor = f"v_{name} < timestamp '{TIMESTAMP_FLOOR}'"
    return Rule(
        "timestamp_out_of_range",
        f"{name} has a UTC offset beyond ±14:00 or is earlier than {TIMESTAMP_FLOOR}",
        f"v_{name} is not null and ({offset} > {MAX_OFFSET_MINUTES} or {floor})",
        on_canonical=f"v_{name} is not null and ({canonical_offset} > {MAX_OFFSET_MINUTES} "
        f"or {floor})",
    )


def _allowed_rule(column: Column) -> Rule:
    listed = ", ".join(repr(value) for value in column.allowed)
    return Rule(
        f"unknown_{column.name}",
        f"{column.name} is not one of {', '.join(column.allowed)}",
        f"coalesce(t_{column.name}, '') not in ({listed})",
    )


def _future_rule(source: LandingSource) -> Rule:
    if source.future is None:
        columns = [c.name for c in source.columns if c.is_timestamp]
        what = "a timestamp is"
    else:
        columns = list(source.future)
        what = f"{' or '.join(columns)} is"
    checks = " or ".join(f"v_{name} > :load_time" for name in columns)
    return Rule("future_timestamp", f"{what} later than the time the file was loaded", checks)


@dataclass(frozen=True)
class ReasonCode:
    """A quarantine reason code: ``meaning`` completes "the row ..." (docs/data_quality.md);
    the ``reason`` column of a quarantined row says the same in the row's own terms."""

    code: str
    meaning: str
    every_source: bool = False  # the loader finds it in any source (not a rule of one source)


# In the order a row meets them: a row carries the first reason it breaks. malformed_line comes
# from the reader, unmapped_value from an adapter, the duplicate verdicts from comparing rows
# that passed every rule.
REASON_CODES = (
    ReasonCode(
        "malformed_line",
        "could not be split into the header's columns (too few or too many fields, broken "
        "quoting) or, in JSON Lines, is not a JSON object",
        every_source=True,
    ),
    ReasonCode(
        "unmapped_value",
        "holds a value its source's adapter (docs/adapters.md) cannot map to the contract: a "
        "ServiceNow `incident_state` of `-100`, a priority with no P1..P4 level, an export "
        "record of the wrong kind",
        every_source=True,
    ),
    ReasonCode("missing_id", "has an empty ID (ticket_id, agreement_id, service_id)"),
    ReasonCode(
        "missing_value",
        "has another required value empty (a required timestamp, ok, priority, status)",
    ),
    ReasonCode(
        "unparseable_timestamp",
        "has a timestamp that is not a valid ISO 8601 date-time (`05/01/2026`, `2026-02-30T…`)",
    ),
    ReasonCode(
        "timestamp_without_offset", "has a timestamp without a UTC offset; it is not guessed"
    ),
    ReasonCode(
        "timestamp_out_of_range",
        "has a timestamp with a UTC offset beyond ±14:00 (`+25:00`) or earlier than "
        f"{TIMESTAMP_FLOOR} (`0001-01-01T00:00:00Z`)",
    ),
    ReasonCode("invalid_boolean", "has `ok` (or `made_sla`) that is not true/false"),
    ReasonCode(
        "invalid_number",
        "has `latency_ms` that is not a finite number from 0 to below 10^14 (the marts' "
        "DECIMAL(18,4)): `NaN`, `inf`, `-1`, `1e300` are set aside, from CSV, JSON Lines and "
        "Parquet alike",
    ),
    ReasonCode("unknown_priority", "has a priority other than P1..P4"),
    ReasonCode("invalid_csat", "has a CSAT score that is not a whole number 1..5"),
    ReasonCode(
        "first_response_before_created", "was answered before it was created (compared in UTC)"
    ),
    ReasonCode("resolved_before_created", "was resolved before it was created"),
    ReasonCode("ends_before_start", "is a maintenance or downtime window ending before it starts"),
    ReasonCode(
        "invalid_severity",
        "has a downtime window's `severity` that is not a number from 0 to 1 (the share of the "
        "service affected)",
    ),
    ReasonCode(
        "future_timestamp",
        "has a timestamp later than the load time (maintenance: `announced_at` only)",
    ),
    ReasonCode("unknown_agreement", "names an agreement that is not in `definitions.agreements`"),
    ReasonCode(
        "unknown_service",
        "is a downtime window of a service no objective names (not in `definitions.objectives`)",
    ),
    ReasonCode(
        "unknown_ticket",
        "is an event of a ticket that is not in `raw.tickets` (never landed, or quarantined)",
    ),
    ReasonCode(
        "conflicting_duplicate",
        "shares its key with another row of the same file whose content differs: every such row "
        "of the file is set aside (we cannot know which is right)",
        every_source=True,
    ),
    ReasonCode(
        "superseded_row",
        "shares its key with a row of a file whose name sorts later, whose content differs: the "
        "later file's row is kept, whatever order the files were loaded in",
        every_source=True,
    ),
    ReasonCode(
        "duplicate_row",
        "repeats a row identically (same key and content; timestamps compared as instants): in "
        "a file the first stays, across files the one of the file whose name sorts last",
        every_source=True,
    ),
)
# the ``reason`` text of the verdicts the loader writes itself; a duplicate's reason goes on
# with the occurrences of its key: "repeats an identical row (row 2, row 5)"
DUPLICATE_REASON = "repeats an identical row"
CONFLICT_REASON = "rows with the same key disagree"
SUPERSEDED_REASON = "superseded by the row of a file whose name sorts later"


PROBES = LandingSource(
    name="probes",
    columns=(
        Column(
            "service_id", "varchar", is_id=True,
            description="The monitored service, as an objective's `service` names it.",
        ),
        Column("checked_at", "timestamp", description="When the check ran."),
        Column(
            "ok", "boolean",
            description="Whether the check succeeded: true/false (also t/f, 1/0, yes/no).",
        ),
        Column(
            "latency_ms", "double", required=False,
            description="Response time in milliseconds (≥ 0); empty when there was none.",
        ),
        Column(
            "location", "varchar", required=False,
            description="Where the probe ran from (e.g. eu-west); empty for a single probe.",
        ),
    ),
    key=("service_id", "checked_at", "location"),
    event_time="checked_at",
    grain="one check of one service from one location",
    description="Synthetic monitoring results: one row per service, probe location and check "
    "time, with ok/failed and latency. Availability and latency objectives are computed from it.",
    checks=(
        Rule("invalid_boolean", "ok is not a boolean (true/false)", "v_ok is null"),
        Rule(
            "invalid_number",
            f"latency_ms is not a finite number from 0 to below {LATENCY_MS_LIMIT:.0e}",
            # NaN compares greater than any number in DuckDB; isfinite says it in words
            f"{_present('latency_ms')} and coalesce(not isfinite(v_latency_ms) or v_latency_ms < 0"
            f" or v_latency_ms >= {LATENCY_MS_LIMIT}, true)",
        ),
    ),
    objective_kinds=("availability", "latency_p95"),
)  # fmt: skip

TICKETS = LandingSource(
    name="tickets",
    columns=(
        Column(
            "ticket_id", "varchar", is_id=True,
            description="The ticket's ID in the service desk; one row per ticket.",
        ),
        Column(
            "agreement_id", "varchar", is_id=True,
            description="The `id` of an agreement in `sla_definitions/agreements/`.",
        ),
        Column(
            "priority", "varchar", allowed=PRIORITIES,
            description="The ticket's priority; it selects the objective's target.",
        ),
        Column(
            "created_at", "timestamp",
            description="When the ticket was opened: the response and resolution clocks start.",
        ),
        Column(
            "first_response_at", "timestamp", required=False,
            description="The first response to the customer; empty while unanswered.",
        ),
        Column(
            "resolved_at", "timestamp", required=False,
            description="When the ticket was resolved; empty while it is open.",
        ),
        Column(
            "csat_score", "integer", required=False,
            description="Customer satisfaction, a whole number 1..5; empty when not rated.",
        ),
    ),
    key=("ticket_id",),
    event_time="created_at",
    grain="one support ticket",
    description="Support tickets: one row per ticket with priority, agreement, creation, first "
    "response, resolution and satisfaction score. Response, resolution and CSAT objectives.",
    checks=(
        Rule(
            "invalid_csat",
            "csat_score is not a whole number from 1 to 5",
            f"{_present('csat_score')} and coalesce(v_csat_score not between 1 and 5, true)"
            # try_cast('4.5' as integer) rounds to 5: a fractional score is not a score; a
            # Parquet DOUBLE 4.0 arrives as the text "4.0" and is the score 4
            f" or (v_csat_score is not null and t_csat_score not similar to '{WHOLE_NUMBER}')",
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
    ),
    references=(
        Reference(
            "agreement_id", "select agreement_id from definitions.agreements", "unknown_agreement"
        ),
    ),
    objective_kinds=("first_response", "resolution", "csat"),
)  # fmt: skip

TICKET_EVENTS = LandingSource(
    name="ticket_events",
    columns=(
        Column(
            "ticket_id", "varchar", is_id=True,
            description="The ticket whose status changed: a ticket loaded into `raw.tickets`.",
        ),
        Column(
            "status", "varchar",
            description="The status the ticket moved to (the service desk's own names, e.g. "
            f"{', '.join(TICKET_STATUSES)}); the statuses in an objective's `pause_on` stop its "
            "clock.",
        ),
        Column("changed_at", "timestamp", description="When the status changed."),
    ),
    key=("ticket_id", "changed_at", "status"),
    event_time="changed_at",
    grain="one status change of a ticket",
    description="Ticket status history: one row per status change; statuses named in an "
    "objective's pause_on stop its clock (e.g. pending_customer).",
    # an event of a ticket that is not loaded (never landed, or quarantined) cannot pause a clock
    references=(Reference("ticket_id", "select ticket_id from raw.tickets", "unknown_ticket"),),
)  # fmt: skip

MAINTENANCE = LandingSource(
    name="maintenance",
    columns=(
        Column(
            "service_id", "varchar", is_id=True,
            description="The service under maintenance, as an objective's `service` names it.",
        ),
        Column("starts_at", "timestamp", description="When the window starts."),
        Column("ends_at", "timestamp", description="When the window ends."),
        Column(
            "announced_at", "timestamp",
            description="When the window was announced: the agreed notice is counted from it.",
        ),
    ),
    key=("service_id", "starts_at"),
    event_time="starts_at",
    grain="one planned maintenance window",
    description="Planned maintenance windows per service with their announcement time; windows "
    "announced at least the agreed notice ahead are excluded from agreed service time.",
    checks=(
        Rule("ends_before_start", "ends_at is earlier than starts_at", "v_ends_at < v_starts_at"),
    ),
    # a window is announced ahead of time; the announcement itself cannot be in the future,
    # but the window may be (planned maintenance), so only announced_at is held to the clock
    future=("announced_at",),
)  # fmt: skip

TICKET_OUTCOMES = LandingSource(
    name="ticket_outcomes",
    columns=(
        Column(
            "ticket_id", "varchar", is_id=True,
            description="The ticket the outcome is for: a ticket loaded into `raw.tickets`.",
        ),
        Column(
            "made_sla", "boolean",
            description="The source system's own final SLA verdict for the ticket (ServiceNow "
            "`made_sla` on the incident's last update): true when it says the SLA was met.",
        ),
        Column(
            "recorded_at", "timestamp",
            description="When the source system last updated the ticket (the verdict's time).",
        ),
    ),
    key=("ticket_id",),
    event_time="recorded_at",
    grain="one ticket's final SLA outcome in the source system",
    description="The source system's own SLA verdict per ticket (ServiceNow made_sla), landed "
    "only to be reconciled with ours (reconciliation mart); no objective is computed from it.",
    checks=(
        Rule("invalid_boolean", "made_sla is not a boolean (true/false)", "v_made_sla is null"),
    ),
    references=(Reference("ticket_id", "select ticket_id from raw.tickets", "unknown_ticket"),),
    adapter_only=True,
)  # fmt: skip

DOWNTIME_WINDOWS = LandingSource(
    name="downtime_windows",
    columns=(
        Column(
            "service_id", "varchar", is_id=True,
            description="The service that was down, as an objective's `service` names it.",
        ),
        Column("started_at", "timestamp", description="When the outage started."),
        Column("ended_at", "timestamp", description="When the outage ended."),
        Column(
            "severity", "double",
            description="The share of the service affected, 0..1 (1: all of it).",
        ),
        Column(
            "is_down", "boolean", required=False,
            description="Whether the window counts as downtime under the deliverer's rule for "
            "partial outages (the outage-trace adapter: severity >= options.min_severity); "
            "empty: it does.",
        ),
        Column(
            "source_ref", "varchar", required=False,
            description="The source's own name for what was reported on (e.g. the trace's name).",
        ),
    ),
    key=("service_id", "started_at"),
    event_time="started_at",
    grain="one reported outage of one service",
    description="Operator-reported outages per service (status pages, incident reports): the "
    "incident-based availability source beside probes. An availability objective with "
    "`measured_by: incidents` counts the minutes its service's down windows cover as down.",
    checks=(
        Rule(
            "invalid_severity",
            "severity is not a number from 0 to 1",
            "coalesce(not isfinite(v_severity) or v_severity not between 0 and 1, true)",
        ),
        Rule(
            "invalid_boolean",
            "is_down is not a boolean (true/false)",
            f"{_present('is_down')} and v_is_down is null",
        ),
        Rule(
            "ends_before_start", "ended_at is earlier than started_at", "v_ended_at < v_started_at"
        ),
    ),
    references=(
        # not in a list holding a null is never true: the ticket objectives name no service
        Reference(
            "service_id",
            "select service_id from definitions.objectives where service_id is not null",
            "unknown_service",
        ),
    ),
    adapter_only=True,
)  # fmt: skip

SOURCES: dict[str, LandingSource] = {
    s.name: s
    for s in (PROBES, TICKETS, TICKET_EVENTS, MAINTENANCE, TICKET_OUTCOMES, DOWNTIME_WINDOWS)
}


# --- the tables the loader writes ---------------------------------------------------------------
# raw.<source>: the typed columns, then where the row came from
LINEAGE_COLUMNS = (
    Column("source_file", "varchar", description="The file the row came from: `<source>/<file>`."),
    Column(
        "source_row", "bigint",
        description="CSV and JSON Lines: the line number (a CSV's header is line 1); Parquet: "
        "the 1-based row index.",
    ),
)  # fmt: skip
# quarantine.<source>: where the row came from and why it is set aside, then its columns as
# delivered (text), then the line itself when it could not be split into columns
QUARANTINE_LEAD_COLUMNS = (
    *LINEAGE_COLUMNS,
    Column(
        "reason_code", "varchar",
        description="Why the row is set aside: a reason code of docs/data_quality.md.",
    ),
    Column("reason", "varchar", description="The same in plain words, naming the column."),
)  # fmt: skip
RAW_LINE = Column(
    "raw_line", "varchar", required=False,
    description="The CSV line or JSON record as delivered when it could not be split into "
    "columns (`malformed_line`); empty otherwise.",
)  # fmt: skip
# raw.landing_files: one row per landing file, what its last load did
LANDING_FILES = "landing_files"
LANDING_FILES_KEY = ("source", "file_path")
LANDING_FILES_COLUMNS = (
    Column("source", "varchar", description="The landing source (folder)."),
    Column("file_path", "varchar", description="The file: `<source>/<file name>`."),
    Column("sha256", "varchar", description="The SHA-256 of the file's bytes as last loaded."),
    Column(
        "status", "varchar",
        description="What its last load did: loaded, replaced, reloaded or rejected; ignored: "
        "not a landing file (the message says why).",
    ),
    Column("rows_read", "bigint", description="Rows read; always rows_loaded + rows_quarantined."),
    Column("rows_loaded", "bigint", description="Rows loaded into `raw.<source>`."),
    Column("rows_quarantined", "bigint", description="Rows set aside in `quarantine.<source>`."),
    Column(
        "message", "varchar",
        description="Why the file was rejected, or notes (ignored columns, a byte order mark).",
    ),
    Column("loaded_at", "timestamp", description="When the file was last loaded (UTC)."),
    Column("file_format", "varchar", description="csv, jsonl or parquet."),
    Column(
        "reference_sha256", "varchar",
        description="A fingerprint of the reference data its rows were checked against (the "
        "agreements, the loaded tickets): a change reloads the file.",
    ),
)  # fmt: skip


def raw_columns(source: LandingSource) -> tuple[Column, ...]:
    return (*source.columns, *LINEAGE_COLUMNS)


def quarantine_columns(source: LandingSource) -> tuple[Column, ...]:
    as_text = tuple(
        Column(c.name, "varchar", required=False, description=f"As delivered. {c.description}")
        for c in source.columns
    )
    return (*QUARANTINE_LEAD_COLUMNS, *as_text, RAW_LINE)


def create_table_sql(
    table: str, columns: tuple[Column, ...], primary_key: tuple[str, ...] = ()
) -> str:
    """``create table if not exists`` for ``table`` (``schema.name``) with ``columns``."""
    listed = [f"{c.name} {c.sql_type}" for c in columns]
    if primary_key:
        listed.append(f"primary key ({', '.join(primary_key)})")
    return f"create table if not exists {table} ({', '.join(listed)})"
