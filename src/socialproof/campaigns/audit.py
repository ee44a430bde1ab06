"""Platform audit: per platform and account, what the posts say and what to do about it.

For each (platform, account): posting cadence against published benchmarks,
format mix, engagement rate by format, weekday and hour (the base of the rate
is named: reach where the export has it for most posts, else impressions,
views or followers), top and bottom posts, follower growth, a comparison with
the packaged benchmark table, and recommendations that each carry the numbers
that produced them.

Claims need data. Thresholds (documented, used everywhere in this module):

- :data:`MIN_POSTS` posts on an account before formats, timing or benchmarks
  are judged at all;
- :data:`MIN_BUCKET_POSTS` posts in a format, weekday or hour before it is
  compared with the rest;
- a format or time must beat the account's rate by :data:`LIFT` (20 %) to be
  recommended, and the text says it is an observation to test with a pilot;
- cadence is judged only over :data:`MIN_SPAN_DAYS` days or more.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.campaigns import benchmarks as bench
from socialproof.campaigns._period import date_range
from socialproof.errors import NoData

if TYPE_CHECKING:
    from datetime import date

    import ibis.expr.types as ir
    import pandas as pd

    from socialproof.workspace import Workspace

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
                    "posts_per_week": a.posts_per_week,
                    "benchmark_posts_per_week": cadence["benchmark"] if cadence else None,
                    "base": a.base,
                    "engagement_rate": a.engagement_rate,
                    "median_post_rate": a.median_rate,
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
    from socialproof.render.tables import _plain

    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    plain = _plain(value)
    if plain is None or isinstance(plain, (str, int, float, bool)):
        return plain
    return str(plain)


def audit(
    ws: Workspace,
    *,
    platform: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
) -> Audit:
    """Audit every platform and account in the workspace (or one platform)."""
    import ibis
    import ibis.expr.datatypes as dt

    from socialproof.metrics import _ops, registry, views
    from socialproof.workspace import engine

    start, end = date_range(since, until)
    tz = ws.settings.timezone
    industry = ws.settings.industry
    result = Audit([], start, end, tz, industry)
    with engine.backend(ws) as con, ExitStack() as stack:
        if engine.is_empty(con, "posts"):
            raise NoData(
                "The workspace has no posts to audit.",
                hint="Import posts exports first (Meta Business Suite, TikTok Studio, LinkedIn, "
                "X, YouTube): socialproof import FILE.",
            )
        p = views.view(con, "posts", timezone=tz)
        if platform:
            present = sorted(
                str(x) for x in engine.execute(p.select("platform").distinct())["platform"]
            )
            if platform.lower() not in present:
                raise NoData(
                    f"No posts from {platform!r}.",
                    hint=f"Platforms in this workspace: {', '.join(present)}.",
                )
            p = p.filter(p.platform == platform.lower())
        local = _ops.local_time(p.published_at, tz)
        p = p.mutate(
            _local=local,
            weekday=local.day_of_week.index(),
            hour=local.hour(),
            format=p.format.fill_null("").nullif("").fill_null("unknown"),
            account=p.account.fill_null(""),
        )
        if start is not None:
            p = p.filter(p._local.cast(dt.date) >= start)
        if end is not None:
            p = p.filter(p._local.cast(dt.date) <= end)
        inter = _ops.interactions(p)
        p = _materialize(
            con,
            p.select(
                "platform",
                "account",
                "post_id",
                "format",
                "permalink",
                "published_at",
                "_local",
                "weekday",
                "hour",
                *KPI_COLUMNS,
                _title=p.title.coalesce(p.text).substr(0, 80),
                _inter=inter,
                _rate_followers=_ops.safe_div(inter, p.followers),
                _rate_impressions=_ops.safe_div(inter, p.impressions),
                _rate_views=_ops.safe_div(inter, p.views),
            ),
            stack,
        )
        inter = p._inter
        summary = engine.execute(
            p.group_by(["platform", "account"])
            .aggregate(
                posts=p.count(),
                first=p._local.min(),
                last=p._local.max(),
                n_reach=(p.reach > 0).fill_null(False).sum(),
                n_impressions=(p.impressions > 0).fill_null(False).sum(),
                n_views=(p.views > 0).fill_null(False).sum(),
                n_followers=(p.followers > 0).fill_null(False).sum(),
                n_inter=inter.notnull().fill_null(False).sum(),
            )
            .order_by(["platform", "account"])
        )
        if summary.empty:
            raise NoData(
                f"No posts between {start or 'the first day'} and {end or 'the last day'}.",
                hint="Widen --since/--until.",
            )
        bases = {(str(r.platform), str(r.account)): _pick_base(r) for r in summary.itertuples()}
        facts = p
        codes = {"reach": 0, "impressions": 1, "views": 2, "followers": 3}
        base_t = ibis.memtable(
            {
                "_pl": [k[0] for k in bases],
                "_ac": [k[1] for k in bases],
                "_base": [codes.get(b, -1) for b in bases.values()],
            }
        )
        rated = p.inner_join(base_t, [p.platform == base_t._pl, p.account == base_t._ac])
        den = ibis.cases(
            *[(rated._base == code, rated[col]) for col, code in codes.items()],
            else_=ibis.null("int64"),
        )
        rated = rated.mutate(_rate=_ops.safe_div(rated._inter, den))
        p = facts
        kpis = registry.resolve(list(FACET_KPIS), table="posts")
        overall = _rows(
            engine.execute(registry.compute(p, kpis, table="posts", by=["platform", "account"]))
        )
        facets = {
            name: _rows(
                engine.execute(
                    registry.compute(p, kpis, table="posts", by=["platform", "account", name])
                )
            )
            for name in ("format", "weekday", "hour")
        }
        medians = _rows(
            engine.execute(
                rated.group_by(["platform", "account"]).aggregate(
                    median_rate=rated._rate.median(),
                    median_followers=rated._rate_followers.median(),
                    median_impressions=rated._rate_impressions.median(),
                    median_views=rated._rate_views.median(),
                    _rated=rated._rate.count(),
                    _q=rated._rate.quantile(list(_LEVELS)),
                )
            )
        )
        extremes = engine.execute(_extremes(rated, medians))
        growth, series = _growth(con, start, end)
    for r in summary.itertuples():
        key = (str(r.platform), str(r.account))
        base = bases[key]
        acc = _account(r, base, overall.get(key, [{}])[0], medians.get(key, [{}])[0], start, end)
        acc.format_mix = _facet(facets["format"].get(key, []), "format", base, acc.posts)
        acc.by_weekday = _facet(facets["weekday"].get(key, []), "weekday", base, acc.posts)
        for row in acc.by_weekday:
            row["weekday"] = WEEKDAYS[int(row["weekday"])]
        acc.by_hour = _facet(facets["hour"].get(key, []), "hour", base, acc.posts)
        ext = extremes[(extremes["platform"] == r.platform) & (extremes["account"] == r.account)]
        acc.top = _posts(ext[ext["_top"] < TOP_N].sort_values("_top"))
        acc.bottom = _posts(ext[ext["_bottom"] < TOP_N].sort_values("_bottom"))
        acc.growth = growth.get(key)
        acc.growth_series = series.get(key, [])
        acc.benchmarks = _benchmarks(acc, medians.get(key, [{}])[0], r, industry)
        _advise(acc, industry)
        result.accounts.append(acc)
    for note in bench.industry_notes("all", "all"):
        result.notes.append(f"{note.note} ({note.source}, via summaries)")
    result.notes.append(
        f"Times are in {tz}. Engagement rates are interactions ÷ the base named per account "
        f"(reach where at least {BASE_COVERAGE:.0%} of posts carry it, else impressions, views "
        "or followers). Benchmarks are medians per post; ours is the median of per-post rates "
        "on the benchmark's base."
    )
    return result


KPI_COLUMNS = (
    "reach",
    "impressions",
    "views",
    "followers",
    "reactions",
    "comments",
    "shares",
    "saves",
    "clicks",
    "link_clicks",
    "follows",
    "engagements",
    "video_views",
    "video_completions",
    "watch_time_s",
)


def _materialize(con: Any, expr: ir.Table, stack: ExitStack) -> ir.Table:
    """The per-post table once, as a temporary table the later queries share.

    Backends that cannot create temporary tables get the expression back.
    """
    import uuid

    name = f"_socialproof_audit_{uuid.uuid4().hex[:12]}"
    try:
        table = con.create_table(name, expr, temp=True)
    except Exception:  # a backend without temporary tables: recompute per query instead
        return expr
    stack.callback(con.drop_table, name, force=True)
    return table  # type: ignore[no-any-return]


_LEVELS = (0.0001, 0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999)


def _extremes(p: ir.Table, medians: dict[tuple[str, str], list[dict[str, Any]]]) -> ir.Table:
    """Top and bottom TOP_N posts per account, ranking only a few candidates per account.

    Each account's per-post rate quantiles bound where its top and bottom posts lie; only
    posts beyond those bounds (at least 3 × TOP_N of them) are ranked, so no window sorts
    every post.
    """
    import ibis

    want = 3 * TOP_N
    pls: list[str] = []
    acs: list[str] = []
    highs: list[float] = []
    lows: list[float] = []
    for (pl, ac), recs in medians.items():
        rec = recs[0]
        n = int(_num(rec.get("_rated")) or 0)
        raw_q = rec.get("_q")
        qs = [float(q) for q in raw_q] if raw_q is not None else []
        top = [q for lvl, q in zip(_LEVELS, qs, strict=False) if (1 - lvl) * n >= want]
        low = [q for lvl, q in zip(_LEVELS, qs, strict=False) if lvl * n >= want]
        everything = len(qs) != len(_LEVELS) or not top or not low
        pls.append(pl)
        acs.append(ac)
        highs.append(float("-inf") if everything else top[-1])
        lows.append(float("inf") if everything else low[0])
    bounds = ibis.memtable({"_bpl": pls, "_bac": acs, "_high": highs, "_low": lows})
    joined = p.inner_join(bounds, [p.platform == bounds._bpl, p.account == bounds._bac])
    ranked = joined.filter(
        joined._rate.notnull() & ((joined._rate >= joined._high) | (joined._rate <= joined._low))
    )
    w_desc = ibis.window(
        group_by=[ranked.platform, ranked.account],
        order_by=[ibis.desc(ranked._rate), ranked.post_id],
    )
    w_asc = ibis.window(
        group_by=[ranked.platform, ranked.account], order_by=[ranked._rate, ranked.post_id]
    )
    ranked = ranked.mutate(
        _top=ibis.row_number().over(w_desc), _bottom=ibis.row_number().over(w_asc)
    )
    return ranked.filter((ranked._top < TOP_N) | (ranked._bottom < TOP_N)).select(
        "platform",
        "account",
        "post_id",
        "format",
        "permalink",
        published=ranked._local,
        title=ranked._title,
        interactions=ranked._inter,
        rate=ranked._rate,
        _top=ranked._top,
        _bottom=ranked._bottom,
    )


def _rows(frame: pd.DataFrame) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for rec in frame.to_dict(orient="records"):
        out.setdefault((str(rec["platform"]), str(rec["account"])), []).append(
            {str(k): v for k, v in rec.items()}
        )
    return out


def _pick_base(r: Any) -> str:
    for base in ("reach", "impressions", "views", "followers"):
        if getattr(r, f"n_{base}") >= BASE_COVERAGE * r.posts and getattr(r, f"n_{base}") > 0:
            return base
    return ""


def _int(value: Any) -> int | None:
    f = _num(value)
    return None if f is None else round(f)


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _account(
    r: Any,
    base: str,
    overall: dict[str, Any],
    med: dict[str, Any],
    start: date | None,
    end: date | None,
) -> AccountAudit:
    import pandas as pd

    first = pd.Timestamp(r.first).date()
    last = pd.Timestamp(r.last).date()
    span_start = start or first
    span_end = end or last
    days = max((span_end - span_start).days + 1, 1)
    acc = AccountAudit(
        platform=str(r.platform),
        account=str(r.account),
        first=first,
        last=last,
        posts=int(r.posts),
        days=days,
        posts_per_week=int(r.posts) / days * 7,
        base=base,
        engagement_rate=_num(overall.get(BASE_KPI[base])) if base else None,
        median_rate=_num(med.get("median_rate")),
    )
    if not base:
        acc.caveats.append(
            "The export has no reach, impressions, views or follower counts for "
            "most posts, so no engagement rate can be computed."
        )
    if acc.posts < MIN_POSTS:
        acc.caveats.append(
            f"Only {acc.posts} posts: too few to judge formats, timing or benchmarks (this audit "
            f"needs at least {MIN_POSTS}). The numbers are shown, not interpreted."
        )
    if days < MIN_SPAN_DAYS:
        acc.caveats.append(
            f"The period covers {days} days; posting cadence needs at least "
            f"{MIN_SPAN_DAYS} to be judged."
        )
    return acc


def _facet(rows: list[dict[str, Any]], name: str, base: str, total: int) -> list[dict[str, Any]]:
    out = []
    for rec in sorted(rows, key=lambda x: x[name]):
        n = int(rec["posts"])
        out.append(
            {
                name: rec[name],
                "posts": n,
                "share": n / total if total else None,
                "interactions": _int(rec.get("interactions")),
                "engagement_rate": _num(rec.get(BASE_KPI[base])) if base else None,
                "base": base,
                "enough_data": n >= MIN_BUCKET_POSTS,
            }
        )
    return out


def _posts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    cols = ["post_id", "published", "format", "title", "permalink", "interactions", "rate"]
    return [
        {c: (None if _missing(rec.get(c)) else rec.get(c)) for c in cols}
        for rec in frame.to_dict(orient="records")
    ]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _growth(
    con: Any, start: date | None, end: date | None
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str], list[dict[str, Any]]]]:
    from socialproof.metrics import _ops, registry, views
    from socialproof.workspace import engine

    if engine.is_empty(con, "account_daily"):
        return {}, {}
    d = views.view(con, "account_daily")
    if start is not None:
        d = d.filter(d.date >= start)
    if end is not None:
        d = d.filter(d.date <= end)
    d = d.mutate(account=d.account.fill_null(""))
    kpis = registry.resolve(["followers_gained", "follower_growth_rate"], table="account_daily")
    known = d.followers.notnull().ifelse(d.date, None)
    totals = engine.execute(
        d.group_by(["platform", "account"]).aggregate(
            [k.expr(d) for k in kpis],
            followers_start=d.followers.argmin(known),
            followers_end=d.followers.argmax(known),
            days=d.date.nunique(),
        )
    )
    weekly = engine.execute(
        d.filter(d.followers.notnull())
        .group_by(["platform", "account", _ops.bucket(d.date, "week").name("week")])
        .aggregate(followers=d.followers.argmax(d.date))
        .order_by(["platform", "account", "week"])
    )
    growth = {}
    for rec in totals.to_dict(orient="records"):
        if _num(rec["followers_gained"]) is None and _num(rec["followers_end"]) is None:
            continue
        growth[(str(rec["platform"]), str(rec["account"]))] = {
            str(k): (_num(v) if k not in ("platform", "account") else v) for k, v in rec.items()
        }
    series: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for rec in weekly.to_dict(orient="records"):
        series.setdefault((str(rec["platform"]), str(rec["account"])), []).append(
            {"week": str(rec["week"])[:10], "followers": _num(rec["followers"])}
        )
    return growth, series


def _benchmarks(
    acc: AccountAudit, med: dict[str, Any], r: Any, industry: str
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for fig in bench.figures(acc.platform, "posts_per_week", industry=industry):
        out.append(_bench_row(fig, acc.posts_per_week, "posts per week"))
    for fig in bench.figures(acc.platform, "engagement_rate", industry=industry):
        n_known = _num(getattr(r, f"n_{fig.base}", 0)) or 0
        ours = _num(med.get(f"median_{fig.base}")) if n_known >= BASE_COVERAGE * acc.posts else None
        row = _bench_row(fig, ours, f"median engagement rate by {fig.base}")
        if ours is None:
            row["comment"] = f"cannot compare: the export lacks {fig.base} for most posts"
        out.append(row)
    return out


def _bench_row(fig: bench.Figure, ours: float | None, what: str) -> dict[str, Any]:
    ratio = ours / fig.value if ours is not None and fig.value else None
    return {
        "metric": fig.metric,
        "what": what,
        "base": fig.base,
        "ours": ours,
        "benchmark": fig.value,
        "ratio": ratio,
        "industry": fig.industry,
        "source": fig.source,
        "year": fig.year,
        "data_year": fig.data_year,
        "via": "via summaries of the report" if fig.via == "summary" else fig.via,
        "comment": "" if ratio is None else f"{ratio:.2f}× the benchmark",
    }


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v * 100:.2f} %"


def _advise(acc: AccountAudit, industry: str) -> None:
    """Recommendations, each with the numbers behind it; none where data is too thin."""
    recs = acc.recommendations
    name = f"{acc.platform} ({acc.account})" if acc.account else acc.platform
    cadence = [b for b in acc.benchmarks if b["metric"] == "posts_per_week"]
    if cadence and acc.days >= MIN_SPAN_DAYS:
        b = cadence[0]
        cite = f"{b['source']}, {b['year']}, {b['via']}"
        if acc.posts_per_week < CADENCE_LOW * b["benchmark"]:
            recs.append(
                Recommendation(
                    "cadence",
                    f"Post more often on {name}.",
                    f"{acc.posts_per_week:.1f} posts/week over {acc.days} days vs a median of "
                    f"{b['benchmark']:.2f}/week ({cite}).",
                )
            )
        elif acc.posts_per_week > CADENCE_HIGH * b["benchmark"] and acc.enough:
            er = [
                x
                for x in acc.benchmarks
                if x["metric"] == "engagement_rate" and x["ratio"] is not None
            ]
            if er and all(x["ratio"] < 1 for x in er):
                recs.append(
                    Recommendation(
                        "cadence",
                        f"Consider fewer, stronger posts on {name}.",
                        f"{acc.posts_per_week:.1f} posts/week vs a median of "
                        f"{b['benchmark']:.2f}/week ({cite}), while the median engagement rate by "
                        f"{er[0]['base']} is {_pct(er[0]['ours'])} vs {_pct(er[0]['benchmark'])}.",
                    )
                )
        if not any(r.kind == "cadence" for r in recs):
            recs.append(
                Recommendation(
                    "cadence",
                    f"Keep posting on {name} about this often.",
                    f"{acc.posts_per_week:.1f} posts/week over {acc.days} days, "
                    f"{acc.posts_per_week / b['benchmark']:.2f}× the median of "
                    f"{b['benchmark']:.2f}/week ({cite}); the audit suggests a change only "
                    f"below {CADENCE_LOW:.2f}× (or above {CADENCE_HIGH:.1f}× with engagement "
                    "below the published medians).",
                )
            )
    g = acc.growth
    if g and g.get("followers_gained") is not None and g["followers_gained"] < 0:
        recs.append(
            Recommendation(
                "growth",
                f"{name} lost followers in this period; check the posts around the drop.",
                f"{g['followers_gained']:+,.0f} followers over {int(g.get('days') or 0)} days "
                f"(growth rate {_pct(g.get('follower_growth_rate'))}).",
            )
        )
    for note in bench.industry_notes(industry, acc.platform):
        if note.industry != "all":  # general notes go once into the audit's notes
            acc.caveats.append(f"{note.note} ({note.source}, via summaries)")
    if not acc.enough or not acc.base or acc.engagement_rate is None:
        return
    overall = acc.engagement_rate
    before = len(recs)
    for facet, label, key in (
        (acc.format_mix, "format", "format"),
        (acc.by_weekday, "weekday", "weekday"),
        (acc.by_hour, "hour", "hour"),
    ):
        ok = [f for f in facet if f["enough_data"] and f["engagement_rate"] is not None]
        if len(ok) < 2:
            continue
        best = max(ok, key=lambda f: f["engagement_rate"])
        if best["engagement_rate"] >= LIFT * overall:
            what = f"{best[key]}:00" if key == "hour" else str(best[key])
            verb = {
                "format": f"Make more {what} posts",
                "weekday": f"Favour {what}",
                "hour": f"Try publishing around {what}",
            }[key]
            recs.append(
                Recommendation(
                    "format" if key == "format" else "timing",
                    f"{verb} on {name} (an observation; confirm it with a pilot).",
                    f"Engagement rate by {acc.base} {_pct(best['engagement_rate'])} over "
                    f"{best['posts']} posts vs {_pct(overall)} for all {acc.posts} posts "
                    f"({best['engagement_rate'] / overall:.2f}×); {label}s with fewer than "
                    f"{MIN_BUCKET_POSTS} posts were not compared.",
                )
            )
    if len(recs) == before:
        acc.caveats.append(
            f"No format, weekday or hour with {MIN_BUCKET_POSTS}+ posts on {name} reaches "
            f"{LIFT:.1f}× the overall engagement rate by {acc.base} ({_pct(overall)}), so no "
            "format or timing change is suggested."
        )
    er = [b for b in acc.benchmarks if b["metric"] == "engagement_rate" and b["ratio"] is not None]
    missing = sorted(
        {
            b["base"]
            for b in acc.benchmarks
            if b["metric"] == "engagement_rate" and b["ratio"] is None
        }
    )
    if not er and missing:
        acc.caveats.append(
            f"Engagement on {name} cannot be compared with the published medians: they use "
            f"{' or '.join(missing)} as the base and the export lacks it for most posts. "
            "Import the account's follower series to compare by followers."
        )
    if er:
        evidence = "; ".join(
            f"by {b['base']} {_pct(b['ours'])} vs {_pct(b['benchmark'])} "
            f"({b['source']}, {b['year']}, {b['via']}; {b['ratio']:.2f}×)"
            for b in er
        )
        below = [b for b in er if b["ratio"] < 1]
        if len(below) == len(er):
            text = (
                f"Engagement on {name} is below every published median it can be compared "
                "with; look at the top posts for what to repeat."
            )
        elif not below:
            text = f"Engagement on {name} is at or above the published medians; keep what works."
        else:
            text = (
                f"Engagement on {name} is above {len(er) - len(below)} and below "
                f"{len(below)} of {len(er)} published medians (they differ in base, sample "
                "and year), so no clear verdict."
            )
        recs.append(
            Recommendation("benchmark", text, "Median per-post engagement rate " + evidence + ".")
        )


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
        rows.append(
            {
                "platform": r["platform"],
                "account": r["account"],
                "posts": r["posts"],
                "posts/week": round(r["posts_per_week"], 1),
                "benchmark/week": r["benchmark_posts_per_week"],
                "engagement rate": f"{_pct(r['engagement_rate'])} by {base}",
                "median post": _pct(r["median_post_rate"]),
                "followers gained": r["followers_gained"],
                "advice": r["recommendations"],
            }
        )
    return rows
