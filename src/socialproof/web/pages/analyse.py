"""Community > Analyse a file: sentiment, themes or moderation of any CSV or text file.

The workbench's face of the ad hoc text commands (``socialproof sentiment``, ``themes``
and ``moderate`` FILE): a person uploads a CSV file (or pastes lines of text), picks the
text column (pre-selected by the guess the CLI makes, ``community.textfile``) and, for
moderation, the author column, and chooses the analysis. It runs as a background job
with the same library calls the CLI makes; the result is a paged table with a
formula-safe CSV (or XLSX) download.

The file is kept under the import page's upload area (``<workspace>/.uploads/<batch>/``,
names made safe by ``imports.safe_name``) so it can be analysed again with another
tool, until the person deletes it from its page or it has gone unused for a week
(``web.uploads``).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile

from socialproof.errors import BadInput, NotFound, SocialproofError
from socialproof.web.pages.community import SUBNAV, parse_themes_k
from socialproof.web.pages.imports import batch_dir, safe_name, uploaded
from socialproof.web.templating import is_htmx, redirect, render, runner, workspace
from socialproof.web.uploads import touch
from socialproof.web.worker import stoppable

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from fastapi.responses import HTMLResponse, Response

    from socialproof.web.jobs import Job
    from socialproof.workspace import Workspace

router = APIRouter()

KIND = "text-analysis"
TASKS = (
    ("sentiment", "Sentiment: negative, neutral or positive, with a score"),
    ("themes", "Themes: recurring topics, each text with its theme"),
    ("moderate", "Moderation: spam and toxic texts, with the reasons"),
)
#: Rows of a result shown per page.
PAGE = 100
#: Analyses whose rows stay in memory (the newest); older ones say to run them again.
KEPT = 5
#: Bytes read to find a CSV file's header (its first record).
HEADER_BYTES = 1 << 20
PASTED = "pasted text.txt"
_SENTIMENT_BATCH = 2000


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() == ".csv"


def _check_text(path: Path) -> None:
    """Refuse a binary upload (a spreadsheet, an image) before offering its analysis."""
    from socialproof.community.textfile import check_text

    with path.open("rb") as f:
        check_text(f.read(8192), path.name)


def _header(path: Path) -> list[str]:
    """A CSV upload's column names (its first record), read from the start of the file."""
    import csv
    import io

    from socialproof.community.textfile import check_text, decode

    with path.open("rb") as f:
        start = f.read(HEADER_BYTES)
    check_text(start, path.name)
    text = decode(start, path.name)
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), None)
    except csv.Error as exc:
        raise BadInput(
            f"{path.name} is not a readable CSV file: {exc}.",
            hint="Save it as CSV again, or upload it as a .txt file with one text per line.",
        ) from exc
    names = [h.strip() for h in header or []]
    if not any(names):
        raise BadInput(
            f"{path.name} has no header row.",
            hint="Add a header line naming the columns, e.g. text,author.",
        )
    return names


def _page(request: Request, *, status_code: int = 200, **extra: Any) -> HTMLResponse:
    jobs = [j for j in runner(request).all() if j.data.get("kind") == KIND][:5]
    return render(
        request,
        "community/analyse.html",
        status_code=status_code,
        title="Analyse a file",
        subnav=SUBNAV,
        jobs=jobs,
        pasted=extra.pop("pasted", ""),
        **extra,
    )


@router.get("/community/analyse")
def analyse_page(request: Request) -> HTMLResponse:
    return _page(request)


