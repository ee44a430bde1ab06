"""The platform audit's results: thresholds, dataclasses and their tabular views.

Thresholds (documented, used everywhere in the audit):

- :data:`MIN_POSTS` posts on an account before formats, timing or benchmarks
  are judged at all;
- :data:`MIN_BUCKET_POSTS` posts in a format, weekday or hour before it is
  compared with the rest;
- a format or time must beat the account's rate by :data:`LIFT` (20 %) to be
  recommended, and the text says it is an observation to test with a pilot;
- cadence is judged only over :data:`MIN_SPAN_DAYS` days or more, and called
  low below :data:`CADENCE_LOW` × the benchmark (high above :data:`CADENCE_HIGH` ×).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import date

    import pandas as pd

MIN_POSTS = 10
MIN_BUCKET_POSTS = 5
LIFT = 1.2
CADENCE_LOW = 0.75
CADENCE_HIGH = 1.5
MIN_SPAN_DAYS = 14
BASE_COVERAGE = 0.8  # share of posts that must carry a base for it to be used
TOP_N = 5
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
BASE_KPI = {
    "reach": "engagement_rate_reach",
    "impressions": "engagement_rate_impressions",
    "views": "engagement_rate_views",
    "followers": "engagement_rate_followers",
}
BASE_COLUMN = {
    "reach": "reach",
    "impressions": "impressions",
    "views": "views",
    "followers": "followers",
}
FACET_KPIS = ("posts", "interactions", *BASE_KPI.values())


@dataclass
class Recommendation:
    kind: str  # cadence, format, timing, benchmark, growth
    text: str
    evidence: str


@dataclass
class AccountAudit:
    platform: str
    account: str
    first: date
    last: date
    posts: int
    days: int
    posts_per_week: float
    base: str  # base of the engagement rates shown ('' when no base is known)
    engagement_rate: float | None  # ratio of sums over all posts, on ``base``
    median_rate: float | None  # median of per-post rates, on ``base``
    #: posts with both interactions and ``base`` (those ``engagement_rate`` sums over)
    rated_posts: int = 0
    median_posts: int = 0  # posts with a rate of their own (those ``median_rate`` is of)
    #: of those, posts whose reach is their largest day's: rates by reach are upper bounds
    floor_posts: int = 0
    format_mix: list[dict[str, Any]] = field(default_factory=list)
    by_weekday: list[dict[str, Any]] = field(default_factory=list)
    by_hour: list[dict[str, Any]] = field(default_factory=list)
    top: list[dict[str, Any]] = field(default_factory=list)
    bottom: list[dict[str, Any]] = field(default_factory=list)
    growth: dict[str, Any] | None = None
    growth_series: list[dict[str, Any]] = field(default_factory=list)
    benchmarks: list[dict[str, Any]] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    untimed: int = 0  # posts whose export gave a date without a time of day
    min_base: float = 0.0  # top and bottom posts are ranked only on a base this large
    unranked_small: int = 0  # rated posts left out of them for a smaller base
    audience: list[dict[str, Any]] = field(default_factory=list)  # see audit_audience.py

    @property
    def enough(self) -> bool:
        return self.posts >= MIN_POSTS


@dataclass
class Audit:
    accounts: list[AccountAudit]
    since: date | None
    until: date | None
    timezone: str
    industry: str
    notes: list[str] = field(default_factory=list)

    def summary(self) -> list[dict[str, Any]]:
        """One row per platform and account (for tables, CSV, Parquet)."""
        rows = []
        for a in self.accounts:
            cadence = next((b for b in a.benchmarks if b["metric"] == "posts_per_week"), None)
            rows.append(
                {
                    "platform": a.platform,
                    "account": a.account,
                    "first": a.first,
                    "last": a.last,
                    "posts": a.posts,
                    "posts_without_time": a.untimed,
                    "posts_per_week": a.posts_per_week,
                    "benchmark_posts_per_week": cadence["benchmark"] if cadence else None,
                    "base": a.base,
                    "engagement_rate": a.engagement_rate,
                    "rated_posts": a.rated_posts,
                    "median_post_rate": a.median_rate,
                    "median_posts": a.median_posts,
                    "rates_upper_bound": bool(a.floor_posts),
                    "followers_gained": (a.growth or {}).get("followers_gained"),
                    "follower_growth_rate": (a.growth or {}).get("follower_growth_rate"),
                    "recommendations": len(a.recommendations),
                    "enough_data": a.enough,
                }
            )
        return rows

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready (dates as ISO strings, NaN as None)."""
        return _json_ready(self._dict())  # type: ignore[no-any-return]

    def _dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "timezone": self.timezone,
            "industry": self.industry,
            "notes": self.notes,
            "thresholds": {
                "min_posts": MIN_POSTS,
                "min_bucket_posts": MIN_BUCKET_POSTS,
                "lift": LIFT,
                "min_span_days": MIN_SPAN_DAYS,
            },
            "accounts": [asdict(a) for a in self.accounts],
        }


