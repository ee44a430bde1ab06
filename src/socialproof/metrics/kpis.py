"""The built-in KPIs, each defined once (registered on import through the registry).

Every formula is a sum or a ratio of sums so it holds at any grouping; a ratio
sums its numerator and denominator over the same rows (those where both are
known) and counts the rows it leaves out (:func:`socialproof.metrics.registry.ratio_kpi`).
``posts`` interactions follow :func:`socialproof.metrics.ops.interactions`.
Sources cite ../shared/KNOWLEDGE.md ("Metric definitions") and the platforms'
own definitions summarised there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialproof.metrics.ops import interactions, safe_div, zero
from socialproof.metrics.registry import KPI, Better, Bound, Unit, kpi, ratio_kpi, register

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import ibis.expr.types as ir

POSTS = "posts"
ADS = "ad_stats"
DAILY = "account_daily"
#: The columns naming one follower series: an account of a platform.
SERIES = ("platform", "account")
META = "Meta Ads Manager definitions (KNOWLEDGE.md, Metric definitions)"
ER_SOURCE = "KNOWLEDGE.md, Metric definitions: engagement rate has three bases; name the base"
SUM_NOTE = (
    "Sum as exported. Unique reach does not add up across days, ads or posts, so a sum "
    "over several rows overstates unique people reached: it is an upper bound."
)


def column_sum(
    name: str,
    label: str,
    column: str,
    *,
    tables: Sequence[str],
    source: str,
    unit: Unit = "count",
    better: Better = "higher",
    description: str = "",
    summed_reach: Bound = "",
) -> KPI:
    """Register ``sum(column)`` (NULL when every row's value is unknown)."""

    def formula(t: ir.Table) -> ir.Scalar:
        return t[column].sum()

    def summand(t: ir.Table) -> ir.NumericValue:
        return t[column]

    return register(
        KPI(
            name=name,
            label=label,
            formula=formula,
            formula_text=f"sum({column})",
            unit=unit,
            better=better,
            tables=tuple(tables),
            source=source,
            description=description,
            summed_reach=summed_reach,
            summand=summand,
        )
    )


# -- delivery --------------------------------------------------------------------------

column_sum(
    "reach",
    "Reach",
    "reach",
    tables=(POSTS, ADS, DAILY),
    source="Platform exports (Meta, TikTok, LinkedIn)",
    description=SUM_NOTE,
    summed_reach="upper",
)
column_sum(
    "impressions",
    "Impressions",
    "impressions",
    tables=(POSTS, ADS, DAILY),
    source="Platform exports",
)
column_sum(
    "views",
    "Views",
    "views",
    tables=(POSTS, DAILY),
    source="Platform exports (Meta's 'Views' replaced 'Impressions' in 2025)",
)


@kpi(
    "posts",
    "Posts",
    formula_text="count(*)",
    unit="count",
    better="neutral",
    tables=(POSTS,),
    source="Row count of the posts table",
)
def _posts(t: ir.Table) -> ir.Scalar:
    return t.count()


ratio_kpi(
    "frequency",
    "Frequency",
    numerator=lambda t: t.impressions,
    denominator=lambda t: t.reach,
    numerator_label="impressions",
    denominator_label="reach",
    unit="ratio",
    better="neutral",
    tables=(ADS,),
    source=META + ": Frequency = impressions ÷ reach",
    summed_reach="lower",
    description="Exact only where one row gives reach for the whole group (one ad on one day, "
    "or one reporting-range row). Summed over several days or ads, reach counts a person once "
    "per row, so impressions ÷ summed reach is a lower bound of the real frequency.",
)


# -- engagement (posts) ----------------------------------------------------------------

register(
    KPI(
        name="interactions",
        label="Interactions",
        formula=lambda t: interactions(t).sum(),
        formula_text="sum(engagements, else reactions + comments + shares + saves + clicks + "
        "follows)",
        unit="count",
        better="higher",
        tables=(POSTS,),
        source=ER_SOURCE,
        summand=interactions,
    )
)

ratio_kpi(
    "engagement_rate_reach",
    "Engagement rate (by reach)",
    numerator=interactions,
    denominator=lambda t: t.reach,
    numerator_label="interactions",
    denominator_label="reach",
    unit="percent",
    better="higher",
    tables=(POSTS,),
    source="Metricool: interactions ÷ reach (" + ER_SOURCE + ")",
    description="Over several posts this is the reach-weighted mean of the posts' own rates "
    "(reach summed post by post, not unique people reached).",
)

ratio_kpi(
    "engagement_rate_impressions",
    "Engagement rate (by impressions)",
    numerator=interactions,
    denominator=lambda t: t.impressions,
    numerator_label="interactions",
    denominator_label="impressions",
    unit="percent",
    better="higher",
    tables=(POSTS,),
    source="Sprout Social / Buffer / LinkedIn: interactions incl. clicks ÷ impressions ("
    + ER_SOURCE
    + ")",
)

ratio_kpi(
    "engagement_rate_followers",
    "Engagement rate (by followers)",
    numerator=interactions,
    denominator=lambda t: t.followers,
    numerator_label="interactions",
    denominator_label="followers",
    formula_text="sum(interactions) / sum(followers when posted)",
    unit="percent",
    better="higher",
    tables=(POSTS,),
    source="Rival IQ: interactions ÷ followers, per post (" + ER_SOURCE + ")",
    description="Over several posts this is the follower-weighted mean of per-post rates.",
)

ratio_kpi(
    "engagement_rate_views",
    "Engagement rate (by views)",
    numerator=interactions,
    denominator=lambda t: t.views,
    numerator_label="interactions",
    denominator_label="views",
    unit="percent",
    better="higher",
    tables=(POSTS,),
    source="Socialinsider reports TikTok engagement by views (KNOWLEDGE.md, Benchmarks)",
)


# -- clicks ----------------------------------------------------------------------------

column_sum("clicks", "Clicks (all)", "clicks", tables=(POSTS, ADS), source=META + ": Clicks (all)")
column_sum(
    "link_clicks", "Link clicks", "link_clicks", tables=(POSTS, ADS), source=META + ": Link clicks"
)
ratio_kpi(
    "ctr_all",
    "CTR (all)",
    numerator=lambda t: t.clicks,
    denominator=lambda t: t.impressions,
    numerator_label="clicks",
    denominator_label="impressions",
    unit="percent",
    better="higher",
    tables=(POSTS, ADS),
    source=META + ": CTR (all) counts every click type",
)
ratio_kpi(
    "ctr_link",
    "CTR (link click-through rate)",
    numerator=lambda t: t.link_clicks,
    denominator=lambda t: t.impressions,
    numerator_label="link_clicks",
    denominator_label="impressions",
    unit="percent",
    better="higher",
    tables=(POSTS, ADS),
    source=META + ": CTR (link click-through rate) = link clicks ÷ impressions",
)


# -- cost ------------------------------------------------------------------------------

column_sum(
    "spend",
    "Amount spent",
    "spend",
    tables=(ADS,),
    source=META + ": Amount spent",
    unit="currency",
    better="neutral",
)
ratio_kpi(
    "cpm",
    "CPM (cost per 1,000 impressions)",
    numerator=lambda t: t.spend,
    denominator=lambda t: t.impressions,
    numerator_label="spend",
    denominator_label="impressions",
    scale=1000.0,
    unit="currency",
    better="lower",
    tables=(ADS,),
    source=META + ": CPM = spend ÷ impressions × 1000",
)
ratio_kpi(
    "cpc",
    "CPC (cost per link click)",
    numerator=lambda t: t.spend,
    denominator=lambda t: t.link_clicks,
    numerator_label="spend",
    denominator_label="link_clicks",
    unit="currency",
    better="lower",
    tables=(ADS,),
    base="link clicks",
    source=META + ": CPC (cost per link click)",
)
ratio_kpi(
    "cpc_all",
    "CPC (all)",
    numerator=lambda t: t.spend,
    denominator=lambda t: t.clicks,
    numerator_label="spend",
    denominator_label="clicks",
    unit="currency",
    better="lower",
    tables=(ADS,),
    base="clicks (all)",
    source=META + ": CPC (all)",
)


# -- outcomes --------------------------------------------------------------------------

column_sum(
    "results",
    "Results",
    "results",
    tables=(ADS,),
    source=META + ": Results = times the ad achieved its objective's outcome",
    description="Results of different result types (e.g. link clicks and purchases) should "
    "not be added: group by result_type when campaigns have different objectives.",
)
ratio_kpi(
    "cost_per_result",
    "Cost per result",
    numerator=lambda t: t.spend,
    denominator=lambda t: t.results,
    numerator_label="spend",
    denominator_label="results",
    unit="currency",
    better="lower",
    tables=(ADS,),
    source=META + ": Cost per result = amount spent ÷ results",
    description="Over every row, the days and ads that spent without a result too (a blank "
    "Results cell is 0 results), as Ads Manager counts it. Such a row without a result type "
    "takes its ad's, else its ad set's or campaign's when there is one "
    "(docs/workbench-campaigns.md).",
)
column_sum("purchases", "Purchases", "purchases", tables=(ADS,), source=META + ": Purchases")
column_sum(
    "purchase_value",
    "Purchases conversion value",
    "purchase_value",
    tables=(ADS,),
    source=META + ": Purchases conversion value",
    unit="currency",
)
ratio_kpi(
    "roas",
    "ROAS (purchase return on ad spend)",
    numerator=lambda t: t.purchase_value,
    denominator=lambda t: t.spend,
    numerator_label="purchase_value",
    denominator_label="spend",
    unit="ratio",
    better="higher",
    tables=(ADS,),
    source=META + ": Purchase ROAS = purchase conversion value ÷ spend",
)


def _conversions(t: ir.Table) -> ir.NumericValue:
    """purchases + leads where either is known (a missing one counts as 0), else NULL."""
    known = t.purchases.notnull() | t.leads.notnull()
    return known.ifelse(zero(t.purchases) + zero(t.leads), None)


ratio_kpi(
    "conversion_rate",
    "Conversion rate",
    numerator=_conversions,
    denominator=lambda t: t.link_clicks,
    numerator_label="purchases + leads",
    denominator_label="link_clicks",
    unit="percent",
    better="higher",
    tables=(ADS,),
    base="link clicks",
    source="Common definition: conversions ÷ link clicks (not in KNOWLEDGE.md; purchases and "
    "leads counted as conversions)",
)
column_sum(
    "leads",
    "Leads",
    "leads",
    tables=(ADS,),
    source="Meta Ads Manager / LinkedIn lead gen forms (B2B)",
)
ratio_kpi(
    "cost_per_lead",
    "Cost per lead",
    numerator=lambda t: t.spend,
    denominator=lambda t: t.leads,
    numerator_label="spend",
    denominator_label="leads",
    unit="currency",
    better="lower",
    tables=(ADS,),
    source="Cost per result for lead objectives (" + META + ")",
)


# -- video -----------------------------------------------------------------------------

ratio_kpi(
    "video_completion_rate",
    "Video completion rate",
    numerator=lambda t: t.video_completions,
    denominator=lambda t: t.video_views,
    numerator_label="video_completions",
    denominator_label="video_views",
    unit="percent",
    better="higher",
    tables=(POSTS, ADS),
    base="video views",
    source="Completed views ÷ video views (platform exports; not in KNOWLEDGE.md)",
)
ratio_kpi(
    "avg_watch_time",
    "Average watch time per view",
    numerator=lambda t: t.watch_time_s,
    denominator=lambda t: t.views,
    numerator_label="watch_time_s",
    denominator_label="views",
    unit="seconds",
    better="higher",
    tables=(POSTS,),
    source="Meta 'Average Seconds viewed', YouTube 'Watch time' and 'Average view duration' "
    "(FORMATS.md)",
)


# -- audience (account_daily, wide view) -----------------------------------------------


@kpi(
    "followers_gained",
    "Net followers gained",
    unit="count",
    better="higher",
    tables=(DAILY,),
    formula_text="sum(follower_change) when every day with follower figures carries it, else "
    "last(followers) − first(followers) (two days with followers needed)",
    source="TikTok FollowerHistory 'Difference in followers'; account follower series",
    description="A follower count is taken as the count at the end of its day and a change as "
    "the day's change. Daily changes with a day missing are not added up (that would leave the "
    "missing day's followers out): the follower counts give the change instead, from the first "
    "day with a count to the last; one count alone gives no change (NULL). Over several "
    "accounts (a platform) each account's gain is taken alone and the gains are added up; "
    "one account with follower figures but no gain gives no total (NULL).",
    series=SERIES,
    series_parts=lambda t: _series_figures(t),
    series_total=lambda part: _total_gain(part),
)
def _followers_gained(t: ir.Table) -> ir.Scalar:
    return _net_change(t)


@kpi(
    "follower_growth_rate",
    "Follower growth rate",
    unit="percent",
    better="higher",
    tables=(DAILY,),
    base="followers at the start of the period",
    formula_text="net followers gained / followers at the start (a count minus the daily "
    "changes up to it; from counts alone, the first day's count)",
    source="Common definition: net new followers ÷ followers at the start of the period",
    description="With every daily change known, the start is the last day's count minus all "
    "the changes, or the first day's count minus that day's change; from follower counts "
    "alone, the gain after the first day with a count over that count. A start of 0 or "
    "unknown gives no rate (NULL). Over several accounts (a platform) the gains and the "
    "starts of the accounts are added up, each taken alone, and the rate is their ratio; one "
    "account with follower figures but no gain or start gives no rate (NULL).",
    series=SERIES,
    series_parts=lambda t: _series_figures(t),
    series_total=lambda part: _total_rate(part),
)
def _follower_growth(t: ir.Table) -> ir.Scalar:
    return safe_div(_net_change(t), _start_followers(t))


def _series_figures(t: ir.Table) -> dict[str, ir.Scalar]:
    """One account's gain, start and days with follower figures (the parts both KPIs add up)."""
    import ibis.expr.datatypes as dt

    info = t.followers.notnull() | t.follower_change.notnull()
    return {
        "gain": _net_change(t),
        "start": _start_followers(t),
        "info": info.cast(dt.int64).sum(),
    }


def _total_gain(part: Callable[[str], ir.Value]) -> ir.Scalar:
    """The accounts' gains added up; NULL when an account with follower figures has none."""
    import ibis.expr.datatypes as dt

    known = part("info") > 0
    gaps = (known & part("gain").isnull()).cast(dt.int64).sum()
    return (gaps == 0).ifelse(known.ifelse(part("gain"), None).sum(), None)


def _total_rate(part: Callable[[str], ir.Value]) -> ir.Scalar:
    """Summed gains over summed starts; NULL when an account with figures lacks either."""
    import ibis.expr.datatypes as dt

    known = part("info") > 0
    gaps = (known & (part("gain").isnull() | part("start").isnull())).cast(dt.int64).sum()
    rate = safe_div(known.ifelse(part("gain"), None).sum(), known.ifelse(part("start"), None).sum())
    return (gaps == 0).ifelse(rate, None)


def _series_parts(t: ir.Table) -> dict[str, ir.Value]:
    """The pieces of a follower series both KPIs read (see their descriptions)."""
    import ibis.expr.datatypes as dt

    counted = t.followers.notnull()
    info = counted | t.follower_change.notnull()
    count_days = counted.ifelse(t.date, None)
    info_days = info.ifelse(t.date, None)
    return {
        # every row with follower figures carries its day's change (no row: NULL sums)
        "complete": t.follower_change.count() == info.cast(dt.int64).sum(),
        "first": t.followers.argmin(count_days),
        "last": t.followers.argmax(count_days),
        "two_counts": t.followers.count() >= 2,
        "count_first_day": count_days.min() == info_days.min(),
        "count_last_day": count_days.max() == info_days.max(),
        "first_change": t.follower_change.argmin(info_days),
    }


def _net_change(t: ir.Table) -> ir.Scalar:
    p = _series_parts(t)
    from_counts = p["two_counts"].ifelse(p["last"] - p["first"], None)
    return p["complete"].ifelse(t.follower_change.sum(), from_counts)


def _start_followers(t: ir.Table) -> ir.Scalar:
    p = _series_parts(t)
    from_last = p["count_last_day"].ifelse(p["last"] - t.follower_change.sum(), None)
    from_first = p["count_first_day"].ifelse(p["first"] - p["first_change"], None)
    from_counts = p["two_counts"].ifelse(p["first"], None)
    return p["complete"].ifelse(from_last.coalesce(from_first), from_counts)
