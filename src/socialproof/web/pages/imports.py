"""Import: upload export files (or a platform's .zip), watch them import, undo an import.

Uploads are written under ``<workspace>/.uploads/<batch>/`` and imported by a
background job through the same ``import_paths`` the CLI uses (autodetection,
zip rules, rejects, idempotence). Files that imported leave the upload folder;
a file that could not be read stays there so the person can retry it with a
chosen format or a saved column mapping.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile

from socialproof.errors import BadInput, NeedsForce, NotFound, SocialproofError, UsageError
from socialproof.web.templating import (
    NavEntry,
    cached,
    is_htmx,
    redirect,
    render,
    runner,
    workspace,
)
from socialproof.web.uploads import FOLDER, remove_old_batches, touch

if TYPE_CHECKING:
    from fastapi.responses import HTMLResponse, Response

    from socialproof.ingest.base import Source
    from socialproof.ingest.history import ImportSummary
    from socialproof.web.jobs import Job
    from socialproof.workspace import Workspace

router = APIRouter()
NAV = NavEntry("/import", "Import", order=10, description="Bring in the platforms' export files")

UPLOADS = FOLDER
MAPPINGS = "mappings"
_BATCH = re.compile(r"^[0-9a-f]{16}$")
_SHA = re.compile(r"^[0-9a-f]{8,64}$")
_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+")
#: the terminal's hint of a file that does not say whose data it is
_NO_ACCOUNT_HINT = re.compile(
    r"Pass --account NAME, or set (brand\.accounts\.\S+) in socialproof\.toml\."
)
UNSURE_BELOW = 0.6  # detection confidence under which the page offers a format choice


# -- helpers -------------------------------------------------------------------------------
def formats() -> list[tuple[str, str]]:
    """(name, label) of every registered export format."""
    from socialproof.ingest.registry import registry

    return sorted(((f.name, f.label) for f in registry().all()), key=lambda p: p[1].lower())


def saved_mappings(ws: Workspace) -> list[str]:
    """Column mappings saved in the workspace's ``mappings/`` folder (YAML)."""
    folder = ws.root / MAPPINGS
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml"))


def safe_name(filename: str | None) -> str:
    """A plain file name from what a browser sent (no folders, no odd characters)."""
    name = Path((filename or "").replace("\\", "/")).name
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    return name[:150] or "upload"


def batch_dir(ws: Workspace, batch: str) -> Path:
    if not _BATCH.match(batch):
        raise BadInput("That upload batch does not exist.", hint="Upload the file again.")
    return ws.root / UPLOADS / batch


def uploaded(ws: Workspace, batch: str, file: str) -> Path:
    """The file ``file`` kept in upload folder ``batch`` (NotFound when it is gone)."""
    path = batch_dir(ws, batch) / safe_name(file)
    if safe_name(file) != file or not path.is_file():
        raise NotFound(f"The uploaded file {file!r} is no longer here.", hint="Upload it again.")
    return path


#: The upload form's fields a refusal keeps (the files themselves cannot be kept).
KEPT = ("format", "mapping", "year", "account", "platform", "window")


class _Refused(BadInput):
    """A choice of the upload form refused, naming the field to mark."""

    def __init__(self, field: str, exc: SocialproofError) -> None:
        super().__init__(str(exc))
        self.field = field


def _options(
    ws: Workspace,
    fmt: str,
    mapping: str,
    year: str,
    account: str,
    platform: str,
    window: str = "",
) -> Any:
    """(format or None, ReadContext) from the form's choices, each checked; ``window``
    (FROM..TO) is the period an audience file describes (the CLI's --window). A refused
    choice raises :class:`_Refused` naming its field when the message tells which."""
    try:
        return _checked_options(ws, fmt, mapping, year, account, platform, window)
    except SocialproofError as exc:
        text = str(exc)
        field = next(
            (
                f
                for f, needle in (
                    ("window", "window"),
                    ("year", "is not a year"),
                    ("mapping", "mapping"),
                    ("format", "format"),
                    ("platform", "platform"),
                )
                if needle in text.lower()
            ),
            "",
        )
        if not field:
            raise
        raise _Refused(field, exc) from None


