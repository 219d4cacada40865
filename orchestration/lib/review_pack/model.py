"""The review pack as one typed view model: every section's text, already formatted.

``review_pack_model`` turns the context ``review_data.review_contexts`` reads from the marts into
a ``ReviewPack``, once per pack. Both renderings draw that one object: the Jinja2 HTML template
reads its attributes, the Typst PDF template gets it as JSON (``as_json``). Every figure, label,
column heading and empty-section phrase is written here and only here, so the HTML and the PDF
cannot show two versions of one figure; the templates hold layout only. The trend charts are
drawn once, as SVG (``charts.trend_chart_svg``): the HTML embeds it as an image, the PDF as a
Typst ``image``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

from orchestration.lib.publish.formatting import (
    BUSINESS_HOURS,
    MISSING,
    STATUS_WORDS,
    format_allowance,
    format_business_hours,
    format_duration,
    format_measure,
    format_money,
    format_pct,
    format_target,
    format_utc,
)
from orchestration.lib.review_pack.charts import (
    LINE_COLOURS,
    STATUS_COLOURS,
    trend_chart,
    trend_chart_svg,
)
from orchestration.lib.review_pack.review_data import chart_points

ColumnKind = Literal["text", "num", "ts"]


@dataclass(frozen=True)
class Column:
    label: str
    kind: ColumnKind = "text"  # num: right-aligned figures; ts: a timestamp kept on one line


@dataclass(frozen=True)
class Cell:
    """One table cell: ``text``, then ``code`` in monospace, then ``detail`` on a small second
    line. With ``tag`` (a rating colour) the text shows as a coloured tag."""

    text: str = ""
    code: str = ""
    detail: str = ""
    tag: str = ""
    strong: bool = False


@dataclass(frozen=True)
class Table:
    """``key`` names the table for the templates' layout (column widths, CSS class)."""

    key: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty: str = ""  # shown instead of a table without rows
    blank_rows: int = 0  # empty rows to write in by hand


@dataclass(frozen=True)
class Fact:
    label: str
    lines: tuple[str, ...]
    is_code: bool = False


@dataclass(frozen=True)
class Cover:
    title: str
    running: str  # the page footer's text
    kicker: str
    customer: str
    subtitle_lead: str  # "with <provider> · agreement"
    agreement_id: str
    period_label: str
    circulated_lead: str
    circulated: str
    fact_pairs: tuple[tuple[Fact, Fact], ...]  # two facts a row
    wide_facts: tuple[Fact, ...]  # one fact a row
    # the agreement's term ends within its notice period (relative to the review's last day)
    term_warning: str = ""
    # the provider-internal variant says so under the title band; "" for the customer's
    audience_note: str = ""


@dataclass(frozen=True)
class SummaryLine:
    """One line of the summary: ``text``, after a coloured tag reading ``tag_text`` when
    ``tag`` (a rating colour) is set."""

    text: str
    tag: str = ""
    tag_text: str = ""


@dataclass(frozen=True)
class SummaryItem:
    label: str
    lines: tuple[SummaryLine, ...]


@dataclass(frozen=True)
class Summary:
    """What the meeting must know first, at the top of page 1: the overall rating, the
    breaches, the credits payable, the termination rights that arose, the overdue actions."""

    heading: str
    items: tuple[SummaryItem, ...]


@dataclass(frozen=True)
class ScoreCell:
    text: str
    word: str
    rating: str


@dataclass(frozen=True)
class ScoreRow:
    name: str
    detail: str
    target: str
    cells: tuple[ScoreCell | None, ...]  # None: the objective was not in force that period


@dataclass(frozen=True)
class LegendItem:
    key: str  # a rating (scorecard) or a mark (trends: actual, target, or a chart status)
    label: str
    colour: str


@dataclass(frozen=True)
class Scorecard:
    heading: str
    columns: tuple[str, ...]
    rows: tuple[ScoreRow, ...]
    not_in_force: str
    legend: tuple[LegendItem, ...]


@dataclass(frozen=True)
class Side:
    who: str
    items: tuple[str, ...]
    empty: str


@dataclass(frozen=True)
class Contacts:
    responsibilities_heading: str
    sides: tuple[Side, ...]
    escalation_heading: str
    escalation: Table


