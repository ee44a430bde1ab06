"""Engagement in groups (communities, subreddits, pages) per period.

For each platform, group (``group_id``; messages without one form the group
"(none)") and period (day, ISO week starting Monday, or month, in the workspace
timezone):

* **active members**: distinct non-brand authors who wrote in the period; an author
  the export does not name (empty, '[deleted]', 'Facebook User', ...: see
  :mod:`socialproof.community.authors`) is nobody in particular and not counted;
* **messages per member**: their messages divided by active members (named ones);
* **replies per thread**: messages that are not the first of their thread, over
  the threads active in the period;
* **member-to-member share**: the share of active threads where a member replied
  to another member (a reply link from one member to a different member; in
  threads without reply links, two or more members writing in it);
* **new / returning members**: active members whose first message in this group
  (in the whole workspace) falls in the period, and the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.community.threads import Scope, in_scope, messages_expr, scalar
from socialproof.errors import UsageError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd

    from socialproof.workspace.core import Workspace


@dataclass
class GroupEngagement:
    """Per group and period rows, totals per group, and notes."""

    period: str
    rows: pd.DataFrame
    by_group: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def with_periods(m: ir.Table, ws: Workspace, period: str) -> ir.Table:
    """Add ``period`` (local start date of the day/week/month) to a messages expression."""
    from socialproof.community._periods import PERIODS, local_expr, period_expr

    if period not in PERIODS:
        raise UsageError(f"Unknown period {period!r}.", hint=f"Use one of: {', '.join(PERIODS)}.")
    import pandas as pd

    lo, hi = scalar(m.created_at.min()), scalar(m.created_at.max())
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):  # no rows
        return m.mutate(period=m.created_at.date())
    local = local_expr(m.created_at, ws.settings.tz, _py(lo), _py(hi))
    return m.mutate(period=period_expr(local, period))


def _py(value: Any) -> Any:
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value


def engagement(
    ws: Workspace, scope: Scope | None = None, *, period: str = "week"
) -> GroupEngagement:
    """Engagement in groups per period (see module docs for the definitions)."""
    import ibis
    import pandas as pd

    from socialproof.community.authors import member_expr
    from socialproof.workspace import engine

    scope = scope or Scope()
    with ws.ibis() as con, messages_expr(con, ws, scope).cache() as cached:
        m = cached
        m = with_periods(m, ws, period)
        m = m.mutate(member=member_expr(m.author_id))
        thread_w = ibis.window(group_by=[m.platform, m.thread_key])
        m = m.mutate(
            is_reply=m.parent_id.notnull() | (m.created_at > m.created_at.min().over(thread_w)),
            m2m_link=m.parent_author.notnull()
            & ~m.brand
            & ~m.parent_brand.fill_null(False)
            & (m.author_id != m.parent_author),
            has_links=m.parent_id.notnull().any().over(thread_w),
        )
        # "first seen" uses the whole history of the group, before the date filter
        members = m.filter(~m.brand & m.member.notnull())
        first = members.group_by(["platform", "group_id", "member"]).aggregate(
            first_period=members.period.min()
        )
        m = in_scope(m, ws, scope)
        keys = ["platform", "group_id", "period"]
        per_thread = m.group_by([*keys, "thread_key"]).aggregate(
            m2m=m.m2m_link.any(),
            links=m.has_links.any(),
            members=m.member.nunique(where=~m.brand),
        )
        flag = per_thread.m2m | (~per_thread.links & (per_thread.members >= 2))
        m2m = per_thread.group_by(keys).aggregate(m2m_threads=ibis.cases((flag, 1), else_=0).sum())
        base = m.group_by(keys).aggregate(
            messages=m.count(),
            member_messages=ibis.cases((~m.brand, 1), else_=0).sum(),
            named_messages=(~m.brand & m.member.notnull()).sum(),
            brand_messages=ibis.cases((m.brand, 1), else_=0).sum(),
            active_members=m.member.nunique(where=~m.brand),
            threads=m.thread_key.nunique(),
            replies=ibis.cases((m.is_reply, 1), else_=0).sum(),
        )
        new = first.group_by(["platform", "group_id", first.first_period.name("period")]).aggregate(
            new_members=first.count()
        )
        out = base.join(m2m, keys).left_join(new, keys)
        out = out.select(
            *keys, *[c for c in out.columns if c not in keys and not c.endswith("_right")]
        )
        df = engine.execute(out.order_by(keys))
        totals_expr = m.group_by(["platform", "group_id"]).aggregate(
            messages=m.count(),
            member_messages=ibis.cases((~m.brand, 1), else_=0).sum(),
            named_messages=(~m.brand & m.member.notnull()).sum(),
            members=m.member.nunique(where=~m.brand),
            threads=m.thread_key.nunique(),
            replies=ibis.cases((m.is_reply, 1), else_=0).sum(),
            unknown=(~m.brand & m.member.isnull()).sum(),
            first_message=m.created_at.min(),
            last_message=m.created_at.max(),
        )
        totals = engine.execute(totals_expr.order_by(["platform", "group_id"]))
    df = _finish(df)
    totals["group_id"] = totals["group_id"].replace("", "(none)")
    totals["messages_per_member"] = _ratio(totals.pop("named_messages"), totals["members"])
    totals["replies_per_thread"] = _ratio(totals["replies"], totals["threads"])
    notes = []
    if df.empty:
        notes.append("No messages in this range.")
    if len(df) and int(df["active_members"].sum()) == 0:
        notes.append("Only brand messages here: no members to measure.")
    unknown = int(pd.to_numeric(totals.pop("unknown")).fillna(0).sum())
    if unknown:
        notes.append(
            f"{unknown:,} member message(s) have no known author (empty, '[deleted]' or a "
            "placeholder such as 'Facebook User'): they count as messages, not as members."
        )
    return GroupEngagement(period, df, totals, notes)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num.astype("float64") / den.astype("float64")).where(den > 0)


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    df = df.copy()
    for col in (
        "messages",
        "member_messages",
        "named_messages",
        "brand_messages",
        "active_members",
        "threads",
        "replies",
        "m2m_threads",
        "new_members",
    ):
        df[col] = pd.to_numeric(df[col]).fillna(0).astype("int64")
    df["group_id"] = df["group_id"].replace("", "(none)")
    df["returning_members"] = df["active_members"] - df["new_members"]
    df["messages_per_member"] = _ratio(df["named_messages"], df["active_members"])
    df["replies_per_thread"] = _ratio(df["replies"], df["threads"])
    df["member_to_member_share"] = _ratio(df["m2m_threads"], df["threads"])
    df["period"] = pd.to_datetime(df["period"]).dt.date
    cols = [
        "platform",
        "group_id",
        "period",
        "active_members",
        "new_members",
        "returning_members",
        "messages",
        "member_messages",
        "brand_messages",
        "messages_per_member",
        "threads",
        "replies",
        "replies_per_thread",
        "m2m_threads",
        "member_to_member_share",
    ]
    return df[cols]