def _checked_options(
    ws: Workspace,
    fmt: str,
    mapping: str,
    year: str,
    account: str,
    platform: str,
    window: str,
) -> Any:
    from socialproof.ingest.audience import parse_window
    from socialproof.ingest.importer import read_context
    from socialproof.ingest.registry import registry

    chosen = fmt.strip() or None
    if chosen == "auto":
        chosen = None
    if chosen is not None:
        chosen = registry().get(chosen).name  # an unknown name is a clear UsageError
    mapping_path = None
    if mapping.strip():
        if mapping not in saved_mappings(ws):
            raise BadInput(
                f"There is no saved mapping {mapping!r}.",
                hint=f"Save mappings as YAML files in the workspace's {MAPPINGS}/ folder.",
            )
        mapping_path = ws.path(Path(MAPPINGS) / mapping)
        chosen = chosen or "generic"
    year_value: int | None = None
    if year.strip():
        if not year.strip().isdigit() or not 2004 <= int(year) <= 2100:
            raise BadInput(f"{year!r} is not a year.", hint="Give a year such as 2026, or none.")
        year_value = int(year)
    options = {"window": parse_window(window.strip())} if window.strip() else None
    ctx = read_context(
        ws,
        year=year_value,
        account=account.strip() or None,
        platform=platform.strip().lower() or None,
        mapping=mapping_path,
        options=options,
    )
    return chosen, ctx


def _history(ws: Workspace) -> list[dict[str, Any]]:
    from socialproof.ingest.history import list_imports

    rows = []
    for r in list_imports(ws):
        r = dict(r)
        r["name"] = _display_name(str(r.get("file", "")))
        rows.append(r)
    return rows


def _display_name(file: str) -> str:
    """An imported file as the page names it: its name, and the member of a zip
    ('bundle.zip › posts.csv'), without the folders it was read from."""
    name = Path(file.split("!")[0]).name or file
    if "!" in file:
        name += " › " + file.split("!", 1)[1]
    return name


def _page(request: Request, *, status_code: int = 200, **extra: Any) -> HTMLResponse:
    from socialproof.ingest.undo import list_undos

    ws = workspace(request)
    jobs = [j for j in runner(request).all() if j.title.startswith(("Import", "Check"))][:10]
    return render(
        request,
        "imports/index.html",
        status_code=status_code,
        title="Import",
        formats=formats(),
        mappings=saved_mappings(ws),
        history=[
            r
            for r in cached(request, ("imports-history",), lambda: _history(ws))
            if not extra.get("only") or r.get("format") == extra["only"]
        ],
        undos=cached(request, ("import-undos",), lambda: list_undos(ws)[:20]),
        jobs=jobs,
        **extra,
    )


# -- routes --------------------------------------------------------------------------------
@router.get("/import")
def import_page(request: Request, only: str = "") -> HTMLResponse:
    """The Import page; ``only`` keeps the history's imports of one export format, as
    'socialproof imports --only FORMAT' does."""
    only = only.strip()[:80]
    in_use = {str(j.data.get("batch")) for j in runner(request).all() if j.running}
    remove_old_batches(workspace(request).root, in_use)  # a week untouched: see web.uploads
    if only and only not in {name for name, _ in formats()}:
        return _page(
            request,
            status_code=422,
            messages=[
                (
                    "error",
                    f"There is no export format {only!r}: choose one of the list under "
                    "Imports history.",
                )
            ],
            only=only,
        )
    return _page(request, only=only)


