"""The HTML and the PDF of a review pack carry the same figures and phrases in every section.

Both files render one view model (model.py); a template that drops a figure, formats it on its
own or shows it in another section would give the meeting two versions of the truth. Each check
reads the files as a person does: the HTML's text (html.parser) and the PDF's text (pypdf), cut
into the pack's sections at their headings.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pipeline_data import HOSTILE_CUSTOMER, publication_case
from pypdf import PdfReader
from test_review_pack_model import context as hand_written_context

from orchestration.lib import warehouse
from orchestration.lib.publish.plan import periods_in_window, reviews_closing
from orchestration.lib.review_pack import review_pack
from orchestration.lib.review_pack.model import (
    AtRisk,
    Driver,
    Drivers,
    Quality,
    Recommendations,
    ReviewPack,
    Scorecard,
    Side,
    Table,
    TrendChart,
    Trends,
    review_pack_model,
)
from orchestration.lib.review_pack.review_data import review_contexts

SECTIONS = (
    "cover",
    "summary",
    "scorecard",
    "contacts",
    "trends",
    "drivers",
    "credits",
    "quality",
    "at_risk",
    "recommendations",
    "actions",
)
# the provider-internal sections: None in the customer's pack (model.py, AUDIENCES)
INTERNAL_SECTIONS = ("at_risk", "recommendations")
# fields that hold no text a reader sees (layout keys, colours, the chart's picture), or text
# checked on its own (the document's title, the running title on every page)
NOT_TEXT = {
    "key",
    "kind",
    "tag",
    "rating",
    "colour",
    "fill",
    "ink",
    "svg",
    "alt",
    "title",
    "running",
}
# a figure: a number, a date, a time, an amount, a percentage's number
FIGURE = re.compile(r"\d[\d,.:-]*\d|\d")


class _Page(HTMLParser):
    """The text a browser shows, and the images' sources and alternative texts."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.title = ""
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title"):
            self._hidden += 1
            self._in_title = tag == "title"
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._hidden -= 1
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._hidden:
            self.text.append(data)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _html(path: Path) -> tuple[str, _Page]:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return _squash(" ".join(page.text)), page


def _pdf(path: Path, running: str) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    # a line that ends in a hyphen was broken after it ("ops-" / "head@..." in a narrow column):
    # the hyphen is the text's own (the PDF does not hyphenate words)
    text = _squash(re.sub(r"-\n", "-", text))
    # each page's footer: the running title and the page number
    return re.sub(re.escape(running) + r" page \d+ of \d+", " ", text)


def _starts(pack: ReviewPack) -> list[tuple[str, str]]:
    """Where each section starts, in page order (the cover at the top): its heading. The summary
    follows the cover's title band; the cover goes on from its "circulated" line. A section the
    pack's audience does not get (None) has no start."""
    return [
        ("summary", pack.summary.heading),
        ("cover", pack.cover.circulated_lead),
        *((name, heading) for name, heading in _headings(pack) if heading is not None),
    ]


def _headings(pack: ReviewPack) -> list[tuple[str, str | None]]:
    return [
        ("scorecard", pack.scorecard.heading),
        ("contacts", pack.contacts.responsibilities_heading),
        ("trends", pack.trends.heading),
        ("drivers", pack.drivers.heading),
        ("credits", pack.credits.heading),
        ("quality", pack.quality.heading),
        ("at_risk", pack.at_risk.heading if pack.at_risk else None),
        ("recommendations", pack.recommendations.heading if pack.recommendations else None),
        ("actions", pack.actions.heading),
    ]


def _sections(text: str, pack: ReviewPack) -> dict[str, str]:
    """Each section's text; a section in two places (the cover) gets both, joined."""
    starts = [("cover", 0)]
    for name, heading in _starts(pack):
        at = text.find(heading, starts[-1][1])
        assert at >= 0, f"{name}: {heading!r} missing or out of order"
        starts.append((name, at))
    sections = dict.fromkeys(SECTIONS, "")
    ends = [at for _, at in starts[1:]] + [len(text)]
    for (name, start), end in zip(starts, ends, strict=True):
        sections[name] += " " + text[start:end]
    return sections


