"""Proposed terms for ``sla simulate``: a full agreement file, or a partial one over an existing
agreement. Validated as strictly as agreements: unknown keys, objectives the agreement does not
have and fields an objective's kind does not take are errors naming the file and field.

Partial format (docs/negotiation.md)::

    agreement: acme-hosting          # the agreement whose history is replayed
    name: tighter availability       # optional label for the tables and the chart
    credit_cap_pct: 20               # optional: replaces every version's value
    chronic_breach: {breaches: 2, within_periods: 6}
    objectives:                      # optional: per objective id, the fields to replace
      availability: {target: 99.95, credits: [{below: 99.95, credit_pct: 10}]}
      p1-first-response: {within: 15m, clock: business, target: 90}

The overrides apply to every version of the agreement (the simulation replays each period under
the version in force then, with these terms replaced).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from orchestration.lib.agreements import Catalog, DefinitionsError
from orchestration.lib.agreements.loader import _messages, _read_yaml
from orchestration.lib.agreements.schema import (
    Agreement,
    ChronicBreach,
    Duration,
    Measure,
    Percent,
    Slug,
    Strict,
    Tiers,
)

from . import NegotiationError

# which objective kinds take which override
_TICKET_FIELDS = {"within", "clock", "calendar"}


class ObjectiveOverride(Strict):
    target: Measure | None = None
    credits: Tiers | None = None
    within: Duration | None = None
    clock: str | None = Field(default=None, pattern=r"^(24x7|business)$")
    calendar: Slug | None = None


class PartialProposal(Strict):
    agreement: Slug
    name: str | None = None
    credit_cap_pct: Percent | None = None
    chronic_breach: ChronicBreach | None = None
    objectives: dict[str, ObjectiveOverride] = Field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Proposal:
    name: str
    agreement: Agreement  # the proposed terms in full
    in_force: Agreement | None  # the agreement's terms in force, None for a new agreement


def _fail(errors: list[str]) -> None:
    raise NegotiationError("; ".join(errors[:3]) + (" ..." if len(errors) > 3 else ""))


def _apply(document: dict[str, Any], base: Agreement, label: str) -> dict[str, Any]:
    """The agreement mapping with the partial proposal's overrides applied to every version."""
    merged = base.model_dump(mode="json", exclude_none=True)
    proposal = PartialProposal.model_validate(document)
    errors: list[str] = []
    known = {o.id: o.kind for v in base.versions for o in v.objectives}
    for objective_id, override in proposal.objectives.items():
        if objective_id not in known:
            errors.append(
                f"{label}: objectives.{objective_id}: agreement {base.id} has no such objective "
                f"(known: {', '.join(sorted(known))})"
            )
            continue
        given = override.model_dump(exclude_none=True)
        if known[objective_id] not in ("first_response", "resolution"):
            for name in sorted(_TICKET_FIELDS & given.keys()):
                errors.append(
                    f"{label}: objectives.{objective_id}.{name}: a {known[objective_id]} "
                    "objective has no such field"
                )
    if errors:
        _fail(errors)
    for version in merged["versions"]:
        if proposal.credit_cap_pct is not None:
            version["credit_cap_pct"] = str(proposal.credit_cap_pct)
        if proposal.chronic_breach is not None:
            version["chronic_breach"] = proposal.chronic_breach.model_dump()
        for objective in version["objectives"]:
            replacement = proposal.objectives.get(objective["id"])
            if replacement is not None:
                objective.update(replacement.model_dump(mode="json", exclude_none=True))
    return merged


def load_proposal(path: Path, catalog: Catalog) -> Proposal:
    """Read and validate ``path``; raise NegotiationError with one line naming file and field."""
    label = str(path)
    if not path.is_file():
        raise NegotiationError(f"{label}: (file): does not exist")
    errors: list[str] = []
    document = _read_yaml(path, label, errors)
    if document is None:
        _fail(errors)
    assert document is not None
    try:
        if "versions" in document:  # a full agreement file
            agreement = Agreement.model_validate(document)
            name = path.stem
        else:
            if "agreement" not in document:
                _fail([f"{label}: agreement: required field is missing (or give a full "
                       "agreement with versions)"])  # fmt: skip
            base_id = document["agreement"]
            if base_id not in catalog.agreements:
                known = ", ".join(sorted(catalog.agreements))
                _fail([f"{label}: agreement: no agreement {base_id!r} (known: {known})"])
            merged = _apply(document, catalog.agreements[base_id], label)
            agreement = Agreement.model_validate(merged)
            name = str(document.get("name") or path.stem)
    except ValidationError as error:
        _fail(_messages(label, error))
    for version in agreement.versions:
        for objective in version.objectives:
            calendar = getattr(objective, "calendar", None)
            for where, calendar_id in (("calendar", agreement.calendar), ("calendar", calendar)):
                if calendar_id is not None and calendar_id not in catalog.calendars:
                    _fail([f"{label}: {where}: no calendar {calendar_id!r}"])
    return Proposal(name, agreement, catalog.agreements.get(agreement.id))


def proposed_catalog(catalog: Catalog, proposal: Proposal) -> Catalog:
    """The catalog the scratch warehouse holds: the proposed agreement alone, its calendars."""
    try:
        return Catalog(
            catalog.root,
            {proposal.agreement.id: proposal.agreement},
            dict(catalog.calendars),
            {},
            adjustments=tuple(
                entry for entry in catalog.adjustments if entry.agreement == proposal.agreement.id
            ),
        )
    except DefinitionsError as error:  # pragma: no cover - the proposal was validated above
        raise NegotiationError(error.errors[0]) from None