@router.post("/import")
async def upload(
    request: Request,
    files: Annotated[list[UploadFile] | None, File()] = None,
    format: Annotated[str, Form()] = "auto",
    mapping: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
    account: Annotated[str, Form()] = "",
    platform: Annotated[str, Form()] = "",
    window: Annotated[str, Form()] = "",
    dry_run: Annotated[str, Form()] = "",
) -> Response:
    """Store the uploaded files and start their import as a background job; with
    ``dry_run`` (the CLI's --dry-run) the job reads and checks them and writes nothing."""
    ws = workspace(request)
    chosen = [f for f in (files or []) if f.filename]
    asked = {
        "format": format,
        "mapping": mapping,
        "year": year,
        "account": account,
        "platform": platform,
        "window": window,
        "dry_run": "1" if dry_run else "",
    }
    try:
        if not chosen:
            raise BadInput("No file was chosen.", hint="Choose or drop one or more export files.")
        fmt, ctx = _options(ws, format, mapping, year, account, platform, window)
    except SocialproofError as exc:
        for f in files or []:
            await f.close()
        return _refused(request, str(exc), asked, getattr(exc, "field", ""))
    batch = secrets.token_hex(8)
    folder = batch_dir(ws, batch)
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    taken: set[str] = set()
    for f in chosen:
        name = safe_name(f.filename)
        stem, dot, ext = name.rpartition(".")
        n = 1
        while name.lower() in taken:
            n += 1
            name = f"{stem} ({n}){dot}{ext}" if dot else f"{name} ({n})"
        taken.add(name.lower())
        target = folder / name
        with target.open("wb") as out:
            while chunk := await f.read(1024 * 1024):
                out.write(chunk)
        await f.close()
        paths.append(target)
    job = start_import(
        request,
        ws,
        paths,
        batch=batch,
        fmt=fmt,
        ctx=ctx,
        dry_run=bool(dry_run),
        asked={k: asked[k] for k in KEPT},
    )
    if is_htmx(request):
        return render(request, "imports/_job.html", j=job, batch=batch, **_choices(ws))
    return redirect(f"/import/jobs/{job.id}")


def _refused(
    request: Request, text: str, asked: dict[str, str] | None = None, field: str = ""
) -> HTMLResponse:
    """The form again with what was chosen kept and the field at fault marked."""
    if is_htmx(request):  # app.js marks the field the header names
        response = render(request, "_error.html", status_code=422, status=422, text=text)
        if field:
            response.headers["X-Invalid-Field"] = field
        return response
    return _page(
        request,
        status_code=422,
        messages=[("error", text)],
        asked=asked or {},
        invalid={field} if field else set(),
    )


def _choices(ws: Workspace) -> dict[str, Any]:
    return {"formats": formats(), "mappings": saved_mappings(ws), "retryable": retryable}


def start_import(
    request: Request,
    ws: Workspace,
    paths: list[Path],
    *,
    batch: str,
    fmt: str | None,
    ctx: Any,
    dry_run: bool = False,
    asked: dict[str, str] | None = None,
) -> Job:
    """Run ``import_paths`` on ``paths`` as a background job; tidy the upload folder after.
    A ``dry_run`` writes nothing and keeps the files, so the person can import them as
    checked (``asked``: the form's choices, sent again by 'Import these files now')."""
    from socialproof.ingest.importer import import_paths
    from socialproof.web.gate import GatedWorkspace
    from socialproof.web.worker import child_enabled, run_in_child

    folder = batch_dir(ws, batch)
    names = ", ".join(p.name for p in paths[:3]) + (" ..." if len(paths) > 3 else "")

    def work(job: Job) -> list[ImportSummary]:
        def step(done: int, total: int, name: str) -> None:
            job.update(done, total, Path(name.split("!")[-1]).name if name else "finishing")

        if isinstance(ws, GatedWorkspace):  # the parsing in a child process, at low priority
            summaries: list[ImportSummary] = run_in_child(
                import_paths,
                ws,
                ws.gate,
                paths,
                format=fmt,
                ctx=ctx,
                progress=step,
                stop=job.stop,
                dry_run=dry_run,
            )
        else:
            summaries = import_paths(ws, paths, format=fmt, ctx=ctx, progress=step, dry_run=dry_run)
        for s in summaries:
            s.path = _shown(s.path, folder)
            if s.error:
                s.error = _for_the_page(_unfoldered(ws, s.error))
            s.notes = [_unfoldered(ws, n) for n in s.notes]
        # a file read with the format or mapping the person chose is not offered again
        keep = {
            Path(s.path.split("!")[0]).name
            for s in summaries
            if retryable(s) and (s.failed or fmt is None)
        }
        for p in paths:
            if p.name not in keep and not dry_run:  # checked only: kept to import as checked
                p.unlink(missing_ok=True)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        job.link = f"/import/jobs/{job.id}"
        return summaries

    touch(folder)  # in use: the tidying keeps it (web.uploads)
    job = runner(request).submit(f"{'Check' if dry_run else 'Import'} {names}", work)
    job.data["batch"] = batch
    job.data["chosen"] = fmt is not None
    job.data["dry_run"] = dry_run
    job.data["asked"] = dict(asked or {})
    # a person may stop it while its parsing runs in the worker process (Stop the import)
    job.data["stoppable"] = isinstance(ws, GatedWorkspace) and child_enabled()
    job.data["page"] = f"/import/jobs/{job.id}"
    return job


