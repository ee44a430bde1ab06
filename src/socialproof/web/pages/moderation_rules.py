"""Community > Moderation > Rules: the workspace's moderation.yaml in an editor.

The CLI's user edits ``moderation.yaml`` in the workspace folder (``socialproof moderate
--rules``, the moderation queue and the stored scores read it); here it is a text field,
checked with the same reader before it is written (``community.rules_text``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Form, Request

from socialproof.errors import SocialproofError
from socialproof.web.pages.community import SUBNAV
from socialproof.web.templating import redirect, render, runner, workspace

if TYPE_CHECKING:
    from fastapi.responses import HTMLResponse, Response

router = APIRouter()
RULES = "/community/moderation/rules"
_RESCORE = "Score new messages on the Moderation page re-scores member messages with them."


def _page(
    request: Request,
    text: str,
    own: bool,
    *,
    error: str | None = None,
    status_code: int = 200,
    prefix: str = "Not saved: ",
    version: str = "",
) -> HTMLResponse:
    return render(
        request,
        "community/rules.html",
        title="Moderation rules",
        subnav=SUBNAV,
        text=text,
        own=own,
        version=version,
        error=error,
        messages=[("error", f"{prefix}{error}")] if error else [],
        status_code=status_code,
    )


@router.get(RULES)
def rules(request: Request) -> HTMLResponse:
    from socialproof.community.moderation import WORKSPACE_FILE
    from socialproof.community.rules_text import rules_text
    from socialproof.web.versions import version_of

    ws = workspace(request)
    version = version_of(ws.root / WORKSPACE_FILE)  # before the text: a save between is seen
    try:
        text, own = rules_text(ws)
    except SocialproofError as exc:  # a moderation.yaml that is not UTF-8: say so
        return _page(
            request,
            "",
            True,
            error=str(exc),
            status_code=exc.http_status,
            prefix="",
            version=version,
        )
    return _page(request, text, own, version=version)


@router.post(RULES, response_model=None)
def save(request: Request, text: str = Form(""), version: str = Form("")) -> Response:
    from socialproof.community.moderation import WORKSPACE_FILE
    from socialproof.community.rules_text import save_rules_text
    from socialproof.web.versions import check

    ws = workspace(request)
    try:
        check(ws.root / WORKSPACE_FILE, version, WORKSPACE_FILE)
        save_rules_text(ws, text)
    except SocialproofError as exc:
        own = (ws.root / WORKSPACE_FILE).is_file()
        return _page(
            request, text, own, error=str(exc), status_code=exc.http_status, version=version
        )
    runner(request).after_write()  # the moderation queue is prepared again under them
    return redirect(RULES, message=f"Saved {WORKSPACE_FILE}. {_RESCORE}")


@router.post(RULES + "/reset", response_model=None)
def reset(request: Request) -> Response:
    from socialproof.community.rules_text import reset_rules

    ws = workspace(request)
    try:
        removed = reset_rules(ws)
    except SocialproofError as exc:
        return redirect(RULES, message=str(exc), kind="error")
    if not removed:
        return redirect(RULES, message="The packaged rules already apply.", kind="warning")
    runner(request).after_write()
    return redirect(
        RULES, message=f"Removed moderation.yaml: the packaged rules apply again. {_RESCORE}"
    )
