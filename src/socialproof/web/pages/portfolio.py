"""Portfolio: case studies with their rubric score, an editor with a live preview,
evidence picked from what the workspace holds, and the site and PDF built in the
background (``portfolio.editing``, ``rubric``, ``site``, ``pdf``: the CLI's functions)."""

from __future__ import annotations

import mimetypes
from datetime import date
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Form, Request

from socialproof.errors import NotFound, SocialproofError, UsageError
from socialproof.web.templating import (
    NavEntry,
    cached,
    is_htmx,
    redirect,
    render,
    runner,
    workspace,
)
from socialproof.web.worker import stoppable

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from fastapi.responses import HTMLResponse, Response

    from socialproof.web.jobs import Job
    from socialproof.workspace import Workspace

router = APIRouter()
NAV = NavEntry("/portfolio", "Portfolio", order=60, description="Case studies, site and PDF")
SUBNAV = (("/portfolio", "Case studies"), ("/portfolio/built", "Site and PDF"))
KINDS = ("paid", "organic", "community", "mock")


def _files_state(ws: Workspace) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and times of the case study files: part of a cache key, since the
    files change without the database changing."""
    folder = ws.root / "case-studies"
    out = []
    for p in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        st = p.stat()
        out.append((p.name, st.st_size, st.st_mtime_ns))
    return tuple(out)


def _scores(request: Request, ws: Workspace) -> dict[str, Any]:
    return cached(request, scores_key(ws), lambda: scores(ws))


def scores_key(ws: Workspace) -> tuple[Any, ...]:
    """The result cache's key of the case studies' scores (the files are part of it)."""
    return ("portfolio-scores", _files_state(ws))


def scores(ws: Workspace) -> dict[str, Any]:
    """Each case study's rubric check by file name ({} when they cannot be read)."""
    from pathlib import Path

    from socialproof.portfolio.rubric import check_portfolio

    def compute() -> dict[str, Any]:
        try:
            return {Path(c.file).name: c for c in check_portfolio(ws)}
        except SocialproofError:
            return {}

    return compute()


def warm(ws: Workspace, cache: Any) -> None:
    """The case studies' scores, prepared in the background (``web/precompute.py``)."""
    from socialproof.portfolio.editing import study_files

    study_files(ws)  # imported here, not on the page's first visit
    cache.get(ws, scores_key(ws), lambda: scores(ws))


@router.get("/portfolio")
def studies(request: Request) -> HTMLResponse:
    from socialproof.portfolio.editing import study_files
    from socialproof.web.cache import kept_or_pending

    ws = workspace(request)
    ready, checks = kept_or_pending(request, scores_key(ws), lambda: scores(ws))
    rows = [{"name": n, "check": (checks or {}).get(n)} for n in study_files(ws)]
    return render(
        request,
        "portfolio/index.html",
        title="Portfolio",
        subnav=SUBNAV,
        rows=rows,
        scores_pending=not ready,
        kinds=KINDS,
        new_title="",
    )


@router.post("/portfolio/new", response_model=None)
def new(request: Request, title: str = Form(""), kind: str = Form("paid")) -> Response:
    from socialproof.portfolio.casestudy import new_case_study
    from socialproof.portfolio.editing import study_files
    from socialproof.portfolio.starter import suggest_evidence

    ws = workspace(request)
    try:
        if not title.strip():
            raise UsageError("Give the case study a title.", hint="e.g. Spring launch on TikTok.")
        path = new_case_study(
            ws.root / "case-studies", title.strip(), kind, evidence=suggest_evidence(ws, kind)
        )
    except SocialproofError as exc:
        checks = _scores(request, ws)
        rows = [{"name": n, "check": checks.get(n)} for n in study_files(ws)]
        return render(
            request,
            "portfolio/index.html",
            title="Portfolio",
            subnav=SUBNAV,
            rows=rows,
            scores_pending=False,
            kinds=KINDS,
            new_title=title,
            new_error=str(exc),
            messages=[("error", str(exc))],
            status_code=exc.http_status,
        )
    runner(request).after_write()  # the scores are prepared again in the background
    return redirect(f"/portfolio/edit/{path.name}", message=f"Created case-studies/{path.name}.")


