"""Adjustments and exclusions: ``sla_definitions/adjustments/*.yaml``.

An adjustment is an entry agreed by both parties after the fact (usually in the review meeting):
one ticket that the customer caused, an outage window of a third party, or a figure the customer
disputes. A file holds a list ``adjustments: [...]``; each entry names its agreement, the
objective it touches (``all`` or absent: every objective of the agreement) and a scope: either
``tickets: [ids]`` or ``window: {start, end}`` (timestamps with a UTC offset).

This module validates the format and that the agreement and objective exist. Whether an entry is
applied or refused (outside the agreement's periods, unknown ticket, overlapping another entry)
is decided in one dbt model, ``int_adjustments_assessed``: it needs the landed data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AnyUrl, Field, field_validator, model_validator

from orchestration.lib.agreements.schema import ID_MAX_LENGTH, Agreement, Slug, Strict

# why an entry is made (docs/agreements.md); a disputed entry changes no figure
Category = Literal[
    "customer_caused",
    "force_majeure",
    "third_party",
    "emergency_maintenance",
    "disputed",
    "other",
]
TICKET_KINDS = ("first_response", "resolution", "csat")
WINDOW_KINDS = ("availability", "latency_p95")
ALL_OBJECTIVES = "all"

TicketId = Annotated[str, Field(min_length=1, max_length=ID_MAX_LENGTH)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("needs a UTC offset, e.g. 2026-03-10T08:00:00+01:00 or ...Z")
    return value.astimezone(dt.UTC)


AwareDatetime = Annotated[dt.datetime, Field(description="timestamp with a UTC offset")]


class Window(Strict):
    start: AwareDatetime
    end: AwareDatetime

    @field_validator("start", "end")
    @classmethod
    def _offset(cls, value: dt.datetime) -> dt.datetime:
        return _aware(value)

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end <= self.start:
            raise ValueError(f"end {self.end.isoformat()} is not after start")
        return self


class Adjustment(Strict):
    """One agreed exclusion (or a disputed figure) and who approved it."""

    id: Slug
    agreement: Slug
    objective: Slug = Field(
        default=ALL_OBJECTIVES, description="an objective id of the agreement, or all"
    )
    tickets: Annotated[list[TicketId], Field(min_length=1)] | None = None
    window: Window | None = None
    category: Category
    reason: Text
    approved_by: Text
    approved_at: dt.date = Field(description="the day both parties approved the entry")
    evidence: AnyUrl | None = None

    @field_validator("tickets")
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            twice = sorted({t for t in value if value.count(t) > 1})
            if twice:
                raise ValueError(f"ticket {twice[0]!r} is listed twice")
            for ticket in value:
                if ticket != ticket.strip():
                    raise ValueError("ticket ids must not begin or end with a space")
        return value

    @model_validator(mode="after")
    def _one_scope(self) -> Adjustment:
        if (self.tickets is None) == (self.window is None):
            raise ValueError("give exactly one scope: tickets: [ids] or window: {start, end}")
        return self

    @property
    def scope(self) -> str:
        return "tickets" if self.tickets is not None else "window"


class AdjustmentsFile(Strict):
    """``adjustments/<name>.yaml``: a list of entries."""

    adjustments: Annotated[list[Adjustment], Field(min_length=1)]


def check_references(
    label: str, entries: list[Adjustment], agreements: dict[str, Agreement], errors: list[str]
) -> None:
    """The agreement and objective of each entry exist and suit the scope."""
    for index, entry in enumerate(entries):
        where = f"{label}: adjustments[{index}]"
        agreement = agreements.get(entry.agreement)
        if agreement is None:
            known = ", ".join(sorted(agreements)) or "none"
            errors.append(f"{where}.agreement: no agreement {entry.agreement!r} (known: {known})")
            continue
        if entry.objective == ALL_OBJECTIVES:
            continue
        kinds = {o.id: o.kind for v in agreement.versions for o in v.objectives}
        kind = kinds.get(entry.objective)
        if kind is None:
            known = ", ".join(sorted(kinds))
            errors.append(
                f"{where}.objective: no objective {entry.objective!r} in agreement "
                f"{entry.agreement!r} (known: {known}, or all)"
            )
        elif entry.scope == "tickets" and kind not in TICKET_KINDS:
            errors.append(
                f"{where}.tickets: objective {entry.objective!r} is {kind}: a tickets scope "
                f"needs a ticket objective ({', '.join(TICKET_KINDS)})"
            )
        elif entry.scope == "window" and kind not in WINDOW_KINDS:
            errors.append(
                f"{where}.window: objective {entry.objective!r} is {kind}: a window scope "
                f"needs an availability or latency objective"
            )


def check_unique_ids(
    files: list[tuple[str, list[Adjustment]]], errors: list[str]
) -> list[Adjustment]:
    """Every adjustment id is defined once across the folder; returns all entries in order."""
    seen: dict[str, str] = {}
    entries: list[Adjustment] = []
    for label, file_entries in files:
        for index, entry in enumerate(file_entries):
            if entry.id in seen:
                errors.append(
                    f"{label}: adjustments[{index}].id: adjustment {entry.id!r} is also "
                    f"defined in {seen[entry.id]}"
                )
                continue
            seen[entry.id] = label
            entries.append(entry)
    return entries


def adjustment_files(root: Path) -> list[Path]:
    folder = root / "adjustments"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
