"""Threads, first response times and resolution times from the ``messages`` table.

Definitions (what every number in the community report means):

* **Thread**: the messages sharing ``thread_id``; when an importer left it empty,
  the root reached by following ``parent_id`` reply links. A reply whose parent
  is not in the workspace (outside the export, or deleted) starts its own thread,
  marked ``partial``.
* **Brand message**: ``is_brand`` is true, or the author is one of
  ``settings.brand.handles`` (case-insensitive, with or without ``@``), or the
  export says the message was not inbound. Every other message is a customer
  (member) message.
* **Opened at**: the time of the first customer message of the thread; its
  author is the thread's **opener**. Threads without any customer message
  (brand posts, brand-to-brand exchanges) have nothing to answer and are only
  counted.
* **First response time**: from *opened at* to the first brand message in the
  thread at or after it. A brand message that claims to reply to a later message
  (its timestamp precedes its parent's) is a clock anomaly: it is counted and
  listed, never turned into a negative time. When it answers a customer message it
  still answers the thread: it counts as sent at the time of the message it replies
  to (the earliest it can have been sent), so a reply stamped before the opening
  message is a first response of 0 s, not a thread left waiting.
* **Resolution time**: from *opened at* to the last brand message, provided the
  opener did not write again after it. A message that only thanks the brand ("Thanks
  so much!", "ok thank you, that worked": :data:`CLOSING`) is not writing again: it
  settles the thread. A thread whose opener wrote anything else after the last brand
  message is answered but **not resolved**: the customer is **waiting again**, since
  their first such message after the brand's last one (the inbox lists these threads
  beside the unanswered ones). When
  the export does not name the opener ('Facebook User', '[deleted]', empty:
  :mod:`.authors`), a later customer message by the same placeholder may be the
  opener's and counts as writing again: a thread is not shown settled on a guess.
* **Response rate within the SLA**: threads whose first response came within
  ``sla_hours`` of opening, over all threads opened (unanswered ones count as
  misses).
* **Business-hours variants** (first response, resolution, the SLA rate) count
  only working time: the hours between ``business_hours.start`` and ``end`` on
  working ``weekdays`` that are not ``holidays``, in the workspace timezone. A
  thread opened *and* answered outside working hours waited no working time at
  all: it counts as within the business-hours SLA, but it is left out of the
  business-hours medians and percentiles (``off_hours``), which describe the
  threads the working-hours clock ran on. Otherwise a team that answers evenings and weekends, or a timezone
  setting that does not match the team, reads "median 0 s"; a note says how many
  threads were left out and when most are, that the hours may not fit.
* Medians and 90th percentiles interpolate linearly between ranked values. The
  Meta-style response time is the mean of the fastest 90 % of first responses
  (KNOWLEDGE.md, Response metrics).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from socialproof.errors import NoData, SettingsError, UsageError

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir
    import pandas as pd
    import pyarrow as pa

    from socialproof.workspace.core import Workspace

IMPORT_HINT = (
    "Import conversations first: 'socialproof import FILE' with a customer-care export "
    "(tweet_id, author_id, inbound, created_at, text, response_tweet_id, "
    "in_response_to_tweet_id), a Reddit-style dump, or a CSV with a --mapping file."
)
MAX_DEPTH_STEPS = 64
#: What names a thread, first in both column lists below.
_THREAD_NAMING = ["platform", "thread_key", "group_id", "channel", "opener", "opened_at"]
#: The columns of every thread as ``community threads`` and the workbench's download give them.
THREAD_COLUMNS = [
    *_THREAD_NAMING,
    "agent",
    "first_response_s",
    "first_response_bh_s",
    "resolved",
    "resolution_s",
    "messages",
    "partial",
    "clock_anomalies",
]
#: The columns of a thread still waiting for an answer (``ResponseTimes.unanswered``).
UNANSWERED_COLUMNS = [*_THREAD_NAMING, "waiting_h", "opening_text"]
#: The columns of a thread waiting for the brand (``ResponseTimes.waiting``): unanswered,
#: or answered with the opener writing again after the last brand message; ``state`` says
#: which ("unanswered", "waiting again"), ``waiting_since`` (UTC) when the wait began and
#: ``waiting_text`` the customer message that waits (the opening one, or the first written
#: after the brand's last answer).
WAITING_COLUMNS = [*UNANSWERED_COLUMNS, "state", "waiting_since", "waiting_text"]
UNANSWERED, WAITING_AGAIN = "unanswered", "waiting again"
#: What :meth:`ResponseTimes.listing` adds after ``opened_at`` (which is UTC, as stored):
#: the opening and first answer in the workspace timezone, as the report shows them, and
#: that timezone's name (a care lead reading the file in Excel reads local times).
LOCAL_COLUMNS = ["opened_at_local", "answered_at_local", "timezone"]
#: A care agent's sign-off at the end of a brand reply ("... ^JM", "... /AY", "... -AD"),
#: possibly followed by links; it splits one brand handle into agents.
SIGNATURE = r"(?:^|\s)([\^/\-][A-Z][A-Za-z]{1,9})\s*(?:https?://\S+\s*)*$"

#: Words of a message that only closes a conversation ("Thanks so much!", "ok thank you,
#: that worked 🙏"): at least one word of thanks, every other word from this short list;
#: mentions, links, punctuation and emoji are skipped. Anything else ("thanks, but it
#: still crashes", "no thanks") is a customer writing again.
_THANKS = "|".join(
    (
        "thanks thank thankyou thx thnx thanx tks ty tysm tyvm cheers appreciate appreciated"
        " merci gracias danke obrigado obrigada grazie bedankt dank tack takk dziękuję"
    ).split()
)
_CLOSING_WORDS = "|".join(
    (
        "you u ya so very much many a lot lots again for the your ur all it that this those"
        " these help helping reply replying response quick fast speedy support info tip ok"
        " okay k kk oh ah great perfect cool awesome brilliant lovely nice amazing fantastic"
        " wonderful super excellent good now worked works working fixed sorted solved"
        " resolved got will do did i ll s m ve thats np guys team folks man mate bro sir"
        " madam yes yeah yep yup indeed really muchas vielen beaucoup mille muito mil have"
        " day weekend and we are set done am is was be me my our us to of sure alright"
        " understood noted gotcha makes sense hope well too also kind kindly answer"
        " answering explanation letting know"
    ).split()
)
_CLOSING_WORDS = f"{_THANKS}|{_CLOSING_WORDS}"
_SEP = r"[^\p{L}\p{N}]"
#: the whole lower-cased text, mentions and links removed first (:func:`closing_expr`)
CLOSING = (
    rf"^{_SEP}*(?:(?:{_CLOSING_WORDS}){_SEP}+)*(?:{_THANKS})(?:{_SEP}+(?:{_CLOSING_WORDS}))*"
    rf"{_SEP}*$"
)
_MENTION_OR_LINK = r"@\w+|https?://\S+"


@dataclass(frozen=True)
class Scope:
    """Which messages a community analysis looks at."""

    since: date | None = None
    until: date | None = None
    platform: str | None = None
    group: str | None = None


def parse_scope(
    since: str | None = None,
    until: str | None = None,
    platform: str | None = None,
    group: str | None = None,
) -> Scope:
    """Validate command-line style filters into a :class:`Scope`."""

    def _date(value: str | None, flag: str) -> date | None:
        if value is None or value == "":
            return None
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise UsageError(
                f"{flag} {value!r} is not a date.", hint="Write it as YYYY-MM-DD, e.g. 2026-03-01."
            ) from None

    lo, hi = _date(since, "--since"), _date(until, "--until")
    if lo and hi and lo > hi:
        raise UsageError(
            f"--since {lo} is after --until {hi}.", hint="Swap them or widen the range."
        )
    return Scope(lo, hi, platform.strip().lower() if platform else None, group or None)


def norm_handle(value: str) -> str:
    return value.strip().lstrip("@").lower()


def brand_handles(ws: Workspace) -> list[str]:
    return sorted({norm_handle(h) for h in ws.settings.brand.handles if norm_handle(h)})


def scalar(expr: ir.Scalar) -> Any:
    """Run a scalar Ibis expression (through the engine adapter)."""
    from socialproof.workspace import engine

    return cast("Any", engine.execute(expr))


# -- message level ----------------------------------------------------------------


def messages_expr(
    con: ibis.BaseBackend,
    ws: Workspace,
    scope: Scope,
    *,
    threads: bool = True,
    keys: ir.Table | None = None,
) -> ir.Table:
    """Messages with ``brand`` and, unless ``threads=False``, ``thread_key`` and parent
    details (``parent_*``, ``missing_parent``, ``clock_anomaly``).

    ``keys`` (``platform``, ``message_id``, ``thread_key``) gives the thread keys
    instead of resolving them, and keeps only the messages it lists: whole threads,
    with every reply's parent among them when it is in the workspace (the stored
    inbox's incremental update)."""
    import ibis

    from socialproof.workspace import engine

    if engine.is_empty(con, "messages"):
        raise NoData("The workspace has no messages yet.", hint=IMPORT_HINT)
    t = engine.table(con, "messages")
    if scope.platform:
        all_messages = t
        t = t.filter(t.platform.lower() == scope.platform)
        if int(scalar(t.count())) == 0:
            present = engine.execute(
                all_messages.select(p=all_messages.platform.lower()).distinct()
            )
            raise NoData(
                f"The workspace has no messages on platform {scope.platform!r}.",
                hint="Platforms with messages: " + ", ".join(sorted(map(str, present["p"]))) + ".",
            )
    if scope.group is not None:
        _check_group(t, scope)
    t = t.filter(t.created_at.notnull())
    handles = brand_handles(ws)
    author = t.author_id.fill_null("").lower().re_replace(r"^@", "")
    brand = t.is_brand.fill_null(False) | (t.inbound == ibis.literal(False)).fill_null(False)
    if handles:
        brand = brand | author.isin(handles)
    t = t.mutate(
        brand=brand,
        author_id=t.author_id.fill_null(""),
        group_id=t.group_id.fill_null(""),
        channel=t.channel.fill_null(""),
        parent_id=ibis.cases((t.parent_id == "", ibis.null("string")), else_=t.parent_id),
    )
    if not threads:
        return t
    if keys is None:
        keys = _thread_keys(con, t)
    if keys is None:
        t = t.mutate(thread_key=t.thread_id)
    else:
        t = t.join(keys, ["platform", "message_id"])
    parents = t.select(
        platform=t.platform,
        p_id=t.message_id,
        parent_created=t.created_at,
        parent_author=t.author_id,
        parent_brand=t.brand,
    )
    j = t.left_join(parents, [t.platform == parents.platform, t.parent_id == parents.p_id])
    j = j.drop(*(c for c in j.columns if c.endswith("_right")))
    return j.mutate(
        missing_parent=j.parent_id.notnull()
        & j.p_id.isnull()
        & (j.parent_id != j.post_id.fill_null("")),
        clock_anomaly=j.p_id.notnull() & (j.created_at < j.parent_created),
    ).drop("p_id")


