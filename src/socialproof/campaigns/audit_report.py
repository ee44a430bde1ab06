"""The platform audit as a self-contained, accessible HTML page (shared report shell)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socialproof.campaigns.audit_model import span_text

if TYPE_CHECKING:
    from pathlib import Path

    from socialproof.campaigns.audit import AccountAudit, Audit
    from socialproof.render.html import Report


def _pct(v: Any) -> str:
    return "—" if v is None else f"{float(v) * 100:.2f} %"


def _count(v: Any, *, signed: bool = False) -> str:
    """A follower count with thousands separators; '—' when unknown (0 is a count)."""
    if v is None or v != v:
        return "—"
    return f"{v:+,.0f}" if signed else f"{v:,.0f}"


def _pct_rows(rows: list[dict[str, Any]], cols: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rates as percentages; a rate with ``<col>_bound`` "upper" (a reach that is a day's
    floor counts in it) marked '≤', the bound column folded into it."""
    out = []
    for r in rows:
        rec = dict(r)
        for c in cols:
            if c in rec:
                upper = rec.pop(c + "_bound", None) == "upper" and rec[c] is not None
                rec[c] = ("≤ " if upper else "") + _pct(rec[c])
        out.append(rec)
    return out


def _rate(value: Any, used: int, posts: int, *, upper: bool) -> str:
    """A rate with '≤' when it is an upper bound and the posts it covers when not all."""
    text = ("≤ " if upper and value is not None else "") + _pct(value)
    return text if value is None or used == posts else f"{text} ({used:,} of {posts:,} posts)"


def _counted(label: str, posts: int) -> str:
    """A chart's bar label with its post count: a rate over one post is no rate over 40."""
    return f"{label} ({posts:,} post{'' if posts == 1 else 's'})"


def build(result: Audit, *, owner: str = "") -> Report:
    """The audit report: summary, then one section per platform and account."""
    from socialproof.campaigns.audit import MIN_BUCKET_POSTS, MIN_POSTS
    from socialproof.render.html import Report

    period = f"{result.since or 'first post'} to {result.until or 'last post'}"
    report = Report(
        "Platform audit",
        subtitle=f"{owner + ' · ' if owner else ''}{period} · times in {result.timezone} · "
        f"industry: {result.industry}",
    )
    summary = report.section("Summary")
    for note in result.notes:
        report.paragraph(summary, note, kind="")
    report.paragraph(
        summary,
        f"Claims need data: formats, timing and benchmarks are judged only on accounts with "
        f"{MIN_POSTS}+ posts, and a format, weekday or hour only with {MIN_BUCKET_POSTS}+ posts.",
        kind="warn",
    )
    keep = (
        "platform",
        "account",
        "posts",
        "posts_per_week",
        "benchmark_posts_per_week",
        "base",
        "engagement_rate",
        "rated_posts",
        "median_post_rate",
        "median_posts",
        "follower_growth_rate",
        "recommendations",
    )
    rows = _pct_rows(
        [
            {k: r[k] for k in keep}
            | (
                {"engagement_rate_bound": "upper", "median_post_rate_bound": "upper"}
                if r["rates_upper_bound"]
                else {}
            )
            for r in result.summary()
        ],
        ("engagement_rate", "median_post_rate", "follower_growth_rate"),
    )

    report.table(summary, rows, caption="Platforms and accounts")
    for acc in result.accounts:
        _account_section(report, acc)
    return report


def _account_section(report: Report, acc: AccountAudit) -> None:
    from socialproof.render import charts

    name = f"{acc.platform} · {acc.account}" if acc.account else acc.platform
    sec = report.section(name.capitalize())
    rate_name = f"engagement rate by {acc.base}" if acc.base else "engagement rate (no base)"
    report.kpis(
        sec,
        [
            ("posts", f"{acc.posts:,}"),
            ("posts per week", f"{acc.posts_per_week:.1f}"),
            (
                rate_name,
                _rate(acc.engagement_rate, acc.rated_posts, acc.posts, upper=bool(acc.floor_posts)),
            ),
            (
                "median post " + rate_name,
                _rate(acc.median_rate, acc.median_posts, acc.posts, upper=bool(acc.floor_posts)),
            ),
        ],
    )
    for c in acc.caveats:
        report.paragraph(sec, c, kind="warn")
    if acc.recommendations:
        report.bullets(sec, [f"{r.text} — {r.evidence}" for r in acc.recommendations])
    else:
        report.paragraph(sec, "No recommendation: the data does not support one.")
    if acc.format_mix:
        report.chart(
            sec,
            charts.bar_chart(
                [_counted(str(f["format"]), f["rated_posts"]) for f in acc.format_mix],
                [
                    None if f["engagement_rate"] is None else f["engagement_rate"] * 100
                    for f in acc.format_mix
                ],
                title=f"{name}: {rate_name} by format (%)",
                value_label="%",
            ),
        )
        report.table(
            sec,
            _pct_rows(acc.format_mix, ("share", "engagement_rate")),
            caption=f"Format mix and {rate_name}",
        )
    if acc.by_weekday:
        report.table(
            sec,
            _pct_rows(acc.by_weekday, ("share", "engagement_rate")),
            caption=f"{rate_name.capitalize()} by weekday",
        )
    if acc.by_hour:
        report.chart(
            sec,
            charts.bar_chart(
                [_counted(f"{int(h['hour']):02d}:00", h["rated_posts"]) for h in acc.by_hour],
                [
                    None if h["engagement_rate"] is None else h["engagement_rate"] * 100
                    for h in acc.by_hour
                ],
                title=f"{name}: {rate_name} by hour of publishing (%)",
                value_label="%",
            ),
        )
    if acc.top:
        report.table(sec, _pct_rows(acc.top, ("rate",)), caption=f"Top posts by {rate_name}")
    if acc.bottom:
        report.table(sec, _pct_rows(acc.bottom, ("rate",)), caption=f"Bottom posts by {rate_name}")
    if acc.growth_series and len(acc.growth_series) > 1:
        report.chart(
            sec,
            charts.line_chart(
                [g["week"] for g in acc.growth_series],
                {"followers": [g["followers"] for g in acc.growth_series]},
                title=f"{name}: followers at the end of each week",
                y_label="followers",
            ),
        )
    if acc.growth:
        g = acc.growth
        report.paragraph(
            sec,
            f"Followers {_count(g.get('followers_start'))} → {_count(g.get('followers_end'))}; "
            f"net {_count(g.get('followers_gained'), signed=True)}; growth rate "
            f"{_pct(g.get('follower_growth_rate'))} {span_text(g)}.",
        )
    else:
        report.paragraph(
            sec, "No follower series imported for this account, so growth is not shown."
        )
    if acc.audience:
        report.table(sec, acc.audience, caption="Audience: who follows and when they are online")
    if acc.benchmarks:
        rows = []
        for b in acc.benchmarks:
            rate = b["metric"] == "engagement_rate"
            rows.append(
                {
                    "figure": b["what"],
                    "ours": _pct(b["ours"])
                    if rate
                    else (None if b["ours"] is None else round(b["ours"], 2)),
                    "benchmark": _pct(b["benchmark"]) if rate else b["benchmark"],
                    "source": b["source"],
                    "year": b["year"],
                    "base": b["base"] or "—",
                    "note": b["comment"] + ("; " if b["comment"] else "") + b["via"],
                }
            )
        report.table(sec, rows, caption="Against published benchmarks")


def write(result: Audit, path: Path, *, owner: str = "") -> Path:
    return build(result, owner=owner).write(path)
