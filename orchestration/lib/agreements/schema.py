"""The agreement file format: typed, strict, and the single source of its JSON Schema.

Field names here are a contract with the users' YAML files. Unknown keys are errors (a typo such
as ``targte`` must not silently drop a target), and every rule a contract implies (targets within
range, tiers ordered, versions that do not overlap) is checked here rather than downstream.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from orchestration.lib.agreements.durations import parse_duration
from orchestration.lib.landing_contract import SOURCES

PERIOD_MONTHS = {"monthly": 1, "quarterly": 3}
REVIEW_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}
PRIORITIES = ("P1", "P2", "P3", "P4")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Limits that keep every value inside the warehouse column it lands in (tables.py) and every file
# named after an id inside a file system's 255-byte name limit; docs/agreements.md lists them.
ID_MAX_LENGTH = 64  # reports/<period>/review_packs/<agreement_id>.internal.html: 78 bytes at most
# money is DECIMAL(18, 2) in the warehouse; a quarter's fee (3 x monthly) and the sum of every
# objective's uncapped credit must fit in it too, so one amount stays far below 10^16
MONEY_MAX = Decimal("999999999999.99")
INT_MAX = 2_147_483_647  # the warehouse's `integer` columns (version, counts, minutes)

Slug = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        max_length=ID_MAX_LENGTH,
        description=f"lowercase letters, digits, - and _; at most {ID_MAX_LENGTH} characters",
    ),
]


def _landed_id(value: str) -> str:
    # landed ids are trimmed when loaded: an id with outer spaces could never match a probe
    if value != value.strip():
        raise ValueError("must not begin or end with a space (landed ids are trimmed)")
    return value


ServiceId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=ID_MAX_LENGTH,
        description=f"service_id of the probes; at most {ID_MAX_LENGTH} characters",
    ),
    AfterValidator(_landed_id),
]


def _duration(value: object) -> object:
    # keep the text for display and validate it here; seconds are derived where needed.
    # a bare number (``within: 30``) is refused with the duration message, not a type error
    # why ignore[arg-type]: any YAML value reaches this; parse_duration refuses a non-text one
    parse_duration(value)  # type: ignore[arg-type]
    return value


Duration = Annotated[
    str,
    BeforeValidator(_duration),
    Field(description="a number with a unit: 30m, 4h, 48h, 2d, 1h30m", examples=["30m", "8h"]),
]
# NaN and infinities are refused by pydantic's Decimal (allow_inf_nan is off): "finite number"
Percent = Annotated[
    Decimal, Field(ge=0, le=100, decimal_places=4, description="a percentage, 0..100")
]
Money = Annotated[
    Decimal,
    Field(
        ge=0,
        le=MONEY_MAX,
        decimal_places=2,
        description=f"an amount with 2 decimals, at most {MONEY_MAX}",
    ),
]
# targets, margins and tier thresholds are DECIMAL(18, 4): 14 digits before the point, 4 after
Measure = Annotated[Decimal, Field(max_digits=18, decimal_places=4)]
Count = Annotated[int, Field(ge=1, le=INT_MAX)]


class Strict(BaseModel):
    """Every model forbids unknown keys: a misspelt field is an error, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------------------------
# calendars


_INTERVAL = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


def _parse_intervals(text: str) -> list[tuple[int, int]]:
    """``"08:00-12:00,13:00-17:00"`` -> [(480, 720), (780, 1020)] in minutes after midnight."""
    intervals = []
    for part in str(text).split(","):
        match = _INTERVAL.match(part.strip())
        if not match:
            raise ValueError(f"{part.strip()!r} is not HH:MM-HH:MM")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 60:
            raise ValueError(f"{part.strip()!r} is not a time of day (00:00..24:00)")
        if end <= start:
            raise ValueError(f"{part.strip()!r} ends before it starts")
        intervals.append((start, end))
    intervals.sort()
    for (_, end), (start, _) in itertools.pairwise(intervals):
        if start < end:
            raise ValueError(f"intervals in {text!r} overlap")
    return intervals


