"""The moderation queue: member messages flagged spam or toxic, each with its reasons.

Flags come from ``message_scores`` (see :mod:`socialproof.community.scoring`);
score new messages first. Toxic messages come first, then spam, newest first
within each.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from socialproof.community.threads import Scope, _utc_bounds, messages_expr

if TYPE_CHECKING:
    import pandas as pd

    from socialproof.workspace.core import Workspace

PREVIEW = 280


def moderation_queue(
    ws: Workspace, scope: Scope | None = None, *, limit: int | None = None
) -> pd.DataFrame:
    """Flagged member messages with the reasons (text cut to a preview)."""
    import ibis

    from socialproof.community._periods import to_local
    from socialproof.workspace import engine

    scope = scope or Scope()
    with ws.ibis() as con:
        m = messages_expr(con, ws, scope, threads=False)
        lo, hi = _utc_bounds(ws, scope)
        if lo is not None:
            m = m.filter(m.created_at >= lo)
        if hi is not None:
            m = m.filter(m.created_at < hi)
        if scope.group is not None:
            m = m.filter(m.group_id == scope.group)
        s = engine.table(con, "message_scores")
        s = s.filter(s.spam.fill_null(False) | s.toxic.fill_null(False))
        s = s.select(
            s_platform=s.platform, s_id=s.message_id, spam=s.spam, toxic=s.toxic, reasons=s.reasons
        )
        j = m.join(s, [m.platform == s.s_platform, m.message_id == s.s_id])
        j = j.select(
            "created_at",
            "platform",
            "group_id",
            "author_id",
            "message_id",
            "toxic",
            "spam",
            "reasons",
            "text",
            "thread_id",
        )
        order = [
            ibis.desc(j.toxic.fill_null(False)),
            ibis.desc(j.spam.fill_null(False)),
            ibis.desc(j.created_at),
            j.message_id,
        ]
        j = j.order_by(order)
        if limit is not None:
            j = j.limit(limit)
        df = engine.execute(j)
    df["created_at"] = to_local(df["created_at"].to_numpy(), ws.settings.tz)
    df["reasons"] = [_reasons(r) for r in df["reasons"]]
    df["text"] = [_preview(t) for t in df["text"]]
    df["group_id"] = df["group_id"].replace("", "(none)")
    return df.rename(columns={"created_at": "created_local", "thread_id": "thread"})


def _reasons(raw: object) -> str:
    if not isinstance(raw, str) or not raw:
        return ""
    try:
        items = json.loads(raw)
    except ValueError:
        return raw
    return "; ".join(str(i) for i in items) if isinstance(items, list) else str(items)


def _preview(text: object) -> str:
    if not isinstance(text, str):
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW else flat[: PREVIEW - 1] + "…"