@dataclass(frozen=True)
class TrendChart:
    name: str
    svg: str
    alt: str
    caption: str

    @property
    def data_uri(self) -> str:
        """The SVG as an ``<img src>``: browsers render SVG images, and the HTML needs no
        network."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode(
            "ascii"
        )


@dataclass(frozen=True)
class Trends:
    heading: str
    legend: tuple[LegendItem, ...]  # shown with the charts
    charts: tuple[TrendChart, ...]  # the objectives with at least MIN_CHART_POINTS periods
    table_lead: str  # shown above the table
    table: Table  # the objectives with fewer periods: their figures, not a chart of 1-2 dots


@dataclass(frozen=True)
class Driver:
    name: str
    tag: str
    table: Table | None  # the longest outages or the most overdue tickets
    note: str  # shown when there is no table
    reading: str = ""  # when the times of a ticket table were read, shown under it


@dataclass(frozen=True)
class Drivers:
    heading: str
    items: tuple[Driver, ...]
    empty: str
    maintenance_heading: str
    maintenance: Table
    adjustments_heading: str = "Adjustments and exclusions"
    adjustments: Table | None = None


@dataclass(frozen=True)
class Credits:
    heading: str
    objectives: Table
    totals: Table
    chronic_heading: str
    chronic: Table


@dataclass(frozen=True)
class Example:
    file: str
    text: str


@dataclass(frozen=True)
class Quality:
    heading: str
    coverage_heading: str
    coverage: Table
    quarantine_heading: str
    quarantine: Table
    examples_lead: str
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class Recommendation:
    kind: str  # tighten or capacity
    text: str
    rating: str  # the colour of its bullet: green to tighten, red to plan capacity


@dataclass(frozen=True)
class Recommendations:
    heading: str
    items: tuple[Recommendation, ...]
    empty: str


@dataclass(frozen=True)
class AtRisk:
    """Provider-internal: objectives one breach short of a termination right, or met inside
    their warning margin in the review's last period."""

    heading: str
    items: tuple[str, ...]
    empty: str


@dataclass(frozen=True)
class NextTerm:
    """Targets for the next term: the baseline as of the review's closing period."""

    heading: str
    lead: str
    table: Table


@dataclass(frozen=True)
class Actions:
    heading: str
    note: str  # what overdue means
    table: Table


@dataclass(frozen=True)
class Rating:
    key: str
    fill: str
    ink: str


@dataclass(frozen=True)
class ReviewPack:
    author: str  # the PDF's author: the provider
    ratings: tuple[Rating, ...]  # the colours of green/amber/red/grey, for both templates
    cover: Cover
    summary: Summary
    scorecard: Scorecard
    contacts: Contacts
    trends: Trends
    drivers: Drivers
    credits: Credits
    quality: Quality
    recommendations: Recommendations | None  # provider-internal: None in the customer's pack
    actions: Actions
    audience: str = "customer"  # or "internal" (AUDIENCES)
    at_risk: AtRisk | None = None  # provider-internal: None in the customer's pack
    # after the recommendations; None without a baseline and in the customer's pack
    next_term: NextTerm | None = None

    def as_json(self) -> str:
        """The model for Typst's ``sys.inputs``: strings stay text there, never markup."""
        # each dataclass as its fields (vars: 10x faster than dataclasses.asdict's deep copy)
        return json.dumps(self, default=vars, ensure_ascii=False)


# the review colours, the same as the charts' dots
RATINGS = (
    Rating("green", STATUS_COLOURS["met"], "#ffffff"),
    Rating("amber", STATUS_COLOURS["warning"], "#212121"),
    Rating("red", STATUS_COLOURS["breached"], "#ffffff"),
    Rating("grey", STATUS_COLOURS["insufficient_data"], "#ffffff"),
)


# a chart of one or two dots tells less than the figures: below this many periods, a table
MIN_CHART_POINTS = 3
# a chart dot's status -> the review colour (the scorecard's)
CHART_RATINGS = {"met": "green", "warning": "amber", "breached": "red", "insufficient_data": "grey"}
# the worst first: an objective's rating over the window is that of its worst period
SEVERITY = ("red", "amber", "grey", "green")
OPEN_STATUSES = ("open", "in_progress")
NO_BREACHES = "No objective was breached in this review window."
NO_CHRONIC_CLAUSE = "The agreement has no chronic-breach clause."
# when the agreement's chronic_breach rule has no notice_within, exercise_by is null
DEADLINE_NOT_SET = "not set in the agreement"
# the customer's pack carries no provider-internal advice; the internal one adds the
# recommendations and the at-risk notes (docs/publications.md, "Review packs")
CUSTOMER, INTERNAL = "customer", "internal"
AUDIENCES = (CUSTOMER, INTERNAL)
INTERNAL_NOTE = (
    "Provider-internal: not for circulation to the customer. Adds the recommendations, the "
    "targets for the next term and the at-risk notes to the customer's pack."
)


