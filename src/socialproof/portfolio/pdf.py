"""The portfolio as a PDF (WeasyPrint): tagged for accessibility (PDF/UA), fonts embedded.

``one_page`` gives a one-page summary for applications: who, roles sought, and
each case study with its headline figures.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from socialproof.errors import BadInput, MissingExtra
from socialproof.portfolio.casestudy import load_case_studies
from socialproof.portfolio.evidence import EvidenceResolver
from socialproof.portfolio.person import load_person
from socialproof.portfolio.site import SiteAssets, markdown_renderer, study_view
from socialproof.portfolio.themes import HERE as THEMES

if TYPE_CHECKING:
    from socialproof.workspace import Workspace

PAGE_SIZES = {"a4": "A4", "letter": "Letter"}


def portfolio_html(ws: Workspace, workdir: Path, *, one_page: bool, page_size: str) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    studies = load_case_studies(ws.root / "case-studies")
    if not studies:
        raise BadInput(
            "There are no case studies to put in a PDF.",
            hint='Write one with: socialproof portfolio new "TITLE" --kind paid',
        )
    person = load_person(ws)
    md = markdown_renderer()
    with EvidenceResolver(ws) as resolver:
        assets = SiteAssets(workdir, resolver, [])
        resolver.prefetch(studies)
        items = [study_view(s, resolver, assets, md) for s in studies]
    if one_page:
        items = [i for i in items if i.study.featured][:6] or items[:6]
    env = Environment(
        loader=FileSystemLoader(str(THEMES / "common")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )
    return env.get_template("pdf.html").render(
        site={"person": person, "lang": "en"},
        items=items,
        one_page=one_page,
        page_size=page_size,
        title=f"{person.name}: portfolio",
        description=person.headline or "Portfolio of case studies",
    )


def build_pdf(
    ws: Workspace,
    *,
    out: Path | None = None,
    one_page: bool = False,
    size: Literal["a4", "letter"] = "a4",
) -> Path:
    """Write the portfolio PDF and return its path."""
    if size not in PAGE_SIZES:
        raise BadInput(f"Unknown page size {size!r}.", hint="Use a4 or letter.")
    try:
        from weasyprint import HTML
    except ImportError:
        raise MissingExtra("weasyprint", "pdf") from None
    out = Path(out) if out else ws.root / ("portfolio-summary.pdf" if one_page else "portfolio.pdf")
    workdir = Path(tempfile.mkdtemp(prefix="socialproof-pdf-"))
    try:
        html = portfolio_html(ws, workdir, one_page=one_page, page_size=PAGE_SIZES[size])
        tmp = out.with_name(out.name + ".tmp")
        HTML(string=html, base_url=str(workdir)).write_pdf(
            tmp, pdf_variant="pdf/ua-1", pdf_tags=True, uncompressed_pdf=False
        )
        tmp.replace(out)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return out
