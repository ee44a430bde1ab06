"""Evidence for a new case study, taken from what the workspace holds.

``portfolio new`` points the template's outcome at a campaign, platform or set
of messages the workspace has imported, so the first ``portfolio check``
computes a real figure instead of showing a made-up one. When the workspace
holds nothing that fits (or the work is a mock), the evidence is left as a
placeholder for the user to choose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialproof.workspace import Workspace


@dataclass(frozen=True)
class Suggestion:
    """One outcome's evidence: a KPI over a filter and a period the workspace holds."""

    label: str
    kpi: str | None = None  # a KPI computed from rows (kpi:)
    community: str | None = None  # a community metric (community:)
    where: dict[str, str] = field(default_factory=dict)
    start: date | None = None
    end: date | None = None
    platforms: tuple[str, ...] = ()
    others: tuple[str, ...] = ()  # other choices, for a comment in the template
    what: str = ""  # 'campaign', 'platform', ... for that comment
    extra: tuple[tuple[str, str], ...] = ()  # more outcomes over the same filter: (label, kpi)


def _day(value: Any) -> date | None:
    if value is None or value != value:  # None or NaN/NaT
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "date"):
        return value.date()  # type: ignore[no-any-return]
    return None


def _rows(ws: Workspace, table: str, build: Any) -> list[dict[str, Any]]:
    with ws.ibis() as con:
        if table not in con.list_tables():
            return []
        t = con.table(table)
        frame = build(t).execute()
    return list(frame.to_dict(orient="records"))


def suggest_evidence(ws: Workspace, kind: str) -> Suggestion | None:
    """The evidence a new case study of ``kind`` should start from, or None."""
    if kind == "paid":
        return _paid(ws)
    if kind == "organic":
        return _organic(ws)
    if kind == "community":
        return _community(ws)
    return None  # mock work is spec work: its figures are not in the workspace


def _paid(ws: Workspace) -> Suggestion | None:
    def build(t: Any) -> Any:
        t = t.filter(t.campaign.notnull() & (t.campaign != ""))
        return (
            t.group_by("campaign")
            .aggregate(
                first=t.date_start.min(),
                last=t.date_stop.max(),
                spend=t.spend.sum(),
                platform=t.platform.max(),
            )
            .order_by([t.campaign])
        )

    rows = _rows(ws, "ad_stats", build)
    rows = [r for r in rows if _day(r["last"]) is not None]
    if not rows:
        return None
    rows.sort(key=lambda r: (_day(r["last"]), r["spend"] or 0.0), reverse=True)
    top = rows[0]
    return Suggestion(
        label="Cost per result",
        kpi="cost_per_result",
        where={"campaign": str(top["campaign"])},
        start=_day(top["first"]),
        end=_day(top["last"]),
        platforms=(str(top["platform"]),) if top.get("platform") else (),
        others=tuple(str(r["campaign"]) for r in rows[1:6]),
        what="campaign",
        extra=(("Link click-through rate", "ctr_link"),),
    )


def _organic(ws: Workspace) -> Suggestion | None:
    def build(t: Any) -> Any:
        return (
            t.group_by("platform")
            .aggregate(
                posts=t.count(),
                with_reach=t.reach.count(),
                with_impressions=t.impressions.count(),
                first=t.published_at.min(),
                last=t.published_at.max(),
            )
            .order_by([t.platform])
        )

    rows = [r for r in _rows(ws, "posts", build) if r["platform"] and _day(r["last"])]
    if not rows:
        return None
    rows.sort(key=lambda r: (r["posts"], str(r["platform"])), reverse=True)
    top = rows[0]
    if top["with_reach"]:
        label, kpi = "Engagement rate (by reach)", "engagement_rate_reach"
    elif top["with_impressions"]:
        label, kpi = "Engagement rate (by impressions)", "engagement_rate_impressions"
    else:
        label, kpi = "Engagement rate (by views)", "engagement_rate_views"
    return Suggestion(
        label=label,
        kpi=kpi,
        where={"platform": str(top["platform"])},
        start=_day(top["first"]),
        end=_day(top["last"]),
        platforms=(str(top["platform"]),),
        others=tuple(str(r["platform"]) for r in rows[1:6]),
        what="platform",
    )


def _community(ws: Workspace) -> Suggestion | None:
    def build(t: Any) -> Any:
        return t.aggregate(n=t.count(), first=t.created_at.min(), last=t.created_at.max())

    rows = _rows(ws, "messages", build)
    if not rows or not rows[0]["n"]:
        return None
    return Suggestion(
        label="Response rate",
        community="response_rate",
        start=_day(rows[0]["first"]),
        end=_day(rows[0]["last"]),
        what="messages",
    )