def retryable(summary: ImportSummary) -> bool:
    """Whether choosing a format or mapping could help (an empty or binary file cannot)."""
    if "!" in summary.path:  # a member of a zip: retry the zip as a whole
        return False
    if summary.failed:
        text = (summary.error or "").lower()
        return "format" in text or "mapping" in text or "column" in text
    return summary.status == "imported" and summary.confidence < UNSURE_BELOW


def _for_the_page(error: str) -> str:
    """An import error with the terminal's hint ("Pass --format NAME ...") replaced by the
    page's own controls for the same choices."""
    from socialproof.ingest.registry import UNKNOWN_HINT_START

    head, found, _ = error.partition(" " + UNKNOWN_HINT_START)
    if found:
        return head + " Import it as a format below, or map its columns."
    return _NO_ACCOUNT_HINT.sub(
        r"Upload it again with its Account filled in under Options, or set \1 in Settings.",
        error,
    )


def _unfoldered(ws: Workspace, text: str) -> str:
    """``text`` with every upload folder left out of the paths it names: an upload is known
    by the name it had on the person's computer (an earlier upload's too, as in "a.csv was
    imported before (as meta-ads from a.csv)"), not by ``.uploads/<batch>/a.csv``."""
    folders = re.escape(str(ws.root / UPLOADS)) + r"/[0-9a-f]{16}/"
    return re.sub(folders, "", text)


def _shown(path: str, folder: Path) -> str:
    """An upload's stored path as the person named it."""
    prefix = str(folder) + "/"
    return path[len(prefix) :] if path.startswith(prefix) else path


@router.get("/import/jobs/{job_id}")
def import_job(request: Request, job_id: str) -> HTMLResponse:
    ws = workspace(request)
    job = runner(request).seen(job_id)
    batch = job.data.get("batch", "")
    context = {"j": job, "batch": batch, **_choices(ws)}
    if is_htmx(request):
        return render(request, "imports/_job.html", **context)
    return render(request, "imports/job.html", title=job.title, **context)


@router.post("/import/retry")
def retry(
    request: Request,
    batch: Annotated[str, Form()],
    file: Annotated[str, Form()],
    format: Annotated[str, Form()] = "auto",
    mapping: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
    account: Annotated[str, Form()] = "",
    platform: Annotated[str, Form()] = "",
    window: Annotated[str, Form()] = "",
    dry_run: Annotated[str, Form()] = "",
) -> Response:
    """Import a file that failed again, with the format or mapping the person chose; a
    file of a check (``dry_run``) is checked again, writing nothing, and its own 'Import
    ... now' then imports that one file with the choice."""
    ws = workspace(request)
    try:
        path = uploaded(ws, batch, file)
        fmt, ctx = _options(ws, format, mapping, year, account, platform, window)
        if fmt is None:
            raise UsageError(
                "Choose a format or a saved mapping to retry with.",
                hint="Automatic detection already failed for this file.",
            )
    except SocialproofError as exc:
        return _refused(request, str(exc))
    asked = {
        "format": format,
        "mapping": mapping,
        "year": year,
        "account": account,
        "platform": platform,
        "window": window,
    }
    job = start_import(
        request, ws, [path], batch=batch, fmt=fmt, ctx=ctx, dry_run=bool(dry_run), asked=asked
    )
    if dry_run:
        job.data["file"] = file
    if is_htmx(request):
        return render(request, "imports/_job.html", j=job, batch=batch, **_choices(ws))
    return redirect(f"/import/jobs/{job.id}")