# the phrases shown only in some cases (the empty phrases: only when there is nothing to show)
SHOWN_WHEN = {
    (Table, "empty"): lambda t: not t.rows,
    (Table, "columns"): lambda t: bool(t.rows or t.blank_rows),
    (Side, "empty"): lambda s: not s.items,
    (Drivers, "empty"): lambda d: not d.items,
    (Recommendations, "empty"): lambda r: not r.items,
    (AtRisk, "empty"): lambda a: not a.items,
    (Driver, "note"): lambda d: d.table is None,
    (Scorecard, "not_in_force"): lambda s: any(None in row.cells for row in s.rows),
    (Trends, "legend"): lambda t: bool(t.charts),
    (Trends, "table_lead"): lambda t: bool(t.table.rows),
    (Quality, "examples_lead"): lambda q: bool(q.examples),
    # the chart's name is drawn inside its picture: checked with the picture
    (TrendChart, "name"): lambda c: False,
}


def _phrases(node: object) -> Iterator[str]:
    """Every text of a section of the model that a reader sees."""
    if dataclasses.is_dataclass(node):
        for field in dataclasses.fields(node):
            shown = SHOWN_WHEN.get((type(node), field.name), lambda _: True)
            if field.name not in NOT_TEXT and shown(node):
                yield from _phrases(getattr(node, field.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from _phrases(item)
    elif isinstance(node, str) and node:
        yield _squash(node)


def _chart_texts(svg: str) -> list[str]:
    return [_squash(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&#34;", '"')
        .replace("&amp;", "&")
    )


def assert_same_pack(pack: ReviewPack, html_path: Path, pdf_path: Path) -> None:
    html, page = _html(html_path)
    pdf = _pdf(pdf_path, pack.cover.running)
    # the running title: at the top of the page, on every page's footer
    assert html.startswith(pack.cover.running)
    html = html.removeprefix(pack.cover.running)
    assert page.title == pack.cover.title == PdfReader(pdf_path).metadata.title
    html_sections, pdf_sections = _sections(html, pack), _sections(pdf, pack)
    for name in SECTIONS:
        section = getattr(pack, name)
        if section is None:
            assert name in INTERNAL_SECTIONS and pack.audience == "customer"
            continue
        for phrase in _phrases(section):
            assert phrase in html_sections[name], f"{name}: {phrase!r} missing from the HTML"
            # the kicker is shown in capitals: CSS text-transform in the HTML, upper() in the PDF
            printed = phrase.upper() if phrase == pack.cover.kicker else phrase
            assert printed in pdf_sections[name], f"{name}: {printed!r} missing from the PDF"
    # the trend charts: one SVG each, the same picture in both files
    drawn = pack.trends.charts
    assert [(i["src"], i["alt"]) for i in page.images] == [(c.data_uri, c.alt) for c in drawn]
    chart_figures: Counter[str] = Counter()
    for chart in drawn:
        assert base64.b64decode(chart.data_uri.split(",", 1)[1]).decode() == chart.svg
        labels = [_unescape(t) for t in _chart_texts(chart.svg)]
        assert labels[0] == chart.name
        for label in labels:
            assert label in pdf_sections["trends"], f"chart label {label!r} missing from the PDF"
            chart_figures.update(FIGURE.findall(label))
    # and no figure in one file that the other lacks, section by section (the PDF's trends
    # also carry the charts' labels, which the HTML shows inside its images)
    for name in SECTIONS:
        in_html = Counter(FIGURE.findall(html_sections[name]))
        in_pdf = Counter(FIGURE.findall(pdf_sections[name]))
        if name == "trends":
            in_pdf -= chart_figures
        assert in_html == in_pdf, f"{name}: figures differ: HTML {in_html}, PDF {in_pdf}"


def _render(context: dict[str, object], folder: Path, name: str) -> tuple[Path, Path]:
    """The customer's pack; the internal variant beside it as <name>.internal.{html,pdf}."""
    job = review_pack.PackJob(
        context=context,
        html_path=folder / f"{name}.html",
        pdf_path=folder / f"{name}.pdf",
        document_date=dt.date(2026, 4, 1),
        internal_html_path=folder / f"{name}.internal.html",
        internal_pdf_path=folder / f"{name}.internal.pdf",
    )
    review_pack.render_packs([job], workers=1)
    return job.html_path, job.pdf_path


def _internal(path: Path) -> Path:
    return path.with_name(path.name.replace(".", ".internal.", 1))


def test_the_customer_pack_carries_no_internal_advice_and_the_internal_one_does(tmp_path: Path):
    context = hand_written_context()
    html, pdf = _render(context, tmp_path, "pack")
    customer, internal = review_pack_model(context), review_pack_model(context, "internal")
    assert_same_pack(internal, _internal(html), _internal(pdf))
    # the hand-written context has one recommendation ("breached 3 times"), no at-risk row
    # (p1: 1 of 3 breaches, two short), and availability amber in 2026-03, the last period
    advice = (
        "Recommendations for the revision discussion",
        "Web availability: breached 3 times.",
        "At-risk notes (provider-internal)",
        "Web availability: met in 2026-03 but inside its warning margin "
        "(99.92 % against ≥ 99.9 %).",
        "Provider-internal: not for circulation to the customer.",
    )
    for text in (_html(html)[0], _pdf(pdf, customer.cover.running)):
        assert not [phrase for phrase in advice if phrase in text]
    for text in (_html(_internal(html))[0], _pdf(_internal(pdf), internal.cover.running)):
        assert [phrase for phrase in advice if phrase in text] == list(advice)


def test_a_hand_written_pack_reads_the_same_in_html_and_pdf(tmp_path: Path):
    context = hand_written_context()
    html, pdf = _render(context, tmp_path, "pack")
    assert_same_pack(review_pack_model(context), html, pdf)
    # hand-checked anchors: the credits payable, tickets' overruns on a 24x7 and a business
    # clock (1209000 s = 335.8 business hours), the overdue action item
    text = _html(html)[0]
    for figure in (
        "Credits payable 1,300.05 EUR",
        "TKT-1 P1 2026-02-12 03:09 40m 30m 10m 0s 24x7",
        "TKT-2 P1 2026-02-02 09:00 335.8 business hours 8.0 business hours "
        "327.8 business hours 1.5 business hours business",
        "Overdue action items overdue Review the on-call rota (ACME IT): target 2026-03-15",
    ):
        assert figure in text, f"{figure!r} missing from the HTML"
        assert figure in _pdf(pdf, ""), f"{figure!r} missing from the PDF"


# ------------------------------------------------------------------- a real pipeline run


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, ReviewPack, Path, Path]]:
    """Every pack of a real run over 2026-01..2026-03 (the data of test_publication.py)."""
    scenario = publication_case(tmp_path_factory.mktemp("parity"))
    outcome = scenario.run("2026-01", "2026-03")
    assert outcome.success, outcome.reason
    with warehouse.connect(scenario.paths.warehouse_path, read_only=True) as connection:
        periods = periods_in_window(connection, dt.date(2026, 1, 1), dt.date(2026, 4, 1))
        reviews = reviews_closing(connection, periods)
        contexts = review_contexts(connection, reviews, generated_at=dt.datetime(2026, 4, 2))
    folder = tmp_path_factory.mktemp("packs")
    rendered = []
    for review, context in zip(reviews, contexts, strict=True):
        name = f"{review.folder}-{review.agreement_id}"
        html, pdf = _render(context, folder, name)
        rendered.append((name, review_pack_model(context), html, pdf))
        internal = review_pack_model(context, "internal")
        rendered.append((f"{name}.internal", internal, _internal(html), _internal(pdf)))
    return rendered


@pytest.mark.slow
def test_every_pack_of_a_run_reads_the_same_in_html_and_pdf(packs):  # type: ignore[no-untyped-def]
    # initech x 3 months, acme's Q1 review, globex's Q1 review
    assert sorted(name for name, *_ in packs) == [
        f"{name}{variant}"
        for name in (
            "2026-01-initech-platform",
            "2026-02-initech-platform",
            "2026-03-acme-hosting",
            "2026-03-initech-platform",
            "2026-Q1-globex-support",
        )
        for variant in ("", ".internal")
    ]
    for name, pack, html, pdf in packs:
        assert_same_pack(pack, html, pdf)
        # the customer's pack leaves the provider's advice out; the internal variant adds it
        internal = name.endswith(".internal")
        assert (pack.recommendations is not None, pack.at_risk is not None) == (internal,) * 2


@pytest.mark.slow
def test_the_acme_pack_fills_every_section_with_hand_checked_figures(packs):  # type: ignore[no-untyped-def]
    """The parity above is only as good as the sections it sees filled."""
    _, pack, html, pdf = next(p for p in packs if p[0] == "2026-03-acme-hosting")
    assert pack.cover.customer == HOSTILE_CUSTOMER
    html_text, pdf_text = _html(html)[0], _pdf(pdf, pack.cover.running)
    # pipeline_data.py: P1 first response in March 1 of 2 in time = 50 % against >= 95 %, tier
    # "below 95: 5 %" of 12,000.00 = 600.00 EUR; the maintenance window announced 1 day ahead
    # of the 48h required; the ticket without a UTC offset quarantined; one open action item
    for figure in (
        "≥ 95 %",
        "50 %",
        "600.00 EUR",
        "no: announced too late",
        "created_at has no UTC offset",
        "Add a second probe location <b>before</b> Q2",
        "Northwind operations",
    ):
        assert figure in html_text, f"{figure!r} missing from the HTML"
        assert figure in pdf_text, f"{figure!r} missing from the PDF"
    assert pack.drivers.items and pack.drivers.maintenance.rows
    assert pack.credits.objectives.rows and pack.credits.totals.rows
    assert pack.quality.quarantine.rows and pack.actions.table.rows
    assert len([c for c in pack.trends.charts if c.svg]) >= 4


def _page_one(pdf: Path) -> str:
    return _squash(PdfReader(pdf).pages[0].extract_text())


@pytest.mark.slow
def test_page_one_of_the_acme_pack_opens_with_the_summary(packs):  # type: ignore[no-untyped-def]
    """What the chair reads first, read from the PDF's first page as a person reads it."""
    _, pack, _, pdf = next(p for p in packs if p[0] == "2026-03-acme-hosting")
    page = _page_one(pdf)
    summary = page[page.index("Summary of 2026-01 – 2026-03") :]
    # the summary comes before everything else on the page but the title band
    assert page.index("Summary of") < page.index("Circulated for review")
    assert summary.index("Circulated for review") > summary.index("Overdue action items")
    summary = summary[: summary.index("Circulated for review")]
    # pipeline_data.py: P1 first response in March 1 of 2 tickets in time = 50 % against 95 %
    # within the agreement's 30 minutes; 600.00 EUR payable
    # (12,000.00 x 5 %); one breach in the window, below the 3 in 6 periods of the chronic rule;
    # the one open action item is due 2026-04-30, after the review's last day 2026-03-31
    for expected in (
        "Overall rating breached",
        "Breaches P1 first response within 30 min, 95 % of tickets: 50 % in 2026-03",
        "Credits payable 600.00 EUR",
        "Termination rights none arisen",
        "Overdue action items none",
    ):
        assert expected in summary, f"{expected!r} not in page 1's summary: {summary!r}"
    assert pack.summary.heading == "Summary of 2026-01 – 2026-03"


@pytest.mark.slow
def test_a_pack_of_one_period_shows_figures_not_single_dot_charts(packs):  # type: ignore[no-untyped-def]
    # globex settles per quarter and began in 2026-Q1: one period of history per objective
    _, pack, html, pdf = next(p for p in packs if p[0] == "2026-Q1-globex-support")
    assert pack.trends.charts == ()
    assert len(pack.trends.table.rows) == len(pack.scorecard.rows)
    assert "<img" not in html.read_text(encoding="utf-8")
    text = _pdf(pdf, pack.cover.running)
    assert "Fewer than 3 periods of history: the figures, not a chart." in text
    # no page of its own: the table follows the contacts on the first two pages
    assert "Fewer than 3 periods" in " ".join(p.extract_text() for p in PdfReader(pdf).pages[:2])
