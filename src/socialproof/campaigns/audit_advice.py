"""The platform audit's advice: benchmark comparisons and recommendations with evidence."""

from __future__ import annotations

from typing import Any

from socialproof.campaigns import benchmarks as bench
from socialproof.campaigns.audit_model import (
    BASE_COVERAGE,
    CADENCE_HIGH,
    CADENCE_LOW,
    LIFT,
    MIN_BUCKET_POSTS,
    MIN_SPAN_DAYS,
    AccountAudit,
    Recommendation,
    pct_text,
    span_text,
    to_float,
)


def compare_benchmarks(
    acc: AccountAudit, med: dict[str, Any], r: Any, industry: str
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for fig in bench.figures(acc.platform, "posts_per_week", industry=industry):
        out.append(_bench_row(fig, acc.posts_per_week, "posts per week"))
    for fig in bench.figures(acc.platform, "engagement_rate", industry=industry):
        n_known = to_float(getattr(r, f"n_{fig.base}", 0)) or 0
        ours = (
            to_float(med.get(f"median_{fig.base}"))
            if n_known >= BASE_COVERAGE * acc.posts
            else None
        )
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


def advise(acc: AccountAudit, industry: str) -> None:
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
                        f"{er[0]['base']} is {pct_text(er[0]['ours'])} vs {pct_text(er[0]['benchmark'])}.",
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
                f"{g['followers_gained']:+,.0f} followers {span_text(g)} "
                f"(growth rate {pct_text(g.get('follower_growth_rate'))}).",
            )
        )
    for note in bench.industry_notes(industry, acc.platform):
        if note.industry != "all":  # general notes go once into the audit's notes
            acc.caveats.append(f"{note.note} ({note.source}, via summaries)")
    if acc.untimed:
        acc.caveats.append(
            f"{acc.untimed:,} post{'' if acc.untimed == 1 else 's'} {'has' if acc.untimed == 1 else 'have'} "
            "no time of day (the export gives dates only); left out of timing advice."
        )
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
            # The best of several groups, picked after looking and with no correction, looks
            # better than it is (regression to the mean): a lead to test, never a finding.
            what = f"{int(best[key]):02d}:00" if key == "hour" else str(best[key])
            subject, then = {
                "format": (f"The {what} posts", "making more of them"),
                "weekday": (f"Posts on {what}", "favouring it"),
                "hour": (f"Posts around {what}", "moving posts there"),
            }[key]
            recs.append(
                Recommendation(
                    "format" if key == "format" else "timing",
                    f"{subject} had the highest engagement rate of "
                    f"{len(ok)} {label}s on {name}: an observation, not a finding; confirm it "
                    f"with a pilot before {then}.",
                    f"Engagement rate by {acc.base} {pct_text(best['engagement_rate'])} "
                    f"(interactions over {acc.base}, summed over its {best['rated_posts']} "
                    f"posts{'' if best['rated_posts'] == best['posts'] else ' with both'}) vs "
                    f"{pct_text(overall)} "
                    + (
                        f"for all {acc.posts} posts "
                        if acc.rated_posts == acc.posts
                        else f"over {acc.rated_posts} of {acc.posts} posts "
                    )
                    + f"({best['engagement_rate'] / overall:.2f}×). It is the highest of "
                    f"{len(ok)} {label}s with {MIN_BUCKET_POSTS}+ posts, picked after looking, "
                    "so chance tends to flatter it; "
                    f"{label}s with fewer than {MIN_BUCKET_POSTS} posts were not compared.",
                )
            )
    if len(recs) == before:
        acc.caveats.append(
            f"No format, weekday or hour with {MIN_BUCKET_POSTS}+ posts on {name} reaches "
            f"{LIFT:.1f}× the overall engagement rate by {acc.base} ({pct_text(overall)}), so no "
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
            f"by {b['base']} {pct_text(b['ours'])} vs {pct_text(b['benchmark'])} "
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
