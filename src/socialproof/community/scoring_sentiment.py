"""Sentiment over time: scored member messages per period, with net sentiment.

:func:`sentiment_by_period` counts the labels stored in ``message_scores`` for the
member messages of a scope, per period; :func:`net_sentiment` is Talkwalker's
(positive - negative) / (positive + negative).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socialproof.community.threads import Scope, in_scope, messages_expr

if TYPE_CHECKING:
    import pandas as pd

    from socialproof.workspace.core import Workspace


def net_sentiment(pos: float, neg: float) -> float | None:
    """Talkwalker net sentiment, (positive - negative) / (positive + negative); None if 0/0."""
    return None if pos + neg == 0 else (pos - neg) / (pos + neg)


def sentiment_by_period(
    ws: Workspace, scope: Scope | None = None, *, period: str = "week"
) -> pd.DataFrame:
    """Scored member messages per period: counts per label and net sentiment."""
    import ibis

    from socialproof.community.groups import with_periods
    from socialproof.workspace import engine

    scope = scope or Scope()
    with ws.ibis() as con:
        m = messages_expr(con, ws, scope, threads=False)
        m = m.filter(~m.brand)
        m = in_scope(m, ws, scope)
        s = engine.table(con, "message_scores")
        s = s.filter(s.sentiment.notnull()).select(
            s_platform=s.platform, s_id=s.message_id, sentiment=s.sentiment
        )
        j = m.join(s, [m.platform == s.s_platform, m.message_id == s.s_id])
        j = with_periods(j, ws, period)

        def n(label: str) -> Any:
            return ibis.cases((j.sentiment == label, 1), else_=0).sum()

        expr = j.group_by("period").aggregate(
            messages=j.count(), positive=n("positive"), neutral=n("neutral"), negative=n("negative")
        )
        df = engine.execute(expr.order_by("period"))
    df["net_sentiment"] = [
        net_sentiment(p, q) for p, q in zip(df["positive"], df["negative"], strict=True)
    ]
    return df