def _json_ready(value: Any) -> Any:
    from socialproof.render.tables import plain as plain_value

    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    plain = plain_value(value)
    if plain is None or isinstance(plain, (str, int, float, bool)):
        return plain
    return str(plain)


def to_int(value: Any) -> int | None:
    f = to_float(value)
    return None if f is None else round(f)


def to_float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def span_text(g: dict[str, Any]) -> str:
    """'over N days (first to last)' of a growth entry, with the days holding figures when
    fewer (a gain over 3 days of data spread over 60 is a gain over 60 days)."""
    days = int(g.get("days") or 0)
    text = f"over {days:,} day{'' if days == 1 else 's'}"
    if g.get("first_day") and g.get("last_day"):
        text += f" ({g['first_day']} to {g['last_day']}"
        with_data = int(g.get("days_with_data") or 0)
        if 0 < with_data < days:
            text += f"; follower figures on {with_data:,} of them"
        text += ")"
    return text


def pct_text(v: float | None) -> str:
    return "n/a" if v is None else f"{v * 100:.2f} %"


def summary_frame(result: Audit) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(result.summary())


def recommendations_frame(result: Audit) -> list[dict[str, Any]]:
    rows = []
    for a in result.accounts:
        for r in a.recommendations:
            rows.append(
                {
                    "platform": a.platform,
                    "account": a.account,
                    "kind": r.kind,
                    "recommendation": r.text,
                    "evidence": r.evidence,
                }
            )
        for c in a.caveats:
            rows.append(
                {
                    "platform": a.platform,
                    "account": a.account,
                    "kind": "caveat",
                    "recommendation": c,
                    "evidence": "",
                }
            )
    return rows


def summary_for_people(result: Audit) -> list[dict[str, Any]]:
    """The summary as a terminal reads it: fewer columns, rates as percentages."""
    rows = []
    for r in result.summary():
        base = r["base"] or "no base"
        mark = "≤ " if r["rates_upper_bound"] else ""
        rows.append(
            {
                "platform": r["platform"],
                "account": r["account"],
                "posts": r["posts"],
                "posts/week": round(r["posts_per_week"], 2),  # as the benchmark: 3.15, not 3.10
                "benchmark/week": r["benchmark_posts_per_week"],
                "engagement rate": f"{mark}{pct_text(r['engagement_rate'])} by {base}"
                + _over(r["rated_posts"], r["posts"], r["engagement_rate"]),
                "median post": f"{mark}{pct_text(r['median_post_rate'])}"
                + _over(r["median_posts"], r["posts"], r["median_post_rate"]),
                "followers gained": r["followers_gained"],
                "advice": r["recommendations"],
            }
        )
    return rows


def _over(used: int, posts: int, value: float | None) -> str:
    """' (8 of 10 posts)': how many posts a rate covers, when not all of them."""
    if value is None or used == posts:
        return ""
    return f" ({used:,} of {posts:,} posts)"