@router.post("/import/confirm")
def confirm(
    request: Request,
    batch: Annotated[str, Form()],
    format: Annotated[str, Form()] = "auto",
    mapping: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
    account: Annotated[str, Form()] = "",
    platform: Annotated[str, Form()] = "",
    window: Annotated[str, Form()] = "",
    file: Annotated[str, Form()] = "",
) -> Response:
    """Import the files a check (dry run) read, with the choices it read them with (only
    ``file`` when the check was of that one file, checked again with another choice)."""
    ws = workspace(request)
    try:
        if not _BATCH.match(batch):
            raise NotFound(f"There is no checked upload {batch!r}.", hint="Upload the files again.")
        folder = batch_dir(ws, batch)
        if file:
            paths = [uploaded(ws, batch, file)]
        else:
            paths = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
        if not paths:
            raise NotFound(
                "The checked files are no longer here (imported already, or removed).",
                hint="Upload them again.",
            )
        fmt, ctx = _options(ws, format, mapping, year, account, platform, window)
    except SocialproofError as exc:
        return _refused(request, str(exc))
    job = start_import(request, ws, paths, batch=batch, fmt=fmt, ctx=ctx)
    if is_htmx(request):
        return render(request, "imports/_job.html", j=job, batch=batch, **_choices(ws))
    return redirect(f"/import/jobs/{job.id}")


# -- column mapping for a file no format recognises ----------------------------------------
#: constants the mapping form offers (when the table has the column): the same value on
#: every row, for what the file does not say
MAPPING_CONSTANTS = ("platform", "account", "metric", "currency")


def _open_upload(path: Path) -> tuple[Source, list[str]]:
    """The upload read once (it may be large), with the headers a mapping sees."""
    from socialproof.ingest.mapping_draft import source_headers
    from socialproof.ingest.sources import open_source

    source = open_source(path, display_name=path.name)
    return source, source_headers(source)


def _map_page(
    request: Request,
    batch: str,
    file: str,
    form: dict[str, Any],
    *,
    opened: tuple[Source, list[str]] | None = None,
    status_code: int = 200,
    error: str = "",
    bad: tuple[str, ...] = (),
) -> HTMLResponse:
    """The mapping page for an upload: the file's columns, the fields of the chosen table,
    the format it comes closest to, and ``form`` (the choices so far)."""
    from socialproof.ingest.generic import WRITABLE_TABLES
    from socialproof.ingest.mapping_draft import NEEDED
    from socialproof.ingest.registry import registry
    from socialproof.workspace.schema import CANONICAL

    ws = workspace(request)
    source, headers = opened or _open_upload(uploaded(ws, batch, file))
    table = form["table"] if form.get("table") in WRITABLE_TABLES else WRITABLE_TABLES[0]
    spec = CANONICAL[table]
    return render(
        request,
        "imports/map.html",
        status_code=status_code,
        title=f"Map the columns of {file}",
        messages=[("error", error)] if error else None,
        batch=batch,
        file=file,
        bad=bad,
        headers=headers,
        tables=WRITABLE_TABLES,
        table=table,
        fields=[c for c in spec.columns if c != "import_id"],
        types=spec.columns,
        needed=NEEDED.get(table, ()),
        constants=[c for c in MAPPING_CONSTANTS if c in spec.columns],
        closest=registry().closest(source),
        form=form,
    )


def _mapping_name(ws: Workspace, name: str, file: str) -> str:
    """The file name a mapping is saved under in ``mappings/`` (no folders, .yaml)."""
    wanted = safe_name(name.strip() or Path(file).stem)
    if not wanted.lower().endswith((".yaml", ".yml")):
        wanted += ".yaml"
    ws.path(Path(MAPPINGS) / wanted)  # cannot leave the workspace
    return wanted