@router.post("/community/analyse", response_model=None)
async def upload(
    request: Request,
    file: Annotated[UploadFile | None, File()] = None,
    pasted: Annotated[str, Form()] = "",
) -> Response:
    """Keep the uploaded file (or the pasted lines) in the upload area and show its choices."""
    ws = workspace(request)
    chosen = file if file is not None and file.filename else None
    if chosen is None and not pasted.strip():
        return _page(
            request,
            status_code=422,
            messages=[("error", "Choose a file or paste some text: there is nothing to analyse.")],
            invalid="file",
        )
    if chosen is not None and pasted.strip():
        await chosen.close()
        return _page(
            request,
            status_code=422,
            messages=[("error", "Choose a file or paste text, not both: clear one of them.")],
            invalid="file",
            pasted=pasted,
        )
    batch = secrets.token_hex(8)
    folder = batch_dir(ws, batch)
    folder.mkdir(parents=True, exist_ok=True)
    if chosen is not None:
        name = safe_name(chosen.filename)
        with (folder / name).open("wb") as out:
            while chunk := await chosen.read(1024 * 1024):
                out.write(chunk)
        await chosen.close()
    else:
        name = PASTED
        (folder / name).write_text(pasted.replace("\r\n", "\n"), encoding="utf-8")
    return redirect(f"/community/analyse/{batch}/{_quoted(name)}")


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def _choices(ws: Workspace, batch: str, file: str) -> dict[str, Any]:
    """What the choice form shows for an upload: its columns and the CLI's guesses."""
    from socialproof.community.textfile import AUTHOR_COLUMNS, TEXT_COLUMNS, guess_column

    path = uploaded(ws, batch, file)
    columns = _header(path) if _is_csv(path) else []
    if not columns:
        _check_text(path)
    return {
        "batch": batch,
        "file": file,
        "url": f"/community/analyse/{batch}/{_quoted(file)}",
        "size": path.stat().st_size,
        "columns": columns,
        "tasks": TASKS,
        "form": {
            "column": guess_column(columns, TEXT_COLUMNS) or "",
            "author": guess_column(columns, AUTHOR_COLUMNS) or "",
            "task": "sentiment",
            "k": "",
            "routing": "",
            "rules": "",
        },
    }