def _check_group(t: ir.Table, scope: Scope) -> None:
    """NoData, naming the groups there are, when no message is in the scope's group (a
    mistyped --group read as a group without threads: every figure zero)."""
    import ibis

    from socialproof.workspace import engine

    if int(scalar(t.filter(t.group_id == scope.group).count())) > 0:
        return
    named = t.filter(t.group_id.notnull() & (t.group_id != ""))
    present = engine.execute(
        named.group_by("group_id")
        .aggregate(n=named.count())
        .order_by([ibis.desc("n"), "group_id"])
        .limit(10)
    )
    where = f" on platform {scope.platform!r}" if scope.platform else ""
    names = [str(g) for g in present["group_id"]]
    raise NoData(
        f"The workspace has no messages in group {scope.group!r}{where}.",
        hint=(
            "Groups with the most messages: " + ", ".join(names) + "."
            if names
            else "Its messages name no group: leave out --group."
        ),
    )


def _thread_keys(con: ibis.BaseBackend, t: ir.Table) -> ir.Table | None:
    """Thread of every message: follow reply links to the root (pointer jumping).

    The root's ``thread_id`` names the thread when the importer set one, else the
    root's message id. Following links across the whole workspace (not one file)
    joins replies that arrived in a later export to their thread. Returns None
    when there are no reply links and every message has a thread id.
    """
    import ibis

    from socialproof.workspace import engine

    missing = (t.thread_id.isnull() | (t.thread_id == "")).sum()
    links = t.parent_id.notnull().sum()
    ident = t.platform.concat(
        "\x1f", t.message_id, "\x1f", t.parent_id.fill_null(""), "\x1f", t.thread_id.fill_null("")
    )
    counts = engine.execute(
        t.aggregate(missing=missing, links=links, n=t.count(), fp=ident.hash().sum())
    )
    if int(counts["missing"].iloc[0] or 0) == 0 and int(counts["links"].iloc[0] or 0) == 0:
        return None
    fingerprint = (int(counts["n"].iloc[0]), int(counts["fp"].iloc[0] or 0))
    cached = _KEYS_CACHE.get(fingerprint)
    if cached is None:
        cached = _resolve_keys(
            engine.execute(t.select("platform", "message_id", "parent_id", "thread_id"))
        )
        _KEYS_CACHE.clear()  # keep one: the latest messages table
        _KEYS_CACHE[fingerprint] = cached
    return ibis.memtable(cached)