def _editor(
    request: Request,
    name: str,
    text: str,
    *,
    error: str | None = None,
    status_code: int = 200,
    evidence_error: str | None = None,
    version: str | None = None,
) -> HTMLResponse:
    from socialproof.portfolio.editing import evidence_choices, study_path
    from socialproof.web.versions import version_of

    ws = workspace(request)
    return render(
        request,
        "portfolio/edit.html",
        title=f"Edit {name}",
        subnav=SUBNAV,
        name=name,
        text=text,
        version=version_of(study_path(ws, name)) if version is None else version,
        r=_review(request, name, text),
        choices=cached(request, ("portfolio-evidence",), lambda: evidence_choices(ws)),
        error=error,
        evidence_error=evidence_error,
        messages=[("error", error or evidence_error or "")] if (error or evidence_error) else [],
        status_code=status_code,
    )


@router.get("/portfolio/edit/{name}")
def edit(request: Request, name: str) -> HTMLResponse:
    from socialproof.portfolio.editing import read_study, study_path
    from socialproof.web.versions import version_of

    ws = workspace(request)
    version = version_of(study_path(ws, name))  # before the text: a save between is seen
    return _editor(request, name, read_study(ws, name), version=version)


@router.post("/portfolio/edit/{name}/preview")
def preview(request: Request, name: str, text: str = Form("")) -> HTMLResponse:
    from socialproof.portfolio.editing import study_path

    study_path(workspace(request), name)
    return render(request, "portfolio/_review.html", r=_review(request, name, text))


def _review(request: Request, name: str, text: str) -> Any:
    """The rubric review of a draft, remembered while the draft and the data are unchanged."""
    import hashlib

    from socialproof.portfolio.editing import review

    ws = workspace(request)
    key = ("portfolio-review", name, hashlib.sha256(text.encode("utf-8", "replace")).hexdigest())
    return cached(request, key, lambda: review(ws, name, text))


@router.post("/portfolio/edit/{name}", response_model=None)
def save(request: Request, name: str, text: str = Form(""), version: str = Form("")) -> Response:
    from socialproof.portfolio.editing import save_study, study_path
    from socialproof.web.versions import check

    ws = workspace(request)
    try:
        check(study_path(ws, name), version, f"case-studies/{name}")
        save_study(ws, name, text)
    except SocialproofError as exc:
        return _editor(
            request,
            name,
            text,
            error=f"Not saved: {exc}",
            status_code=exc.http_status,
            version=version,
        )
    runner(request).after_write()  # the scores are prepared again in the background
    return redirect(f"/portfolio/edit/{name}", message=f"Saved case-studies/{name}.")


FORM_LABELS = {
    "title": "Title",
    "role": "Your role",
    "client": "Client or organisation",
    "summary": "Summary (one or two sentences for the home page)",
    "goal": "Goal (the first goal's description)",
    "strategy": "Strategy: what you planned and why",
    "execution": "Execution: what was done",
    "learnings": "Learnings: what you would change",
    "start": "Started",
    "end": "Ended (empty while ongoing)",
}
LONG_FIELDS = ("summary", "goal", "strategy", "execution", "learnings")


def _form(
    request: Request,
    name: str,
    values: dict[str, str],
    *,
    error: str | None = None,
    status_code: int = 200,
    version: str = "",
) -> HTMLResponse:
    return render(
        request,
        "portfolio/form.html",
        title=f"Edit {name} (form)",
        subnav=SUBNAV,
        name=name,
        values=values,
        version=version,
        labels=FORM_LABELS,
        long_fields=LONG_FIELDS,
        error=error,
        messages=[("error", error)] if error else [],
        status_code=status_code,
    )


@router.get("/portfolio/form/{name}")
def form(request: Request, name: str) -> HTMLResponse:
    from socialproof.portfolio.editing import form_values, read_study, study_path
    from socialproof.web.versions import version_of

    ws = workspace(request)
    version = version_of(study_path(ws, name))  # before the text: a save between is seen
    return _form(request, name, form_values(ws, name, read_study(ws, name)), version=version)


@router.post("/portfolio/form/{name}", response_model=None)
async def form_save(request: Request, name: str) -> Response:
    from socialproof.portfolio.editing import read_study, save_study, study_path, update_fields
    from socialproof.web.versions import check

    ws = workspace(request)
    data = await request.form()
    values = {k: str(data.get(k) or "") for k in FORM_LABELS}
    version = str(data.get("version") or "")
    try:
        check(study_path(ws, name), version, f"case-studies/{name}")
        text = update_fields(ws, name, read_study(ws, name), values)
        save_study(ws, name, text)
    except SocialproofError as exc:
        return _form(
            request,
            name,
            values,
            error=f"Not saved: {exc}",
            status_code=exc.http_status,
            version=version,
        )
    runner(request).after_write()  # the scores are prepared again in the background
    return redirect(f"/portfolio/form/{name}", message=f"Saved case-studies/{name}.")