def _choice_page(
    request: Request, batch: str, file: str, *, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    ws = workspace(request)
    try:
        context = _choices(ws, batch, file)
    except BadInput as exc:  # a CSV file without a readable header: say so, offer deleting it
        context = {
            "batch": batch,
            "file": file,
            "url": f"/community/analyse/{batch}/{_quoted(file)}",
            "size": uploaded(ws, batch, file).stat().st_size,
            "columns": [],
            "tasks": (),
            "form": {},
            "unreadable": True,
        }
        extra.setdefault("messages", [("error", str(exc))])
        status_code = max(status_code, exc.http_status)
    context["form"].update(extra.pop("form", {}))
    return render(
        request,
        "community/analyse_file.html",
        status_code=status_code,
        title=f"Analyse {file}",
        subnav=SUBNAV,
        **context,
        **extra,
    )


@router.get("/community/analyse/{batch}/{file}")
def choose(request: Request, batch: str, file: str) -> HTMLResponse:
    return _choice_page(request, batch, file)


@router.post("/community/analyse/{batch}/{file}/delete")
def delete(request: Request, batch: str, file: str) -> Response:
    """Remove the uploaded file (and its upload folder once empty)."""
    ws = workspace(request)
    path = uploaded(ws, batch, file)
    path.unlink(missing_ok=True)
    folder = batch_dir(ws, batch)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
    return redirect("/community/analyse", message=f"Deleted {file} from the workspace.")


@router.post("/community/analyse/{batch}/{file}", response_model=None)
def run(
    request: Request,
    batch: str,
    file: str,
    task: str = Form(""),
    column: str = Form(""),
    author: str = Form(""),
    k: str = Form(""),
    routing: str = Form(""),
    rules: str = Form(""),
) -> Response:
    """Start the analysis of an uploaded file as a background job; ``routing`` is a routing
    rules YAML of the workspace for themes (the CLI's 'themes --routing')."""
    ws = workspace(request)
    path = uploaded(ws, batch, file)
    form = {
        "task": task,
        "column": column,
        "author": author,
        "k": k,
        "routing": routing,
        "rules": rules,
    }
    invalid: set[str] = set()
    routing_path: Path | None = None
    rules_path: Path | None = None
    try:
        if task not in dict(TASKS):
            raise BadInput(
                f"Choose an analysis: {', '.join(t for t, _ in TASKS)}.",
                hint="Pick one of the choices.",
            )
        columns = _header(path) if _is_csv(path) else []
        if columns and column not in columns:
            raise BadInput(
                f"Choose the column that holds the texts ({file} has no column {column!r}).",
                hint=f"Its columns: {', '.join(columns)}.",
            )
        if columns and author and author not in columns:
            raise BadInput(
                f"{file} has no column {author!r} for the authors.",
                hint="Choose one of its columns, or none.",
            )
        themes_k = parse_themes_k(k) if task == "themes" else "auto"
        if task == "themes" and routing.strip():
            try:
                routing_path = _routing_file(ws, routing.strip())
            except SocialproofError:
                invalid.add("routing")
                raise
        if task == "moderate" and rules.strip():
            try:
                rules_path = _rules_file(ws, rules.strip())
            except SocialproofError:
                invalid.add("rules")
                raise
    except SocialproofError as exc:
        return _choice_page(
            request,
            batch,
            file,
            status_code=exc.http_status,
            messages=[("error", str(exc))],
            form=form,
            invalid=invalid,
        )
    jobs = runner(request)
    csv = bool(columns)

    def work(job: Job) -> dict[str, Any]:
        from socialproof.web.worker import run_stoppable

        chosen = (column if csv else None, (author or None) if csv else None, bool(author))
        result: dict[str, Any] = run_stoppable(
            job, ws, _analyse, path, file, csv, chosen, task, themes_k, routing_path or rules_path
        )
        # many texts make a large table: only the latest analyses keep theirs
        older = [j for j in jobs.all() if j.data.get("kind") == KIND and j is not job]
        for old in sorted(older, key=lambda j: j.started, reverse=True)[KEPT - 1 :]:
            if isinstance(old.result, dict):
                old.result.pop("rows", None)
        job.update(1, 1, result["summary"])
        job.link = f"/community/analysis/{job.id}"
        return result

    label = dict(TASKS)[task].split(":")[0]
    touch(path.parent)  # in use: the upload folder's tidying keeps it (web.uploads)
    job = jobs.submit(f"{label} of {file}", work)
    job.data["batch"] = batch
    job.data["kind"] = KIND
    job.data["stoppable"] = stoppable(ws)
    job.data["page"] = f"/community/analysis/{job.id}"
    job.data["task"] = task
    job.data["again"] = f"/community/analyse/{batch}/{_quoted(file)}"
    if is_htmx(request):
        return render(request, "_job.html", j=job)
    return redirect(f"/community/analysis/{job.id}")


# -- the analyses: the library calls of 'socialproof sentiment / themes / moderate' ---------
class _Steps:
    """The job's ``update`` as the analyses see it (they run in the job's worker process)."""

    def __init__(self, progress: Callable[[int, int, str], None]) -> None:
        self.update = progress


def _analyse(
    ws: Workspace,
    path: Path,
    file: str,
    csv: bool,
    chosen: tuple[str | None, str | None, bool],
    task: str,
    themes_k: str | int,
    rules_file: Path | None = None,
    *,
    progress: Callable[[int, int, str], None],
) -> dict[str, Any]:
    """Read the texts of ``path`` and analyse them (in the job's worker process, so a Stop
    ends it where it is; it writes nothing to the workspace). ``chosen``: the text column,
    the author column and whether an author column was chosen (a CSV file's)."""
    from socialproof.community.textfile import read_texts

    column, author, with_author = chosen
    progress(0, 0, "reading the file")
    notes: list[str] = []
    found = read_texts(
        path.read_bytes(), file, csv=csv, column=column, author_column=author, note=notes.append
    )
    if csv and not with_author:  # "None" chosen: copies anywhere count, as without authors
        found.authors = None
    if not found.texts:
        raise BadInput(f"{file} holds no texts.", hint="Choose a file with some rows.")
    steps = _Steps(progress)
    if task == "themes":  # rules_file: the routing rules of themes, moderation's rules
        result = _themes(steps, found, themes_k, notes, ws.root, routing=rules_file)
    elif task == "moderate":
        result = _moderate(steps, found, themes_k, notes, ws.root, rules=rules_file)
    else:
        result = _TASKS[task](steps, found, themes_k, notes, ws.root)
    result["notes"] = notes + result.get("notes", [])
    result["file"] = file
    return result


def _routing_file(ws: Workspace, text: str) -> Path:
    """The Routing rules field: a YAML file inside the workspace, read by the themes' own
    reader before the job starts (a broken file is refused on the form)."""
    from socialproof.community import themes as model

    path = ws.path(text)
    if not path.is_file():
        raise BadInput(
            f"Routing rules: there is no file {text!r} in the workspace.",
            hint="Type the path of a routing YAML inside the workspace, e.g. routing.yaml, "
            "or leave it blank for the packaged rules.",
        )
    model.routing(path)
    return path


def _rules_file(ws: Workspace, text: str) -> Path:
    """The Moderation rules field: a guidelines YAML inside the workspace, read by the
    moderation's own reader before the job starts."""
    from socialproof.community import moderation as model

    path = ws.path(text)
    if not path.is_file():
        raise BadInput(
            f"Moderation rules: there is no file {text!r} in the workspace.",
            hint="Type the path of a moderation YAML inside the workspace, or leave it blank "
            "for the workspace's moderation.yaml (else the packaged rules).",
        )
    model.guidelines(path)
    return path


def _count(n: int) -> str:
    return f"{n:,} text" if n == 1 else f"{n:,} texts"


def _sentiment(job: _Steps, found: Any, _k: Any, _notes: list[str], _root: Path) -> dict[str, Any]:
    from socialproof.community import sentiment as model

    texts = found.texts
    job.update(0, len(texts), "loading the sentiment model")
    scorer = model.load()
    results: list[tuple[str, float]] = []
    for start in range(0, len(texts), _SENTIMENT_BATCH):
        results.extend(scorer.predict(texts[start : start + _SENTIMENT_BATCH]))
        job.update(len(results), len(texts), f"{len(results):,} of {len(texts):,} scored")
    labels = [label for label, _ in results]
    net = model.net_sentiment(labels)
    rows = [
        {"row": i, "text": t, "label": label, "score": score}
        for i, (t, (label, score)) in enumerate(zip(texts, results, strict=True), start=1)
    ]
    summary = (
        f"{_count(len(rows))}: {labels.count('positive'):,} positive, "
        f"{labels.count('neutral'):,} neutral, {labels.count('negative'):,} negative; "
        "net sentiment " + ("n/a" if net is None else f"{net:+.2f}")
    )
    return {"columns": ["row", "text", "label", "score"], "rows": rows, "summary": summary}


def _themes(
    job: _Steps,
    found: Any,
    k: str | int,
    _notes: list[str],
    _root: Path,
    *,
    routing: Path | None = None,
) -> dict[str, Any]:
    from socialproof.community import themes as model

    texts = found.texts
    job.update(0, 0, f"grouping {_count(len(texts))}")
    result = model.cluster(texts, k=k, routing=model.routing(routing))
    themes = [
        {
            "theme": t.id,
            "label": t.label,
            "size": t.size,
            "destination": t.destination,
            "example": t.representatives[0] if t.representatives else "",
        }
        for t in result.themes
    ]
    rows = [
        {"row": i, "text": t, "theme": a, "theme_label": result.label_of(a)}
        for i, (t, a) in enumerate(zip(texts, result.assignments, strict=True), start=1)
    ]
    summary = f"{result.k} themes ({result.k_chosen}) over {_count(len(texts))}"
    return {
        "columns": ["row", "text", "theme", "theme_label"],
        "rows": rows,
        "themes": themes,
        "summary": summary,
        "notes": list(result.notes),
    }


def _moderate(
    job: _Steps,
    found: Any,
    _k: Any,
    _notes: list[str],
    root: Path,
    *,
    rules: Path | None = None,
) -> dict[str, Any]:
    """Flag the texts under ``rules`` when given (the CLI's 'moderate --rules'), else the
    workspace's moderation.yaml when it has one (the rules its moderation queue uses), else
    under the packaged rules."""
    from socialproof.community import moderation as model

    texts, authors = found.texts, found.authors
    job.update(0, 0, f"checking {_count(len(texts))}")
    own = (root / model.WORKSPACE_FILE).is_file()
    chosen = model.guidelines(rules) if rules is not None else model.workspace_guidelines(root)
    flags = model.load(chosen).flag(texts, authors=authors, times=found.times)
    notes = [
        f"Flagged under the rules of {rules.relative_to(root)}."
        if rules is not None
        else "Flagged under the workspace's moderation rules (moderation.yaml)."
        if own
        else "Flagged under the packaged moderation rules (the workspace has no moderation.yaml)."
    ]
    if authors is None and any("repeated text (" in r for f in flags for r in f.reasons):
        notes.append(
            "The file names no authors, so copies of a text anywhere in it count as repeated "
            "(many customers sending the same thanks would be flagged); choose the author "
            "column to count copies per author."
        )
    rows = [
        {"row": i, "text": t, "spam": f.spam, "toxic": f.toxic, "reasons": "; ".join(f.reasons)}
        for i, (t, f) in enumerate(zip(texts, flags, strict=True), start=1)
    ]
    summary = (
        f"{_count(len(rows))}: {sum(f.spam for f in flags):,} spam, "
        f"{sum(f.toxic for f in flags):,} toxic, {sum(1 for f in flags if f.flagged):,} flagged"
    )
    return {
        "columns": ["row", "text", "spam", "toxic", "reasons"],
        "rows": rows,
        "summary": summary,
        "notes": notes,
    }


_TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "sentiment": _sentiment,
    "themes": _themes,
    "moderate": _moderate,
}