def review_pack_model(context: dict[str, Any], audience: str = CUSTOMER) -> ReviewPack:
    """The view model of one pack from its context (``review_data.review_contexts``), for the
    customer or (``audience="internal"``) for the provider."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    agreement = context["agreement"]
    internal = audience == INTERNAL
    return ReviewPack(
        author=agreement["provider"],
        ratings=RATINGS,
        cover=_cover(context, internal=internal),
        summary=_summary(context),
        scorecard=_scorecard(context),
        contacts=_contacts(context),
        trends=_trends(context),
        drivers=_drivers(context),
        credits=_credits(context),
        quality=_quality(context),
        recommendations=Recommendations(
            heading="Recommendations for the revision discussion",
            items=tuple(
                Recommendation(r.kind, r.text, "green" if r.kind == "tighten" else "red")
                for r in context["recommendations"]
            ),
            empty="No objective was met by a wide margin for 6+ periods or breached "
            "repeatedly: no change proposed.",
        )
        if internal
        else None,
        actions=_actions(context),
        audience=audience,
        at_risk=_at_risk(context) if internal else None,
        # the recommended targets are the provider's negotiating position: internal only
        next_term=_next_term(context) if internal else None,
    )


def _at_risk(context: dict[str, Any]) -> AtRisk:
    """One breach short of a termination right (rpt_review_chronic_breaches.is_at_risk), or
    met inside the warning margin in the review's last period (the score row's is_warning)."""
    last = context["period_keys"][-1] if context["period_keys"] else None
    notes = [
        f"{_subject(c)}: {c['breaches_in_window']} of {c['breaches_required']} breaches within "
        f"{c['window_periods']} periods as of {c['period_key']}: one more breach gives the "
        "customer a termination right."
        for c in context["chronic"]
        if c.get("is_at_risk")
    ]
    notes += [
        f"{o['objective_name']}: met in {last} but inside its warning margin "
        f"({format_measure(o['cells'][last]['actual'], o['unit'])} against {_target(o)})."
        for o in context["objectives"]
        # is_warning, not the amber rating: amber may come to mean other things too
        if last in o["cells"] and o["cells"][last]["is_warning"]
    ]
    return AtRisk(
        heading="At-risk notes (provider-internal)",
        items=tuple(notes),
        empty="No objective is one breach short of a termination right or inside its warning "
        "margin.",
    )


def _subject(chronic: dict[str, Any]) -> str:
    """What a chronic-breach row counts: one objective, or any of the named ones."""
    names = chronic["objective_name"] or chronic["objectives"]
    return f"any of {names}" if chronic["rule"] == "any_objective" else names


def _text(value: object) -> str:
    return MISSING if value is None else str(value)


def _cells(*texts: str) -> tuple[Cell, ...]:
    return tuple(Cell(text) for text in texts)


def _record(agreement: dict[str, Any]) -> tuple[Fact, ...]:
    """The agreement's own record (issue 13): scope, term, signature, named contacts."""
    facts = []
    if agreement.get("description"):
        facts.append(Fact("Service and scope", (agreement["description"],)))
    if agreement.get("term_start"):
        term = f"from {agreement['term_start']}" + (
            f" to {agreement['term_end']}" if agreement["term_end"] else ", open-ended"
        )
        term += ", renews automatically" if agreement["term_renewal"] == "auto" else ", no renewal"
        if agreement["term_notice_days"] is not None:
            term += f"; notice {agreement['term_notice_days']} days"
            if agreement["term_notice_by"]:
                term += f" (by {agreement['term_notice_by']})"
        facts.append(Fact("Term", (term,)))
    if agreement.get("signed_on"):
        facts.append(
            Fact(
                "Signed",
                (
                    f"on {agreement['signed_on']} by {agreement['signed_by_provider']} "
                    f"({agreement['provider']}) and {agreement['signed_by_customer']} "
                    f"({agreement['customer']})",
                ),
            )
        )
    contacts = json.loads(agreement.get("contacts_json") or "{}")
    # a contact (schema.Contact): name, then role and email when given
    lines = tuple(
        f"{agreement[side]}: "
        + ", ".join(part for part in (c["name"], c.get("role"), c.get("email")) if part)
        for side in ("provider", "customer")
        for c in contacts.get(side, [])
    )
    if lines:
        facts.append(Fact("Contacts", lines))
    return tuple(facts)


def _term_warning(agreement: dict[str, Any], last_day: dt.date) -> str:
    """Set when the review's last day falls within the term's notice period."""
    notice_by, end = agreement.get("term_notice_by"), agreement.get("term_end")
    if notice_by is None or end is None or not notice_by <= last_day <= end:
        return ""
    then = (
        "it renews automatically unless notice is given"
        if agreement["term_renewal"] == "auto"
        else "it does not renew: agree a new term or the exit"
    )
    return (
        f"The term ends on {end}, within its notice period of {agreement['term_notice_days']} "
        f"days (notice by {notice_by}): {then}."
    )


