"""The audit's audience view: who follows each account and when they are online.

Read from the ``audience`` table (TikTok follower files, Instagram's Audience
export; see ``ingest/audience.py``). Shares come from the latest snapshot of each
breakdown; online hours average the active followers of every day imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis

TOP_SEGMENTS = 5
PEAK_HOURS = 3
_WHAT = {
    "age_gender": "age and gender",
    "age": "age",
    "gender": "gender",
    "country": "countries",
    "city": "cities",
}


def audience_rows(con: ibis.BaseBackend) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(platform, account) -> rows {'audience', 'as of', 'segments'} for the audit."""
    from socialproof.workspace import engine

    if engine.is_empty(con, "audience"):
        return {}
    frame = engine.execute(con.table("audience"))
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    frame["account"] = frame["account"].fillna("")
    for (platform, account), rows in frame.groupby(["platform", "account"], sort=True):
        found: list[dict[str, Any]] = []
        shares = rows[rows["metric"] == "share"]
        for dimension, part in shares.groupby("dimension", sort=False):
            latest = part[part["date_stop"] == part["date_stop"].max()]
            top = latest.sort_values(["value", "segment"], ascending=[False, True])
            top = top.head(TOP_SEGMENTS)
            found.append(
                {
                    "audience": _WHAT.get(str(dimension), str(dimension)),
                    "as of": _days(latest["date_start"].min(), latest["date_stop"].max()),
                    "segments": ", ".join(
                        f"{s} {_share(v)}"
                        for s, v in zip(top["segment"], top["value"], strict=True)
                    ),
                }
            )
        hours = rows[(rows["metric"] == "active_followers") & (rows["dimension"] == "hour")]
        if not hours.empty:
            mean = hours.groupby("segment")["value"].mean().sort_values(ascending=False)
            peak = mean.head(PEAK_HOURS)
            found.append(
                {
                    "audience": "most online (average active followers)",
                    "as of": _days(hours["date_start"].min(), hours["date_stop"].max()),
                    "segments": ", ".join(
                        f"{int(h):02d}:00 ({v:,.0f})" for h, v in zip(peak.index, peak, strict=True)
                    ),
                }
            )
        out[(str(platform), str(account))] = found
    return out


def _days(first: Any, last: Any) -> str:
    a, b = str(first)[:10], str(last)[:10]
    return a if a == b else f"{a}..{b}"


def _share(v: float) -> str:
    """A share as a whole percent; under 0.5 % (which rounds to 0 %) with one decimal, and
    '<0.1%' below that, so a small segment never reads as none."""
    if v <= 0 or v >= 0.005:
        return f"{v:.0%}"
    return f"{v:.1%}" if v >= 0.0005 else "<0.1%"
