"""Community > Moderation > Decisions: every moderation decision, or the latest per
message, with downloads ('socialproof community decisions [--latest] [--format csv]').

The moderation page lists the last 50 decisions; this page has them all, newest first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request

from socialproof.web.pages.community import SUBNAV
from socialproof.web.templating import cached, render, workspace

if TYPE_CHECKING:
    from fastapi.responses import Response

router = APIRouter()
DECISIONS = "/community/moderation/decisions"
#: Decisions a page shows (downloads hold every one).
SHOWN = 500
COLUMNS = ["decided_at", "platform", "message_id", "flag", "decision", "decided_by", "note"]
LABELS = {"decided_at": "when (UTC)", "message_id": "message", "decided_by": "by"}


@router.get(DECISIONS, response_model=None)
def decisions_page(request: Request, latest: str = "", download: str = "") -> Response:
    """The decisions, newest first; ``latest`` keeps each message's latest (--latest);
    ``download=csv|xlsx`` gives every row shown that way (the CLI's --format csv)."""
    from socialproof.community.decisions import decisions
    from socialproof.web.tables import download_response, view

    ws = workspace(request)
    only_latest = bool(latest)
    frame = cached(
        request,
        ("moderation-decisions", only_latest),
        lambda: decisions(ws, latest=only_latest).drop(columns=["text_hash"]),
    )
    if download:
        return download_response(
            view(frame), download, "moderation-decisions" + ("-latest" if only_latest else "")
        )
    rows: list[dict[str, Any]] = [
        {c: _cell(r.get(c)) for c in COLUMNS} for r in frame.head(SHOWN).to_dict("records")
    ]
    total = len(frame)
    return render(
        request,
        "community/decisions.html",
        title="Moderation decisions",
        subnav=SUBNAV,
        columns=COLUMNS,
        labels=LABELS,
        rows=rows,
        total=total,
        latest=only_latest,
        caption=(
            ("Latest decision per message" if only_latest else "Moderation decisions")
            + ", newest first"
            + (f": {SHOWN} of {total:,} shown" if total > SHOWN else f": {total:,}")
        ),
        query="latest=1&" if only_latest else "",
    )


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)[:16] if hasattr(value, "isoformat") else str(value)
