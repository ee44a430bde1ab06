"""The built-in KPIs, each defined once (registered on import through the registry).

Every formula is a ratio of sums so it holds at any grouping. ``posts``
interactions follow :func:`socialproof.metrics._ops.interactions`. Sources
cite ../shared/KNOWLEDGE.md ("Metric definitions") and the platforms' own
definitions summarised there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialproof.metrics._ops import interactions, safe_div, zero
from socialproof.metrics.registry import kpi

if TYPE_CHECKING:
    import ibis.expr.types as ir

POSTS = "posts"
ADS = "ad_stats"
DAILY = "account_daily"
META = "Meta Ads Manager definitions (KNOWLEDGE.md, Metric definitions)"
ER_SOURCE = "KNOWLEDGE.md, Metric definitions: engagement rate has three bases; name the base"
SUM_NOTE = (
    "Sum as exported. Unique reach does not add up across days, ads or posts, so a sum "
    "over several rows overstates unique people reached."
)


# -- delivery --------------------------------------------------------------------------


@kpi(
    "reach",
    "Reach",
    formula_text="sum(reach)",
    unit="count",
    better="higher",
    tables=(POSTS, ADS, DAILY),
    source="Platform exports (Meta, TikTok, LinkedIn)",
    description=SUM_NOTE,
)
def _reach(t: ir.Table) -> ir.Scalar:
    return t.reach.sum()


@kpi(
    "impressions",
    "Impressions",
    formula_text="sum(impressions)",
    unit="count",
    better="higher",
    tables=(POSTS, ADS, DAILY),
    source="Platform exports",
)
def _impressions(t: ir.Table) -> ir.Scalar:
    return t.impressions.sum()


@kpi(
    "views",
    "Views",
    formula_text="sum(views)",
    unit="count",
    better="higher",
    tables=(POSTS, DAILY),
    source="Platform exports (Meta's 'Views' replaced 'Impressions' in 2025)",
)
def _views(t: ir.Table) -> ir.Scalar:
    return t.views.sum()


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


@kpi(
    "frequency",
    "Frequency",
    formula_text="sum(impressions) / sum(reach)",
    unit="ratio",
    better="neutral",
    tables=(ADS,),
    base="reach",
    source=META + ": Frequency = impressions ÷ reach",
)
def _frequency(t: ir.Table) -> ir.Scalar:
    return safe_div(t.impressions.sum(), t.reach.sum())


# -- engagement (posts) ----------------------------------------------------------------


@kpi(
    "interactions",
    "Interactions",
    unit="count",
    better="higher",
    tables=(POSTS,),
    formula_text="sum(engagements, else reactions + comments + shares + saves + clicks + follows)",
    source=ER_SOURCE,
)
def _interactions(t: ir.Table) -> ir.Scalar:
    return interactions(t).sum()


@kpi(
    "engagement_rate_reach",
    "Engagement rate (by reach)",
    unit="percent",
    better="higher",
    tables=(POSTS,),
    base="reach",
    formula_text="sum(interactions) / sum(reach)",
    source="Metricool: interactions ÷ reach (" + ER_SOURCE + ")",
)
def _er_reach(t: ir.Table) -> ir.Scalar:
    return safe_div(interactions(t).sum(), t.reach.sum())


@kpi(
    "engagement_rate_impressions",
    "Engagement rate (by impressions)",
    unit="percent",
    better="higher",
    tables=(POSTS,),
    base="impressions",
    formula_text="sum(interactions) / sum(impressions)",
    source="Sprout Social / Buffer / LinkedIn: interactions incl. clicks ÷ impressions ("
    + ER_SOURCE
    + ")",
)
def _er_impressions(t: ir.Table) -> ir.Scalar:
    return safe_div(interactions(t).sum(), t.impressions.sum())


@kpi(
    "engagement_rate_followers",
    "Engagement rate (by followers)",
    unit="percent",
    better="higher",
    tables=(POSTS,),
    base="followers",
    formula_text="sum(interactions) / sum(followers when posted)",
    source="Rival IQ: interactions ÷ followers, per post (" + ER_SOURCE + ")",
    description="Over several posts this is the follower-weighted mean of per-post rates; "
    "posts without a known follower count are left out of both sums.",
)
def _er_followers(t: ir.Table) -> ir.Scalar:
    known = t.followers.notnull()
    return safe_div(known.ifelse(interactions(t), 0).sum(), t.followers.sum())


@kpi(
    "engagement_rate_views",
    "Engagement rate (by views)",
    unit="percent",
    better="higher",
    tables=(POSTS,),
    base="views",
    formula_text="sum(interactions) / sum(views)",
    source="Socialinsider reports TikTok engagement by views (KNOWLEDGE.md, Benchmarks)",
)
def _er_views(t: ir.Table) -> ir.Scalar:
    return safe_div(interactions(t).sum(), t.views.sum())


# -- clicks ----------------------------------------------------------------------------


@kpi(
    "clicks",
    "Clicks (all)",
    formula_text="sum(clicks)",
    unit="count",
    better="higher",
    tables=(POSTS, ADS),
    source=META + ": Clicks (all)",
)
def _clicks(t: ir.Table) -> ir.Scalar:
    return t.clicks.sum()


@kpi(
    "link_clicks",
    "Link clicks",
    formula_text="sum(link_clicks)",
    unit="count",
    better="higher",
    tables=(POSTS, ADS),
    source=META + ": Link clicks",
)
def _link_clicks(t: ir.Table) -> ir.Scalar:
    return t.link_clicks.sum()


@kpi(
    "ctr_all",
    "CTR (all)",
    formula_text="sum(clicks) / sum(impressions)",
    unit="percent",
    better="higher",
    tables=(POSTS, ADS),
    base="impressions",
    source=META + ": CTR (all) counts every click type",
)
def _ctr_all(t: ir.Table) -> ir.Scalar:
    return safe_div(t.clicks.sum(), t.impressions.sum())


@kpi(
    "ctr_link",
    "CTR (link click-through rate)",
    formula_text="sum(link_clicks) / sum(impressions)",
    unit="percent",
    better="higher",
    tables=(POSTS, ADS),
    base="impressions",
    source=META + ": CTR (link click-through rate) = link clicks ÷ impressions",
)
def _ctr_link(t: ir.Table) -> ir.Scalar:
    return safe_div(t.link_clicks.sum(), t.impressions.sum())


# -- cost ------------------------------------------------------------------------------


@kpi(
    "spend",
    "Amount spent",
    formula_text="sum(spend)",
    unit="currency",
    better="neutral",
    tables=(ADS,),
    source=META + ": Amount spent",
)
def _spend(t: ir.Table) -> ir.Scalar:
    return t.spend.sum()


@kpi(
    "cpm",
    "CPM (cost per 1,000 impressions)",
    formula_text="sum(spend) / sum(impressions) × 1000",
    unit="currency",
    better="lower",
    tables=(ADS,),
    base="impressions",
    source=META + ": CPM = spend ÷ impressions × 1000",
)
def _cpm(t: ir.Table) -> ir.Scalar:
    return safe_div(t.spend.sum(), t.impressions.sum()) * 1000


@kpi(
    "cpc",
    "CPC (cost per link click)",
    formula_text="sum(spend) / sum(link_clicks)",
    unit="currency",
    better="lower",
    tables=(ADS,),
    base="link clicks",
    source=META + ": CPC (cost per link click)",
)
def _cpc(t: ir.Table) -> ir.Scalar:
    return safe_div(t.spend.sum(), t.link_clicks.sum())


@kpi(
    "cpc_all",
    "CPC (all)",
    formula_text="sum(spend) / sum(clicks)",
    unit="currency",
    better="lower",
    tables=(ADS,),
    base="clicks (all)",
    source=META + ": CPC (all)",
)
def _cpc_all(t: ir.Table) -> ir.Scalar:
    return safe_div(t.spend.sum(), t.clicks.sum())


# -- outcomes --------------------------------------------------------------------------


@kpi(
    "results",
    "Results",
    formula_text="sum(results)",
    unit="count",
    better="higher",
    tables=(ADS,),
    source=META + ": Results = times the ad achieved its objective's outcome",
    description="Results of different result types (e.g. link clicks and purchases) should "
    "not be added: group by result_type when campaigns have different objectives.",
)
def _results(t: ir.Table) -> ir.Scalar:
    return t.results.sum()


@kpi(
    "cost_per_result",
    "Cost per result",
    formula_text="sum(spend) / sum(results)",
    unit="currency",
    better="lower",
    tables=(ADS,),
    base="results",
    source=META + ": Cost per result = amount spent ÷ results",
)
def _cost_per_result(t: ir.Table) -> ir.Scalar:
    return safe_div(t.spend.sum(), t.results.sum())


@kpi(
    "purchases",
    "Purchases",
    formula_text="sum(purchases)",
    unit="count",
    better="higher",
    tables=(ADS,),
    source=META + ": Purchases",
)
def _purchases(t: ir.Table) -> ir.Scalar:
    return t.purchases.sum()


@kpi(
    "purchase_value",
    "Purchases conversion value",
    formula_text="sum(purchase_value)",
    unit="currency",
    better="higher",
    tables=(ADS,),
    source=META + ": Purchases conversion value",
)
def _purchase_value(t: ir.Table) -> ir.Scalar:
    return t.purchase_value.sum()


@kpi(
    "roas",
    "ROAS (purchase return on ad spend)",
    formula_text="sum(purchase_value) / sum(spend)",
    unit="ratio",
    better="higher",
    tables=(ADS,),
    base="spend",
    source=META + ": Purchase ROAS = purchase conversion value ÷ spend",
)
def _roas(t: ir.Table) -> ir.Scalar:
    return safe_div(t.purchase_value.sum(), t.spend.sum())


@kpi(
    "conversion_rate",
    "Conversion rate",
    unit="percent",
    better="higher",
    tables=(ADS,),
    base="link clicks",
    formula_text="sum(purchases + leads) / sum(link_clicks)",
    source="Common definition: conversions ÷ link clicks (not in KNOWLEDGE.md; purchases and "
    "leads counted as conversions)",
)
def _conversion_rate(t: ir.Table) -> ir.Scalar:
    conv = zero(t.purchases) + zero(t.leads)
    known = t.purchases.notnull() | t.leads.notnull()
    return safe_div(known.ifelse(conv, None).sum(), known.ifelse(t.link_clicks, None).sum())


@kpi(
    "leads",
    "Leads",
    formula_text="sum(leads)",
    unit="count",
    better="higher",
    tables=(ADS,),
    source="Meta Ads Manager / LinkedIn lead gen forms (B2B)",
)
def _leads(t: ir.Table) -> ir.Scalar:
    return t.leads.sum()


@kpi(
    "cost_per_lead",
    "Cost per lead",
    formula_text="sum(spend) / sum(leads)",
    unit="currency",
    better="lower",
    tables=(ADS,),
    base="leads",
    source="Cost per result for lead objectives (" + META + ")",
)
def _cost_per_lead(t: ir.Table) -> ir.Scalar:
    return safe_div(t.spend.sum(), t.leads.sum())


# -- video -----------------------------------------------------------------------------


@kpi(
    "video_completion_rate",
    "Video completion rate",
    unit="percent",
    better="higher",
    tables=(POSTS, ADS),
    base="video views",
    formula_text="sum(video_completions) / sum(video_views)",
    source="Completed views ÷ video views (platform exports; not in KNOWLEDGE.md)",
)
def _vcr(t: ir.Table) -> ir.Scalar:
    known = t.video_completions.notnull()
    return safe_div(t.video_completions.sum(), known.ifelse(t.video_views, None).sum())


@kpi(
    "avg_watch_time",
    "Average watch time per view",
    unit="seconds",
    better="higher",
    tables=(POSTS,),
    base="views",
    formula_text="sum(watch_time_s) / sum(views)",
    source="Meta 'Average Seconds viewed', YouTube 'Watch time' (FORMATS.md)",
)
def _avg_watch(t: ir.Table) -> ir.Scalar:
    known = t.watch_time_s.notnull()
    return safe_div(t.watch_time_s.sum(), known.ifelse(t.views, None).sum())


# -- audience (account_daily, wide view) -----------------------------------------------


@kpi(
    "followers_gained",
    "Net followers gained",
    unit="count",
    better="higher",
    tables=(DAILY,),
    formula_text="sum(follower_change), else last(followers) − first(followers)",
    source="TikTok FollowerHistory 'Difference in followers'; account follower series",
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
    formula_text="net followers gained / (last(followers) − net followers gained)",
    source="Common definition: net new followers ÷ followers at the start of the period",
)
def _follower_growth(t: ir.Table) -> ir.Scalar:
    net = _net_change(t)
    last = t.followers.argmax(t.followers.notnull().ifelse(t.date, None))
    return safe_div(net, last - net)


def _net_change(t: ir.Table) -> ir.Scalar:
    dates_known = t.followers.notnull().ifelse(t.date, None)
    first = t.followers.argmin(dates_known)
    last = t.followers.argmax(dates_known)
    return t.follower_change.sum().coalesce(last - first)