#: Resolved thread keys of the latest messages table seen, by content fingerprint.
_KEYS_CACHE: dict[tuple[int, int], pa.Table] = {}


def resolve_keys(df: pd.DataFrame) -> pa.Table:
    """Thread keys (``platform``, ``message_id``, ``thread_key``) of messages given as
    ``platform``, ``message_id``, ``parent_id``, ``thread_id``: a reply's parent is
    looked for among them only, so give whole threads (see :func:`_thread_keys`)."""
    return _resolve_keys(df)


def _resolve_keys(df: pd.DataFrame) -> pa.Table:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    n = len(df)
    node = df["platform"].astype(str) + "\x1f" + df["message_id"].astype(str)
    parent = df["platform"].astype(str) + "\x1f" + df["parent_id"].astype(str)
    index = pd.Index(node)
    par = index.get_indexer(pd.Index(parent.where(df["parent_id"].notna(), "\x00")))
    has_tid = df["thread_id"].notna() & (df["thread_id"] != "")
    self_idx = np.arange(n)
    ptr = np.where(par < 0, self_idx, par)
    for _ in range(MAX_DEPTH_STEPS):
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            break
        ptr = nxt
    else:  # reply cycles: each message of a cycle becomes its own thread
        cyclic = ptr[ptr] != ptr
        ptr = np.where(cyclic, self_idx, ptr)
    tid = df["thread_id"].to_numpy(dtype=object)
    mid = df["message_id"].to_numpy(dtype=object)
    root_has = has_tid.to_numpy()[ptr]
    key = np.where(root_has, tid[ptr], mid[ptr])
    return pa.table(
        {
            "platform": pa.array(df["platform"].astype(str).tolist(), pa.string()),
            "message_id": pa.array(mid.tolist(), pa.string()),
            "thread_key": pa.array(key.tolist(), pa.string()),
        }
    )


# -- thread level -----------------------------------------------------------------


def closing_expr(text: ir.StringValue) -> ir.BooleanValue:
    """Whether a message only closes the conversation (thanks and nothing asked: see
    :data:`CLOSING`); NULL text is not one."""
    cleaned = text.fill_null("").lower().re_replace(_MENTION_OR_LINK, " ")
    return cleaned.re_search(CLOSING) & (text.notnull())


