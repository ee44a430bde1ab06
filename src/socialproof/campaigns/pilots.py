"""Pilots (A/B tests): definitions stored in the workspace, variant filters, analysis.

A pilot names a KPI from the registry, two or more variants and a period. A
variant is a filter over ``posts`` or ``ad_stats``: terms joined by commas, all
of which must hold::

    format=reel                 column equals value (case-insensitive)
    label:summer                the custom labels include "summer"
    campaign~spring             column contains text (case-insensitive)
    platform=instagram,format=reel

The analysis (:func:`analyse`) works at the unit that varied: the post for
organic pilots, the ad for paid ones (its days are repeated measures of one ad,
not independent samples; with a single ad per variant the ad-days are the
samples, and the report says so). It picks the test the metric calls for:

- proportions (click-through and completion rates): counts summed per variant,
  a two-proportion z-test on (clicks, impressions) whose variance is scaled by
  the spread between units when they vary more than binomial chance allows;
- every other KPI: its value per unit, compared with Welch's t-test or, when
  units are few or the values very skewed, a seeded percentile bootstrap
  (:func:`socialproof.campaigns.stats.choose_mean_test`).

Each variant is compared with the first (A, the control). With more than two
variants the p-values are Holm-adjusted and each interval is at the level
Holm's step-down used for it (:func:`socialproof.campaigns.stats.holm_levels`),
so an interval leaves out zero exactly when the verdict says "enough data".
Posts are not assigned to variants at random, so organic comparisons are
worded as observations ("had a higher ..."), never as effects. A report runs
the sample-ratio-mismatch check only where units were assigned at random (posts
given a planned split); elsewhere it says why the check does not apply (ads
exports carry no assignment counts: summed reach and impressions are not ones).

This module is the API the faces call. The work lives in three modules beneath it,
which never import it back: :mod:`~socialproof.campaigns.pilot_model` (definitions,
filters, storage), :mod:`~socialproof.campaigns.pilot_analysis` and
:mod:`~socialproof.campaigns.pilot_plan`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from socialproof.campaigns.pilot_model import (
    AD_KEY,
    ALIASES,
    BASE_COLUMN,
    MAX_VARIANTS,
    PILOTS,
    PROPORTIONS,
    TABLES,
    TESTS,
    UNIT_KEY,
    UNIT_NAME,
    VARIANT_LABELS,
    Pilot,
    Term,
    check_metric,
    create,
    define,
    delete,
    describe,
    effect_text,
    find,
    get,
    infer_table,
    level_text,
    list_pilots,
    metric_name,
    parse_date,
    parse_filter,
    parse_fraction,
    parse_rate,
    parse_split,
    read_pilots,
    terms_mask,
)

if TYPE_CHECKING:
    from socialproof.campaigns.pilot_analysis import PilotResult
    from socialproof.campaigns.pilot_plan import Plan
    from socialproof.workspace.core import Workspace

__all__ = [
    "AD_KEY",
    "ALIASES",
    "BASE_COLUMN",
    "MAX_VARIANTS",
    "PILOTS",
    "PROPORTIONS",
    "Pilot",
    "TABLES",
    "TESTS",
    "Term",
    "UNIT_KEY",
    "UNIT_NAME",
    "VARIANT_LABELS",
    "analyse",
    "check_metric",
    "create",
    "define",
    "delete",
    "demo_pilot",
    "describe",
    "effect_text",
    "find",
    "get",
    "infer_table",
    "level_text",
    "list_pilots",
    "metric_name",
    "parse_date",
    "parse_filter",
    "parse_fraction",
    "parse_rate",
    "parse_split",
    "plan",
    "read_pilots",
    "terms_mask",
]


# -- entry points (analysis and planning live in their own modules) ----------------------------


def analyse(ws: Workspace, name: str | Pilot, *, seed: int = 0) -> PilotResult:
    """Run the pilot's comparison (see :mod:`socialproof.campaigns.pilot_analysis`)."""
    from socialproof.campaigns.pilot_analysis import analyse as run

    return run(ws, name, seed=seed)