# -- the result ------------------------------------------------------------------------------
def _job(request: Request, job_id: str) -> Job:
    job = runner(request).seen(job_id)
    if job.data.get("kind") != KIND:
        raise NotFound(f"There is no analysis {job_id}.", hint="Start one again.")
    return job


def _shown(job: Job, flagged: bool) -> list[dict[str, Any]]:
    """The rows of a finished analysis (only the flagged ones of a moderation, if asked)."""
    if job.running:
        raise NotFound("This analysis is not ready.", hint="Wait for it to finish.")
    rows: list[dict[str, Any]] | None = (job.result or {}).get("rows")
    if rows is None:
        raise NotFound(
            "This analysis's rows are not kept (only the newest analyses keep them).",
            hint="Analyse the file again.",
        )
    if flagged and job.data.get("task") == "moderate":
        rows = [r for r in rows if r["spam"] or r["toxic"]]
    return rows


def _page_number(text: str | None) -> int:
    try:
        return min(1_000_000, max(1, int((text or "1").strip())))
    except ValueError:
        return 1


@router.get("/community/analysis/{job_id}")
def result(
    request: Request, job_id: str, page: str | None = None, flagged: str | None = None
) -> HTMLResponse:
    job = _job(request, job_id)
    context: dict[str, Any] = {"j": job, "kept": False}
    only_flagged = flagged == "1" and job.data.get("task") == "moderate"
    messages: list[tuple[str, str]] = []
    if job.finished_ok:
        try:
            rows = _shown(job, only_flagged)
        except NotFound as exc:
            messages.append(("info", str(exc)))
        else:
            number = _page_number(page)
            pages = max(1, -(-len(rows) // PAGE))
            if number > pages:
                messages.append(("info", f"There are {pages} pages of results, not {number}."))
                number = pages
            offset = (number - 1) * PAGE
            context.update(
                kept=True,
                rows=rows[offset : offset + PAGE],
                total=len(rows),
                first=offset + 1,
                page=number,
                pages=pages,
            )
    query = "flagged=1&" if only_flagged else ""
    return render(
        request,
        "community/analyse_result.html",
        title=job.title,
        subnav=SUBNAV,
        result=job.result if job.finished_ok else None,
        only_flagged=only_flagged,
        query=query,
        messages=messages,
        **context,
    )


@router.get("/community/analysis/{job_id}/themes.{kind}", response_model=None)
def download_themes(request: Request, job_id: str, kind: str) -> Response:
    """The themes found, one row per theme (the CLI's 'themes --summary'), as a
    formula-safe CSV or an XLSX file."""
    from pathlib import Path

    import pandas as pd

    from socialproof.web.tables import download_response, view

    job = _job(request, job_id)
    if not isinstance(job.result, dict) or not job.result.get("themes"):
        raise NotFound(f"Analysis {job_id!r} found no themes.", hint="Find themes in a file first.")
    columns = ["theme", "label", "size", "destination", "example"]
    name = f"{Path(job.result['file']).stem}-themes-summary"
    return download_response(view(pd.DataFrame(job.result["themes"], columns=columns)), kind, name)


@router.get("/community/analysis/{job_id}/result.{kind}", response_model=None)
def download(request: Request, job_id: str, kind: str, flagged: str | None = None) -> Response:
    """Every row of the result (only the flagged ones when the page shows only those), as a
    formula-safe CSV or an XLSX file."""
    from pathlib import Path

    from socialproof.web.tables import download_response, view

    job = _job(request, job_id)
    rows = _shown(job, flagged == "1")
    columns = job.result["columns"]
    name = f"{Path(job.result['file']).stem}-{job.data['task']}"
    import pandas as pd

    return download_response(view(pd.DataFrame(rows, columns=columns)), kind, name)
