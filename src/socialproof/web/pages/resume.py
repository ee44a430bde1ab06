"""Portfolio > JSON Resume: the profile and case studies as a JSON Resume download, and a
portfolio started from one (``socialproof portfolio export / import --json-resume``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, File, Request, UploadFile

from socialproof.errors import BadInput, SocialproofError
from socialproof.web.templating import redirect, runner, workspace

if TYPE_CHECKING:
    from fastapi.responses import Response

router = APIRouter()
MAX_RESUME = 5_000_000  # bytes: a JSON Resume is a few kilobytes of text


@router.get("/portfolio/resume.json", response_model=None)
def export(request: Request) -> Response:
    """The JSON Resume of the workspace, as 'portfolio export --json-resume' writes it."""
    import json

    from fastapi.responses import Response as Plain

    from socialproof.portfolio.resume import export_resume

    data = export_resume(workspace(request))
    return Plain(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        media_type="application/json; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="resume.json"'},
    )


@router.post("/portfolio/resume", response_model=None)
async def import_(request: Request, file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Start the profile and case study drafts from an uploaded JSON Resume; what exists
    already is left as it is."""
    import tempfile
    from pathlib import Path

    from socialproof.portfolio.resume import import_resume
    from socialproof.web.pages.imports import safe_name

    ws = workspace(request)
    name = safe_name(file.filename) if file is not None and file.filename else "resume.json"
    try:
        if file is None or not file.filename:
            raise BadInput(
                "Choose a JSON Resume file (resume.json).", hint="Then Import the JSON Resume."
            )
        data = await file.read(MAX_RESUME + 1)
        if len(data) > MAX_RESUME:
            raise BadInput(
                f"{name} is over {MAX_RESUME // 1_000_000} MB.",
                hint="Choose the JSON Resume file itself (a few KB of text).",
            )
        with tempfile.TemporaryDirectory(prefix="socialproof-resume-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            try:
                written = import_resume(ws, path)
            except SocialproofError as exc:  # the messages name the file as it was uploaded
                raise BadInput(
                    exc.message.replace(str(path), name),
                    hint=None if exc.hint is None else exc.hint.replace(str(path), name),
                ) from None
    except SocialproofError as exc:
        return redirect("/portfolio", message=f"Not imported: {exc}", kind="error")
    if not written:
        return redirect(
            "/portfolio",
            message="Nothing new to write: the profile and these case studies already exist.",
            kind="warning",
        )
    runner(request).after_write()  # the scores and the profile check are prepared again
    shown = ", ".join(str(p.relative_to(ws.root)) for p in written)
    return redirect("/portfolio", message=f"Started from {name}: wrote {shown}.")
