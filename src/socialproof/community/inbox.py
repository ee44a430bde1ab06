"""What a community manager works through: threads waiting for an answer, stored themes.

Helpers over the functions and tables the report uses, shaped for a person working
a queue (the web workbench's inbox and the CLI share them).

Threads are rebuilt from every message (reply links followed across the whole
workspace), which takes seconds to a minute on a million messages. So the inbox is
also kept *stored*: :func:`refresh_inbox` computes the waiting threads and the weekly
sentiment of member messages and writes them to ``inbox_threads`` and
``inbox_sentiment`` with a fingerprint of what they were computed from (the messages
per import, the message scores, the settings). It does nothing when nothing changed,
and recomputes only the stale part (new scores do not rebuild threads). A reader
(:func:`stored_inbox`, :func:`stored_sentiment`) gets the stored result with a small
query and is told whether it is current or an update is pending.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    import pandas as pd

    from socialproof.community.threads import Scope
    from socialproof.workspace.core import Workspace

PREVIEW = 200
#: The parts of the stored inbox, each with its own fingerprint.
THREADS, SENTIMENT = "threads", "sentiment"


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
    return _waiting_rows(r.unanswered(), ws, r.sla_hours), r.sla_hours, list(r.notes)


def _waiting_rows(df: Any, ws: Workspace, sla_hours: float, shift: float = 0.0) -> list[Waiting]:
    """Unanswered threads (the columns of ``UNANSWERED_COLUMNS``) as rows with their SLA
    state; ``shift`` hours are taken off each wait (a platform whose export ends earlier)."""
    rows: list[Waiting] = []
    if not len(df):
        return rows
    local = _to_local(df["opened_at"], ws)
    for rec, opened in zip(df.to_dict("records"), local, strict=True):
        waited = rec.get("waiting_h")
        w = None if waited is None or waited != waited else float(waited) - shift
        state, note = sla_state(w, sla_hours)
        rows.append(
            Waiting(
                platform=str(rec["platform"]),
                thread=str(rec["thread_key"]),
                group=str(rec.get("group_id") or ""),
                channel=str(rec.get("channel") or ""),
                opener=str(rec.get("opener") or ""),
                opened_local=str(opened)[:16],
                waiting_h=w,
                sla_state=state,
                sla_note=note,
                text=_preview(rec.get("opening_text")),
            )
        )
    return rows


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


# -- the stored inbox -------------------------------------------------------------


@dataclass(frozen=True)
class StoredInbox:
    """The waiting threads as last computed (the oldest ``limit`` of them listed)."""

    rows: list[Waiting]
    total: int  # every waiting thread in scope
    over: int  # of them, over the SLA
    sla_hours: float
    notes: list[str]
    computed_at: datetime
    current: bool  # False: messages or settings changed since; an update is pending


@dataclass(frozen=True)
class StoredSentiment:
    """Weekly sentiment of scored member messages as last computed."""

    weeks: pd.DataFrame  # period, messages, positive, neutral, negative, net_sentiment
    members: int  # member (non-brand) messages in the workspace
    scored: int  # of them, scored
    computed_at: datetime
    current: bool

    @property
    def pending(self) -> int:
        """Member messages not scored yet (the page offers to score them)."""
        return max(0, self.members - self.scored)


@dataclass(frozen=True)
class Stored:
    """What the inbox page reads, in one connection: the stored parts and the messages."""

    threads: StoredInbox | None  # None: never computed
    sentiment: StoredSentiment | None  # None: never computed
    messages: int  # messages in the workspace now


def _settings_print(ws: Workspace) -> str:
    return str(ws.settings.model_dump_json())


def _tables(con: Any) -> set[str]:
    rows = con.execute(  # views too: a Parquet-stored workspace reads its tables as views
        "SELECT table_name FROM duckdb_tables() "
        "UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal"
    ).fetchall()
    return {str(r[0]) for r in rows}


def _sources_on(con: Any, ws: Workspace, present: set[str]) -> tuple[dict[str, str], int]:
    messages: list[list[str]] = []
    scores: list[str] = []
    count = 0
    if "messages" in present:
        for import_id, n, newest in con.execute(
            "SELECT coalesce(import_id, ''), count(*), max(created_at) FROM messages "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall():
            messages.append([str(import_id), str(n), str(newest)])
            count += int(n)
    if "message_scores" in present:
        row = con.execute("SELECT count(*), max(scored_at) FROM message_scores").fetchone()
        scores = [str(v) for v in (row or ())]
    settings = _settings_print(ws)
    out = {
        THREADS: json.dumps({"messages": messages, "settings": settings}),
        SENTIMENT: json.dumps({"messages": messages, "scores": scores, "settings": settings}),
    }
    return out, count


def _state_on(con: Any, present: set[str]) -> dict[str, tuple[str, dict[str, Any], datetime]]:
    if "inbox_state" not in present:
        return {}
    rows = con.execute("SELECT part, source, info, computed_at FROM inbox_state").fetchall()
    return {str(p): (str(src), json.loads(str(info or "{}")), when) for p, src, info, when in rows}


def sources(ws: Workspace) -> dict[str, str]:
    """What each stored part is computed from, as a fingerprint per part (a few cheap
    aggregates: messages per import, their count and newest time; message scores; the
    settings)."""
    with ws.connect(read_only=True) as con:
        return _sources_on(con, ws, _tables(con))[0]


def _state(ws: Workspace) -> dict[str, tuple[str, dict[str, Any], datetime]]:
    with ws.connect(read_only=True) as con:
        return _state_on(con, _tables(con))


def refresh_inbox(
    ws: Workspace, *, progress: Callable[[int, int, str], None] | None = None
) -> list[str]:
    """Compute and store the parts of the inbox whose sources changed; return their names.

    Waiting threads are computed over every platform (a platform's view is filtered
    from them when read). Sources are taken before computing, so messages imported
    meanwhile leave the stored result marked as pending, never wrongly current.
    """
    from datetime import UTC
    from datetime import datetime as dt

    import pandas as pd

    from socialproof.community.scoring import sentiment_by_period
    from socialproof.community.threads import UNANSWERED_COLUMNS
    from socialproof.errors import NoData

    say = progress or (lambda _d, _t, _m: None)
    now_sources = sources(ws)
    stored = _state(ws)
    stale = [p for p in (THREADS, SENTIMENT) if stored.get(p, ("",))[0] != now_sources[p]]
    if not stale:
        return []
    threads: pd.DataFrame | None = None
    info: dict[str, dict[str, Any]] = {}
    weeks: pd.DataFrame | None = None
    if THREADS in stale:
        say(0, len(stale), "rebuilding threads from every message")
        try:
            r = _response_times(ws)
        except NoData:
            threads = pd.DataFrame(columns=UNANSWERED_COLUMNS)
            info[THREADS] = {"sla_hours": float(ws.settings.community.sla_hours), "notes": []}
        else:
            threads = r.unanswered()[UNANSWERED_COLUMNS]
            info[THREADS] = {
                "sla_hours": r.sla_hours,
                "notes": list(r.notes),
                "latest": _latest(ws),
            }
    if SENTIMENT in stale:
        say(len(stale) - 1, len(stale), "adding up sentiment per week")
        try:
            weeks = sentiment_by_period(ws, period="week")
        except NoData:
            weeks = pd.DataFrame(columns=_SENTIMENT_COLUMNS)
        info[SENTIMENT] = member_counts(ws)
    when = dt.now(UTC).replace(tzinfo=None)
    with ws.transaction() as con:
        if threads is not None:
            con.execute("DELETE FROM inbox_threads")
            if len(threads):
                con.register("_inbox_new", threads.reset_index(drop=True))
                con.execute(
                    f"INSERT INTO inbox_threads ({', '.join(UNANSWERED_COLUMNS)}) "
                    f"SELECT {', '.join(UNANSWERED_COLUMNS)} FROM _inbox_new"
                )
                con.unregister("_inbox_new")
        if weeks is not None:
            con.execute("DELETE FROM inbox_sentiment")
            if len(weeks):
                frame = weeks[_SENTIMENT_COLUMNS].reset_index(drop=True)
                con.register("_inbox_weeks", frame)
                con.execute(
                    f"INSERT INTO inbox_sentiment ({', '.join(_SENTIMENT_COLUMNS)}) "
                    f"SELECT {', '.join(_SENTIMENT_COLUMNS)} FROM _inbox_weeks"
                )
                con.unregister("_inbox_weeks")
        for part in stale:
            con.execute(
                "INSERT OR REPLACE INTO inbox_state VALUES (?, ?, ?, ?)",
                [part, now_sources[part], json.dumps(info[part], default=str), when],
            )
    say(len(stale), len(stale), "stored")
    return stale


_SENTIMENT_COLUMNS = ["period", "messages", "positive", "neutral", "negative", "net_sentiment"]


def _response_times(ws: Workspace) -> Any:
    from socialproof.community.threads import response_times

    return response_times(ws)


def _latest(ws: Workspace) -> dict[str, float]:
    """Per platform, hours from the platform's newest message to the newest anywhere.

    Waiting time runs to the newest message in scope, so a platform's own view of a
    thread waits that much less than the all-platform view stored.
    """
    with ws.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT lower(platform), max(created_at) FROM messages "
            "WHERE created_at IS NOT NULL GROUP BY 1"
        ).fetchall()
    newest = [when for _p, when in rows if when is not None]
    if not newest:
        return {}
    last = max(newest)
    return {str(p): (last - when).total_seconds() / 3600 for p, when in rows if when is not None}


def member_counts(ws: Workspace) -> dict[str, int]:
    from socialproof.community.threads import messages_expr, scalar
    from socialproof.errors import NoData
    from socialproof.workspace import engine

    try:
        with ws.ibis() as con:
            m = messages_expr(con, ws, _all_scope(), threads=False)
            m = m.filter(~m.brand)
            members = int(scalar(m.count()) or 0)
            scored = 0
            if "message_scores" in con.list_tables():
                s = engine.table(con, "message_scores")
                s = s.filter(s.sentiment.notnull()).select(s_platform=s.platform, s_id=s.message_id)
                j = m.join(s, [m.platform == s.s_platform, m.message_id == s.s_id])
                scored = int(scalar(j.count()) or 0)
    except NoData:
        return {"members": 0, "scored": 0}
    return {"members": members, "scored": scored}


def _all_scope() -> Scope:
    from socialproof.community.threads import Scope

    return Scope()


def stored(ws: Workspace, platform: str | None = None, *, limit: int = 200) -> Stored:
    """The stored inbox as the page shows it: the oldest ``limit`` waiting threads (of
    ``platform``, if given) with counts, the weekly sentiment, and whether each part is
    current. A few small queries on one connection; a platform without messages is a
    :class:`NoData` error."""
    from socialproof.errors import NoData

    with ws.connect(read_only=True) as con:
        present = _tables(con)
        now, count = _sources_on(con, ws, present)
        state = _state_on(con, present)
        p = (platform or "").strip().lower()
        if p and "messages" in present:
            known = con.execute(
                "SELECT 1 FROM messages WHERE lower(platform) = ? LIMIT 1", [p]
            ).fetchone()
            if known is None:
                found = con.execute(
                    "SELECT DISTINCT lower(platform) FROM messages ORDER BY 1"
                ).fetchall()
                raise NoData(
                    f"The workspace has no messages on platform {p!r}.",
                    hint="Platforms with messages: " + ", ".join(str(r[0]) for r in found) + ".",
                )
        threads = None
        if THREADS in state:
            threads = _read_threads(con, ws, state[THREADS], now[THREADS], p, limit)
        sentiment = None
        if SENTIMENT in state:
            source, info, when = state[SENTIMENT]
            weeks = con.execute("SELECT * FROM inbox_sentiment ORDER BY period").df()
            sentiment = StoredSentiment(
                weeks=weeks,
                members=int(info.get("members") or 0),
                scored=int(info.get("scored") or 0),
                computed_at=when,
                current=source == now[SENTIMENT],
            )
    return Stored(threads=threads, sentiment=sentiment, messages=count)


def _read_threads(
    con: Any,
    ws: Workspace,
    state: tuple[str, dict[str, Any], datetime],
    now: str,
    platform: str,
    limit: int,
) -> StoredInbox:
    source, info, when = state
    sla = float(info.get("sla_hours") or ws.settings.community.sla_hours)
    shift = float((info.get("latest") or {}).get(platform, 0.0)) if platform else 0.0
    where, args = ("WHERE lower(platform) = ?", [platform]) if platform else ("", [])
    total, over = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE waiting_h - ? > ?) FROM inbox_threads {where}",
        [shift, sla, *args],
    ).fetchone() or (0, 0)
    df = con.execute(
        f"SELECT * FROM inbox_threads {where} ORDER BY opened_at, thread_key LIMIT ?",
        [*args, int(limit)],
    ).df()
    return StoredInbox(
        rows=_waiting_rows(df, ws, sla, shift),
        total=int(total),
        over=int(over),
        sla_hours=sla,
        notes=[str(n) for n in info.get("notes") or []],
        computed_at=when,
        current=source == now,
    )