def _number(value: str, what: str) -> float | None:
    if not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise UsageError(f"{what} {value!r} is not a number.", hint="e.g. 2.5 or 0.012.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise UsageError(f"{what} must be a finite number.")
    return number


def _day(value: str, what: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{what} {value!r} is not a date.", hint="Use YYYY-MM-DD.") from None


@router.post("/portfolio/edit/{name}/evidence", response_model=None)
def add_evidence(
    request: Request,
    name: str,
    text: str = Form(""),
    kind: str = Form("kpi"),
    kpi: str = Form(""),
    pilot: str = Form(""),
    community: str = Form(""),
    label: str = Form(""),
    where: str = Form(""),
    since: str = Form(""),
    until: str = Form(""),
    baseline: str = Form(""),
    target: str = Form(""),
    version: str = Form(""),
) -> Response:
    from socialproof.portfolio.editing import add_outcome, save_study, study_path
    from socialproof.web.versions import check

    ws = workspace(request)
    value = {"kpi": kpi, "pilot": pilot, "community": community}.get(kind, "")
    try:
        check(study_path(ws, name), version, f"case-studies/{name}")
        new_text = add_outcome(
            ws,
            name,
            text,
            kind=kind,
            value=value,
            label=label,
            where=where,
            since=_day(since, "From"),
            until=_day(until, "To"),
            baseline=_number(baseline, "Baseline"),
            target=_number(target, "Target"),
        )
        save_study(ws, name, new_text)
    except SocialproofError as exc:
        return _editor(
            request,
            name,
            text,
            evidence_error=f"Not added: {exc}",
            status_code=exc.http_status,
            version=version,
        )
    runner(request).after_write()  # the scores are prepared again in the background
    return redirect(
        f"/portfolio/edit/{name}", message=f"Added the outcome '{label.strip()}' and saved."
    )


# -- site and PDF -------------------------------------------------------------------------


#: The build form's choices when none is made (the CLI's defaults).
BUILD_DEFAULTS = {"theme": "classic", "base_url": "", "size": "a4", "one_page": ""}
PAPER_SIZES = {"a4": "A4", "letter": "US Letter"}


def _build_choices() -> dict[str, Any]:
    from socialproof.portfolio.themes import available_themes

    themes = {name: t.label for name, t in sorted(available_themes().items())}
    return {"themes": themes, "sizes": PAPER_SIZES}


@router.get("/portfolio/built")
def built(request: Request) -> HTMLResponse:
    return _built_page(request)


def _built_page(
    request: Request,
    *,
    status_code: int = 200,
    messages: list[tuple[str, str]] | None = None,
    form: dict[str, str] | None = None,
    invalid: tuple[str, ...] = (),
) -> HTMLResponse:
    ws = workspace(request)
    site = ws.root / "site" / "index.html"
    pdf = ws.root / "portfolio.pdf"
    return render(
        request,
        "portfolio/built.html",
        status_code=status_code,
        messages=messages or [],
        title="Site and PDF",
        subnav=SUBNAV,
        site=site.is_file(),
        pdf=pdf.is_file(),
        pdf_kb=round(pdf.stat().st_size / 1024) if pdf.is_file() else 0,
        form=form or dict(BUILD_DEFAULTS),
        invalid=invalid,
        **_build_choices(),
    )


def _refused_build(form: dict[str, str]) -> tuple[str, UsageError] | None:
    """The field and the error when the build cannot take the form's theme, public address
    or paper size (checked before any job starts); None when it can."""
    import re

    from socialproof.portfolio.themes import get_theme

    try:
        get_theme(form["theme"])
    except UsageError as exc:
        return "theme", exc
    url = form["base_url"]
    if url and not re.fullmatch(r"https?://[^\s/?#]+(/\S*)?", url):
        return "base_url", UsageError(
            f"The public address {url[:80]!r} is not a web address.",
            hint="Type it whole, e.g. https://you.example/, or leave it blank.",
        )
    if form["size"] not in PAPER_SIZES:
        return "size", UsageError(
            f"Unknown paper size {form['size'][:20]!r}.", hint="Choose A4 or US Letter."
        )
    return None


def _build_portfolio(
    ws: Workspace,
    staging: Path,
    form: dict[str, str],
    *,
    progress: Callable[[int, int, str], None],
) -> tuple[int, list[str], str | None]:
    """Build the site and the PDF into ``staging`` (in the job's worker process, so a Stop
    ends it where it is) with the form's theme, public address, paper size and one-page
    choice: pages built, the build's warnings, why there is no PDF (or None)."""
    from socialproof.errors import MissingExtra
    from socialproof.portfolio.pdf import build_pdf
    from socialproof.portfolio.site import build_site

    progress(0, 2, "building the site")
    staging.mkdir()
    result = build_site(
        ws, out=staging / "site", theme=form["theme"], base_url=form["base_url"] or None
    )
    progress(1, 2, f"{len(result.pages)} pages built; making the PDF")
    try:
        build_pdf(
            ws,
            out=staging / "portfolio.pdf",
            size=form["size"],  # type: ignore[arg-type]
            one_page=bool(form.get("one_page")),
        )
    except MissingExtra as exc:
        return len(result.pages), list(result.warnings), str(exc)
    return len(result.pages), list(result.warnings), None


@router.post("/portfolio/build", response_model=None)
def build(
    request: Request,
    theme: str | None = Form(None),
    base_url: str = Form(""),
    size: str = Form(BUILD_DEFAULTS["size"]),
    one_page: str = Form(""),
) -> Response:
    ws = workspace(request)
    with_fields = theme is not None  # the Site and PDF page's form (the list's has none)
    form = {
        "theme": (theme or BUILD_DEFAULTS["theme"]).strip(),
        "base_url": base_url.strip(),
        "size": size.strip().lower(),
        "one_page": "1" if one_page else "",  # the CLI's 'portfolio pdf --one-page'
    }
    refused = _refused_build(form)
    if refused is not None:
        invalid, exc = (refused[0],), refused[1]
        if is_htmx(request):
            return render(
                request,
                "portfolio/_build_answer.html",
                status_code=exc.http_status,
                status=exc.http_status,
                text=str(exc),
                form=form,
                invalid=invalid,
                with_fields=with_fields,
                **_build_choices(),
            )
        return _built_page(
            request,
            status_code=exc.http_status,
            messages=[("error", str(exc))],
            form=form,
            invalid=invalid,
        )

    def work(job: Job) -> None:
        import secrets
        import shutil

        from socialproof.portfolio.site import replace_site
        from socialproof.web.worker import run_stoppable

        # built beside the workspace's site and PDF, which change only once both are made:
        # a Stop (or a failure) on the way leaves them as they were
        staging = ws.root / f".portfolio-build-{secrets.token_hex(6)}"
        try:
            pages, warnings, pdf = run_stoppable(job, ws, _build_portfolio, staging, form)
            job.data["warnings"] = warnings
            replace_site(staging / "site", ws.root / "site")
            if pdf is None:
                job.update(2, 2, f"{pages} pages and the PDF")
                (staging / "portfolio.pdf").replace(ws.root / "portfolio.pdf")
            else:
                job.update(2, 2, f"{pages} pages; no PDF: {pdf}")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        job.link = "/portfolio/built"

    job = runner(request).submit("Build the portfolio site and PDF", work)
    job.data["stoppable"] = stoppable(ws)
    if is_htmx(request):
        return render(
            request,
            "portfolio/_build_answer.html",
            j=job,
            form=form,
            invalid=(),
            with_fields=with_fields,
            **_build_choices(),
        )
    return redirect(f"/jobs/{job.id}", message="Building the portfolio.")


@router.get("/portfolio/site/{rest:path}", response_model=None)
def site_file(request: Request, rest: str) -> Response:
    from fastapi.responses import FileResponse

    ws = workspace(request)
    folder = (ws.root / "site").resolve()
    target = ws.path(f"site/{rest or 'index.html'}")
    if target.is_dir():
        target = target / "index.html"
    if folder not in target.parents or not target.is_file():
        raise NotFound("That page of the built site does not exist.", hint="Build the site first.")
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(target, media_type=kind)


@router.get("/portfolio/pdf", response_model=None)
def pdf_file(request: Request) -> Response:
    from fastapi.responses import FileResponse

    path = workspace(request).root / "portfolio.pdf"
    if not path.is_file():
        raise NotFound("No portfolio PDF yet.", hint="Use 'Build the site and PDF' first.")
    return FileResponse(path, media_type="application/pdf", filename="portfolio.pdf")
