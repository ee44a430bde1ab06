"""Content > Lint rules: every rule in force, and a text checked with a chosen pack and
industry ('socialproof lint --list-rules', '--rules FILE', '--industry', '--text').

The packaged rules, plugin packs and the workspace's ``lint/*.yaml`` are always in force,
as for the CLI; an extra pack is a YAML file inside the workspace (``ws.path``), read by
the same loader (``content.linter.rule_table``, ``lint_targets``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Form, Request

from socialproof.errors import SocialproofError, UsageError
from socialproof.web.pages.content import SUBNAV
from socialproof.web.templating import render, workspace

if TYPE_CHECKING:
    from pathlib import Path

    from fastapi.responses import Response

    from socialproof.workspace import Workspace

router = APIRouter()
RULES = "/content/rules"


def _pack(ws: Workspace, raw: str) -> list[Path]:
    """The Extra rules pack field (the CLI's --rules): a YAML file inside the workspace."""
    raw = raw.strip()
    if not raw:
        return []
    path = ws.path(raw)
    if not path.is_file():
        raise UsageError(
            f"Extra rules pack: there is no file {raw!r} in the workspace.",
            hint="Type the path of a YAML rules pack inside the workspace, e.g. lint/extra.yaml, "
            "or leave it blank.",
        )
    return [path]


def _industries() -> tuple[str, ...]:
    from socialproof.workspace.settings import INDUSTRIES

    return INDUSTRIES


def _page(
    request: Request,
    *,
    pack: str = "",
    invalid: set[str] | None = None,
    messages: list[tuple[str, str]] | None = None,
    status_code: int = 200,
    check: dict[str, Any] | None = None,
) -> Response:
    from socialproof.content.posts import platforms

    ws = workspace(request)
    invalid = set(invalid or ())
    messages = list(messages or [])
    rows: list[dict[str, Any]] = []
    if "pack" not in invalid:
        from socialproof.content.linter import rule_table

        try:
            rows = rule_table(ws, extra_rules=_pack(ws, pack))
        except SocialproofError as exc:  # the pack typed, or a broken lint/*.yaml
            if pack.strip():
                invalid.add("pack")
            messages.append(("error", str(exc)))
            status_code = exc.http_status if status_code == 200 else status_code
    return render(
        request,
        "content/rules.html",
        title="Lint rules",
        subnav=SUBNAV,
        columns=["rule", "severity", "pack", "platforms", "industries", "fixable", "source"],
        rows=rows,
        pack=pack,
        invalid=invalid,
        messages=messages,
        status_code=status_code,
        platforms=sorted(platforms()),
        industries=_industries(),
        workspace_industry=ws.settings.industry,
        check=check or {},
    )


@router.get(RULES, response_model=None)
def rules(request: Request, pack: str = "", download: str = "") -> Response:
    """Every rule in force, with the extra pack if given; ``download=csv|xlsx`` as a file."""
    if download:
        from socialproof.content.linter import rule_table
        from socialproof.web.tables import download_response, view

        ws = workspace(request)
        shown = view(rule_table(ws, extra_rules=_pack(ws, pack)))
        return download_response(shown, download, "lint-rules")
    return _page(request, pack=pack)


@router.post(RULES, response_model=None)
def check_text(
    request: Request,
    text: str = Form(""),
    platform: str = Form(""),
    industry: str = Form(""),
    pack: str = Form(""),
) -> Response:
    """Lint a text as 'socialproof lint --text --platform --industry --rules' does."""
    from socialproof.content.linter import lint_targets
    from socialproof.content.posts import resolve_platform

    ws = workspace(request)
    kept: dict[str, Any] = {"text": text, "platform": platform, "industry": industry}
    invalid: set[str] = set()
    try:
        if not text.strip():
            invalid.add("text")
            raise UsageError("Type or paste the text to check.", hint="Then press Check.")
        if not platform.strip():
            invalid.add("platform")
            raise UsageError("Choose the platform the text is for.", hint="Then press Check.")
        try:
            resolve_platform(platform, where="Platform")
        except SocialproofError:
            invalid.add("platform")
            raise
        if industry.strip() and industry.strip().lower() not in _industries():
            invalid.add("industry")
            raise UsageError(
                f"Unknown industry {industry.strip()!r}.",
                hint=f"Choose one of: {', '.join(_industries())}.",
            )
        try:
            packs = _pack(ws, pack)
        except SocialproofError:
            invalid.add("pack")
            raise
        try:
            results, _ = lint_targets(
                [],
                text=text,
                platform=platform,
                industry=industry.strip() or None,
                ws=ws,
                extra_rules=packs,
            )
        except SocialproofError as exc:
            if pack.strip() and pack.strip() in str(exc):  # the pack read badly
                invalid.add("pack")
            raise
    except SocialproofError as exc:
        return _page(
            request,
            pack=pack,
            invalid=invalid,
            messages=[("error", str(exc))],
            status_code=exc.http_status,
            check=kept,
        )
    (result,) = results
    return _page(request, pack=pack, check={**kept, "findings": result.findings, "checked": True})
