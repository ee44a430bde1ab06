"""Accounts: whose data the workspace holds, and rename or merge one (``socialproof accounts``).

The list, the checks and the changes are the library's
(:mod:`socialproof.workspace.accounts`), as for the CLI. A rename or a merge is asked
for first: the page checks the names without writing and shows what would change (the
rows of each account); only the confirming form changes the workspace, in one
transaction. Neither can be undone by the workbench or the CLI: a rename is undone by
renaming the account back; a merge is final.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Request

from socialproof.errors import NotFound, SocialproofError, UsageError
from socialproof.web.templating import NavEntry, cached, redirect, render, runner, workspace

if TYPE_CHECKING:
    from fastapi.responses import HTMLResponse, Response

router = APIRouter()
NAV = NavEntry("/accounts", "Accounts", order=85, description="Whose data it holds: rename, merge")

NONE = "(none)"  # how the list names rows without an account
_NOT_COUNTS = ("platform", "account", "first", "last")
#: What to do next, for a browser user, in place of the library's command-line hints.
_NEXT = {
    "rename-exists": "To put its rows into that account, use Merge on this page instead.",
    "merge-self": "Choose another account to merge into.",
    "unknown": "The list on this page shows the accounts the workspace holds now.",
    "name": "Type a name on one line, at most 200 characters.",
}


# -- helpers -------------------------------------------------------------------------------
def _accounts(request: Request, platform: str | None = None) -> list[dict[str, Any]]:
    from socialproof.workspace.accounts import list_accounts

    ws = workspace(request)
    return cached(request, ("accounts", platform), lambda: list_accounts(ws, platform=platform))


def _count_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The tables counted, in the order the library lists them."""
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in _NOT_COUNTS and k not in columns]
    return columns


def _page(
    request: Request,
    *,
    status_code: int = 200,
    messages: list[tuple[str, str]] | None = None,
    failed: dict[str, str] | None = None,
    platform: str = "",
) -> HTMLResponse:
    everyone = _accounts(request)
    rows = _accounts(request, platform) if platform else everyone
    return render(
        request,
        "accounts/index.html",
        status_code=status_code,
        messages=messages,
        title="Accounts",
        rows=rows,
        columns=_count_columns(rows),
        failed=failed or {},
        platforms=sorted({r["platform"] for r in everyone}),
        platform=platform,
        anything=bool(everyone),
    )


def _refused(
    request: Request, exc: SocialproofError, next_step: str, failed: dict[str, str]
) -> HTMLResponse:
    """The list again with what went wrong (the library's words, without its command
    hint) and what to do on this page; the field is marked and keeps what was typed."""
    return _page(
        request,
        status_code=exc.http_status,
        messages=[("error", f"{exc.message} {_NEXT[next_step]}")],
        failed=failed,
    )


def _name_error(field: str, text: str, *, allow_empty: bool) -> SocialproofError | None:
    from socialproof.workspace.accounts import account_name

    if not text.strip():
        return UsageError(f"The {field} is empty.")
    try:
        account_name(text, allow_empty=allow_empty)
    except UsageError as exc:
        return exc
    return None


def _bad_names(
    request: Request,
    failed: dict[str, str],
    platform: str,
    account: str,
    field: str,
    value: str,
    next_step: str,
) -> HTMLResponse | None:
    """The page refusing the form when the platform, the account or ``value`` (the new
    name, the account to merge into) cannot be a name; None when all three can."""
    bad = _name_error("platform", platform, allow_empty=False) or _name_error(
        "account", account, allow_empty=True
    )
    if bad is not None:
        return _refused(request, bad, "unknown", failed)
    bad = _name_error(field, value, allow_empty=False)
    return None if bad is None else _refused(request, bad, next_step, failed)


def _rows_of(request: Request, platform: str, account: str) -> dict[str, Any]:
    return next(
        (r for r in _accounts(request) if r["platform"] == platform and r["account"] == account),
        {},
    )


def _counts(row: dict[str, Any], columns: list[str]) -> list[tuple[str, int]]:
    return [(c, int(row.get(c) or 0)) for c in columns if row.get(c)]


# -- routes --------------------------------------------------------------------------------
@router.get("/accounts")
def accounts_page(request: Request, platform: str = "") -> HTMLResponse:
    """The accounts, all or of one platform (``socialproof accounts --platform P``)."""
    return _page(request, platform=platform.strip())


@router.post("/accounts/rename", response_model=None)
def rename(
    request: Request,
    platform: Annotated[str, Form()] = "",
    account: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Check the names and show what would change; with ``confirm=yes``, rename."""
    from socialproof.workspace.accounts import check_rename, rename_account

    failed = {"form": "rename", "platform": platform, "account": account, "value": new}
    refused = _bad_names(request, failed, platform, account, "new name", new, "name")
    if refused is not None:
        return refused
    ws = workspace(request)
    try:
        if confirm != "yes":
            check_rename(ws, account, new, platform=platform)
            row = _rows_of(request, platform, account)
            return render(
                request,
                "accounts/confirm.html",
                title="Rename an account?",
                action="rename",
                platform=platform,
                account=account,
                new=new.strip(),
                counts=_counts(row, _count_columns([row])),
                target_counts=[],
            )
        change = rename_account(ws, account, new, platform=platform)
    except NotFound as exc:
        return _refused(request, exc, "unknown", failed)
    except UsageError as exc:
        return _refused(request, exc, "rename-exists", failed)
    runner(request).after_write()  # the dashboard's roll-ups and the pages catch up
    return redirect(
        "/accounts",
        message=f"Renamed the {platform} account {account!r} to {new.strip()!r}: "
        f"{change.rows_moved:,} rows.",
    )


@router.post("/accounts/merge", response_model=None)
def merge(
    request: Request,
    platform: Annotated[str, Form()] = "",
    account: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Check the accounts and show what would change; with ``confirm=yes``, merge."""
    from socialproof.workspace.accounts import check_merge, merge_accounts

    failed = {"form": "merge", "platform": platform, "account": account, "value": target}
    refused = _bad_names(
        request, failed, platform, account, "account to merge into", target, "unknown"
    )
    if refused is not None:
        return refused
    ws = workspace(request)
    try:
        if confirm != "yes":
            check_merge(ws, account, target, platform=platform)
            row = _rows_of(request, platform, account)
            into = _rows_of(request, platform, target.strip())
            columns = _count_columns([row, into])
            return render(
                request,
                "accounts/confirm.html",
                title="Merge an account?",
                action="merge",
                platform=platform,
                account=account,
                new=target.strip(),
                counts=_counts(row, columns),
                target_counts=_counts(into, columns),
            )
        change = merge_accounts(ws, account, target, platform=platform)
    except NotFound as exc:
        return _refused(request, exc, "unknown", failed)
    except UsageError as exc:
        return _refused(request, exc, "merge-self", failed)
    runner(request).after_write()  # the dashboard's roll-ups and the pages catch up
    text = (
        f"Merged {account!r} into {target.strip()!r} on {', '.join(change.platforms)}: "
        f"{change.rows_moved:,} rows moved, {change.rows_merged:,} met a row "
        f"{target.strip()!r} had"
    )
    if change.conflicts:
        text += f" ({change.conflicts:,} with other figures; {target.strip()!r}'s were kept)."
    else:
        text += "."
    return redirect("/accounts", message=text)