def threads_expr(m: ir.Table) -> tuple[ir.Table, ir.Table]:
    """One row per thread with a customer message; plus the brand-only threads
    (``platform``, ``thread_key``, ``started``: their first message, ``group_id``)."""
    import ibis

    cust = m.filter(~m.brand)
    opened = cust.group_by(["platform", "thread_key"]).aggregate(
        opened_at=cust.created_at.min(),
        opener=cust.author_id.argmin(cust.created_at),
        group_id=cust.group_id.argmin(cust.created_at),
        channel=cust.channel.argmin(cust.created_at),
        opening_message=cust.message_id.argmin(cust.created_at),
        opening_text=cust.text.argmin(cust.created_at),
    )
    j = m.drop("group_id", "channel").join(opened, ["platform", "thread_key"])
    # a brand reply stamped before the customer message it answers (clock skew) cannot
    # have been sent before it: it counts as sent at that message's time
    at = ibis.cases(
        (j.brand & j.clock_anomaly & ~j.parent_brand.fill_null(True), j.parent_created),
        else_=j.created_at,
    )
    after = j.brand & (at >= j.opened_at)
    threads = j.group_by(["platform", "thread_key"]).aggregate(
        group_id=j.group_id.min(),
        channel=j.channel.min(),
        opener=j.opener.min(),
        opening_message=j.opening_message.min(),
        opening_text=j.opening_text.min(),
        opened_at=j.opened_at.min(),
        first_response_at=at.min(where=after),
        agent=j.author_id.argmin(at, where=after),
        agent_sign=j.text.fill_null("").re_extract(SIGNATURE, 1).argmin(at, where=after),
        last_brand_at=at.max(where=after),
        # a "thanks" after the answer settles a thread; it is not the customer writing again
        last_opener_at=j.created_at.max(where=(j.author_id == j.opener) & ~closing_expr(j.text)),
        messages=j.count(),
        brand_messages=j.brand.sum(),
        partial=j.missing_parent.any(),
        clock_anomalies=j.clock_anomaly.sum(),
    )
    per = m.group_by(["platform", "thread_key"]).aggregate(
        customers=ibis.cases((~m.brand, 1), else_=0).sum(),
        started=m.created_at.min(),
        group_id=m.group_id.argmin(m.created_at),
    )
    brand_only = per.filter(per.customers == 0).drop("customers")
    return threads, brand_only


def threads_view(
    ws: Workspace,
    con: ibis.BaseBackend,
    scope: Scope | None = None,
    *,
    sla_hours: float | None = None,
) -> ir.Table:
    """Threads as an Ibis table with ``answered``, ``resolved``, ``within_sla`` (0/1),
    ``first_response_s`` and ``resolution_s``: the table the response KPIs read."""
    import ibis

    scope = scope or Scope()
    sla = check_sla(sla_hours, ws)
    threads, _ = threads_expr(messages_expr(con, ws, scope))
    threads = in_scope(threads, ws, scope, "opened_at")
    first = threads.first_response_at.epoch_seconds() - threads.opened_at.epoch_seconds()
    resolved = threads.last_brand_at.notnull() & (
        threads.last_opener_at.isnull() | (threads.last_brand_at >= threads.last_opener_at)
    )
    resolution = ibis.cases(
        (resolved, threads.last_brand_at.epoch_seconds() - threads.opened_at.epoch_seconds()),
        else_=ibis.null("int64"),
    )
    return threads.mutate(
        answered=ibis.cases((threads.first_response_at.notnull(), 1), else_=0),
        resolved=ibis.cases((resolved, 1), else_=0),
        within_sla=ibis.cases((first.notnull() & (first <= sla * 3600), 1), else_=0),
        first_response_s=first,
        resolution_s=resolution,
    )


def utc_bounds(ws: Workspace, scope: Scope) -> tuple[datetime | None, datetime | None]:
    """Local --since/--until dates as naive-UTC datetimes [lo, hi)."""
    from datetime import UTC

    tz = ws.settings.tz

    def conv(d: date) -> datetime:
        return datetime.combine(d, time(0), tzinfo=tz).astimezone(UTC).replace(tzinfo=None)

    lo = conv(scope.since) if scope.since else None
    hi = conv(scope.until + timedelta(days=1)) if scope.until else None
    return lo, hi


def in_scope(t: Any, ws: Workspace, scope: Scope, at: str = "created_at") -> Any:
    """The rows of ``t`` whose ``at`` falls in the scope's dates (local days, as
    :func:`utc_bounds` turns them into UTC) and, with a group in the scope, of that group."""
    lo, hi = utc_bounds(ws, scope)
    if lo is not None:
        t = t.filter(t[at] >= lo)
    if hi is not None:
        t = t.filter(t[at] < hi)
    if scope.group is not None:
        t = t.filter(t.group_id == scope.group)
    return t


