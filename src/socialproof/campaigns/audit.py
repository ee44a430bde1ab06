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
- cadence is judged only over :data:`MIN_SPAN_DAYS` days or more;
- top and bottom posts are ranked among posts whose rate's base (reach, impressions,
  views or followers) is at least ``min_base`` (:data:`MIN_POST_BASE`, 100, as
  ``report posts`` ranks them): 3 interactions on a reach of 4 is 75 %, and would top
  the list for good. ``min_base=0`` ranks every post; the posts left out are counted.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from socialproof.campaigns import benchmarks as bench
from socialproof.campaigns._period import date_range
from socialproof.campaigns.audit_advice import advise, compare_benchmarks
from socialproof.campaigns.audit_audience import audience_rows
from socialproof.campaigns.audit_model import (
    BASE_COVERAGE,
    BASE_KPI,
    CADENCE_HIGH,
    CADENCE_LOW,
    FACET_KPIS,
    LIFT,
    MIN_BUCKET_POSTS,
    MIN_POSTS,
    MIN_SPAN_DAYS,
    TOP_N,
    WEEKDAYS,
    AccountAudit,
    Audit,
    Recommendation,
    recommendations_frame,
    summary_for_people,
    summary_frame,
    to_float,
    to_int,
)
from socialproof.campaigns.report import MIN_POST_BASE
from socialproof.errors import NoData, UsageError
from socialproof.metrics.notes import SIGN
from socialproof.metrics.registry import ROWS_FLOOR, ROWS_USED

if TYPE_CHECKING:
    from datetime import date

    import ibis.expr.types as ir
    import pandas as pd

    from socialproof.workspace import Workspace

__all__ = [
    "CADENCE_HIGH",
    "CADENCE_LOW",
    "LIFT",
    "MIN_BUCKET_POSTS",
    "MIN_POSTS",
    "MIN_SPAN_DAYS",
    "AccountAudit",
    "Audit",
    "Recommendation",
    "audit",
    "recommendations_frame",
    "summary_for_people",
    "summary_frame",
]


