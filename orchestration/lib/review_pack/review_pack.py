"""The review pack: one view model (``model.py``) rendered to HTML (Jinja2) and to PDF (Typst).

Both templates draw the same ``ReviewPack``, built once per pack, so both files show identical
figures and phrases. Typst, not WeasyPrint: a pack compiles in ~10 ms instead of ~0.75 s
(docs/publications.md has the measurements).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import typst

from orchestration.lib.review_pack.model import CUSTOMER, INTERNAL, ReviewPack, review_pack_model
from orchestration.lib.review_pack.templating import environment
from orchestration.lib.settings import TEMPLATES_DIR

__all__ = ["PackJob", "render_html", "render_pack", "render_packs", "render_pdf"]

TEMPLATE = "review_pack.html.j2"
STYLESHEET = "review_pack.css"
PDF_TEMPLATE = TEMPLATES_DIR / "review_pack.typ"
# DejaVu Sans, as in the HTML's stylesheet (Debian: fonts-dejavu-core). System fonts are ignored
# so that the PDF does not depend on what else a machine has installed; without DejaVu, Typst
# falls back to its embedded Libertinus Serif (and its embedded DejaVu Sans Mono for codes).
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/TTF")
# worker processes for rendering; below POOL_MIN_PACKS packs, starting them (~2 s: they import
# the project's modules and Typst) costs more than it saves
PACK_WORKERS = min(2, os.cpu_count() or 1)
POOL_MIN_PACKS = 24


@cache
def _stylesheet() -> str:
    return (TEMPLATES_DIR / STYLESHEET).read_text(encoding="utf-8")


def render_html(pack: ReviewPack) -> str:
    return environment().get_template(TEMPLATE).render(pack=pack, stylesheet=_stylesheet())


@cache
def _compiler() -> typst.Compiler:
    # one compiler per process: it keeps the parsed template and the font book between packs
    fonts = [path for path in FONT_DIRS if Path(path).is_dir()]
    # why ignore[misc]: typst.Compiler is generic in its input, which the constructor leaves open
    return typst.Compiler(PDF_TEMPLATE, font_paths=fonts, ignore_system_fonts=True)  # type: ignore[misc]


def render_pdf(pack: ReviewPack, target: Path, *, document_date: dt.date) -> None:
    """Typst -> A4 PDF. ``document_date`` (the review's end) is the PDF's creation date, so the
    same inputs give the same bytes."""
    created = dt.datetime.combine(document_date, dt.time(), tzinfo=dt.UTC)
    # no accessibility tags: they cost ~50 ms a pack (5x the rest of the compile) and the
    # WeasyPrint PDFs before did not carry them either; the HTML twin is the accessible version
    pdf = _compiler().compile(
        format="pdf", sys_inputs={"data": pack.as_json()}, timestamp=created, pdf_tags=False
    )
    # compile() is typed bytes | list[bytes] (a list: one image per page); a PDF is bytes
    target.write_bytes(pdf)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PackJob:
    """One pack to render: plain data only, so a worker process needs no warehouse access."""

    context: dict[str, Any]
    html_path: Path
    pdf_path: Path
    document_date: dt.date
    # the provider-internal variant (<agreement_id>.internal.{html,pdf}); None: not rendered
    internal_html_path: Path | None = None
    internal_pdf_path: Path | None = None


def render_pack(job: PackJob) -> None:
    """The view models, then HTML and PDF of one pack (in this process or in a worker): the
    customer's and, when the job names its files, the provider-internal variant."""
    variants = [(CUSTOMER, job.html_path, job.pdf_path)]
    if job.internal_html_path is not None and job.internal_pdf_path is not None:
        variants.append((INTERNAL, job.internal_html_path, job.internal_pdf_path))
    for audience, html_path, pdf_path in variants:
        pack = review_pack_model(job.context, audience)
        html_path.write_text(render_html(pack), encoding="utf-8")
        # looked up on the module so that a test can make the renderer fail half-way
        render_pdf(pack, pdf_path, document_date=job.document_date)


def render_packs(
    jobs: list[PackJob],
    *,
    workers: int = PACK_WORKERS,
    log: Callable[[PackJob], None] = lambda job: None,
) -> None:
    """Render every pack; in ``workers`` processes when there are enough packs to pay for them.

    Rendering is CPU-bound (mostly the PDF's Typst compile), so a monthly close's 200 packs
    take half the time on two cores. The workers are spawned, not forked (the parent holds
    DuckDB's and Dagster's threads), get each pack's context as plain data and never open the
    warehouse. An exception in any pack propagates: the publication fails as a whole.
    """
    if workers < 2 or len(jobs) < POOL_MIN_PACKS:
        for job in jobs:
            render_pack(job)
            log(job)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # map keeps the order of jobs, so the log reads the same as an in-process run
        for job, _ in zip(jobs, pool.map(render_pack, jobs, chunksize=4), strict=True):
            log(job)
