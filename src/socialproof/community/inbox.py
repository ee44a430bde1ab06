"""What a community manager works through: threads waiting for an answer, stored themes.

Read-only helpers over the functions and tables the report uses, shaped for a
person working a queue (the web workbench's inbox and the CLI share them).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialproof.community.threads import Scope
    from socialproof.workspace.core import Workspace

PREVIEW = 200


@dataclass(frozen=True)
class Waiting:
    """A thread no one from the brand has answered yet."""

    platform: str
    thread: str
    group: str
    channel: str
    opener: str
    opened_local: str
    waiting_h: float | None
    sla_state: str  # "over SLA" or "within SLA"
    sla_note: str  # e.g. "over by 3.5 h" or "6.0 h left"
    text: str


def sla_state(waiting_h: float | None, sla_hours: float) -> tuple[str, str]:
    """('over SLA', 'over by 3.5 h') or ('within SLA', '6.0 h left') for a waiting time."""
    if waiting_h is None or (isinstance(waiting_h, float) and math.isnan(waiting_h)):
        return "unknown", "no time"
    if waiting_h > sla_hours:
        return "over SLA", f"over by {_hours(waiting_h - sla_hours)}"
    return "within SLA", f"{_hours(sla_hours - waiting_h)} left"


def _hours(h: float) -> str:
    if h < 1:
        return f"{h * 60:.0f} min"
    if h < 48:
        return f"{h:.1f} h"
    return f"{h / 24:.1f} days"


def waiting_threads(
    ws: Workspace, scope: Scope | None = None, *, sla_hours: float | None = None
) -> tuple[list[Waiting], float, list[str]]:
    """Unanswered threads, oldest first, each with its SLA state; (rows, SLA hours, notes).

    Waiting time runs to the newest message in the workspace (the export's end), not
    to now, so an old export does not show every thread as days late.
    """
    from socialproof.community.threads import response_times

    r = response_times(ws, scope, sla_hours=sla_hours)
    df = r.unanswered()
    rows: list[Waiting] = []
    if len(df):
        local = _to_local(df["opened_at"], ws)
        for rec, when in zip(df.to_dict("records"), local, strict=True):
            waited = rec.get("waiting_h")
            w = None if waited is None or waited != waited else float(waited)
            state, note = sla_state(w, r.sla_hours)
            rows.append(
                Waiting(
                    platform=str(rec["platform"]),
                    thread=str(rec["thread_key"]),
                    group=str(rec.get("group_id") or ""),
                    channel=str(rec.get("channel") or ""),
                    opener=str(rec.get("opener") or ""),
                    opened_local=str(when)[:16],
                    waiting_h=w,
                    sla_state=state,
                    sla_note=note,
                    text=_preview(rec.get("opening_text")),
                )
            )
    return rows, r.sla_hours, list(r.notes)


def _preview(text: object) -> str:
    if not isinstance(text, str):
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW else flat[: PREVIEW - 1] + "…"


def stored_themes(ws: Workspace) -> list[dict[str, Any]]:
    """The themes of the last themes run (largest first), or [] when none was stored."""
    from socialproof.errors import NoData
    from socialproof.workspace import engine

    try:
        with ws.ibis() as con:
            t = engine.table(con, "themes")
            df = engine.execute(t.order_by([t.size.desc(), t.theme_id]))
    except NoData:
        return []
    out = []
    for rec in df.to_dict("records"):
        row = {str(k): _plain(v) for k, v in rec.items()}
        try:
            examples = json.loads(str(row.get("examples") or "[]"))
        except ValueError:
            examples = []
        row["examples"] = [str(e) for e in examples] if isinstance(examples, list) else []
        out.append(row)
    return out


def theme_messages(ws: Workspace, theme_id: int, *, limit: int = 200) -> list[dict[str, Any]]:
    """Messages the last themes run put in one theme, newest first (text as a preview)."""
    from socialproof.community.threads import Scope, messages_expr
    from socialproof.errors import NoData, NotFound
    from socialproof.workspace import engine

    try:
        with ws.ibis() as con:
            mt = engine.table(con, "message_themes")
            mt = mt.filter(mt.theme_id == int(theme_id)).select(
                t_platform=mt.platform, t_id=mt.message_id
            )
            m = messages_expr(con, ws, Scope(), threads=False)
            j = m.join(mt, [m.platform == mt.t_platform, m.message_id == mt.t_id])
            j = j.select("created_at", "platform", "message_id", "author_id", "text")
            df = engine.execute(j.order_by([j.created_at.desc(), j.message_id]).limit(limit))
    except NoData:
        raise NotFound(
            "No themes are stored yet.", hint="Find themes first ('community themes')."
        ) from None
    local = [str(x)[:16] for x in _to_local(df["created_at"], ws)] if len(df) else []
    return [
        {
            "created_local": when,
            "platform": str(r["platform"]),
            "message_id": str(r["message_id"]),
            "author": str(r.get("author_id") or ""),
            "text": _preview(r.get("text")),
        }
        for r, when in zip(df.to_dict("records"), local, strict=True)
    ]


def _to_local(values: Any, ws: Workspace) -> list[str]:
    """Naive UTC timestamps as 'YYYY-MM-DD HH:MM' in the workspace's timezone."""
    import pandas as pd

    stamps = pd.to_datetime(pd.Series(values), utc=True).dt.tz_convert(ws.settings.tz.key)
    return ["" if pd.isna(t) else t.strftime("%Y-%m-%d %H:%M") for t in stamps]


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return value
    return value