def audit(
    ws: Workspace,
    *,
    platform: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    min_base: float = MIN_POST_BASE,
) -> Audit:
    """Audit every platform and account in the workspace (or one platform); top and bottom
    posts are ranked among posts whose rate's base is at least ``min_base``."""
    import math

    import ibis
    import ibis.expr.datatypes as dt

    from socialproof.metrics import ops, registry, views
    from socialproof.workspace import engine

    if not math.isfinite(min_base) or min_base < 0:
        raise UsageError(f"--min-base must be 0 or more, got {min_base:g}.")
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
        local = ops.local_time(p.published_at, tz)
        # a publish time read from a date alone has no hour: it counts for cadence and
        # weekdays, never for timing advice (NULL = imported before time_known existed)
        untimed = (
            (p.time_known == False).fill_null(False)  # noqa: E712 (an Ibis expression)
            if "time_known" in p.columns
            else ibis.literal(False)
        )
        p = p.mutate(
            _local=local,
            _untimed=untimed,
            weekday=local.day_of_week.index(),
            hour=untimed.ifelse(ibis.null("int32"), local.hour()),
            format=p.format.fill_null("").nullif("").fill_null("unknown"),
            account=p.account.fill_null(""),
        )
        if start is not None:
            p = p.filter(p._local.cast(dt.date) >= start)
        if end is not None:
            p = p.filter(p._local.cast(dt.date) <= end)
        inter = ops.interactions(p)
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
                "_untimed",
                *KPI_COLUMNS,
                _title=p.title.coalesce(p.text).substr(0, 80),
                _inter=inter,
                _rate_followers=ops.safe_div(inter, p.followers),
                _rate_impressions=ops.safe_div(inter, p.impressions),
                _rate_views=ops.safe_div(inter, p.views),
                # a post whose reach is its largest day's (export by day): a rate over it
                # is an upper bound
                **{
                    views.REACH_FLOOR: p[views.REACH_FLOOR].fill_null(False)
                    if views.REACH_FLOOR in p.columns
                    else ibis.literal(False)
                },
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
                n_untimed=p._untimed.cast("int64").sum(),
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
        rated = rated.mutate(_rate=ops.safe_div(rated._inter, den), _den=den)
        # only a rate on a base of min_base or more is ranked among top and bottom posts
        rankable = rated._rate.notnull() & (rated._den >= min_base).fill_null(False)
        p = facts
        kpis = registry.resolve(list(FACET_KPIS), table="posts")
        overall = _rows(
            engine.execute(
                registry.compute(p, kpis, table="posts", by=["platform", "account"], details=True)
            )
        )
        facets = {
            name: _rows(
                engine.execute(
                    registry.compute(
                        p.filter(p.hour.notnull()) if name == "hour" else p,
                        kpis,
                        table="posts",
                        by=["platform", "account", name],
                        details=True,
                    )
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
                    _rated_floors=(
                        rated._rate.notnull() & (rated._base == 0) & rated[views.REACH_FLOOR]
                    )
                    .cast("int64")
                    .sum(),
                    _ranked=rankable.cast("int64").sum(),
                    _q=rankable.ifelse(rated._rate, ibis.null("float64")).quantile(list(_LEVELS)),
                )
            )
        )
        extremes = engine.execute(_extremes(rated, medians, min_base))
        growth, series = _growth(con, start, end)
        audiences = audience_rows(con)
    for r in summary.itertuples():
        key = (str(r.platform), str(r.account))
        base = bases[key]
        acc = _account(r, base, overall.get(key, [{}])[0], medians.get(key, [{}])[0], start, end)
        acc.format_mix = _facet(facets["format"].get(key, []), "format", base, acc.posts)
        acc.by_weekday = _facet(facets["weekday"].get(key, []), "weekday", base, acc.posts)
        for row in acc.by_weekday:
            row["weekday"] = WEEKDAYS[int(row["weekday"])]
        acc.untimed = to_int(r.n_untimed) or 0
        acc.by_hour = _facet(facets["hour"].get(key, []), "hour", base, acc.posts - acc.untimed)
        ext = extremes[(extremes["platform"] == r.platform) & (extremes["account"] == r.account)]
        acc.top = _posts(ext[ext["_top"] < TOP_N].sort_values("_top"))
        acc.bottom = _posts(ext[ext["_bottom"] < TOP_N].sort_values("_bottom"))
        _small_base_caveat(acc, medians.get(key, [{}])[0], min_base)
        acc.growth = growth.get(key)
        acc.growth_series = series.get(key, [])
        acc.audience = audiences.get(key, [])
        acc.benchmarks = compare_benchmarks(acc, medians.get(key, [{}])[0], r, industry)
        advise(acc, industry)
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

    Spark, which has no temporary tables here, caches it instead; a backend with
    neither gets the expression back.
    """
    import uuid

    name = f"_socialproof_audit_{uuid.uuid4().hex[:12]}"
    try:
        table = con.create_table(name, expr, temp=True)
    except Exception:  # noqa: BLE001 - a backend without temporary tables (Spark)
        # Spark: the per-post table is computed once by the first query and kept by the
        # executors (memory, spilling to disk), so the source is read once, not per query
        try:
            cached = expr.cache()
        except Exception:  # noqa: BLE001 - neither: recompute per query
            return expr
        stack.callback(cached.release)
        return cached
    stack.callback(con.drop_table, name, force=True)
    return table


_LEVELS = (0.0001, 0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999)


def _small_base_caveat(acc: AccountAudit, med: dict[str, Any], min_base: float) -> None:
    """Count the rated posts left out of the top and bottom posts for their small base."""
    acc.min_base = min_base
    small = acc.median_posts - (to_int(med.get("_ranked")) or 0)
    acc.unranked_small = max(small, 0)
    if acc.unranked_small:
        n = acc.unranked_small
        acc.caveats.append(
            f"{n:,} post{'' if n == 1 else 's'} with {acc.base} under {min_base:,g} "
            f"{'is' if n == 1 else 'are'} left out of the top and bottom posts: a rate on so "
            "small a base says little (--min-base 0 ranks every post)."
        )


def _extremes(
    p: ir.Table, medians: dict[tuple[str, str], list[dict[str, Any]]], min_base: float = 0.0
) -> ir.Table:
    """Top and bottom TOP_N posts per account, ranking only a few candidates per account.

    Only posts whose rate's base is ``min_base`` or more are ranked.

    Each account's per-post rate quantiles bound where its top and bottom posts lie; only
    posts beyond those bounds (at least 3 × TOP_N of them) are ranked, so no window sorts
    every post.
    """
    import ibis

    from socialproof.metrics.views import REACH_FLOOR

    want = 3 * TOP_N
    pls: list[str] = []
    acs: list[str] = []
    highs: list[float] = []
    lows: list[float] = []
    for (pl, ac), recs in medians.items():
        rec = recs[0]
        n = int(to_float(rec.get("_ranked")) or 0)
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
        joined._rate.notnull()
        & (joined._den >= min_base).fill_null(False)
        & ((joined._rate >= joined._high) | (joined._rate <= joined._low))
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
        _floor=ranked[REACH_FLOOR] & (ranked._base == 0),  # the rate is an upper bound
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


#: platforms whose engagement rate is defined over views (YouTube Studio: likes, comments
#: and shares per view; impressions there are thumbnail impressions, not views of the post)
VIEWS_FIRST = frozenset({"youtube"})


def _pick_base(r: Any) -> str:
    order = ("reach", "impressions", "views", "followers")
    if str(r.platform) in VIEWS_FIRST:
        order = ("views", "reach", "impressions", "followers")
    for base in order:
        if getattr(r, f"n_{base}") >= BASE_COVERAGE * r.posts and getattr(r, f"n_{base}") > 0:
            return base
    return ""


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
        engagement_rate=to_float(overall.get(BASE_KPI[base])) if base else None,
        median_rate=to_float(med.get("median_rate")),
        rated_posts=to_int(overall.get(BASE_KPI[base] + ROWS_USED)) or 0 if base else 0,
        median_posts=to_int(med.get("_rated")) or 0,
        floor_posts=to_int(med.get("_rated_floors")) or 0,
    )
    if not base:
        acc.caveats.append(
            "The export has no reach, impressions, views or follower counts for "
            "most posts, so no engagement rate can be computed."
        )
    if acc.floor_posts:
        n = acc.floor_posts
        acc.caveats.append(
            f"{n:,} of the {acc.median_posts:,} posts rated {'has' if n == 1 else 'have'} the "
            "largest day's reach of an export by day, a lower bound of the reach over all "
            "the days: the engagement rates by reach that count them (overall, median, by "
            f"format, weekday or hour, top and bottom posts) are upper bounds ({SIGN['upper']}). "
            "A lifetime export of the posts gives their exact reach."
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
        # the rate counts the posts with both interactions and the base, not every post
        rated = (to_int(rec.get(BASE_KPI[base] + ROWS_USED)) or 0) if base else 0
        floors = (to_int(rec.get(BASE_KPI[base] + ROWS_FLOOR)) or 0) if base else 0
        out.append(
            {
                name: rec[name],
                "posts": n,
                "share": n / total if total else None,
                "interactions": to_int(rec.get("interactions")),
                "engagement_rate": to_float(rec.get(BASE_KPI[base])) if base else None,
                "rated_posts": rated,
                "engagement_rate_bound": "upper" if floors else None,
                "base": base,
                "enough_data": rated >= MIN_BUCKET_POSTS,
            }
        )
    return out


def _posts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    cols = ["post_id", "published", "format", "title", "permalink", "interactions", "rate"]
    return [
        {c: (None if _missing(rec.get(c)) else rec.get(c)) for c in cols}
        | {"rate_bound": "upper" if rec.get("_floor") is True else None}
        for rec in frame.to_dict(orient="records")
    ]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _growth(
    con: Any, start: date | None, end: date | None
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[tuple[str, str], list[dict[str, Any]]]]:
    import pandas as pd

    from socialproof.metrics import ops, registry, views
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
    figures = (d.followers.notnull() | d.follower_change.notnull()).ifelse(d.date, None)
    totals = engine.execute(
        d.group_by(["platform", "account"]).aggregate(
            [k.expr(d) for k in kpis],
            followers_start=d.followers.argmin(known),
            followers_end=d.followers.argmax(known),
            days_with_data=figures.nunique(),
            first_day=figures.min(),
            last_day=figures.max(),
        )
    )
    weekly = engine.execute(
        d.filter(d.followers.notnull())
        .group_by(["platform", "account", ops.bucket(d.date, "week").name("week")])
        .aggregate(followers=d.followers.argmax(d.date))
        .order_by(["platform", "account", "week"])
    )
    growth = {}
    for rec in totals.to_dict(orient="records"):
        if to_float(rec["followers_gained"]) is None and to_float(rec["followers_end"]) is None:
            continue
        first, last = rec.pop("first_day"), rec.pop("last_day")
        entry: dict[str, Any] = {
            str(k): (to_float(v) if k not in ("platform", "account") else v) for k, v in rec.items()
        }
        # the span the growth covers, first to last day with follower figures (the days
        # with data alone read as the period when some days are missing)
        spanned = not (pd.isna(first) or pd.isna(last))
        day1 = pd.Timestamp(first).date() if spanned else None
        day2 = pd.Timestamp(last).date() if spanned else None
        entry["days"] = float((day2 - day1).days + 1) if day1 and day2 else None
        entry["first_day"] = str(day1) if day1 else None
        entry["last_day"] = str(day2) if day2 else None
        growth[(str(rec["platform"]), str(rec["account"]))] = entry
    series: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for rec in weekly.to_dict(orient="records"):
        series.setdefault((str(rec["platform"]), str(rec["account"])), []).append(
            {"week": str(rec["week"])[:10], "followers": to_float(rec["followers"])}
        )
    return growth, series