@dataclass
class ResponseTimes:
    """Response metrics over a scope: per-thread table, summaries, unanswered list, notes."""

    threads: pd.DataFrame
    sla_hours: float
    overall: dict[str, Any]
    by_platform: list[dict[str, Any]]
    by_channel: list[dict[str, Any]]
    by_agent: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    anomalies: pd.DataFrame | None = None

    def by_period(self, period: str, timezone: str) -> pd.DataFrame:
        """Threads opened per local day/week/month: count, answered, SLA share, median times."""
        import pandas as pd

        from socialproof.community._periods import to_local

        t = self.threads
        cols = ["period", "threads", "answered", "within_sla_rate", "median_first_response_h"]
        if t.empty:
            return pd.DataFrame(columns=cols)
        local = pd.Series(to_local(t["opened_at"].to_numpy(), ZoneInfo(timezone)), index=t.index)
        if period == "week":
            key = (local - pd.to_timedelta(local.dt.day_of_week, unit="D")).dt.normalize()
        elif period == "month":
            key = local.dt.to_period("M").dt.start_time
        else:
            key = local.dt.normalize()
        rows = []
        for start, part in t.groupby(key, sort=True):
            rows.append(
                {
                    "period": pd.Timestamp(start).date(),
                    "threads": len(part),
                    "answered": int(part["answered"].sum()),
                    "within_sla_rate": float(part["within_sla"].mean()),
                    "median_first_response_h": (
                        None
                        if part["first_response_s"].dropna().empty
                        else float(part["first_response_s"].median()) / 3600
                    ),
                }
            )
        return pd.DataFrame(rows, columns=cols)

    def listing(
        self, timezone: str, *, unanswered: bool = False, waiting: bool = False
    ) -> pd.DataFrame:
        """The threads as ``community threads`` and the workbench's downloads give them:
        ``THREAD_COLUMNS`` (or the unanswered ones, oldest first, ``UNANSWERED_COLUMNS``)
        with ``LOCAL_COLUMNS`` after ``opened_at`` (UTC): local times in ``timezone``.
        ``waiting``: the threads waiting for the brand (``WAITING_COLUMNS``, unanswered or
        waiting again, longest waiting first) with ``opened_at_local``, ``timezone`` and
        ``waiting_since_local``."""
        from socialproof.community._periods import to_local

        tz = ZoneInfo(timezone)
        if waiting:
            out = self.waiting()
            at = list(out.columns).index("opened_at") + 1
            out.insert(at, "opened_at_local", to_local(out["opened_at"].to_numpy(), tz))
            since = to_local(out["waiting_since"].to_numpy(), tz)
            out.insert(list(out.columns).index("waiting_since") + 1, "waiting_since_local", since)
            out.insert(at + 1, "timezone", timezone)
            return out
        base = self.unanswered_threads() if unanswered else self.threads
        out = base[UNANSWERED_COLUMNS if unanswered else THREAD_COLUMNS].copy()
        at = list(out.columns).index("opened_at") + 1
        out.insert(at, "opened_at_local", to_local(base["opened_at"].to_numpy(), tz))
        if not unanswered:
            answered = to_local(base["first_response_at"].to_numpy(), tz)
            out.insert(at + 1, "answered_at_local", answered)
        out.insert(at + (1 if unanswered else 2), "timezone", timezone)
        return out

    def unanswered(self) -> pd.DataFrame:
        return self.unanswered_threads()[UNANSWERED_COLUMNS]

    def waiting(self) -> pd.DataFrame:
        """The threads waiting for the brand (``WAITING_COLUMNS``): unanswered ones and
        those waiting again, longest waiting first."""
        t = self.threads
        return (
            t.loc[t["state"].notna(), WAITING_COLUMNS]
            .sort_values(["waiting_since", "platform", "thread_key"], kind="stable")
            .reset_index(drop=True)
        )

    def unanswered_threads(self) -> pd.DataFrame:
        """The unanswered threads, oldest first, with every column of ``threads``."""
        t = self.threads
        return (
            t.loc[~t["answered"]]
            .sort_values(["opened_at", "platform", "thread_key"], kind="stable")
            .reset_index(drop=True)
        )


def response_times(
    ws: Workspace, scope: Scope | None = None, *, sla_hours: float | None = None
) -> ResponseTimes:
    """First response and resolution times per thread, summarised (see module docs)."""
    from socialproof.workspace import engine

    scope = scope or Scope()
    sla = check_sla(sla_hours, ws)
    _check_hours(ws)
    with ws.ibis() as con, messages_expr(con, ws, scope).cache() as m:  # read several times
        threads, brand_only = threads_expr(m)
        threads = in_scope(threads, ws, scope, "opened_at")
        brand_only = in_scope(brand_only, ws, scope, "started")
        df = engine.execute(threads.order_by(["opened_at", "thread_key"]))
        n_brand_only = int(scalar(brand_only.count()) or 0)
        odd = m.filter(m.clock_anomaly)
        if scope.since or scope.until or scope.group is not None:
            # the anomalies of the threads in scope (customer or brand-only ones)
            keys = threads.select("platform", "thread_key").union(
                brand_only.select("platform", "thread_key")
            )
            odd = odd.semi_join(keys, ["platform", "thread_key"])
        n_anomalies = int(scalar(odd.count()) or 0)
        anomalies = engine.execute(
            odd.select(
                "platform", "message_id", "parent_id", "author_id", "created_at", "parent_created"
            )
            .order_by(["created_at", "platform", "message_id"])
            .limit(1000)
        )
        latest = scalar(m.created_at.max())
        notes = _notes(con, ws, m, scope)
        df = _waiting_again(m, _derive(df, ws, sla, latest), latest)
    overall = summarise(df, sla)
    notes = count_notes(
        ws,
        notes,
        brand_only=n_brand_only,
        partial=int(df["partial"].sum()) if len(df) else 0,
        anomalies=n_anomalies,
        threads=len(df),
        off_hours=int(overall["off_hours"]),
        answered=int(overall["answered"]),
    )
    return ResponseTimes(
        threads=df,
        sla_hours=sla,
        overall=overall,
        by_platform=_split(df, "platform", sla),
        by_channel=_split(df, "channel", sla),
        by_agent=_split(df[df["answered"]], "agent", sla) if len(df) else [],
        notes=notes,
        anomalies=anomalies,
    )