def _hours(value: object) -> object:
    if isinstance(value, str):
        _parse_intervals(value)
    return value


DayHours = Annotated[str, BeforeValidator(_hours)]


class HolidaySource(Strict):
    country: str = Field(description="ISO 3166-1 alpha-2 code known to the `holidays` package")
    subdivision: str | None = Field(default=None, description="state or province code")

    @model_validator(mode="after")
    def _known_to_holidays(self) -> HolidaySource:
        import holidays

        supported = holidays.list_supported_countries()
        if self.country not in supported:
            raise ValueError(f"country {self.country!r} is not known to the holidays package")
        if self.subdivision is not None and self.subdivision not in supported[self.country]:
            raise ValueError(
                f"subdivision {self.subdivision!r} is not known for {self.country}: "
                f"one of {', '.join(supported[self.country]) or 'none'}"
            )
        return self


class Calendar(Strict):
    """Working hours in a time zone, minus public holidays and closures."""

    id: Slug
    timezone: str = Field(description="IANA time zone, e.g. Europe/Berlin")
    hours: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], DayHours] = Field(
        description='per weekday, "HH:MM-HH:MM" or several joined by commas; unlisted = closed'
    )
    holidays: HolidaySource | None = None
    closures: list[dt.date] = Field(default_factory=list, description="extra non-working days")
    name: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone") from None
        return value

    @field_validator("hours")
    @classmethod
    def _some_hours(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("a calendar needs at least one working day")
        return value

    def intervals(self, weekday: str) -> list[tuple[int, int]]:
        # why ignore[call-overload]: callers pass any weekday name; unknown ones have no hours
        text = self.hours.get(weekday)  # type: ignore[call-overload]
        return _parse_intervals(text) if text else []


# --------------------------------------------------------------------------------------------
# agreements


class CreditTier(Strict):
    """One row of a service-credit schedule.

    ``below``: the tier applies when the actual is strictly less than this value (higher is
    better: availability, response shares, CSAT). ``above``: strictly greater (lower is better:
    latency). The most severe matching tier (highest credit) applies.
    """

    below: Measure | None = None
    above: Measure | None = None
    credit_pct: Percent

    @model_validator(mode="after")
    def _one_threshold(self) -> CreditTier:
        if (self.below is None) == (self.above is None):
            raise ValueError("a tier needs exactly one of `below` or `above`")
        return self


Tiers = Annotated[list[CreditTier], Field(min_length=1)]

# penalties: the kinds whose breaches can be counted one by one (a late ticket); the others are
# measured once per period, so only `per: period` means something for them (docs/kpi_rules.md)
PER_BREACH_KINDS = ("first_response", "resolution")


class Penalty(Strict):
    """A fixed sum owed when an objective is breached, beside (not instead of) its credits."""

    amount: Annotated[Money, Field(gt=0, description="in the agreement's currency")]
    per: Literal["breach", "period"] = Field(
        description="`period`: once per breached period; `breach`: per late ticket of a breached "
        "period (ticket objectives only)"
    )
    outside_cap: bool = Field(
        default=False, description="true: owed in full, beside the credit cap; false: shares it"
    )


class _Objective(Strict):
    id: Slug
    name: str | None = None
    warning: Measure | None = Field(
        default=None,
        ge=0,
        description="amber when met but within this margin of the target (same unit)",
    )
    credits: Tiers | None = Field(default=None, description="credit tiers; omit for none")
    penalty: Penalty | None = Field(default=None, description="a fixed sum owed on a breach")

    @model_validator(mode="after")
    def _penalty_per_countable(self) -> _Objective:
        # why ignore[attr-defined]: every concrete objective declares its `kind` literal
        kind = self.kind  # type: ignore[attr-defined]
        per = self.penalty.per if self.penalty is not None else None
        if per == "breach" and kind not in PER_BREACH_KINDS:
            raise ValueError(
                f"penalty.per: `breach` counts late tickets; use `period` for a {kind} objective"
            )
        return self


class _HigherIsBetter(_Objective):
    @model_validator(mode="after")
    def _tiers_below(self) -> _HigherIsBetter:
        for index, tier in enumerate(self.credits or []):
            if tier.below is None:
                # why ignore[attr-defined]: every concrete objective declares its `kind` literal
                raise ValueError(f"credits[{index}]: use `below` for a {self.kind} objective")  # type: ignore[attr-defined]
        return self


class AvailabilityObjective(_HigherIsBetter):
    kind: Literal["availability"]
    service: ServiceId
    target: Percent
    min_downtime_minutes: Count = Field(
        default=1,
        description="only runs of at least this many consecutive down minutes count as downtime",
    )
    missing_data: Literal["exclude", "up", "down"] = Field(
        default="exclude",
        description=(
            "minutes without probe data: exclude (neither up nor down; low coverage is"
            " insufficient_data), up or down (counted as such)"
        ),
    )
    measured_by: Literal["probes", "incidents"] = Field(
        default="probes",
        description=(
            "where the down minutes come from: probes (landing source probes) or incidents"
            " (downtime_windows: a minute a qualifying window covers is down, every other agreed"
            " minute is up; no minute is unknown)"
        ),
    )


class TicketObjective(_HigherIsBetter):
    kind: Literal["first_response", "resolution"]
    priority: Literal["P1", "P2", "P3", "P4"]
    within: Duration
    clock: Literal["24x7", "business"] = "24x7"
    calendar: Slug | None = Field(
        default=None, description="business calendar; default: the agreement's calendar"
    )
    pause_on: list[str] = Field(default_factory=list, description="statuses that stop the clock")
    target: Percent

    @property
    def within_seconds(self) -> int:
        return parse_duration(self.within)


class CsatObjective(_HigherIsBetter):
    kind: Literal["csat"]
    target: Annotated[Decimal, Field(ge=1, le=5, decimal_places=4, description="mean score, 1..5")]
    min_responses: Count = 1


class LatencyObjective(_Objective):
    kind: Literal["latency_p95"]
    service: ServiceId
    target: Annotated[Measure, Field(gt=0, description="milliseconds; met when p95 <= target")]

    @model_validator(mode="after")
    def _tiers_above(self) -> LatencyObjective:
        for index, tier in enumerate(self.credits or []):
            if tier.above is None:
                raise ValueError(f"credits[{index}]: use `above` for a latency_p95 objective")
        return self


Objective = Annotated[
    AvailabilityObjective | TicketObjective | CsatObjective | LatencyObjective,
    Field(discriminator="kind"),
]


def _whole_days(value: object) -> object:
    # a deadline is a date: a duration of 36h would leave its last day to guesswork
    if parse_duration(value) % 86_400:  # type: ignore[arg-type]
        raise ValueError(f"{value!r} is not a whole number of days: write e.g. 30d")
    return value


Days = Annotated[
    str,
    BeforeValidator(_whole_days),
    BeforeValidator(_duration),
    Field(description="a whole number of days: 30d, 90d", examples=["30d"]),
]


def days_of(duration: str | None) -> int | None:
    """``"30d"`` -> 30 (a validated :data:`Days`); None stays None."""
    return parse_duration(duration) // 86_400 if duration else None


# issue 13: termination rights, claims and the agreement's own record -------------------------


class ChronicBreach(Strict):
    """A termination right: ``breaches`` breaches within ``within_periods`` periods.

    ``count``: ``same_objective`` needs that many breaches of one objective; ``any_objective``
    counts the periods in which any of ``objectives`` was breached. Without ``objectives`` the
    rule counts the objectives that carry credit tiers, CSAT excluded (Version.chronic_objectives).
    """

    breaches: Count
    within_periods: Count
    objectives: list[Slug] | None = Field(
        default=None,
        min_length=1,
        description="objective ids the rule counts; default: those with credit tiers, never CSAT",
    )
    count: Literal["same_objective", "any_objective"] = "same_objective"
    notice_within: Days | None = Field(
        default=None,
        description="the right must be exercised within this many days after the end of the "
        "period that triggered it",
    )

    @model_validator(mode="after")
    def _possible(self) -> ChronicBreach:
        if self.breaches > self.within_periods:
            raise ValueError("breaches cannot exceed within_periods")
        return self


_TIME_OF_DAY = re.compile(r"^(\d{2}):(\d{2})$")


def _minute_of_day(text: str) -> int:
    """``"22:00"`` -> 1320; ``"24:00"`` (an end) -> 1440."""
    match = _TIME_OF_DAY.match(str(text))
    minute = int(match[1]) * 60 + int(match[2]) if match else -1
    if not match or int(match[2]) > 59 or minute > 1440:
        raise ValueError(f"{text!r} is not a time of day HH:MM (00:00..24:00)")
    return minute


class AllowedWindow(Strict):
    """Local times (the agreement calendar's zone) in which maintenance may be excluded.

    ``start`` >= ``end`` crosses midnight: ``sat 22:00-06:00`` is Saturday 22:00 to Sunday
    06:00."""

    days: Annotated[
        list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]], Field(min_length=1)
    ]
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _time(cls, value: str) -> str:
        _minute_of_day(value)
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> AllowedWindow:
        if _minute_of_day(self.start) == _minute_of_day(self.end) % 1440:
            raise ValueError("start and end are the same time: the window would be empty")
        return self

    def day_intervals(self) -> list[tuple[int, int, int]]:
        """(iso weekday, start minute, end minute) pieces within one local day each."""
        start, end = _minute_of_day(self.start), _minute_of_day(self.end)
        pieces = []
        for day in self.days:
            iso_dow = WEEKDAYS.index(day) + 1
            if start < end:
                pieces.append((iso_dow, start, end))
            else:
                pieces.append((iso_dow, start, 1440))
                if end > 0:
                    pieces.append((iso_dow % 7 + 1, 0, end))
        return pieces