def _cover(context: dict[str, Any], *, internal: bool = False) -> Cover:
    agreement = context["agreement"]
    customer, provider = agreement["customer"], agreement["provider"]
    generated_at = context["generated_at"]
    currency = agreement["currency"]
    label = context["period_label"]
    versions = tuple(
        f"v{v['version']}: in force from {v['effective_from']}"
        + (f" to {v['effective_to']}" if v["effective_to"] else "")
        + f", fee {format_money(v['monthly_fee'])} {currency}/month, "
        f"credit cap {format_pct(v['credit_cap_pct'])}"
        for v in context["versions"]
    )
    return Cover(
        title=f"SLA review – {customer} – {label}",
        running=f"SLA review · {customer} · {label}",
        kicker=f"Service level review · {agreement['review_cadence']} review",
        customer=customer,
        subtitle_lead=f"with {provider} · agreement",
        agreement_id=agreement["agreement_id"],
        period_label=label,
        circulated_lead="Circulated for review",
        circulated=f"on {generated_at:%Y-%m-%d} – data as of {format_utc(generated_at)} UTC. "
        "Please raise any question about these figures before the meeting, so that the "
        "meeting can settle actions rather than numbers.",
        fact_pairs=(
            (Fact("Customer", (customer,)), Fact("Provider", (provider,))),
            (
                Fact(
                    "Review window",
                    (f"{context['review'].review_start} to {context['review_last_day']}",),
                ),
                Fact("Periods", (f"{', '.join(context['period_keys'])} ({agreement['period']})",)),
            ),
        ),
        wide_facts=(
            *_record(agreement),
            Fact("Agreement version", versions),
            Fact("Definitions", (f"sha256 {agreement['definitions_sha256']}",), is_code=True),
        ),
        term_warning=_term_warning(agreement, context["review_last_day"]),
        audience_note=INTERNAL_NOTE if internal else "",
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _terms(objective: dict[str, Any]) -> str:
    """The objective as the agreement states it: ``P1 first response within 30 min, 95 % of
    tickets``. The allowance shows when the objective row carries ``within_seconds`` (and
    ``clock``)."""
    kind, service = objective["kind"], objective["service_id"]
    target = format_measure(objective["target"], objective["unit"])
    if kind in ("first_response", "resolution"):
        words = [objective["priority"], kind.replace("_", " ")]
        if (within := objective.get("within_seconds")) is not None:
            words.append(f"within {format_allowance(within)}")
            if objective.get("clock") == "business":
                words.append("(business hours)")
        return f"{' '.join(w for w in words if w)}, {target} of tickets"
    if kind == "availability":
        return f"{service} available at least {target} of the agreed time"
    if kind == "latency_p95":
        return f"{service} p95 latency at most {target}"
    if kind == "csat":
        return f"mean satisfaction score at least {target}"
    return f"{kind.replace('_', ' ')} {_target(objective)}"


def _target(objective: dict[str, Any]) -> str:
    return format_target(objective["target"], objective["unit"], objective["is_higher_better"])


def _worst(ratings: list[str]) -> str:
    """The worst of some review colours; grey (nothing to rate) when there are none."""
    return next((r for r in SEVERITY if r in ratings), "grey")


def _is_overdue(item: dict[str, Any], as_of: dt.date) -> bool:
    return (
        item["status"] in OPEN_STATUSES
        and item["target_date"] is not None
        and item["target_date"] < as_of
    )


def _summary(context: dict[str, Any]) -> Summary:
    objectives = context["objectives"]
    currency = context["agreement"]["currency"]
    totals = context["credits"]["totals"]

    worst = [_worst([c["rating"] for c in o["cells_in_order"] if c]) for o in objectives]
    overall = _worst(worst)
    counts = "; ".join(f"{worst.count(r)} {STATUS_WORDS[r]}" for r in SEVERITY if r in worst)
    rating = SummaryLine(
        _count(len(objectives), "objective")
        + (f", each by its worst period: {counts}" if counts else ""),
        tag=overall,
        tag_text=STATUS_WORDS[overall],
    )

    breaches = tuple(
        SummaryLine(
            f"{_terms(o)}: "
            + ", ".join(
                f"{format_measure(o['cells'][key]['actual'], o['unit'])} in {key}"
                for key in o["breached_periods"]
            )
        )
        for o in objectives
        if o["breached_periods"]
    ) or (SummaryLine(NO_BREACHES),)

    notes = [f"{format_money(sum(t['credit_amount'] for t in totals))} {currency}"]
    if penalties := sum(t["penalty_amount"] for t in totals):
        notes.append(f"penalties {format_money(penalties)} {currency} beside the credits")
    if capped := [t["period_key"] for t in totals if t["is_capped"]]:
        notes.append(f"the credit cap bound in {', '.join(capped)}")
    if below := [t["period_key"] for t in totals if t["is_below_minimum"]]:
        notes.append(f"below the minimum credit in {', '.join(below)}: not paid")

    rights = tuple(
        SummaryLine(
            f"{_subject(c)}: "
            f"{c['breaches_in_window']} breaches within {c['window_periods']} periods "
            f"({(c['breach_period_keys'] or '').replace(',', ', ')}), as of {c['period_key']}"
            f" · deadline: {c.get('exercise_by') or DEADLINE_NOT_SET}",
            tag="red",
            tag_text="termination right",
        )
        for c in context["chronic"]
        if c["has_termination_right"]
    ) or (SummaryLine("none arisen" if context["chronic"] else NO_CHRONIC_CLAUSE),)

    as_of = context["review_last_day"]
    overdue = tuple(
        SummaryLine(
            f"{a['description']} ({a['owner'] or MISSING}): target {a['target_date']}",
            tag="red",
            tag_text="overdue",
        )
        for a in context["action_items"]
        if _is_overdue(a, as_of)
    ) or (SummaryLine("none"),)

    return Summary(
        heading=f"Summary of {context['period_label']}",
        items=(
            SummaryItem("Overall rating", (rating,)),
            SummaryItem("Breaches", breaches),
            SummaryItem("Credits payable", (SummaryLine(" · ".join(notes)),)),
            SummaryItem("Termination rights", rights),
            SummaryItem("Overdue action items", overdue),
        ),
    )


UNVERIFIED = "met, unverified"


def _status_word(cell: dict[str, Any]) -> str:
    """The rating in words; an amber met that counting the unknown minutes as down would turn
    (is_verdict_certain false, rated in rpt_objective_periods) is "unverified", not near target."""
    if cell["rating"] == "amber" and cell["is_verdict_certain"] is False:
        return UNVERIFIED
    return STATUS_WORDS[cell["rating"]]


def _scorecard(context: dict[str, Any]) -> Scorecard:
    rows = tuple(
        ScoreRow(
            name=o["objective_name"],
            detail=_terms(o),
            target=_target(o),
            cells=tuple(
                ScoreCell(
                    format_measure(cell["actual"], o["unit"]),
                    _status_word(cell),
                    cell["rating"],
                )
                if cell
                else None
                for cell in o["cells_in_order"]
            ),
        )
        for o in context["objectives"]
    )
    return Scorecard(
        heading="Scorecard",
        columns=("Objective", "Target", *context["period_keys"]),
        rows=rows,
        not_in_force="not in force",
        legend=tuple(
            LegendItem(rating.key, label, rating.fill)
            for rating, label in zip(
                RATINGS,
                (
                    STATUS_WORDS["green"],
                    "met, but inside the objective's warning margin",
                    STATUS_WORDS["red"],
                    f"{STATUS_WORDS['grey']} (never a breach)",
                ),
                strict=True,
            )
        ),
    )


def _contacts(context: dict[str, Any]) -> Contacts:
    agreement = context["agreement"]
    responsibilities = context["responsibilities"]
    return Contacts(
        responsibilities_heading="Responsibilities",
        sides=tuple(
            Side(
                f"{agreement[side]} ({side})",
                tuple(responsibilities.get(side, [])),
                "none listed",
            )
            for side in ("provider", "customer")
        ),
        escalation_heading="Escalation contacts",
        escalation=Table(
            "escalation",
            (Column("Level"), Column("Role"), Column("Contact"), Column("Within")),
            tuple(
                _cells(str(e["level"]), e["role"], e["contact"], e.get("within") or MISSING)
                for e in context["escalation"]
            ),
            empty="no escalation path defined",
        ),
    )


def _trends(context: dict[str, Any]) -> Trends:
    history = context["history"]
    charts, rows = [], []
    for o in context["objectives"]:
        warnings = {key: bool(cell and cell["is_warning"]) for key, cell in o["cells"].items()}
        points = chart_points(history.get(o["objective_id"], []), warnings)
        if len(points) < MIN_CHART_POINTS:
            rows += [
                (
                    *_cells(
                        o["objective_name"],
                        str(p["period_key"]),
                        format_measure(p["actual"], o["unit"]),
                        format_target(p["target"], o["unit"], o["is_higher_better"]),
                    ),
                    Cell(STATUS_WORDS[CHART_RATINGS[p["status"]]], tag=CHART_RATINGS[p["status"]]),
                )
                for p in points
            ] or [(*_cells(o["objective_name"], MISSING, MISSING, _target(o)), Cell("no history"))]
            continue
        caption = f"target {_target(o)}"
        if latest := o["latest"]:
            caption += (
                f" · latest {format_measure(latest['actual'], o['unit'])} "
                f"({STATUS_WORDS[latest['rating']]})"
            )
        geometry = trend_chart(points, o["unit"], o["objective_name"])
        charts.append(
            TrendChart(
                name=o["objective_name"],
                svg=trend_chart_svg(geometry),
                alt=f"trend of {o['objective_name']} against its target",
                caption=caption,
            )
        )
    periods = max((len(h) for h in history.values()), default=0)
    return Trends(
        heading=f"Trends over the last {_count(periods, 'period')}",
        legend=(
            LegendItem("actual", "actual", LINE_COLOURS["actual"]),
            LegendItem(
                "target",
                "target (steps when a new agreement version changes it)",
                LINE_COLOURS["target"],
            ),
            # a chart's dots: the scorecard's words for its colours
            *(
                LegendItem(status, STATUS_WORDS[rating], STATUS_COLOURS[status])
                for status, rating in CHART_RATINGS.items()
            ),
        ),
        charts=tuple(charts),
        table_lead=f"Fewer than {MIN_CHART_POINTS} periods of history: the figures, not a chart.",
        table=Table(
            "history",
            (
                Column("Objective"),
                Column("Period"),
                Column("Actual", "num"),
                Column("Target", "num"),
                Column("Rating"),
            ),
            tuple(rows),
        ),
    )


TICKET_TIMES = ("elapsed_seconds", "allowed_seconds", "overrun_seconds", "paused_seconds")


def _ticket_time(ticket: dict[str, Any], field: str) -> Cell:
    # time on a business clock in business hours, the unit under the figure: "13d 23h" would
    # read as calendar days
    if ticket["clock"] == "business":
        return Cell(format_business_hours(ticket[field]), detail=BUSINESS_HOURS)
    return Cell(format_duration(ticket[field]))


def _driver(driver: dict[str, Any]) -> Driver:
    objective = driver["objective"]
    table = None
    if driver["outages"]:
        table = Table(
            "outages",
            (
                Column("Outage start (UTC)", "ts"),
                Column("End (UTC)", "ts"),
                Column("Down minutes", "num"),
                Column("Counted"),
            ),
            tuple(
                _cells(
                    format_utc(o["started_at"]),
                    format_utc(o["ended_at"]),
                    str(o["down_minutes"]),
                    "yes" if o["is_counted"] else "no, shorter than the minimum",
                )
                for o in driver["outages"]
            ),
        )
    elif driver["tickets"]:
        table = Table(
            "tickets",
            (
                Column("Ticket"),
                Column("Priority"),
                Column("Created (UTC)", "ts"),
                Column("Elapsed", "num"),
                Column("Allowed", "num"),
                Column("Overrun", "num"),
                Column("Paused", "num"),
                Column("Clock"),
            ),
            tuple(
                (
                    Cell(code=t["ticket_id"]),
                    *_cells(t["priority"], format_utc(t["created_at"])),
                    *(_ticket_time(t, field) for field in TICKET_TIMES),
                    Cell(t["clock"]),
                )
                for t in driver["tickets"]
            ),
        )
    reading = ""
    if driver["tickets"] and not driver["outages"]:
        # the clocks are read at the end of their period (evaluated_at): the same pack whatever
        # the run's range
        reading = (
            "Times as at the end of the period each ticket counts in: a ticket still open "
            "then shows the time it had used by that end."
        )
    note = "No single event stands out"
    if objective["kind"] == "csat":
        note += ": the mean satisfaction score fell below target"
    return Driver(
        name=objective["objective_name"],
        tag=f"breached {', '.join(objective['breached_periods'])}",
        table=table,
        note=note + ".",
        reading=reading,
    )


def _drivers(context: dict[str, Any]) -> Drivers:
    return Drivers(
        heading="What drove the breaches",
        items=tuple(_driver(d) for d in context["drivers"]),
        empty=NO_BREACHES,
        maintenance_heading="Maintenance windows",
        maintenance=Table(
            "maintenance",
            (
                Column("Service"),
                Column("Start (UTC)", "ts"),
                Column("End (UTC)", "ts"),
                Column("Announced (UTC)", "ts"),
                Column("Notice", "num"),
                Column("Required", "num"),
                Column("Excluded from downtime"),
            ),
            tuple(
                (
                    *_cells(
                        m["service_id"],
                        format_utc(m["starts_at"]),
                        format_utc(m["ends_at"]),
                        format_utc(m["announced_at"]),
                        format_duration(m["notice_seconds"]),
                        format_duration(m["required_notice_seconds"]),
                    ),
                    _maintenance_exclusion(m),
                )
                for m in context["maintenance"]
            ),
            empty="No maintenance windows in this review window.",
        ),
        adjustments=_adjustments(context.get("adjustments", [])),
    )


def _maintenance_exclusion(window: dict[str, Any]) -> Cell:
    """Whether a window's minutes were excluded, and why the others count as agreed time
    (rpt_review_maintenance decides; this only words it)."""
    if not window["is_excluded"]:
        return Cell("no: announced too late", tag="red")
    reasons = [
        f"{window[column]} min {phrase}"
        for column, phrase in (
            ("outside_window_minutes", "outside the allowed windows"),
            ("beyond_cap_minutes", "beyond the period cap"),
        )
        if window[column]
    ]
    if not reasons:
        return Cell("yes")
    counted = f"{', '.join(reasons)} counted as agreed time"
    if window["excluded_minutes"]:
        return Cell(f"partly: {window['excluded_minutes']} min; {counted}", tag="amber")
    return Cell(f"no: {counted}", tag="red")


ADJUSTMENT_TAGS = {"applied": "green", "refused": "red", "disputed": "amber"}


def _adjustments(rows: list[dict[str, Any]]) -> Table:
    """Each adjustment entry touching the review: its scope, status and reasons (the status is
    decided in the dbt model int_adjustments_assessed)."""

    def scope(a: dict[str, Any]) -> str:
        if a["scope"] == "tickets":
            return f"ticket {a['ticket_id']}"
        return f"{format_utc(a['window_start_at'])} – {format_utc(a['window_end_at'])}"

    return Table(
        "adjustments",
        (
            Column("Entry"),
            Column("Period"),
            Column("Objective"),
            Column("Scope"),
            Column("Category"),
            Column("Status"),
            Column("Why this status"),
            Column("Reason agreed"),
        ),
        tuple(
            (
                *_cells(
                    a["adjustment_id"],
                    a["period_key"] or "–",
                    a["objective_id"],
                    scope(a),
                    a["category"],
                ),
                Cell(a["status"], tag=ADJUSTMENT_TAGS[a["status"]]),
                Cell(a["status_reason"]),
                Cell(
                    a["reason"] or "", detail=f"approved by {a['approved_by']}, {a['approved_at']}"
                ),
            )
            for a in rows
        ),
        empty="No adjustments or exclusions for this review window.",
    )


def _tier(credit: dict[str, Any]) -> str:
    if not credit["tier_rank"]:
        return "no tier applies"
    threshold = format_measure(credit["tier_threshold"], credit["unit"])
    return f"tier {credit['tier_rank']}: {credit['tier_comparator']} {threshold}"


def _credit_rows(credit: dict[str, Any]) -> tuple[tuple[Cell, ...], ...]:
    """An objective's credit row, then its penalty row when the period owes a penalty."""
    name = credit["objective_name"] or credit["objective_id"]
    actual = format_measure(credit["actual"], credit["unit"])
    rows = [
        _cells(
            credit["period_key"],
            name,
            actual,
            _tier(credit),
            format_pct(credit["credit_pct"]),
            format_money(credit["credit_amount_uncapped"]),
        )
    ]
    if credit["penalty_amount_uncapped"]:
        unit = format_money(credit["penalty_unit_amount"])
        basis = (
            f"penalty: {credit['penalty_breaches']} late tickets x {unit}"
            if credit["penalty_per"] == "breach"
            else f"penalty: {unit} per breached period"
        )
        outside = ", outside the cap" if credit["is_penalty_outside_cap"] else ""
        rows.append(
            _cells(
                credit["period_key"],
                name,
                actual,
                basis + outside,
                "",
                format_money(credit["penalty_amount_uncapped"]),
            )
        )
    return tuple(rows)


def _total_note(total: dict[str, Any]) -> str:
    if total["is_capped"]:
        return "the cap bound"
    if total["is_below_minimum"]:
        return "below the minimum credit: not paid"
    return ""


def _credits(context: dict[str, Any]) -> Credits:
    credits = context["credits"]
    currency = context["agreement"]["currency"]
    return Credits(
        heading="Service credits",
        objectives=Table(
            "credits",
            (
                Column("Period"),
                Column("Objective"),
                Column("Actual"),
                Column("Tier"),
                Column("Credit %", "num"),
                Column(f"Credit ({currency})", "num"),
            ),
            tuple(row for c in credits["objectives"] for row in _credit_rows(c)),
            empty="No objective earned a credit.",
        ),
        totals=Table(
            "totals",
            (
                Column("Period"),
                Column("Fee", "num"),
                Column("Credits before cap", "num"),
                Column("Cap", "num"),
                Column("Credit payable", "num"),
                Column("Penalties", "num"),
                Column("Total owed", "num"),
                Column("Note"),
            ),
            tuple(
                (
                    *_cells(
                        t["period_key"],
                        format_money(t["fee_amount"]),
                        format_money(t["credit_amount_uncapped"]),
                        f"{format_money(t['cap_amount'])} ({format_pct(t['cap_pct'])})",
                    ),
                    Cell(format_money(t["credit_amount"])),
                    Cell(format_money(t["penalty_amount"])),
                    Cell(format_money(t["amount_owed"]), strong=True),
                    Cell(_total_note(t)),
                )
                for t in credits["totals"]
            ),
        ),
        chronic_heading="Chronic breaches",
        chronic=Table(
            "chronic",
            (
                Column("Objective"),
                Column("Breaches in window", "num"),
                Column("Required", "num"),
                Column("Window (periods)", "num"),
                Column("Termination right"),
                Column("Deadline to exercise it"),
            ),
            tuple(
                (
                    *_cells(
                        _subject(c),
                        str(c["breaches_in_window"]),
                        _text(c["breaches_required"]),
                        _text(c["window_periods"]),
                    ),
                    Cell("yes: the customer may terminate", tag="red")
                    if c["has_termination_right"]
                    else Cell("no"),
                    Cell(str(c.get("exercise_by") or DEADLINE_NOT_SET))
                    if c["has_termination_right"]
                    else Cell(MISSING),
                )
                for c in context["chronic"]
            ),
            empty=NO_CHRONIC_CLAUSE,
        ),
    )


def _quality(context: dict[str, Any]) -> Quality:
    quarantine = context["quarantine"]
    return Quality(
        heading="Data quality",
        coverage_heading="Coverage",
        coverage=Table(
            "coverage",
            (
                Column("Period"),
                Column("Objective"),
                Column("Sample", "num"),
                Column("Coverage", "num"),
                Column("Status"),
            ),
            tuple(
                (
                    *_cells(
                        c["period_key"],
                        c["objective_name"],
                        _text(c["sample_size"]),
                        format_pct(c["coverage_pct"]),
                    ),
                    Cell(STATUS_WORDS[c["rating"]], tag=c["rating"]),
                )
                for c in context["coverage_notes"]
            ),
            empty="Full coverage: every objective had data for the whole window.",
        ),
        quarantine_heading="Quarantined input rows touching this agreement",
        quarantine=Table(
            "quarantine",
            (Column("Source"), Column("Reason"), Column("Rows", "num")),
            tuple(
                (
                    Cell(q["source"]),
                    Cell(q["reason"], code=q["reason_code"]),
                    Cell(str(q["row_count"])),
                )
                for q in quarantine["counts"]
            ),
            empty="No quarantined rows touch this agreement in the review window.",
        ),
        examples_lead="Examples (file and row, for the data owner):",
        examples=tuple(
            Example(e["source_file"], f"row {e['source_row']}: {e['reason']}")
            for e in quarantine["examples"]
        ),
    )


def _actions(context: dict[str, Any]) -> Actions:
    as_of = context["review_last_day"]
    rows = []
    for a in context["action_items"]:
        status = f"{a['status'].replace('_', ' ')} (carried forward)"
        rows.append(
            (
                Cell(a["description"], detail=f"raised {a['raised_on']}" if a["raised_on"] else ""),
                Cell(a["owner"] or MISSING),
                Cell(_text(a["target_date"] or None)),
                Cell(f"overdue · {status}", tag="red") if _is_overdue(a, as_of) else Cell(status),
            )
        )
    return Actions(
        heading="Action items",
        note=f"Overdue: open or in progress with a target date before {as_of}, "
        "the review's last day.",
        table=Table(
            "actions",
            (Column("Action"), Column("Owner"), Column("Target date"), Column("Status")),
            tuple(rows),
            blank_rows=context["empty_action_rows"],
        ),
    )


def _next_term(context: dict[str, Any]) -> NextTerm | None:
    """Per objective: the target now, what the last periods achieved, the target they would have
    met in the baseline's share of periods and what it would have meant: breached periods and
    credits before the cap (negotiation_baselines), beside those under the target now."""
    rows = context.get("next_term") or []
    if not rows:
        return None
    names = {o["objective_id"]: o["objective_name"] for o in context["objectives"]}
    first = rows[0]
    share = f"{_trim_share(first['baseline_share'])} %"

    def within(seconds: int | None) -> str:
        return "" if seconds is None else format_allowance(seconds)

    return NextTerm(
        heading="Targets for the next term",
        lead=(
            f"From the last {first['periods_counted']} measured periods up to "
            f"{first['last_period_key']}: the target met in {share} of them, rounded to contract "
            "precision (docs/negotiation.md). Percentiles by nearest rank. `sla simulate` "
            "prices other terms."
        ),
        table=Table(
            "next-term",
            (
                Column("Objective"),
                Column("Target now", "num"),
                Column("Min", "num"),
                Column("Median", "num"),
                Column("Max", "num"),
                Column("Recommended", "num"),
                Column("Breaches now / at recommended", "num"),
                Column(f"Credits now / at recommended ({first['currency']})", "num"),
                Column("Within now / recommended", "num"),
            ),
            tuple(
                (
                    *_cells(
                        names.get(r["objective_id"]) or r["objective_id"],
                        format_target(r["current_target"], r["unit"], r["is_higher_better"]),
                        format_measure(r["achieved_min"], r["unit"]),
                        format_measure(r["achieved_median"], r["unit"]),
                        format_measure(r["achieved_max"], r["unit"]),
                    ),
                    Cell(
                        format_target(r["recommended_target"], r["unit"], r["is_higher_better"]),
                        strong=True,
                    ),
                    *_cells(
                        f"{r['periods_breached']} / {r['periods_breached_at_recommended']}",
                        f"{format_money(r['credit_amount_in_force'])} / "
                        f"{format_money(r['credit_amount_at_recommended'])}",
                        " / ".join(
                            filter(
                                None,
                                (
                                    within(r["current_within_seconds"]),
                                    within(r["recommended_within_seconds"]),
                                ),
                            )
                        ),
                    ),
                )
                for r in rows
            ),
        ),
    )


def _trim_share(share: Any) -> str:
    return format(share * 100, "f").rstrip("0").rstrip(".")