def count_notes(
    ws: Workspace,
    notes: list[str],
    *,
    brand_only: int,
    partial: int,
    anomalies: int,
    threads: int,
    off_hours: int,
    answered: int,
) -> list[str]:
    """The report's notes on threads after ``notes`` (those of :func:`brand_notes`), from
    counts: brand-only threads, partial threads, clock anomalies (at most 1,000 listed),
    customer threads, and of them answered and opened and answered off hours."""
    notes = list(notes)
    if brand_only:
        notes.append(
            f"{brand_only:,} thread(s) have only brand messages (brand posts or brand-to-brand "
            "replies): nothing to answer there, so they are left out of response times."
        )
    if threads and partial:
        notes.append(
            f"{partial:,} thread(s) reply to messages that are not in the "
            "workspace (outside the export, or deleted): they are measured from the first "
            "customer message present."
        )
    if anomalies:
        notes.append(
            f"{anomalies:,} message(s) are timestamped before the message they reply to "
            "(clock or export error): a brand reply among them counts as sent when the "
            "message it answers was, so no negative time is reported. See the anomalies list."
        )
    if threads == 0:
        notes.append("No customer threads were opened in this range.")
    notes.extend(_off_hours_notes({"off_hours": off_hours, "answered": answered}, ws))
    return notes