def plan(ws: Workspace | None, metric: str, mde: str | float, **options: Any) -> Plan:
    """Sample size and duration (see :mod:`socialproof.campaigns.pilot_plan`)."""
    from socialproof.campaigns.pilot_plan import plan as run

    return run(ws, metric, mde, **options)


# -- demo ----------------------------------------------------------------------------------------


def demo_pilot(ws: Workspace) -> list[Pilot]:
    """Create the demo's pilots from whatever the workspace holds; returns those created.

    - "Reels vs carousels": engagement rate of reels against carousels on the
      platform with the most of both, over the whole span of those posts.
    - "Ad CTR: <ad 1> vs <ad 2>": link CTR of the two ads with the most impressions
      in one ad set (a head-to-head in one audience).

    Pilots that exist already, or that the data cannot support, are skipped.
    """
    existing = {p.name.lower() for p in list_pilots(ws)}
    made: list[Pilot] = []
    for candidate in _demo_candidates(ws):
        if candidate.name.lower() in existing:
            continue
        made.append(create(ws, candidate))
    return made


def _demo_candidates(ws: Workspace) -> list[Pilot]:
    from socialproof.metrics.ops import local_time
    from socialproof.workspace import engine

    out: list[Pilot] = []
    with ws.ibis() as con:
        tables = con.list_tables()
        if "posts" in tables:
            p = con.table("posts")
            p = p.filter(p.format.isin(["reel", "carousel"]))
            day = local_time(p.published_at, ws.settings.timezone).date()
            df = engine.execute(
                p.group_by("platform").aggregate(
                    reels=(p.format == "reel").sum(),
                    carousels=(p.format == "carousel").sum(),
                    first=day.min(),
                    last=day.max(),
                )
            )
            df = df[(df["reels"] >= 2) & (df["carousels"] >= 2)]
            if len(df):
                row = df.assign(n=df["reels"] + df["carousels"]).sort_values("n").iloc[-1]
                platform = f"platform={_quoted(str(row['platform']))}"
                out.append(
                    define(
                        "Reels vs carousels",
                        "engagement_rate",
                        [f"{platform},format=reel", f"{platform},format=carousel"],
                        _as_date(row["first"]),
                        _as_date(row["last"]),
                        note="Do reels engage better than carousels? (demo)",
                        names=["Reels", "Carousels"],
                    )
                )
        if "ad_stats" in tables:
            a = con.table("ad_stats")
            a = a.filter(a.ad != "")
            per_ad = engine.execute(
                a.group_by(["campaign", "ad_set", "ad"]).aggregate(
                    impressions=a.impressions.sum(),
                    first=a.date_start.min(),
                    last=a.date_stop.max(),
                )
            )
            per_ad = per_ad[per_ad["impressions"].fillna(0) > 0]
            if len(per_ad):
                sets = per_ad.groupby(["campaign", "ad_set"])["impressions"].agg(["count", "sum"])
                sets = sets[sets["count"] >= 2]
                if len(sets):
                    campaign, ad_set = sets.sort_values("sum").index[-1]
                    ads = per_ad[(per_ad["campaign"] == campaign) & (per_ad["ad_set"] == ad_set)]
                    top = ads.sort_values("impressions", ascending=False).head(2)
                    scope = f"campaign={_quoted(campaign)},ad_set={_quoted(ad_set)}"
                    names = [str(n) for n in top["ad"]]
                    out.append(
                        define(
                            f"Ad CTR: {names[0]} vs {names[1]}"[:120],
                            "ctr_link",
                            [f"{scope},ad={_quoted(n)}" for n in names],
                            _as_date(top["first"].min()),
                            _as_date(top["last"].max()),
                            table="ad_stats",
                            note="Which ad earns more link clicks per impression? (demo)",
                            names=[n[:40] for n in names],
                        )
                    )
    return out


def _quoted(value: str) -> str:
    return f'"{value}"' if "," in value else value


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(str(value)[:10], "demo")