@router.get("/import/map")
def map_page(request: Request, batch: str = "", file: str = "", table: str = "") -> HTMLResponse:
    """The mapping form for an upload no format recognised, pre-filled with the guesses
    ``socialproof mapping new`` writes in its starting mapping."""
    from socialproof.ingest.generic import WRITABLE_TABLES
    from socialproof.ingest.mapping_draft import best_table, guess

    ws = workspace(request)
    try:
        path = uploaded(ws, batch, file)
        if table and table not in WRITABLE_TABLES:
            raise BadInput(
                f"{table!r} is not a table a mapping can fill.",
                hint=f"Choose one of {', '.join(WRITABLE_TABLES)}.",
            )
        opened = _open_upload(path)
        table = table or best_table(opened[1])
        guesses = guess(table, opened[1])
        return _map_page(
            request,
            batch,
            file,
            {
                "table": table,
                "columns": guesses,
                "constants": {},
                "percent": [],
                "dayfirst": "",
                "name": _mapping_name(ws, "", file),
            },
            opened=opened,
        )
    except SocialproofError as exc:
        return _refused(request, str(exc))


@router.post("/import/map")
async def map_upload(request: Request) -> Response:
    """Check the mapping chosen on the form as a mapping file is checked, save it in the
    workspace's ``mappings/`` folder and import the upload with it."""
    import yaml

    from socialproof.ingest.generic import load_mapping, unmapped_keys
    from socialproof.ingest.importer import read_context
    from socialproof.ingest.mapping_draft import NEEDED
    from socialproof.workspace.schema import CANONICAL

    ws = workspace(request)
    data = await request.form()
    text = {k: v for k, v in data.multi_items() if isinstance(v, str)}
    batch, file = text.get("batch", ""), text.get("file", "")
    table = text.get("table", "").strip()
    spec = CANONICAL.get(table)
    fields = [c for c in spec.columns if c != "import_id"] if spec else []
    form: dict[str, Any] = {
        "table": table,
        "columns": {f: text[f"col-{f}"] for f in fields if text.get(f"col-{f}")},
        "constants": {
            c: text[f"const-{c}"].strip()
            for c in MAPPING_CONSTANTS
            if c in fields and text.get(f"const-{c}", "").strip()
        },
        "percent": [f for f in fields if text.get(f"pct-{f}") == "yes"],
        "dayfirst": text.get("dayfirst", ""),
        "name": text.get("name", ""),
    }
    try:
        path = uploaded(ws, batch, file)
    except SocialproofError as exc:
        return _refused(request, str(exc))
    opened: tuple[Source, list[str]] | None = None
    try:
        opened = _open_upload(path)
        headers = opened[1]
        raw: dict[str, Any] = {"table": table, "columns": form["columns"]}
        if form["constants"]:
            raw["constants"] = form["constants"]
        if form["percent"]:
            raw["percent"] = form["percent"]
        if form["dayfirst"] in ("true", "false"):
            raw["dayfirst"] = form["dayfirst"] == "true"
        elif form["dayfirst"]:
            raw["dayfirst"] = form["dayfirst"]  # refused by load_mapping, as in a file
        strange = [h for h in form["columns"].values() if h not in headers]
        if strange:
            raise BadInput(
                f"{file} has no column {strange[0]!r}.", hint="Choose one of its columns."
            )
        name = _mapping_name(ws, form["name"], file)
        form["name"] = name
        folder = ws.root / MAPPINGS
        target = folder / name
        if target.exists() and text.get("replace") != "yes":
            raise BadInput(
                f"A mapping named {name} is already saved.",
                hint="Give this one another name, or tick 'Replace it'.",
            )
        folder.mkdir(parents=True, exist_ok=True)
        draft = folder / f".{secrets.token_hex(8)}.yaml.part"
        body = f"# Column mapping for {file}, saved from the workbench's import page.\n"
        draft.write_text(body + yaml.safe_dump(raw, sort_keys=False, allow_unicode=True))
        try:
            try:
                mapping = load_mapping(draft)  # exactly as a mapping file is checked
            except SocialproofError as exc:
                raise BadInput(str(exc).replace(str(draft), name)) from None
            missing = [
                c
                for c in NEEDED.get(mapping.table, ())
                if c not in mapping.columns and c not in mapping.constants
            ]
            missing += [k for k in unmapped_keys(mapping, read_context(ws)) if k not in missing]
            if missing:
                form["bad"] = missing
                raise BadInput(
                    f"Each row of {mapping.table.replace('_', ' ')} needs "
                    f"{', '.join(c.replace('_', ' ') for c in missing)}.",
                    hint="Choose a column of the file for each, or give a value on every row.",
                )
            draft.replace(target)
        finally:
            draft.unlink(missing_ok=True)
        fmt, ctx = _options(ws, "generic", name, "", "", "")
    except SocialproofError as exc:
        try:
            return _map_page(
                request,
                batch,
                file,
                form,
                opened=opened,
                status_code=422,
                error=str(exc),
                bad=tuple(form.get("bad", ())),
            )
        except SocialproofError as again:  # the upload cannot be read any more
            return _refused(request, str(again))
    job = start_import(request, ws, [path], batch=batch, fmt=fmt, ctx=ctx)
    return redirect(f"/import/jobs/{job.id}", message=f"Saved the mapping {name} in {MAPPINGS}/.")