def thread_facts(
    ws: Workspace, m: ir.Table, *, sla: float, latest: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Customer threads of messages ``m`` (from :func:`messages_expr`) as
    :class:`ResponseTimes` holds them, waiting time running to ``latest``; and one row per
    thread (brand-only ones too): ``platform``, ``thread_key``, ``customer``,
    ``answered``, ``partial``, ``off_hours`` (booleans) and ``anomalies`` (count)."""
    import ibis
    import pandas as pd

    from socialproof.workspace import engine

    threads, _ = threads_expr(m)
    df = _derive(engine.execute(threads.order_by(["opened_at", "thread_key"])), ws, sla, latest)
    df = _waiting_again(m, df, latest)
    per = engine.execute(
        m.group_by(["platform", "thread_key"]).aggregate(
            customers=ibis.cases((~m.brand, 1), else_=0).sum(),
            anomalies=ibis.cases((m.clock_anomaly, 1), else_=0).sum(),
        )
    )
    flags = df[["platform", "thread_key", "answered", "partial", "off_hours"]]
    facts = per.merge(flags, on=["platform", "thread_key"], how="left")
    out = pd.DataFrame(
        {
            "platform": facts["platform"].astype(str),
            "thread_key": facts["thread_key"].astype(str),
            "customer": facts["customers"].fillna(0).astype("int64") > 0,
            "answered": facts["answered"].fillna(False).astype(bool),
            "partial": facts["partial"].fillna(False).astype(bool),
            "off_hours": facts["off_hours"].fillna(False).astype(bool),
            "anomalies": facts["anomalies"].fillna(0).astype("int64"),
        }
    )
    return df, out


def brand_notes(con: ibis.BaseBackend, ws: Workspace, m: ir.Table, scope: Scope) -> list[str]:
    """Notes on the brand handles: any never seen as an author; no brand reply at all."""
    return _notes(con, ws, m, scope)


def check_hours(ws: Workspace) -> None:
    """A settings error unless the business hours are a daytime span on some weekdays."""
    _check_hours(ws)


def check_sla(sla_hours: float | None, ws: Workspace) -> float:
    """The SLA in hours: the given one or the setting; a usage error unless positive."""
    sla = float(sla_hours if sla_hours is not None else ws.settings.community.sla_hours)
    if not sla > 0 or math.isinf(sla):
        raise UsageError(
            f"--sla-hours {sla_hours:g} must be a positive number of hours.",
            hint="For example --sla-hours 24.",
        )
    return sla


def _check_hours(ws: Workspace) -> None:
    bh = ws.settings.business_hours
    if bh.end <= bh.start:
        raise SettingsError(
            f"business_hours.end ({bh.end:%H:%M}) is not after business_hours.start "
            f"({bh.start:%H:%M}).",
            hint="Fix [business_hours] in socialproof.toml (overnight shifts are not supported).",
        )
    if not bh.weekdays:
        raise SettingsError(
            "business_hours.weekdays is empty.", hint="List the working days, e.g. [0, 1, 2, 3, 4]."
        )


def _notes(con: ibis.BaseBackend, ws: Workspace, m: ir.Table, scope: Scope) -> list[str]:
    from socialproof.workspace import engine

    notes: list[str] = []
    handles = brand_handles(ws)
    authors = m.author_id.lower().re_replace(r"^@", "")
    seen = (
        set(engine.execute(m.filter(authors.isin(handles)).select(a=authors).distinct())["a"])
        if handles
        else set()
    )
    missing = [h for h in handles if h not in seen]
    if missing:
        where = f" on {scope.platform}" if scope.platform else ""
        notes.append(
            "Brand handle(s) never seen as an author"
            + where
            + ": "
            + ", ".join("@" + h for h in missing)
            + ". Check brand.handles in socialproof.toml against the export's author ids."
        )
    notes.extend(_platform_names_note(m))
    n_brand = int(scalar(m.brand.sum()) or 0)
    if n_brand == 0:
        notes.append(
            "No brand replies at all: every thread counts as unanswered. Set brand.handles in "
            "socialproof.toml to the author ids your team replies from."
        )
    return notes


def _platform_names_note(m: ir.Table) -> list[str]:
    """A note when messages stored before imports named platforms as socialproof does
    ('Twitter', 'x.com' for x) count them as platforms of their own."""
    from socialproof.ingest.platform_names import platform_id
    from socialproof.workspace import engine

    names = [str(n) for n in engine.execute(m.select(p=m.platform).distinct())["p"] if n]
    old = sorted(n for n in names if platform_id(n) != n)
    if not old:
        return []
    said = ", ".join(f"'{n}' ({platform_id(n)})" for n in old)
    return [
        f"Messages imported before platform names were read count {said} as platforms of "
        "their own: undo those imports ('socialproof imports' lists them) and import the "
        "files again to count each network once."
    ]


def _derive(df: pd.DataFrame, ws: Workspace, sla: float, latest: Any) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    from socialproof.community._periods import business_seconds

    df = df.copy()
    for col in ("opened_at", "first_response_at", "last_brand_at", "last_opener_at"):
        df[col] = pd.to_datetime(df[col])
    df["answered"] = df["first_response_at"].notna()
    sign = df.pop("agent_sign").fillna("").astype(str)
    df["agent"] = df["agent"].where(sign == "", df["agent"].astype(str) + " " + sign)
    df["resolved"] = df["last_brand_at"].notna() & (
        df["last_opener_at"].isna() | (df["last_brand_at"] >= df["last_opener_at"])
    )
    df["first_response_s"] = (df["first_response_at"] - df["opened_at"]).dt.total_seconds()
    df["resolution_s"] = (
        (df["last_brand_at"] - df["opened_at"]).dt.total_seconds().where(df["resolved"])
    )
    tz = ws.settings.tz
    bh = ws.settings.business_hours
    b_open = business_seconds(df["opened_at"].to_numpy(), tz, bh)
    b_first = business_seconds(df["first_response_at"].to_numpy(), tz, bh)
    b_last = business_seconds(df["last_brand_at"].to_numpy(), tz, bh)
    df["first_response_bh_s"] = b_first - b_open
    df["resolution_bh_s"] = pd.Series(b_last - b_open, index=df.index).where(df["resolved"])
    # opened outside working hours and answered before they began: no working time ran
    b_open_after = business_seconds((df["opened_at"] + pd.Timedelta(seconds=1)).to_numpy(), tz, bh)
    in_hours = (b_open_after - b_open) > 0
    df["off_hours"] = df["answered"] & ~in_hours & (df["first_response_bh_s"] <= 0)
    df["within_sla"] = df["answered"] & (df["first_response_s"] <= sla * 3600)
    df["within_sla_bh"] = df["answered"] & (df["first_response_bh_s"] <= sla * 3600)
    latest_ts = pd.Timestamp(latest) if latest is not None else df["opened_at"].max()
    waited = pd.Series(latest_ts, index=df.index, dtype="datetime64[ns]") - df["opened_at"]
    df["waiting_h"] = np.where(df["answered"], np.nan, waited.dt.total_seconds() / 3600)
    # who waits for the brand (:func:`_waiting_again` fills in the answered ones)
    df["state"] = [None if a else UNANSWERED for a in df["answered"].tolist()]
    df["waiting_since"] = df["opened_at"].where(~df["answered"])
    df["waiting_text"] = df["opening_text"].where(~df["answered"])
    df["partial"] = df["partial"].fillna(False).astype(bool)
    df["clock_anomalies"] = df["clock_anomalies"].fillna(0).astype("int64")
    df["messages"] = df["messages"].astype("int64")
    df["brand_messages"] = df["brand_messages"].fillna(0).astype("int64")
    return df


def _waiting_again(m: ir.Table, df: pd.DataFrame, latest: Any) -> pd.DataFrame:
    """``df`` (from :func:`_derive`) with the answered threads whose opener wrote after the
    brand's last message marked "waiting again": waiting since the opener's first message
    after it (its text is ``waiting_text``), to ``latest``. Reads the customer messages of
    those threads only."""
    import ibis
    import pandas as pd

    from socialproof.workspace import engine

    again = df.loc[df["answered"] & ~df["resolved"], ["platform", "thread_key", "opener"]]
    again = again.assign(last_brand_at=df.loc[again.index, "last_brand_at"])
    if not len(again):
        return df
    keys = ibis.memtable(again[["platform", "thread_key"]].astype(str).reset_index(drop=True))
    # the wait starts at the first message that is more than a "thanks"
    cust = m.filter(~m.brand & ~closing_expr(m.text)).semi_join(keys, ["platform", "thread_key"])
    rows = engine.execute(cust.select("platform", "thread_key", "author_id", "created_at", "text"))
    rows["created_at"] = pd.to_datetime(rows["created_at"])
    rows = rows.merge(again, on=["platform", "thread_key"])
    rows = rows[
        (rows["author_id"] == rows["opener"]) & (rows["created_at"] > rows["last_brand_at"])
    ]
    first = (
        rows.sort_values(["created_at", "text"], kind="stable")
        .drop_duplicates(["platform", "thread_key"])
        .set_index(["platform", "thread_key"])
    )
    at = pd.MultiIndex.from_frame(df[["platform", "thread_key"]])
    found = at.isin(first.index)
    if not found.any():
        return df
    df = df.copy()
    hit = first.reindex(at[found])
    df.loc[found, "state"] = WAITING_AGAIN
    df.loc[found, "waiting_since"] = hit["created_at"].to_numpy()
    df.loc[found, "waiting_text"] = hit["text"].to_numpy()
    latest_ts = pd.Timestamp(latest) if latest is not None else df["opened_at"].max()
    waited = (latest_ts - pd.to_datetime(df.loc[found, "waiting_since"])).dt.total_seconds()
    df.loc[found, "waiting_h"] = waited.to_numpy() / 3600
    return df


def _q(values: pd.Series, q: float) -> float | None:
    v = values.dropna()
    return None if v.empty else float(v.quantile(q))


def _fastest90(values: pd.Series) -> float | None:
    """Meta's page response time: the mean of the fastest 90 % of first responses."""
    import math

    v = values.dropna().sort_values()
    if v.empty:
        return None
    keep = max(1, math.ceil(0.9 * len(v)))
    return float(v.iloc[:keep].mean())


def summarise(df: pd.DataFrame, sla: float) -> dict[str, Any]:
    """Headline response metrics of a set of threads (times in hours)."""

    def hours(x: float | None) -> float | None:
        return None if x is None else x / 3600

    n = len(df)
    answered = int(df["answered"].sum()) if n else 0
    on_clock = df[~df["off_hours"]] if n else df
    return {
        "threads": n,
        "answered": answered,
        "unanswered": n - answered,
        "response_rate": answered / n if n else None,
        "within_sla_rate": float(df["within_sla"].sum()) / n if n else None,
        "within_sla_bh_rate": float(df["within_sla_bh"].sum()) / n if n else None,
        "sla_hours": sla,
        "median_first_response_h": hours(_q(df["first_response_s"], 0.5)) if n else None,
        "fastest90_mean_first_response_h": hours(_fastest90(df["first_response_s"])) if n else None,
        "p90_first_response_h": hours(_q(df["first_response_s"], 0.9)) if n else None,
        "median_first_response_bh_h": hours(_q(on_clock["first_response_bh_s"], 0.5))
        if n
        else None,
        "p90_first_response_bh_h": hours(_q(on_clock["first_response_bh_s"], 0.9)) if n else None,
        "off_hours": int(df["off_hours"].sum()) if n else 0,
        "resolved": int(df["resolved"].sum()) if n else 0,
        "median_resolution_h": hours(_q(df["resolution_s"], 0.5)) if n else None,
        "p90_resolution_h": hours(_q(df["resolution_s"], 0.9)) if n else None,
        "median_resolution_bh_h": hours(_q(on_clock["resolution_bh_s"], 0.5)) if n else None,
    }


def _off_hours_notes(overall: dict[str, Any], ws: Workspace) -> list[str]:
    off, answered = int(overall["off_hours"]), int(overall["answered"])
    if not off:
        return []
    bh = ws.settings.business_hours
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    days = ", ".join(names[d] for d in sorted(bh.weekdays))
    hours = f"{bh.start:%H:%M}-{bh.end:%H:%M} {days}, {ws.settings.timezone}"
    notes = [
        f"{off:,} of {answered:,} answered thread(s) were opened and answered outside business "
        f"hours ({hours}): they waited no working time, count as within the business-hours "
        "SLA and are left out of the business-hours medians."
    ]
    if off * 2 > answered:
        notes.append(
            "Most replies fall outside the business hours set for this workspace: if the team "
            "works other hours or in another timezone, set [business_hours] and timezone in "
            "socialproof.toml."
        )
    return notes


def _split(df: pd.DataFrame, by: str, sla: float) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if df.empty:
        return rows
    for key, part in df.groupby(by, sort=True, dropna=False):
        s = summarise(part, sla)
        rows.append(
            {
                by: key if key not in ("", None) else "(none)",
                "threads": s["threads"],
                "answered": s["answered"],
                "response_rate": s["response_rate"],
                "within_sla_rate": s["within_sla_rate"],
                "within_sla_bh_rate": s["within_sla_bh_rate"],
                "median_first_response_h": s["median_first_response_h"],
                "p90_first_response_h": s["p90_first_response_h"],
                "median_first_response_bh_h": s["median_first_response_bh_h"],
                "median_resolution_h": s["median_resolution_h"],
            }
        )
    rows.sort(key=lambda r: -int(r["threads"]))
    return rows