class Maintenance(Strict):
    """How the contract limits the maintenance excluded from agreed time."""

    notice: Duration | None = Field(
        default=None, description="windows announced later than this before start are not excluded"
    )
    max_minutes_per_period: Count | None = Field(
        default=None,
        description="excluded minutes per service and period; later minutes count as agreed time",
    )
    allowed_windows: Annotated[list[AllowedWindow], Field(min_length=1)] | None = Field(
        default=None, description="local times in which maintenance may be excluded"
    )


class Claims(Strict):
    within: Days = Field(description="a credit must be claimed within this after the period ends")


class Version(Strict):
    """The full terms in force from ``effective_from`` until the next version (or effective_to)."""

    version: Count
    effective_from: dt.date
    effective_to: dt.date | None = Field(
        default=None, description="exclusive end (a period start); omit while in force"
    )
    monthly_fee: Money | None = Field(
        default=None, description="the fee of the whole agreement; or give `fees` per service"
    )
    fees: dict[ServiceId, Money] | None = Field(
        default=None,
        description="monthly fee per service instead of monthly_fee: an availability or latency "
        "objective's credit is a share of its service's fee, the others' and the cap of the sum",
        examples=[{"web-api": "8000.00", "service-desk": "4000.00"}],
    )
    credit_cap_pct: Percent = Decimal(100)
    min_credit_amount: Money = Field(
        default=Decimal("0.00"),
        description="a period's total credit below this amount is not paid",
    )
    maintenance_notice: Duration | None = Field(
        default=None, description="windows announced later than this before start are downtime"
    )
    maintenance: Maintenance | None = None
    chronic_breach: ChronicBreach | None = None
    claims: Claims | None = None
    objectives: Annotated[list[Objective], Field(min_length=1)]

    @model_validator(mode="after")
    def _one_notice(self) -> Version:
        # maintenance_notice: 48h is shorthand for maintenance: {notice: 48h}
        if self.maintenance_notice is not None and self.maintenance is not None:
            raise ValueError("use maintenance.notice or maintenance_notice, not both")
        return self

    @field_validator("objectives")
    @classmethod
    def _unique_ids(cls, value: list[_Objective]) -> list[_Objective]:
        seen: set[str] = set()
        for objective in value:
            if objective.id in seen:
                raise ValueError(f"objective id {objective.id!r} is used twice")
            seen.add(objective.id)
        return value

    @model_validator(mode="after")
    def _chronic_objectives_known(self) -> Version:
        rule = self.chronic_breach
        if rule is None:
            return self
        ids = [o.id for o in self.objectives]
        unknown = [name for name in rule.objectives or [] if name not in ids]
        if unknown:
            raise ValueError(
                f"chronic_breach.objectives: unknown objective {', '.join(unknown)}; "
                f"this version has {', '.join(ids)}"
            )
        if not self.chronic_objectives:
            raise ValueError(
                "chronic_breach.objectives: no objective of this version carries credit tiers "
                "(CSAT never counts by default): name the objectives the rule counts"
            )
        return self

    @property
    def chronic_objectives(self) -> list[str]:
        """The objective ids the chronic-breach rule counts, sorted: the named ones, else those
        with credit tiers other than CSAT (a customer satisfaction score alone never gives a
        termination right unless the agreement names it)."""
        rule = self.chronic_breach
        if rule is None:
            return []
        if rule.objectives is not None:
            return sorted(set(rule.objectives))
        return sorted(o.id for o in self.objectives if o.credits and o.kind != "csat")

    @model_validator(mode="after")
    def _one_fee(self) -> Version:
        if (self.monthly_fee is None) == (self.fees is None):
            raise ValueError("give exactly one of `monthly_fee` or `fees`")
        if self.fees is None:
            return self
        if not self.fees:
            raise ValueError("fees: name at least one service")
        if self.total_monthly_fee > MONEY_MAX:
            raise ValueError(f"fees: the fees add up to more than {MONEY_MAX}")
        # a misspelt key leaves the measured service without a fee, so it is caught here
        problems = [
            f"objectives[{index}].service: {objective.service!r} has no fee in `fees`"
            for index, objective in enumerate(self.objectives)
            if isinstance(objective, AvailabilityObjective | LatencyObjective)
            and objective.service not in self.fees
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def total_monthly_fee(self) -> Decimal:
        """The agreement's monthly fee: monthly_fee, or the sum of the per-service fees."""
        if self.fees is not None:
            return sum(self.fees.values(), Decimal("0.00"))
        # why ignore: _one_fee guarantees monthly_fee when fees is absent
        return self.monthly_fee  # type: ignore[return-value]

    @property
    def maintenance_notice_seconds(self) -> int:
        notice = self.maintenance.notice if self.maintenance else self.maintenance_notice
        return parse_duration(notice) if notice else 0


class Escalation(Strict):
    level: Count
    role: str
    contact: str
    within: Duration | None = None


class Responsibilities(Strict):
    provider: list[str] = Field(default_factory=list)
    customer: list[str] = Field(default_factory=list)


class Review(Strict):
    cadence: Literal["monthly", "quarterly", "semiannual", "annual"] = "quarterly"


class Term(Strict):
    """How long the agreement runs and how it ends or renews."""

    start: dt.date
    end: dt.date | None = Field(default=None, description="last day of the term; omit if open")
    renewal: Literal["auto", "none"] = "none"
    notice: Days | None = Field(
        default=None, description="notice to end (or not renew) the term, before `end`"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Term:
        if self.end is not None and self.end <= self.start:
            raise ValueError("end: must be after start")
        return self


class Signed(Strict):
    """How the agreement was agreed: the signing date and the signatories."""

    on: dt.date
    by_provider: str = Field(
        min_length=1, description="name (and role) of the provider's signatory"
    )
    by_customer: str = Field(
        min_length=1, description="name (and role) of the customer's signatory"
    )

    @model_validator(mode="before")
    @classmethod
    def _yaml_on(cls, data: object) -> object:
        # YAML 1.1 reads a bare ``on:`` key as the boolean true: take it as the field it names
        if isinstance(data, dict) and True in data and "on" not in data:
            return {("on" if key is True else key): value for key, value in data.items()}
        return data


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Contact(Strict):
    """One named contact: ``{name: Dana Weiss, role: service owner, email: dana@acme.example}``."""

    name: str = Field(min_length=1)
    role: str | None = None
    email: str | None = Field(default=None, description="an address such as desk@acme.example")

    @field_validator("email")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value


class AgreementContacts(Strict):
    provider: list[Contact] = Field(default_factory=list)
    customer: list[Contact] = Field(default_factory=list)


def _period_start(value: dt.date, months: int) -> bool:
    return value.day == 1 and (value.month - 1) % months == 0


class Agreement(Strict):
    """A service level agreement between a provider and a customer."""

    id: Slug
    customer: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]
    period: Literal["monthly", "quarterly"]
    calendar: Slug
    responsibilities: Responsibilities = Field(default_factory=Responsibilities)
    escalation: list[Escalation] = Field(default_factory=list)
    review: Review = Field(default_factory=Review)
    description: str | None = Field(
        default=None, min_length=1, description="the service description and scope"
    )
    term: Term | None = None
    signed: Signed | None = None
    contacts: AgreementContacts = Field(default_factory=AgreementContacts)
    versions: Annotated[list[Version], Field(min_length=1)]
    expected_sources: list[str] = Field(
        default_factory=list,
        description="landing sources that must deliver rows every period (e.g. [tickets]): a "
        "period without rows from one blocks the run; without it a quiet period publishes",
        examples=[["tickets"]],
    )

    @field_validator("expected_sources")
    @classmethod
    def _known_sources(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in SOURCES]
        if unknown:
            raise ValueError(
                f"unknown source {', '.join(unknown)}; expected one of {', '.join(SOURCES)}"
            )
        return sorted(set(value))

    @model_validator(mode="after")
    def _versions_in_order(self) -> Agreement:
        months = PERIOD_MONTHS[self.period]
        unit = "month" if months == 1 else "quarter"
        problems = []
        for index, version in enumerate(self.versions):
            for field in ("effective_from", "effective_to"):
                day = getattr(version, field)
                if day is not None and not _period_start(day, months):
                    problems.append(
                        f"versions[{index}].{field}: {day} is not the first day of a {unit}"
                    )
            if version.effective_to is not None and version.effective_to <= version.effective_from:
                problems.append(f"versions[{index}].effective_to: must be after effective_from")
        ordered = sorted(enumerate(self.versions), key=lambda pair: pair[1].effective_from)
        for (i, earlier), (j, later) in itertools.pairwise(ordered):
            if later.effective_from == earlier.effective_from:
                problems.append(
                    f"versions[{j}].effective_from: overlaps versions[{i}] "
                    f"(both start {later.effective_from})"
                )
            elif earlier.effective_to is not None and earlier.effective_to > later.effective_from:
                problems.append(
                    f"versions[{i}].effective_to: overlaps versions[{j}] "
                    f"which starts {later.effective_from}"
                )
            if later.version <= earlier.version:
                problems.append(
                    f"versions[{j}].version: must be greater than {earlier.version}, "
                    "the version in force before it"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def version_for(self, period_start: dt.date) -> Version | None:
        """The version in force for a period: the latest whose effective_from <= period start."""
        candidates = [v for v in self.versions if v.effective_from <= period_start]
        if not candidates:
            return None
        chosen = max(candidates, key=lambda v: v.effective_from)
        if chosen.effective_to is not None and chosen.effective_to <= period_start:
            return None
        return chosen


# --------------------------------------------------------------------------------------------
# review action items


class ActionItem(Strict):
    description: str
    owner: str | None = None
    target_date: dt.date | None = None
    status: Literal["open", "in_progress", "done", "dropped"] = "open"
    raised_on: dt.date | None = None


class ReviewLog(Strict):
    """Action items from earlier review meetings (``reviews/<agreement_id>.yaml``)."""

    agreement_id: Slug | None = None
    items: list[ActionItem] = Field(default_factory=list)