#: Rejected rows a page lists (a broken export can reject every one of its rows).
REJECTS_SHOWN = 500


def _rejects(ws: Workspace, import_id: str) -> list[dict[str, str]]:
    from socialproof.ingest.history import read_rejects

    if not _SHA.match(import_id):
        raise NotFound(f"No import {import_id!r}.", hint="Open the rejects from the history.")
    found = sorted(ws.imports_dir.glob(f"{import_id}*.rejects.csv"))
    if len(found) != 1:
        raise NotFound(
            f"No rejected rows are kept for import {import_id[:12]}.",
            hint="Every row of that file was read.",
        )
    return read_rejects(found[0])


@router.get("/import/{import_id}/rejects")
def rejects(request: Request, import_id: str, page: str | None = None) -> HTMLResponse:
    """The rows of one import that could not be read, with the reason for each, a page of
    ``REJECTS_SHOWN`` at a time."""
    rows = _rejects(workspace(request), import_id)
    pages = max(1, -(-len(rows) // REJECTS_SHOWN))
    try:
        number = min(pages, max(1, int((page or "1").strip())))
    except ValueError:
        number = 1
    first = (number - 1) * REJECTS_SHOWN
    return render(
        request,
        "imports/rejects.html",
        title=f"Rows not imported ({import_id[:12]})",
        rows=rows[first : first + REJECTS_SHOWN],
        total=len(rows),
        first=first + 1,
        page=number,
        pages=pages,
        import_id=import_id,
    )


@router.get("/import/{import_id}/rejects.csv", response_model=None)
def rejects_csv(request: Request, import_id: str) -> Response:
    """Every rejected row of one import as a CSV file (cells that could run as spreadsheet
    formulas neutralised: the rows are the export's own text)."""
    from socialproof.web.tables import download_response, view

    rows = _rejects(workspace(request), import_id)
    labels = {"line": "Line", "reason": "Reason", "raw": "Row as read"}
    shown = view(rows)
    shown.columns = shown.columns or ["line", "reason", "raw"]
    return download_response(shown, "csv", f"rejects-{import_id[:12]}", labels)


@router.post("/import/{import_id}/undo")
def undo(request: Request, import_id: str, force: Annotated[str, Form()] = "") -> Response:
    """Undo an import: its rows leave the workspace; the archived file stays."""
    from socialproof.ingest.undo import undo_import

    ws = workspace(request)
    try:
        result = undo_import(ws, import_id, force=force == "yes")
    except NeedsForce as exc:
        return _page(request, status_code=409, messages=[("error", str(exc))], force_undo=import_id)
    runner(request).after_write()  # stored results (the inbox) catch up in the background
    name = _display_name(result.path)
    return redirect(
        "/import",
        message=f"Undid the import of {name}: {result.rows_removed:,} rows removed. "
        "The archived file stays in imports/.",
    )
