"""The moderation queue: member messages flagged spam or toxic, each with its reasons.

Flags come from ``message_scores`` (see :mod:`socialproof.community.scoring`);
score new messages first. Toxic messages come first, then spam, newest first
within each. People's decisions (:mod:`socialproof.community.decisions`) apply: a
dismissed flag is not raised again while the message's text is unchanged, and a
confirmed one says who confirmed it (``decision`` column).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from socialproof.community.threads import Scope, in_scope, messages_expr

if TYPE_CHECKING:
    import pandas as pd

    from socialproof.workspace.core import Workspace

PREVIEW = 280


def moderation_queue(
    ws: Workspace,
    scope: Scope | None = None,
    *,
    limit: int | None = None,
    include_dismissed: bool = False,
    offset: int = 0,
) -> pd.DataFrame:
    """Flagged member messages with the reasons (text cut to a preview): ``limit`` of them
    after the first ``offset`` (in queue order).

    Messages whose flag a person dismissed stay out unless ``include_dismissed``.
    """
    import ibis

    from socialproof.community._periods import to_local
    from socialproof.community.decisions import latest_decisions
    from socialproof.workspace import engine

    scope = scope or Scope()
    decided = latest_decisions(ws)
    dismissed = sum(1 for d in decided.values() if d["decision"] == "dismiss")
    with ws.ibis() as con:
        m = messages_expr(con, ws, scope, threads=False)
        # members only: the brand's own replies keep scores given before its handle was set
        m = in_scope(m.filter(~m.brand), ws, scope)
        s = engine.table(con, "message_scores")
        s = s.filter(s.spam.fill_null(False) | s.toxic.fill_null(False))
        s = s.select(
            s_platform=s.platform,
            s_id=s.message_id,
            spam=s.spam,
            toxic=s.toxic,
            reasons=s.reasons,
            text_hash=s.text_hash,
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
            "text_hash",
        )
        order = [
            ibis.desc(j.toxic.fill_null(False)),
            ibis.desc(j.spam.fill_null(False)),
            ibis.desc(j.created_at),
            j.message_id,
        ]
        j = j.order_by(order)
        if limit is not None:
            j = j.limit(offset + limit + (0 if include_dismissed else dismissed))
        df = engine.execute(j)
    df["decision"] = [
        _decision_label(decided.get((str(p), str(i))), h)
        for p, i, h in zip(df["platform"], df["message_id"], df["text_hash"], strict=True)
    ]
    if not include_dismissed:
        keep = [not str(d).startswith("dismissed") for d in df["decision"]]
        if not all(keep):  # (an empty list would select columns, not rows)
            df = df[keep].reset_index(drop=True)
    if offset or limit is not None:
        end = None if limit is None else offset + limit
        df = df.iloc[offset:end].reset_index(drop=True)
    df = df.drop(columns=["text_hash"])
    df["created_at"] = to_local(df["created_at"].to_numpy(), ws.settings.tz)
    df["reasons"] = [_reasons(r) for r in df["reasons"]]
    df["text"] = [_preview(t) for t in df["text"]]
    df["group_id"] = df["group_id"].replace("", "(none)")
    return df.rename(columns={"created_at": "created_local", "thread_id": "thread"})


def _decision_label(decision: dict[str, Any] | None, text_hash: object) -> str:
    """'confirmed by Dana on 2026-03-04', 'dismissed by ...', or '' (undecided, or the
    text changed since the decision)."""
    if decision is None:
        return ""
    seen = decision.get("text_hash")
    if seen is not None and seen == seen and text_hash is not None and int(seen) != text_hash:
        return ""  # the message was edited since: decide again
    verb = "confirmed" if decision["decision"] == "confirm" else "dismissed"
    when = decision.get("decided_at")
    day = f" on {when:%Y-%m-%d}" if hasattr(when, "strftime") else ""
    return f"{verb} by {decision['decided_by']}{day}"


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
