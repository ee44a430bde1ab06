"""Campaigns > Budgets: the workspace's budgets.yaml (the planned flights budget pacing
reads when no Budget is typed) in an editor, checked with the pacing report's reader
before it is written (``campaigns.budgets_text``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Form, Request

from socialproof.errors import SocialproofError
from socialproof.web.templating import redirect, render, runner, workspace

if TYPE_CHECKING:
    from fastapi.responses import HTMLResponse, Response

router = APIRouter()
BUDGETS = "/campaigns/budgets"


def _page(
    request: Request,
    text: str,
    own: bool,
    version: str,
    *,
    error: str | None = None,
    status_code: int = 200,
    prefix: str = "Not saved: ",
) -> HTMLResponse:
    return render(
        request,
        "campaigns/budgets.html",
        title="Budgets",
        text=text,
        own=own,
        version=version,
        error=error,
        messages=[("error", f"{prefix}{error}")] if error else [],
        status_code=status_code,
    )


@router.get(BUDGETS)
def budgets(request: Request) -> HTMLResponse:
    from socialproof.campaigns.budgets_text import budgets_text
    from socialproof.campaigns.paid import BUDGETS_FILE
    from socialproof.web.versions import version_of

    ws = workspace(request)
    version = version_of(ws.root / BUDGETS_FILE)  # before the text: a save between is seen
    try:
        text, own = budgets_text(ws)
    except SocialproofError as exc:  # a budgets.yaml that is not UTF-8: say so
        return _page(
            request, "", True, version, error=str(exc), status_code=exc.http_status, prefix=""
        )
    return _page(request, text, own, version)


@router.post(BUDGETS, response_model=None)
def save(request: Request, text: str = Form(""), version: str = Form("")) -> Response:
    from socialproof.campaigns.budgets_text import save_budgets_text
    from socialproof.campaigns.paid import BUDGETS_FILE
    from socialproof.web.versions import check

    ws = workspace(request)
    try:
        check(ws.root / BUDGETS_FILE, version, BUDGETS_FILE)
        saved = save_budgets_text(ws, text)
    except SocialproofError as exc:
        own = (ws.root / BUDGETS_FILE).is_file()
        return _page(request, text, own, version, error=str(exc), status_code=exc.http_status)
    runner(request).after_write()  # the pacing view is prepared again under them
    flights = f"{len(saved)} flight" + ("" if len(saved) == 1 else "s")
    return redirect(
        BUDGETS,
        message=f"Saved {BUDGETS_FILE} ({flights}). Budget pacing reads them when Budget is "
        "left blank.",
    )
