"""What a community manager works through: threads waiting for an answer, stored themes.

Helpers over the functions and tables the report uses, shaped for a person working
a queue (the web workbench's inbox and the CLI share them).

Threads are rebuilt from every message (reply links followed across the whole
workspace), which takes seconds to a minute on a million messages. So the inbox is
also kept *stored*: :func:`refresh_inbox` computes the waiting threads and the weekly
sentiment of member messages and writes them to ``inbox_threads`` and
``inbox_sentiment`` with a fingerprint of what they were computed from (the messages
per import, the message scores, the settings). It does nothing when nothing changed,
and recomputes only the stale part (new scores do not rebuild threads); after an
import or an undo only the threads its messages touch are recomputed (every message's
thread key and a row of facts per thread are stored too, ``inbox_keys`` and
``inbox_thread_facts``), with a rebuild from every message past a fifth of them. A reader
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
    """A thread waiting for the brand: never answered, or "waiting again" (its opener
    wrote after the brand's last answer; ``opened_local`` is still the thread's opening,
    ``waiting_h`` and ``text`` are those of the message that waits)."""

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
    state: str = "unanswered"  # or "waiting again"


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
    """Threads waiting for the brand (unanswered, or waiting again), longest waiting
    first, each with its SLA state; (rows, SLA hours, notes).

    Waiting time runs to the newest message in the workspace (the export's end), not
    to now, so an old export does not show every thread as days late.
    """
    from socialproof.community.threads import response_times

    r = response_times(ws, scope, sla_hours=sla_hours)
    return _waiting_rows(r.waiting(), ws, r.sla_hours), r.sla_hours, list(r.notes)


def _waiting_rows(df: Any, ws: Workspace, sla_hours: float, shift: float = 0.0) -> list[Waiting]:
    """Waiting threads (the columns of ``WAITING_COLUMNS``; without ``state``, as stored
    before it, unanswered ones) as rows with their SLA state; ``shift`` hours are taken
    off each wait (a platform whose export ends earlier)."""
    rows: list[Waiting] = []
    if not len(df):
        return rows
    local = _to_local(df["opened_at"], ws)
    for rec, opened in zip(df.to_dict("records"), local, strict=True):
        waited = rec.get("waiting_h")
        w = None if waited is None or waited != waited else float(waited) - shift
        state, note = sla_state(w, sla_hours)
        waiting = rec.get("state")
        again = waiting == "waiting again"
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
                text=_preview(rec.get("waiting_text") if again else rec.get("opening_text")),
                state="waiting again" if again else "unanswered",
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
    """The waiting threads as last computed (``limit`` of them listed, oldest first)."""

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
        rows = con.execute("SELECT count(*), max(scored_at) FROM message_scores").fetchall()
        scores = [str(v) for v in (rows[0] if rows else ())]
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


#: Above this share of the messages added or removed since the stored inbox was
#: computed, its threads are rebuilt from every message instead of updated.
FULL_SHARE = 0.2
_FACT_COLUMNS = ["platform", "thread_key", "customer", "answered", "partial", "off_hours"]
_FACT_COLUMNS += ["anomalies"]
_KEY_COLUMNS = ["platform", "message_id", "import_id", "thread_key"]


@dataclass
class _ThreadUpdate:
    """New stored rows for some threads (all of them when ``full``)."""

    full: bool
    keys: pd.DataFrame  # _KEY_COLUMNS of every message of the threads
    facts: pd.DataFrame  # _FACT_COLUMNS
    waiting: pd.DataFrame  # WAITING_COLUMNS
    drop: pd.DataFrame  # platform, thread_key: stored threads replaced (incremental)
    removed: list[str]  # import ids whose messages left (incremental)
    brand_notes: list[str]
    latest: Any  # the newest message's time; None without messages
    sla: float


class _Moved(Exception):
    """The messages changed while the update was computed."""


def refresh_inbox(
    ws: Workspace, *, progress: Callable[[int, int, str], None] | None = None
) -> list[str]:
    """Compute and store the parts of the inbox whose sources changed; return their names.

    Waiting threads are computed over every platform (a platform's view is filtered
    from them when read). After imports or undos that add or remove at most
    :data:`FULL_SHARE` of the messages, only the threads those messages touch are
    recomputed (a reply joins its thread, a parent imported after its replies takes
    them in, an undo may split or shrink a thread); otherwise, when the settings
    changed or nothing was stored yet, threads are rebuilt from every message. Both
    give the same stored result. Messages imported while computing start it again
    (up to three times; then the result is stored as pending).
    """
    for attempt in range(3):
        try:
            return _refresh(ws, progress, last=attempt == 2)
        except _Moved:
            continue
    return []  # pragma: no cover - the last attempt never raises _Moved


def _refresh(
    ws: Workspace, progress: Callable[[int, int, str], None] | None, *, last: bool
) -> list[str]:
    from datetime import UTC
    from datetime import datetime as dt

    import pandas as pd

    from socialproof.community.scoring import sentiment_by_period
    from socialproof.errors import NoData

    say = progress or (lambda _d, _t, _m: None)
    now_sources = sources(ws)
    stored = _state(ws)
    stale = [p for p in (THREADS, SENTIMENT) if stored.get(p, ("",))[0] != now_sources[p]]
    if not stale:
        return []
    update: _ThreadUpdate | None = None
    weeks: pd.DataFrame | None = None
    info: dict[str, dict[str, Any]] = {}
    if THREADS in stale:
        plan = _plan(stored.get(THREADS), now_sources[THREADS])
        if plan is None:
            say(0, len(stale), "rebuilding threads from every message")
            update = _full_update(ws)
        else:
            say(0, len(stale), "updating the threads new or removed messages touch")
            update = _incremental_update(ws, *plan)
    if SENTIMENT in stale:
        say(len(stale) - 1, len(stale), "adding up sentiment per week")
        try:
            weeks = sentiment_by_period(ws, period="week")
        except NoData:
            weeks = pd.DataFrame(columns=_SENTIMENT_COLUMNS)
        info[SENTIMENT] = member_counts(ws)
    when = dt.now(UTC).replace(tzinfo=None)
    with ws.transaction() as con:
        if not last and _sources_on(con, ws, _tables(con))[0] != now_sources:
            raise _Moved
        if update is not None:
            info[THREADS] = _write_threads(con, ws, update)
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


def _plan(
    state: tuple[str, dict[str, Any], datetime] | None, now: str
) -> tuple[list[str], list[str]] | None:
    """(import ids added, import ids removed) since the stored threads, or None when they
    are to be rebuilt in full (none stored, no keys stored, other settings, an import
    changed in place, too large a change)."""
    if state is None or not state[1].get("incremental"):
        return None
    try:
        before, after = json.loads(state[0]), json.loads(now)
    except ValueError:
        return None
    if before.get("settings") != after.get("settings"):
        return None
    old = {str(r[0]): list(r[1:]) for r in before.get("messages") or []}
    new = {str(r[0]): list(r[1:]) for r in after.get("messages") or []}
    if any(old[i] != new[i] for i in old.keys() & new.keys()):
        return None
    added, removed = sorted(new.keys() - old.keys()), sorted(old.keys() - new.keys())
    total = sum(int(r[0]) for r in new.values())
    moved = sum(int(new[i][0]) for i in added) + sum(int(old[i][0]) for i in removed)
    if total == 0 or not (added or removed) or moved > FULL_SHARE * total:
        return None
    return added, removed


def _full_update(ws: Workspace) -> _ThreadUpdate:
    """Every thread, from every message."""
    import pandas as pd

    from socialproof.community.threads import WAITING_COLUMNS, resolve_keys
    from socialproof.errors import NoData

    with ws.connect(read_only=True) as con:
        frame = (
            con.execute(
                "SELECT platform, message_id, parent_id, thread_id, "
                "coalesce(import_id, '') AS import_id FROM messages "
                "WHERE created_at IS NOT NULL"
            ).df()
            if "messages" in _tables(con)
            else pd.DataFrame()
        )
    empty = _ThreadUpdate(
        full=True,
        keys=pd.DataFrame(columns=_KEY_COLUMNS),
        facts=pd.DataFrame(columns=_FACT_COLUMNS),
        waiting=pd.DataFrame(columns=WAITING_COLUMNS),
        drop=pd.DataFrame(columns=["platform", "thread_key"]),
        removed=[],
        brand_notes=[],
        latest=None,
        sla=float(ws.settings.community.sla_hours),
    )
    if not len(frame):
        return empty
    keys = resolve_keys(frame).to_pandas()
    keys["import_id"] = frame["import_id"].astype(str).to_numpy()
    try:
        return _computed(ws, keys[_KEY_COLUMNS], full=True)
    except NoData:
        return empty


def _incremental_update(ws: Workspace, added: list[str], removed: list[str]) -> _ThreadUpdate:
    """The threads the messages of imports ``added`` and ``removed`` touch, recomputed:
    each with every message it has now (thread keys resolved over them alone, which is
    exact because a thread's messages and the parents they reply to are all among them)."""
    import pandas as pd

    from socialproof.community.threads import resolve_keys

    with ws.connect(read_only=True) as con:
        con.register("_inbox_added", pd.DataFrame({"id": pd.Series(added, dtype=object)}))
        con.register("_inbox_removed", pd.DataFrame({"id": pd.Series(removed, dtype=object)}))
        new = con.execute(
            "SELECT platform, message_id, parent_id, thread_id, "
            "coalesce(import_id, '') AS import_id FROM messages "
            "WHERE created_at IS NOT NULL "
            "AND coalesce(import_id, '') IN (SELECT id FROM _inbox_added)"
        ).df()
        con.register("_inbox_new", new)
        # threads touched: those of removed messages, of new messages' parents, of old
        # messages replying to new ones, and any keyed as a new message could be
        touched = con.execute(
            """SELECT k.platform, k.thread_key FROM inbox_keys k
                WHERE coalesce(k.import_id, '') IN (SELECT id FROM _inbox_removed)
            UNION SELECT k.platform, k.thread_key FROM inbox_keys k JOIN _inbox_new n
                ON k.platform = n.platform AND k.message_id = n.parent_id
            UNION SELECT k.platform, k.thread_key FROM inbox_keys k JOIN messages m
                ON k.platform = m.platform AND k.message_id = m.message_id
                JOIN _inbox_new n ON m.platform = n.platform AND m.parent_id = n.message_id
            UNION SELECT k.platform, k.thread_key FROM inbox_keys k JOIN _inbox_new n
                ON k.platform = n.platform AND k.thread_key = n.message_id
            UNION SELECT k.platform, k.thread_key FROM inbox_keys k JOIN _inbox_new n
                ON k.platform = n.platform AND k.thread_key = n.thread_id"""
        ).df()
        while True:
            con.register("_inbox_touched", touched)
            old = con.execute(
                """SELECT m.platform, m.message_id, m.parent_id, m.thread_id,
                    coalesce(m.import_id, '') AS import_id
                FROM messages m JOIN inbox_keys k
                    ON k.platform = m.platform AND k.message_id = m.message_id
                JOIN _inbox_touched t
                    ON t.platform = k.platform AND t.thread_key = k.thread_key
                WHERE m.created_at IS NOT NULL"""
            ).df()
            frame = pd.concat([old, new], ignore_index=True)
            keys = resolve_keys(frame).to_pandas()
            keys["import_id"] = frame["import_id"].astype(str).to_numpy()
            now_keys = keys[["platform", "thread_key"]].drop_duplicates()
            con.register("_inbox_now", now_keys)
            more = con.execute(
                """SELECT DISTINCT k.platform, k.thread_key FROM inbox_keys k
                JOIN _inbox_now n ON n.platform = k.platform AND n.thread_key = k.thread_key
                WHERE coalesce(k.import_id, '') NOT IN (SELECT id FROM _inbox_removed)
                EXCEPT SELECT platform, thread_key FROM _inbox_touched"""
            ).df()
            con.unregister("_inbox_now")
            con.unregister("_inbox_touched")
            if not len(more):
                break
            touched = pd.concat([touched, more], ignore_index=True)
    drop = pd.concat([touched, now_keys], ignore_index=True).drop_duplicates()
    update = _computed(ws, keys[_KEY_COLUMNS], full=False)
    update.drop = drop.reset_index(drop=True)
    update.removed = list(removed)
    return update


def _computed(ws: Workspace, keys: pd.DataFrame, *, full: bool) -> _ThreadUpdate:
    """Threads of the messages ``keys`` lists (whole threads), and the brand notes."""
    import ibis
    import pandas as pd
    import pyarrow as pa

    from socialproof.community.threads import (
        WAITING_COLUMNS,
        Scope,
        brand_notes,
        check_hours,
        check_sla,
        messages_expr,
        scalar,
        thread_facts,
    )

    sla = check_sla(None, ws)
    check_hours(ws)
    table = pa.table(
        {
            "platform": pa.array(keys["platform"].astype(str).tolist(), pa.string()),
            "message_id": pa.array(keys["message_id"].astype(str).tolist(), pa.string()),
            "thread_key": pa.array(keys["thread_key"].astype(str).tolist(), pa.string()),
        }
    )
    with ws.ibis() as con:
        every = messages_expr(con, ws, Scope(), threads=False)
        latest = scalar(every.created_at.max())
        notes = brand_notes(con, ws, every, Scope())
        if len(keys):
            keyed = messages_expr(con, ws, Scope(), keys=ibis.memtable(table))
            with keyed.cache() as m:  # read twice: the threads and the per-thread facts
                threads, facts = thread_facts(ws, m, sla=sla, latest=latest)
        else:
            threads, facts = pd.DataFrame(), pd.DataFrame(columns=_FACT_COLUMNS)
    waiting = (
        threads.loc[threads["state"].notna(), WAITING_COLUMNS]
        if len(threads)
        else pd.DataFrame(columns=WAITING_COLUMNS)
    )
    return _ThreadUpdate(
        full=full,
        keys=keys,
        facts=facts,
        waiting=waiting,
        drop=pd.DataFrame(columns=["platform", "thread_key"]),
        removed=[],
        brand_notes=notes,
        latest=latest,
        sla=sla,
    )


def _insert(con: Any, table: str, frame: pd.DataFrame, columns: list[str]) -> None:
    if not len(frame):
        return
    con.register("_inbox_rows", frame[columns].reset_index(drop=True))
    names = ", ".join(columns)
    con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _inbox_rows")
    con.unregister("_inbox_rows")


def _write_threads(con: Any, ws: Workspace, u: _ThreadUpdate) -> dict[str, Any]:
    """Store an update's rows, waiting times to the newest message, and the notes
    added up from every thread's facts; return the part's info."""
    import pandas as pd

    from socialproof.community.threads import WAITING_COLUMNS, count_notes

    if u.full:
        for table in ("inbox_threads", "inbox_thread_facts", "inbox_keys"):
            con.execute(f"DELETE FROM {table}")
    else:
        con.register("_inbox_drop", u.drop)
        for table in ("inbox_threads", "inbox_thread_facts"):
            con.execute(
                f"DELETE FROM {table} USING _inbox_drop d "
                f"WHERE {table}.platform = d.platform AND {table}.thread_key = d.thread_key"
            )
        con.unregister("_inbox_drop")
        con.register("_inbox_removed", pd.DataFrame({"id": pd.Series(u.removed, dtype=object)}))
        con.register("_inbox_rekeyed", u.keys[["platform", "message_id"]])
        con.execute(
            "DELETE FROM inbox_keys WHERE coalesce(import_id, '') IN (SELECT id FROM "
            "_inbox_removed)"
        )
        con.execute(
            "DELETE FROM inbox_keys USING _inbox_rekeyed r "
            "WHERE inbox_keys.platform = r.platform AND inbox_keys.message_id = r.message_id"
        )
        con.unregister("_inbox_removed")
        con.unregister("_inbox_rekeyed")
    _insert(con, "inbox_keys", u.keys, _KEY_COLUMNS)
    _insert(con, "inbox_thread_facts", u.facts, _FACT_COLUMNS)
    _insert(con, "inbox_threads", u.waiting, WAITING_COLUMNS)
    info: dict[str, Any] = {"sla_hours": u.sla, "notes": [], "incremental": True}
    if u.latest is None:
        return info
    # every waiting thread waits to the newest message, which an import may have moved
    con.execute(
        "UPDATE inbox_threads SET waiting_h = "
        "CAST(date_diff('microsecond', coalesce(waiting_since, opened_at), ?) AS DOUBLE) "
        "/ 1e6 / 3600",
        [u.latest],
    )
    row = con.execute(
        """SELECT count(*) FILTER (WHERE NOT customer),
            count(*) FILTER (WHERE customer AND partial),
            coalesce(sum(anomalies), 0), count(*) FILTER (WHERE customer),
            count(*) FILTER (WHERE customer AND off_hours),
            count(*) FILTER (WHERE customer AND answered)
        FROM inbox_thread_facts"""
    ).fetchall()[0]
    brand_only, partial, anomalies, threads, off, answered = (int(v or 0) for v in row)
    info["notes"] = count_notes(
        ws,
        u.brand_notes,
        brand_only=brand_only,
        partial=partial,
        anomalies=anomalies,
        threads=threads,
        off_hours=off,
        answered=answered,
    )
    info["latest"] = _latest_on(con)
    return info


_SENTIMENT_COLUMNS = ["period", "messages", "positive", "neutral", "negative", "net_sentiment"]


def _latest_on(con: Any) -> dict[str, float]:
    """Per platform, hours from the platform's newest message to the newest anywhere.

    Waiting time runs to the newest message in scope, so a platform's own view of a
    thread waits that much less than the all-platform view stored.
    """
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


def stored(
    ws: Workspace, platform: str | None = None, *, limit: int = 200, offset: int = 0
) -> Stored:
    """The stored inbox as the page shows it: ``limit`` waiting threads (of ``platform``,
    if given) oldest first, after the oldest ``offset`` of them, with counts, the weekly sentiment, and whether each part is
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
            threads = _read_threads(con, ws, state[THREADS], now[THREADS], p, limit, offset)
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
    offset: int = 0,
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
        f"SELECT * FROM inbox_threads {where} "
        "ORDER BY coalesce(waiting_since, opened_at), platform, thread_key LIMIT ? OFFSET ?",
        [*args, int(limit), max(0, int(offset))],
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
