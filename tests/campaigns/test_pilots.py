"""Pilots on a workspace: definitions, storage, the test each metric gets, and bad input."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns import pilot_analysis, pilots, stats
from socialproof.errors import BadInput, NoData, NotFound, UsageError

FIXTURES = Path(__file__).parents[1] / "data" / "pilots"


def _rows(name: str) -> list[dict[str, Any]]:
    with (FIXTURES / name).open(encoding="utf-8") as fh:
        return [
            {k: (v if v != "" or k == "breakdown" else None) for k, v in r.items()}
            for r in csv.DictReader(fh)
        ]


@pytest.fixture
def ws(workspace: Any, insert: Callable[[str, list[dict[str, Any]]], None]) -> Any:
    insert("posts", _rows("posts.csv"))
    insert("ad_stats", _rows("ad_stats.csv"))
    return workspace


def _new(ws: Any, name: str, metric: str, variants: list[str], **kw: Any) -> pilots.Pilot:
    frm = kw.pop("date_from", "2026-03-01")
    to = kw.pop("date_to", "2026-04-30")
    return pilots.create(ws, pilots.define(name, metric, variants, frm, to, **kw))


# -- filters and definitions -----------------------------------------------------------


def test_parse_filter_terms() -> None:
    terms = pilots.parse_filter("format=Reel, label:Summer ,campaign~spring", "posts")
    assert [str(t) for t in terms] == ["format=Reel", "label:Summer", "campaign~spring"]
    assert [t.kind for t in terms] == ["eq", "label", "contains"]


@pytest.mark.parametrize(
    ("text", "table", "match"),
    [
        ("colour=red", "posts", "no column 'colour'"),
        ("label:vip", "ad_stats", "only posts carry"),
        ("just words", "posts", "Cannot read the filter term"),
        (" , ", "posts", "is empty"),
        ("label:", "posts", "names no label"),
    ],
)
def test_parse_filter_rejects_bad_terms(text: str, table: str, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        pilots.parse_filter(text, table)


def test_define_infers_the_table_from_filters_and_metric() -> None:
    by_format = pilots.define(
        "p", "engagement_rate", ["format=reel", "format=carousel"], "2026-03-01", "2026-03-31"
    )
    assert by_format.table == "posts"
    by_ad = pilots.define("p", "ctr", ["ad=X", "ad=Y"], "2026-03-01", "2026-03-31")
    assert by_ad.table == "ad_stats"
    cpc = pilots.define("p", "cpc", ["campaign~a", "campaign~b"], "2026-03-01", "2026-03-31")
    assert cpc.table == "ad_stats"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"metric": "vibes"}, UsageError, "Valid metrics for posts: engagement_rate"),
        ({"metric": "cpc", "table": "posts"}, UsageError, "does not apply to posts"),
        ({"metric": "posts"}, UsageError, "counts rows"),
        ({"date_from": "2026-05-01"}, UsageError, "starts .2026-05-01. after it ends"),
        ({"date_to": "30/04/2026"}, UsageError, "YYYY-MM-DD"),
        ({"variants": ["format=reel"]}, UsageError, "at least two variants"),
        ({"variants": ["format=reel", "format=REEL "]}, None, None),
        ({"variants": ["format=reel", "format=reel"]}, UsageError, "same filter"),
        ({"split": "50"}, UsageError, "one positive share per variant"),
        ({"mde": "0.2pp"}, UsageError, "relative change"),
        ({"mde": "5"}, UsageError, "would mean a 500 % change"),  # 5 % meant: it read 500 %
        ({"mde": "nan"}, UsageError, "must be a number"),
        ({"mde": "0.05"}, None, None),
        ({"test": "anova"}, UsageError, "Unknown test"),
        ({"name": "   "}, UsageError, "needs a name"),
        ({"table": "messages"}, UsageError, "Unknown table"),
    ],
)
def test_define_rejects_bad_definitions(kwargs: dict[str, Any], error: Any, match: Any) -> None:
    args: dict[str, Any] = {
        "name": "Reels vs carousels",
        "metric": "engagement_rate",
        "variants": ["format=reel", "format=carousel"],
        "date_from": "2026-03-01",
        "date_to": "2026-04-30",
    }
    args.update(kwargs)
    call = lambda: pilots.define(  # noqa: E731
        args.pop("name"),
        args.pop("metric"),
        args.pop("variants"),
        args.pop("date_from"),
        args.pop("date_to"),
        **args,
    )
    if error is None:
        # Case differences are still different filters as typed, but the same posts: allowed
        # here and caught by the overlap check on data.
        call()
        return
    with pytest.raises(error, match=match):
        call()


def test_pilots_are_stored_listed_and_deleted(ws: Any) -> None:
    made = _new(
        ws,
        "Reels vs carousels",
        "engagement_rate",
        ["format=reel", "format=carousel"],
        split="50,50",
        note="Reels reach new people",
    )
    assert made.created_at is not None
    listed = pilots.list_pilots(ws)
    assert [p.name for p in listed] == ["Reels vs carousels"]
    back = pilots.get(ws, "reels  VS carousels")
    assert back.variants == ("format=reel", "format=carousel")
    assert back.split == (50.0, 50.0)
    assert back.note == "Reels reach new people"
    assert str(back.date_from) == "2026-03-01"
    with pytest.raises(UsageError, match="already exists"):
        _new(ws, "REELS vs carousels", "ctr", ["format=reel", "format=image"])
    pilots.delete(ws, "Reels vs carousels")
    assert pilots.list_pilots(ws) == []


def test_unknown_pilot_names_the_existing_ones(ws: Any) -> None:
    _new(ws, "Reels vs carousels", "engagement_rate", ["format=reel", "format=carousel"])
    with pytest.raises(NotFound, match="No pilot named 'Stories'") as err:
        pilots.get(ws, "Stories")
    assert "'Reels vs carousels'" in str(err.value)


# -- analysis -------------------------------------------------------------------------------


def _per_post_er(rows: list[dict[str, Any]], fmt: str) -> list[float]:
    out = []
    for r in rows:
        if r["format"] != fmt or not r["reach"]:
            continue
        inter = sum(int(r[c]) for c in ("reactions", "comments", "shares", "saves", "link_clicks"))
        out.append(inter / int(r["reach"]))
    return out


def test_reels_vs_carousels_uses_welch_on_per_post_rates(ws: Any) -> None:
    _new(ws, "Reels vs carousels", "engagement_rate", ["format=reel", "format=carousel"])
    res = pilots.analyse(ws, "Reels vs carousels")
    assert res.kpi.name == "engagement_rate_reach"  # the base with the most data
    assert res.test == "Welch t-test"
    assert "Cochran" in res.why
    # Same numbers as Welch's test on per-post rates computed here from the fixture.
    rows = _rows("posts.csv")
    expected = stats.welch_test(_per_post_er(rows, "reel"), _per_post_er(rows, "carousel"))
    got = res.comparisons[0].result
    assert got.diff == pytest.approx(expected.diff)
    assert got.p_value == pytest.approx(expected.p_value)
    assert got.diff_low == pytest.approx(expected.diff_low)
    assert [v.n for v in res.variants] == [40, 40]
    assert res.srm is None  # no planned split: the check does not apply (see below)
    # Posts were not randomised: the verdict says what was observed, never what caused it.
    word = "higher" if expected.diff > 0 else "lower"
    assert res.verdict.startswith(
        f"B had a {word} mean engagement rate (by reach) per post than A, by "
    )
    assert "raised" not in res.verdict and "lowered" not in res.verdict
    assert "95 % CI" in res.verdict and "unlikely by chance alone" in res.verdict
    assert res.analysed == "Analysed per post: n = 80 posts (40 in A, 40 in B)."
    assert res.design.startswith("Observational comparison: posts were not assigned")
    rows_out = pilot_analysis.result_rows(res)
    assert rows_out[0]["verdict"] == "control"
    assert rows_out[1]["ci_level"] == 0.95
    assert rows_out[1]["p_value"] == pytest.approx(expected.p_value)


def test_ad_ctr_uses_the_two_proportion_test_on_summed_counts(ws: Any) -> None:
    _new(ws, "Spring ads", "ctr", ["ad=Spring A", "ad=Spring B"], table="ad_stats")
    res = pilots.analyse(ws, "Spring ads")
    assert res.test == "two-proportion z-test"
    assert res.unit == "impressions"
    rows = _rows("ad_stats.csv")

    def sums(ad: str) -> tuple[int, int]:
        mine = [r for r in rows if r["ad"] == ad]
        return sum(int(r["link_clicks"]) for r in mine), sum(int(r["impressions"]) for r in mine)

    (xa, na), (xb, nb) = sums("Spring A"), sums("Spring B")
    expected = stats.two_proportion_test(xa, na, xb, nb)
    got = res.comparisons[0]
    assert (res.variants[0].successes, res.variants[0].n) == (xa, na)
    assert got.result.statistic == pytest.approx(expected.statistic)
    assert got.result.diff_high == pytest.approx(expected.diff_high)
    assert got.significant == (expected.p_value < 0.05)
    assert res.srm is None and res.srm_why.startswith("Sample-ratio check: does not apply")
    assert res.correction.startswith("One comparison")


def test_three_variants_get_holm_and_bonferroni_intervals(ws: Any) -> None:
    _new(ws, "Three ads", "ctr_link", ["ad=Spring A", "ad=Spring B", "ad=Spring C"])
    res = pilots.analyse(ws, "Three ads")
    raw = [c.result.p_value for c in res.comparisons]
    assert [c.p_adjusted for c in res.comparisons] == pytest.approx(stats.adjust_pvalues(raw))
    # Each interval at the level of Holm's step for its comparison (the smallest p at
    # 1 - 0.05/2; then 1 - 0.05/1 if the first was rejected, else 1 - 0.05/2 again).
    first, second = sorted(raw)
    top = 1 - 0.05 / 2
    other = 0.95 if 2 * first < 0.05 else top
    expected = [top if p == first else other for p in raw]
    assert [c.result.confidence for c in res.comparisons] == pytest.approx(expected)
    for c in res.comparisons:
        assert c.significant == (c.result.diff_low > 0 or c.result.diff_high < 0)
    assert "Holm" in res.correction
    assert [c.label for c in res.comparisons] == ["B", "C"]


def test_a_verdict_over_several_variants_names_its_p_as_holm_adjusted(ws: Any) -> None:
    """With B and C against A the verdict gave the Holm-adjusted p as plain 'p = 0.008'
    beside a table whose column reads 'p (Holm)'; the verdict names it too. Expected p
    worked by hand: Wald z of the summed counts, then Holm (the larger p times 1)."""
    _new(ws, "Three ads", "ctr_link", ["ad=Spring A", "ad=Spring B", "ad=Spring C"])
    res = pilots.analyse(ws, "Three ads")
    rows = _rows("ad_stats.csv")

    def rate(ad: str) -> tuple[float, float]:
        mine = [r for r in rows if r["ad"] == ad]
        n = sum(int(r["impressions"]) for r in mine)
        return sum(int(r["link_clicks"]) for r in mine) / n, n

    (pa, na), (pb, nb), (pc, nc) = rate("Spring A"), rate("Spring B"), rate("Spring C")

    def p_two_sided(p1: float, n1: float) -> float:
        z = (p1 - pa) / math.sqrt(pa * (1 - pa) / na + p1 * (1 - p1) / n1)
        return math.erfc(abs(z) / math.sqrt(2))

    p_b, p_c = p_two_sided(pb, nb), p_two_sided(pc, nc)
    assert p_b * 2 < p_c < 0.05  # Holm: B's p doubled, C's (the larger) kept
    assert "(Holm-adjusted p < 0.001)" in res.verdict
    assert f"(Holm-adjusted p = {p_c:.3f})" in res.verdict


def test_few_posts_get_a_bootstrap_and_a_not_enough_data_verdict(ws: Any) -> None:
    # Carousels split by campaign: same format, same true rate, ~27 and ~13 posts: below
    # Cochran's minimum for Welch, and too few to tell a 5 % change.
    _new(
        ws,
        "Short",
        "engagement_rate_impressions",
        ["format=carousel,campaign~always", "format=carousel,campaign~spring"],
        mde="5%",
    )
    res = pilots.analyse(ws, "Short", seed=1)
    assert res.test == "bootstrap"
    assert "fewer than" in res.why
    assert pilots.analyse(ws, "Short", seed=1) == res  # seeded: reproducible
    c = res.comparisons[0]
    assert not c.significant
    assert c.needed_per_variant is not None and c.needed_per_variant > c.result.n_a
    assert c.verdict.startswith("Not enough data")
    assert "more posts per variant to detect a 5 % relative change" in c.verdict


def test_filters_by_label_and_contains(ws: Any) -> None:
    _new(
        ws,
        "Labels",
        "engagement_rate_reach",
        ["label:summer", "format=carousel,campaign~always"],
        test="welch",
    )
    res = pilots.analyse(ws, "Labels")
    rows = _rows("posts.csv")
    summer = [r for r in rows if "summer" in (r["labels"] or "")]
    always = [r for r in rows if r["format"] == "carousel" and r["campaign"] == "Always on"]
    assert [v.rows for v in res.variants] == [len(summer), len(always)]
    assert res.test == "Welch t-test"  # forced: 12 summer posts alone would get a bootstrap
    assert "The pilot asks for the Welch t-test" in res.why


def test_very_few_posts_get_welch_with_a_warning(ws: Any) -> None:
    _new(
        ws,
        "Tiny",
        "engagement_rate_reach",
        ["format=reel", "format=carousel"],
        date_from="2026-03-01",
        date_to="2026-03-05",
    )
    res = pilots.analyse(ws, "Tiny")
    assert res.test == "Welch t-test"
    assert "very few posts" in res.why and "first indication" in res.why


def test_planned_split_mismatch_is_flagged(ws: Any) -> None:
    _new(ws, "Uneven", "engagement_rate", ["format=reel", "format=carousel"], split="80,20")
    res = pilots.analyse(ws, "Uneven")
    assert res.srm is not None and res.srm.mismatch
    assert res.verdict.startswith("Warning: sample-ratio mismatch")


def test_rows_without_the_metric_inputs_are_counted_not_dropped_silently(ws: Any) -> None:
    _new(ws, "Text", "engagement_rate_reach", ["format=text", "format=image"])
    with pytest.raises(BadInput, match="none with the inputs|has 0 posts"):
        pilots.analyse(ws, "Text")


# -- bad input on data ------------------------------------------------------------------------


def test_overlapping_variants_name_count_and_example(ws: Any) -> None:
    _new(ws, "Overlap", "engagement_rate", ["format=reel", "campaign~spring"])
    with pytest.raises(
        BadInput,
        match=r"overlap: \d+ posts match more than one variant "
        r"\(e\.g\. post_id 'ig\d+'\)",
    ):
        pilots.analyse(ws, "Overlap")


def test_variant_without_rows_lists_values_seen(ws: Any) -> None:
    _new(ws, "Stories", "engagement_rate", ["format=reel", "format=story"])
    with pytest.raises(BadInput, match="Variant B .format=story. matches no posts") as err:
        pilots.analyse(ws, "Stories")
    assert "carousel" in str(err.value) and "reel" in str(err.value)


def test_period_without_data_names_the_span(ws: Any) -> None:
    _new(
        ws,
        "Old",
        "engagement_rate",
        ["format=reel", "format=carousel"],
        date_from="2025-01-01",
        date_to="2025-01-31",
    )
    with pytest.raises(NoData, match="No posts between 2025-01-01 and 2025-01-31") as err:
        pilots.analyse(ws, "Old")
    assert "covers 2026-03-01 to" in str(err.value)


def test_empty_workspace_says_import_first(workspace: Any) -> None:
    pilots.create(
        workspace,
        pilots.define(
            "P", "engagement_rate", ["format=reel", "format=image"], "2026-03-01", "2026-03-31"
        ),
    )
    with pytest.raises(NoData, match="no posts yet"):
        pilots.analyse(workspace, "P")


def test_mixed_currencies_are_refused_for_money_metrics(ws: Any) -> None:
    _new(ws, "CPC", "cpc", ["ad=Spring A", "ad=Spring C"])  # USD vs EUR
    with pytest.raises(BadInput, match="more than one currency"):
        pilots.analyse(ws, "CPC")
    _new(ws, "CPC USD", "cpc", ["ad=Spring A", "ad=Spring B"])
    res = pilots.analyse(ws, "CPC USD")
    assert res.unit == "ad-days"
    assert res.method == "per-unit"


def test_negative_and_missing_spend(ws: Any, insert: Callable[..., None]) -> None:
    rows = [r for r in _rows("ad_stats.csv") if r["ad"] == "Spring A"][:2]
    rows[0]["spend"] = "-5"
    rows[1]["spend"] = None
    insert("ad_stats", rows)
    _new(ws, "CPM", "cpm", ["ad=Spring A", "ad=Spring B"])
    with pytest.raises(BadInput, match="1 ad rows in the pilot have negative spend"):
        pilots.analyse(ws, "CPM")
    rows[0]["spend"] = "12.5"
    insert("ad_stats", rows)
    res = pilots.analyse(ws, "CPM")
    assert res.variants[0].left_out == 1
    assert any("1 ad-days in A lack the inputs" in n for n in res.notes)


# -- planning ----------------------------------------------------------------------------------


def test_plan_without_a_workspace_uses_the_options() -> None:
    plan = pilots.plan(None, "ctr", "10%", baseline="1.2%", daily=20_000)
    size = stats.sample_size_proportions(0.012, 0.10)
    assert plan.size == size
    assert plan.days == -(-size.total // 20_000)
    assert plan.unit == "impressions"


def test_plan_estimates_from_recent_workspace_data(ws: Any) -> None:
    plan = pilots.plan(ws, "engagement_rate", "10%")
    assert plan.method == "per-unit"
    assert plan.sd is not None and plan.sd > 0
    assert plan.daily is not None and plan.daily > 0
    assert plan.days is not None
    assert any("posts of the last 90 days (to 2026-" in n for n in plan.notes)
    ads = pilots.plan(ws, "ctr", "0.2pp", table="ad_stats")
    assert ads.size.target == pytest.approx(ads.size.baseline + 0.002)
    cpc = pilots.plan(ws, "cpc", "10%", table="ad_stats")
    assert cpc.unit == "ad-days"
    assert any(n.startswith("Planned per ad-day") for n in cpc.notes)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"metric": "engagement_rate", "mde": "10%", "baseline": "0.05"}, "standard deviation"),
        ({"metric": "ctr", "mde": "10%"}, "needs the current level"),
        ({"metric": "ctr", "mde": "ten", "baseline": "0.01"}, "Cannot read"),
        ({"metric": "ctr", "mde": "10%", "baseline": "0.01", "daily": -3}, "--daily"),
        ({"metric": "nope", "mde": "10%", "baseline": "0.01"}, "Valid metrics"),
    ],
)
def test_plan_bad_input(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(UsageError, match=match):
        pilots.plan(None, kwargs.pop("metric"), kwargs.pop("mde"), **kwargs)


# -- quoting and the demo -----------------------------------------------------------------------


def test_quoted_values_may_hold_commas() -> None:
    terms = pilots.parse_filter('campaign="Sale, spring",ad=A', "ad_stats")
    assert [(t.column, t.value) for t in terms] == [("campaign", "Sale, spring"), ("ad", "A")]
    assert ",".join(str(t) for t in terms) == 'campaign="Sale, spring",ad=A'


def test_demo_pilot_creates_meaningful_pilots_once(ws: Any) -> None:
    made = pilots.demo_pilot(ws)
    names = [p.name for p in made]
    assert names[0] == "Reels vs carousels"
    assert made[0].variants == (
        "platform=instagram,format=reel",
        "platform=instagram,format=carousel",
    )
    ads = made[1]
    assert ads.table == "ad_stats" and ads.metric == "ctr_link"
    # The two ads with the most impressions in the biggest ad set, the larger first.
    rows = _rows("ad_stats.csv")
    imps = {
        ad: sum(int(r["impressions"]) for r in rows if r["ad"] == ad)
        for ad in ("Spring A", "Spring B")
    }
    order = sorted(imps, key=lambda ad: -imps[ad])
    assert ads.variants == tuple(f"campaign=Spring sale,ad_set=Broad,ad={ad}" for ad in order)
    for p in made:
        res = pilots.analyse(ws, p.name)
        assert res.verdict
    assert pilots.demo_pilot(ws) == []  # idempotent


def test_demo_pilot_on_an_empty_workspace_makes_nothing(workspace: Any) -> None:
    assert pilots.demo_pilot(workspace) == []


def test_period_is_in_the_workspace_timezone(tmp_path: Path) -> None:
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    ws = Workspace.init(
        tmp_path / "ny", settings=settings_from_dict({"timezone": "America/New_York"})
    )
    rows = []
    for i in range(6):
        for fmt in ("reel", "carousel"):
            rows.append(
                {
                    "platform": "instagram",
                    "post_id": f"{fmt}{i}",
                    "account": "acme",
                    "published_at": f"2026-03-0{i + 2} 15:00:00",
                    "format": fmt,
                    "reach": 1000 + 10 * i,
                    "reactions": 40 + i + (fmt == "reel") * 5,
                }
            )
    # 03:00 UTC on 1 March is still 28 February in New York: outside the pilot.
    rows.append(
        {
            "platform": "instagram",
            "post_id": "late",
            "account": "acme",
            "published_at": "2026-03-01 03:00:00",
            "format": "reel",
            "reach": 900,
            "reactions": 10,
        }
    )
    import pyarrow as pa

    from socialproof.workspace import engine
    from socialproof.workspace.schema import CANONICAL

    with ws.transaction() as con:
        engine.upsert(con, CANONICAL["posts"], pa.Table.from_pylist(rows))
    pilots.create(
        ws,
        pilots.define(
            "TZ",
            "engagement_rate_reach",
            ["format=reel", "format=carousel"],
            "2026-03-01",
            "2026-03-31",
        ),
    )
    res = pilots.analyse(ws, "TZ")
    assert [v.rows for v in res.variants] == [6, 6]


def test_ad_rows_straddling_the_period_are_counted(ws: Any, insert: Callable[..., None]) -> None:
    insert(
        "ad_stats",
        [
            {
                "platform": "meta",
                "account": "acme ads",
                "campaign": "Spring sale",
                "ad_set": "Broad",
                "ad": "Spring A",
                "date_start": "2026-02-20",
                "date_stop": "2026-03-10",
                "breakdown": "",
                "impressions": 90000,
                "link_clicks": 900,
                "reach": 60000,
            }
        ],
    )
    _new(
        ws,
        "Edges",
        "ctr",
        ["ad=Spring A", "ad=Spring B"],
        date_from="2026-03-01",
        date_to="2026-03-31",
    )
    res = pilots.analyse(ws, "Edges")
    assert any(
        n.startswith("1 ad rows of these variants cover days both inside and outside")
        for n in res.notes
    )
    daily = sum(int(r["impressions"]) for r in _rows("ad_stats.csv") if r["ad"] == "Spring A")
    assert res.variants[0].n == daily


# -- intervals that match the verdict, the unit of analysis (issue 15, items 3 and 5) ---------


def _er_posts(values: dict[str, list[int]]) -> list[dict[str, Any]]:
    """Posts with reach 1000 and the given interactions, one format per variant."""
    from datetime import datetime, timedelta

    rows = []
    start = datetime(2026, 3, 2, 12)
    for fmt, inters in values.items():
        for i, inter in enumerate(inters):
            rows.append(
                {
                    "platform": "instagram",
                    "post_id": f"{fmt}{i}",
                    "account": "acme",
                    "published_at": start + timedelta(hours=7 * i + len(fmt)),
                    "format": fmt,
                    "reach": 1000,
                    "reactions": inter,
                    "comments": 0,
                    "shares": 0,
                    "saves": 0,
                }
            )
    return rows


def test_holm_significant_verdict_never_shows_an_interval_through_zero(
    workspace: Any, insert: Callable[..., None]
) -> None:
    # Three variants: B far above A, C a little above A (raw p between 0.025 and 0.05).
    # Holm rejects both; a Bonferroni interval (97.5 %) for C would cross zero, so the
    # old report printed "C raised ... CI 0.0x–0.yy" with the sign of the low end lost.
    from scipy import stats as sst

    a = [50 + (i * 7) % 20 for i in range(30)]
    b = [v + 25 for v in a]
    c = None
    for extra in range(0, 120):
        cand = [v + 3 + (1 if i < extra % 30 else 0) + extra // 30 for i, v in enumerate(a)]
        t = sst.ttest_ind(cand, a, equal_var=False)
        ci = t.confidence_interval(0.975)
        if 0.025 < t.pvalue < 0.05 and ci.low < 0:
            c = cand
            break
    assert c is not None
    insert("posts", _er_posts({"reel": a, "carousel": b, "image": c}))
    _new(
        workspace,
        "Three formats",
        "engagement_rate_reach",
        ["format=reel", "format=carousel", "format=image"],
        test="welch",
    )
    res = pilots.analyse(workspace, "Three formats")
    by_label = {x.label: x for x in res.comparisons}
    cc = by_label["C"]
    assert cc.significant and cc.p_adjusted < 0.05
    assert cc.result.confidence == pytest.approx(0.95)  # Holm's second step: alpha / 1
    assert cc.result.diff_low > 0  # the interval the verdict shows leaves out zero
    # The same interval as scipy's Welch interval at that level, shown with its signs.
    ref = sst.ttest_ind([v / 1000 for v in c], [v / 1000 for v in a], equal_var=False)
    low = ref.confidence_interval(0.95).low
    assert cc.result.diff_low == pytest.approx(float(low), rel=1e-9)
    assert "CI +" in cc.verdict and " to +" in cc.verdict
    assert by_label["B"].result.confidence == pytest.approx(0.975)
    assert "B 97.5 %" in res.correction and "C 95 %" in res.correction


def test_negative_difference_keeps_its_sign_in_the_verdict(
    workspace: Any, insert: Callable[..., None]
) -> None:
    a = [60 + (i * 7) % 20 for i in range(30)]
    b = [v - 12 for v in a]
    insert("posts", _er_posts({"reel": a, "carousel": b}))
    _new(workspace, "Down", "engagement_rate_reach", ["format=reel", "format=carousel"])
    res = pilots.analyse(workspace, "Down")
    c = res.comparisons[0]
    assert c.significant and c.result.diff_high < 0
    assert c.verdict.startswith(
        "B had a lower mean engagement rate (by reach) per post than A, by 1.2"
    )
    from scipy import stats as sst

    ci = sst.ttest_ind([v / 1000 for v in b], [v / 1000 for v in a]).confidence_interval()
    shown = f"95 % CI −{-ci.low * 100:.2f} to −{-ci.high * 100:.2f} points"
    assert shown in c.verdict
    # p < 0.05 makes chance unlikely, it does not rule it out (the verdict said it did)
    assert "rule out" not in c.verdict and "unlikely by chance alone" in c.verdict


def _ad_rows(ads: dict[str, tuple[str, float, int, int]], days: int = 10) -> list[dict[str, Any]]:
    """Daily rows per ad: name -> (ad set, spend per day, impressions per day, clicks per day)."""
    from datetime import date, timedelta

    rows = []
    for ad, (ad_set, spend, imps, clicks) in ads.items():
        for d in range(days):
            day = date(2026, 3, 1) + timedelta(days=d)
            wobble = (d * 37) % 11 - 5  # day-to-day variation beyond binomial chance
            rows.append(
                {
                    "platform": "meta",
                    "account": "acme ads",
                    "campaign": "Test",
                    "ad_set": ad_set,
                    "ad": ad,
                    "date_start": day,
                    "date_stop": day,
                    "breakdown": "",
                    "currency": "USD",
                    "spend": spend + wobble,
                    "impressions": imps + 40 * wobble,
                    "reach": (imps + 40 * wobble) * 3 // 4,
                    "clicks": clicks + 2 * wobble,
                    "link_clicks": clicks + 2 * wobble,
                }
            )
    return rows


ADS = {
    "A1": ("Set A", 40.0, 5000, 60),
    "A2": ("Set A", 35.0, 4000, 40),
    "A3": ("Set A", 50.0, 6000, 90),
    "B1": ("Set B", 42.0, 5000, 75),
    "B2": ("Set B", 30.0, 4500, 70),
    "B3": ("Set B", 45.0, 5500, 60),
}


def test_ads_are_analysed_per_ad_not_per_ad_day(
    workspace: Any, insert: Callable[..., None]
) -> None:
    from scipy import stats as sst

    rows = _ad_rows(ADS)
    insert("ad_stats", rows)
    _new(workspace, "Sets", "cpc", ["ad_set=Set A", "ad_set=Set B"], date_to="2026-03-31")
    res = pilots.analyse(workspace, "Sets")
    assert res.unit == "ads"
    assert res.analysed.startswith("Analysed per ad: n = 6 ads (3 in A, 3 in B)")

    def cpc(ad: str) -> float:  # each ad's CPC over all its days: a ratio of sums
        mine = [r for r in rows if r["ad"] == ad]
        return sum(r["spend"] for r in mine) / sum(r["clicks"] for r in mine)

    a = [cpc(ad) for ad in ("A1", "A2", "A3")]
    b = [cpc(ad) for ad in ("B1", "B2", "B3")]
    assert sorted(res.samples[0]) == pytest.approx(sorted(a))
    assert sorted(res.samples[1]) == pytest.approx(sorted(b))
    ref = sst.ttest_ind(b, a, equal_var=False)
    got = res.comparisons[0].result
    assert res.test == "Welch t-test"  # 3 ads a side: very few, said so
    assert got.p_value == pytest.approx(float(ref.pvalue), rel=1e-9)
    assert got.df == pytest.approx(float(ref.df), rel=1e-9)
    assert "B has 3" in res.why and "very few ads" in res.why and "post" not in res.why
    assert [v.n for v in res.variants] == [3, 3]


def test_ad_ctr_uses_the_spread_between_ads(workspace: Any, insert: Callable[..., None]) -> None:
    rows = _ad_rows(ADS)
    insert("ad_stats", rows)
    _new(workspace, "Sets CTR", "ctr_link", ["ad_set=Set A", "ad_set=Set B"])
    res = pilots.analyse(workspace, "Sets CTR")
    assert res.unit == "impressions"
    assert res.analysed.startswith("Analysed per ad: link clicks and impressions summed")

    def counts(ad_set: str) -> tuple[list[float], list[float]]:
        ads = [ad for ad, spec in ADS.items() if spec[0] == ad_set]
        s = [float(sum(r["link_clicks"] for r in rows if r["ad"] == ad)) for ad in ads]
        n = [float(sum(r["impressions"] for r in rows if r["ad"] == ad)) for ad in ads]
        return s, n

    (sa, na), (sb, nb) = counts("Set A"), counts("Set B")
    # Pearson X² / (6 ads - 2 variants), by hand.
    chi2 = 0.0
    for s, n in ((sa, na), (sb, nb)):
        p = sum(s) / sum(n)
        chi2 += sum((si - ni * p) ** 2 / (ni * p * (1 - p)) for si, ni in zip(s, n, strict=True))
    phi = chi2 / 4
    assert phi > 1
    assert res.dispersion == pytest.approx(phi)
    got = res.comparisons[0].result
    assert got.df == 4
    plain = stats.two_proportion_test(sum(sa), sum(na), sum(sb), sum(nb))
    assert got.diff == pytest.approx(plain.diff)
    ratio = (got.diff_high - got.diff_low) / (plain.diff_high - plain.diff_low)
    from scipy.stats import norm, t

    assert ratio == pytest.approx(phi**0.5 * t.ppf(0.975, 4) / norm.ppf(0.975), rel=1e-9)
    assert "not independent trials" in res.why


def test_one_ad_per_variant_is_analysed_per_ad_day_and_says_so(ws: Any) -> None:
    _new(ws, "Spring CPC", "cpc", ["ad=Spring A", "ad=Spring B"])
    res = pilots.analyse(ws, "Spring CPC")
    assert res.unit == "ad-days"
    assert res.analysed.startswith("Analysed per ad-day: n = 60 ad-days (30 in A, 30 in B).")
    assert "A variant has fewer than two ads" in res.analysed
    assert "treat the interval as approximate" in res.analysed
    assert res.design.startswith("Ads are compared as the platform delivered them")
    assert "raised" not in res.verdict and "lowered" not in res.verdict


def test_plan_for_ctr_multiplies_by_the_spread_between_ad_days(
    workspace: Any, insert: Callable[..., None]
) -> None:
    # Each ad's CTR swings between days (40 or 80 clicks on 5,000 impressions) far more
    # than binomial chance allows; the ads also differ from each other, which must not count.
    rows = _ad_rows(ADS)
    for k, r in enumerate(rows):
        r["impressions"] = 5000
        r["link_clicks"] = r["clicks"] = (40 if k % 2 else 80) + 10 * (k // 10)
    insert("ad_stats", rows)
    plan = pilots.plan(workspace, "ctr_link", "10%", table="ad_stats")
    p = sum(r["link_clicks"] for r in rows) / sum(r["impressions"] for r in rows)
    # Pearson X² of each ad's days around that ad's own rate, over 60 days - 6 ads.
    chi2 = 0.0
    for ad in ADS:
        mine = [(float(r["link_clicks"]), float(r["impressions"])) for r in rows if r["ad"] == ad]
        rate = sum(x for x, _ in mine) / sum(m for _, m in mine)
        chi2 += sum((x - m * rate) ** 2 / (m * rate * (1 - rate)) for x, m in mine)
    phi = chi2 / (len(rows) - len(ADS))
    assert phi > 5
    binomial = stats.sample_size_proportions(p, 0.10)
    assert plan.size.baseline == pytest.approx(p)
    assert plan.size.per_variant == math.ceil(binomial.per_variant * phi)
    assert any("design effect" in note for note in plan.notes)


def test_ctr_of_0_against_100_percent_on_six_impressions_is_not_certain(
    workspace: Any, insert: Callable[..., None]
) -> None:
    # 0 link clicks of 3 impressions against 3 of 3: the report said "enough data to rule
    # out chance (p < 0.001)" with a 95 % CI of +100 to +100 points.
    row = {"platform": "meta", "account": "acme", "campaign": "Tiny", "ad_set": "Set"}
    row |= {"date_start": "2026-03-02", "date_stop": "2026-03-02", "breakdown": ""}
    row |= {"currency": "USD", "spend": 1.0, "impressions": 3, "reach": 3}
    insert("ad_stats", [row | {"ad": "A", "link_clicks": 0}, row | {"ad": "B", "link_clicks": 3}])
    _new(workspace, "Tiny", "ctr_link", ["ad=A", "ad=B"])
    res = pilots.analyse(workspace, "Tiny")
    got = res.comparisons[0].result
    se = math.sqrt(2 * 0.2 * 0.8 / 5)  # Agresti-Caffo: 1 of 5 and 4 of 5
    assert got.p_value == pytest.approx(math.erfc(0.6 / se / math.sqrt(2)), rel=1e-12)
    assert got.diff_low == pytest.approx(0.6 - 1.959964 * se, rel=1e-6)
    assert got.diff_high == 1.0
    assert "p < 0.001" not in res.verdict
    # with 3 clicks in all, Fisher's exact test decides: the tables with all 3 clicks in
    # one variant, C(3, 3) C(3, 0) / C(6, 3) each, give p = 2 / 20
    assert "p = 0.100 by Fisher's exact test" in res.verdict
    assert not res.comparisons[0].significant
    assert "+10 to +100 points" not in res.verdict  # the z interval leaves out 0
    assert any("Agresti-Caffo" in n for n in res.notes)


def test_ads_that_spent_without_a_result_are_named_not_hidden(
    workspace: Any, insert: Callable[..., None]
) -> None:
    # Cost per result per ad: an ad that spent 60.00 over two days with no result has no
    # value, so it is left out, which makes its variant look cheaper; the note said it
    # "lacked the inputs", as if it had no data.
    base = {"platform": "meta", "account": "acme", "campaign": "C", "breakdown": ""}
    base |= {"currency": "USD", "impressions": 1000}
    rows = []
    for ad_set, ads in (("A", {"a1": 2, "a2": 3, "a3": 4}), ("B", {"b1": 0, "b2": 2, "b3": 5})):
        for ad, results in ads.items():
            for day in (2, 3):
                rows.append(
                    base
                    | {"ad_set": ad_set, "ad": ad, "spend": 30.0, "results": results}
                    | {"date_start": f"2026-03-0{day}", "date_stop": f"2026-03-0{day}"}
                )
    insert("ad_stats", rows)
    _new(workspace, "Spend", "cost_per_result", ["ad_set=A", "ad_set=B"])
    res = pilots.analyse(workspace, "Spend")
    assert res.unit == "ads"
    b = res.variants[1]
    assert (b.n, b.no_base, b.no_base_numerator, b.left_out) == (2, 1, 60.0, 0)
    assert b.value == pytest.approx((60 / 4 + 60 / 10) / 2)  # the two ads with results
    [note] = [n for n in res.notes if "no results" in n]
    assert note.startswith("1 ads in B had spend (60.00 in all) but no results")
    assert "looks cheaper than its totals say" in note
    assert not any("lack the inputs" in n for n in res.notes)


def test_posts_with_interactions_but_no_reach_are_counted_in_whole_numbers(
    ws: Any, insert: Callable[..., None]
) -> None:
    glitch = {"platform": "instagram", "account": "acme", "format": "reel", "campaign": ""}
    glitch |= {"post_id": "odd", "published_at": "2026-03-10 10:00:00", "reach": 0}
    insert("posts", [glitch | {"reactions": 7, "comments": 0, "shares": 0, "saves": 0}])
    _new(ws, "Reach", "engagement_rate_reach", ["format=carousel", "format=reel"])
    res = pilots.analyse(ws, "Reach")
    [note] = [n for n in res.notes if "but no reach" in n]
    assert note.startswith("1 posts in B had interactions (7 in all) but no reach")
    assert "cheaper" not in note
    assert res.variants[1].no_base == 1


def test_variants_without_spread_are_not_taken_as_evidence(
    workspace: Any, insert: Callable[..., None]
) -> None:
    from datetime import datetime

    # every reel engages 10 of 200 reached (5 %), every carousel 20 of 200 (10 %)
    rows = [
        {
            "platform": "instagram",
            "post_id": f"p{i}",
            "account": "acme",
            "published_at": datetime(2026, 3, 1 + i, 9),
            "format": "reel" if i % 2 else "carousel",
            "reach": 200,
            "impressions": 300,
            "reactions": 10 if i % 2 else 20,
            "comments": 0,
            "shares": 0,
            "saves": 0,
        }
        for i in range(8)
    ]
    insert("posts", rows)
    _new(
        workspace, "Flat", "engagement_rate_reach", ["format=carousel", "format=reel"], test="welch"
    )
    res = pilots.analyse(workspace, "Flat")
    [c] = res.comparisons
    assert c.result.diff == pytest.approx(0.05 - 0.10)
    assert c.result.p_value == 1.0 and not c.significant  # scipy would say p = 1e-32
    assert any("no measure of chance" in n for n in res.notes)


def test_share_text_keeps_the_figure() -> None:
    from socialproof.campaigns.pilot_model import share_text

    assert share_text(0.95) == "95 %"
    assert share_text(0.025) == "2.5 %"  # ':.0%' printed '2%'
    assert share_text(0.9995) == "99.95 %"  # ':.1%' printed '100.0%'
    assert share_text(1 - 0.05 / 3) == "98.3 %"  # 98.333... a computed level: one decimal
    assert share_text(1 - 0.001 / 3) == "99.97 %"  # 99.9667: one decimal would be 100.0
    assert share_text(1 / 3) == "33.3 %"


def test_levels_and_effects_are_printed_as_set(ws: Any) -> None:
    from socialproof.campaigns.pilot_report import build_report, summary_lines

    _new(
        ws,
        "Strict",
        "ctr_link",
        ["ad=Spring A", "ad=Spring B", "ad=Spring C"],
        mde="2.5%",
        confidence=0.999,
    )
    res = pilots.analyse(ws, "Strict")
    # Holm's first step at 1 - 0.001 / 2 = 99.95 %, which ':.1%' rounded to '100 %'
    assert "99.95 %" in res.correction
    assert "100 %" not in res.correction + " ".join(c.verdict for c in res.comparisons)
    html = build_report(res).render()
    assert "2.5 % (relative)" in html and "99.9 %" in html
    assert "2% (relative)" not in html and ">100%<" not in html
    assert "100 %" not in "\n".join(summary_lines(res))


def test_a_pilot_still_running_is_an_interim_look(ws: Any) -> None:
    from datetime import date, timedelta

    # the posts end in April 2026; a period ending after today is not over yet
    to = date.today() + timedelta(days=30)
    _new(ws, "Running", "ctr_link", ["format=reel", "format=carousel"], date_to=to.isoformat())
    res = pilots.analyse(ws, "Running")
    last = max(
        r["published_at"][:10] for r in _rows("posts.csv") if r["format"] in ("reel", "carousel")
    )
    assert res.verdict.startswith(f"Interim look (data to {last}; ")
    assert f"the pilot runs to {to}" in res.verdict
    assert any("peeking" in n and "interim look" in n for n in res.notes)
    # a period that is over: no such note
    _new(ws, "Over", "ctr_link", ["format=reel", "format=carousel"])
    done = pilots.analyse(ws, "Over")
    assert not done.verdict.startswith("Interim") and not any("peeking" in n for n in done.notes)


def test_a_vanishing_srm_p_value_is_not_printed_as_0(ws: Any) -> None:
    from scipy.stats import chi2

    from socialproof.campaigns.pilot_report import build_report, summary_lines

    _new(ws, "Lopsided", "engagement_rate", ["format=reel", "format=carousel"], split="999,1")
    res = pilots.analyse(ws, "Lopsided")
    assert res.srm is not None
    a, b = res.srm.observed
    expected = ((a + b) * 0.999, (a + b) * 0.001)
    stat = (a - expected[0]) ** 2 / expected[0] + (b - expected[1]) ** 2 / expected[1]
    assert float(chi2.sf(stat, 1)) == 0.0  # the p-value underflows
    line = next(x for x in summary_lines(res) if x.startswith("Sample-ratio check"))
    # it read 'p = 0'; B's 0.08 expected posts make the p the exact binomial test's
    assert f"chi-square {stat:,.2f}, p < 0.0001 (p from the exact binomial test" in line
    assert "→ MISMATCH" in line
    assert "(p &lt; 0.0001)" in build_report(res).render()


def test_a_per_ad_ratio_says_it_compares_means_and_gives_the_pooled_figure(
    workspace: Any, insert: Callable[..., None]
) -> None:
    # two ads a variant, one small and dear, one large and cheap, so the mean of the ads'
    # CPCs and the CPC of their spend and clicks taken together differ
    ads = {
        "A1": ("Set A", 10.0, 1000, 5),  # CPC 2.00
        "A2": ("Set A", 100.0, 20000, 200),  # CPC 0.50
        "B1": ("Set B", 20.0, 2000, 20),  # CPC 1.00
        "B2": ("Set B", 60.0, 9000, 100),  # CPC 0.60
    }
    rows = [r for r in _ad_rows(ads, days=4)]
    for r in rows:  # no wobble: the ads' figures as written above
        base = ads[r["ad"]]
        r.update(spend=base[1], impressions=base[2], link_clicks=base[3], clicks=base[3])
    insert("ad_stats", rows)
    _new(workspace, "Cpc", "cpc", ["ad_set=Set A", "ad_set=Set B"], test="welch")
    res = pilots.analyse(workspace, "Cpc")
    c = res.comparisons[0]
    assert (c.result.value_a, c.result.value_b) == (pytest.approx(1.25), pytest.approx(0.8))
    # the means per ad (2.00 + 0.50) / 2 and (1.00 + 0.60) / 2, and their difference -0.45
    # to two figures although the interval is wide (it read '−0 (1 in A → 1 in B)')
    assert "B vs A: −0.45 (mean per ad 1.25 in A → 0.80 in B)" in c.verdict
    # the variants' own CPC: A (10 + 100) / (5 + 200), B (20 + 60) / (20 + 100)
    pooled = next(n for n in res.notes if "as a campaign report gives it" in n)
    assert f"A {110 / 205:.2f}, B {80 / 120:.2f}." in pooled
    assert "mean CPC (cost per link click) per ad" in pooled


def test_a_bare_whole_number_mde_is_refused_in_plans() -> None:
    # '--mde 5' read as a 500 % change gave a plan a tiny fraction of the size 5 % needs
    with pytest.raises(UsageError, match="would mean a 500 % change") as err:
        pilots.plan(None, "ctr_link", "5", baseline="1.2%", daily=1000)
    assert "Write 5% for 5 percent (0.05)" in str(err.value.hint)
    five = pilots.plan(None, "ctr_link", "5%", baseline="1.2%", daily=1000)
    assert five.size.target == pytest.approx(0.012 * 1.05)


@pytest.mark.parametrize(
    ("baseline", "match"),
    [
        ("nan", "must be a number"),  # a ValueError from the solver's NaN
        ("inf", "must be a number"),  # read 'must not be zero'
        ("0", "baseline of 0 is no change"),  # read 'must not be zero' for a 10 % effect
    ],
)
def test_plan_of_a_mean_refuses_baselines_it_cannot_use(baseline: str, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        pilots.plan(None, "engagement_rate", "10%", baseline=baseline, sd=0.01, daily=10)
    # from 0, an effect in points is a plan: d = 0.002 / 0.01 = 0.2
    assert pilots.plan(
        None, "engagement_rate", "0.2pp", baseline="0", sd=0.01
    ).size.effect_size == (pytest.approx(0.2))


def test_p_values_are_never_rounded_across_the_level() -> None:
    from socialproof.campaigns.pilot_model import p_text

    assert p_text(0.0421, 0.05) == "0.042"
    assert p_text(0.0499, 0.05) == "0.0499"  # '0.050' beside 'unlikely by chance alone'
    assert p_text(0.04996, 0.05) == "0.04996"
    assert p_text(0.05004, 0.05) == "0.050"  # not below: three decimals say so
    assert p_text(0.0004, 0.05) == "< 0.001"
    assert p_text(0.0499) == "0.050"  # without a level there is nothing to cross


# -- the sample-ratio check only where units were assigned at random ----------------------


@pytest.mark.parametrize(
    ("split", "chi_square", "state"),
    [
        # 40 reels and 40 carousels against 75 : 25 of 80: expected 60 and 20,
        # (40 - 60)^2 / 60 + (40 - 20)^2 / 20 = 6.667 + 20 = 26.667
        ("75,25", 400 / 60 + 400 / 20, "MISMATCH"),
        # against 55 : 45: expected 44 and 36, 16 / 44 + 16 / 36 = 0.808
        ("55,45", 16 / 44 + 16 / 36, "ok"),
    ],
)
def test_posts_assigned_by_a_planned_split_get_the_chi_square_check(
    ws: Any, split: str, chi_square: float, state: str
) -> None:
    from socialproof.campaigns.pilot_report import summary_lines

    _new(ws, f"Split {split}", "engagement_rate", ["format=reel", "format=carousel"], split=split)
    res = pilots.analyse(ws, f"Split {split}")
    assert res.srm is not None and res.srm_why == ""
    assert res.srm.observed == (40, 40)
    assert res.srm.chi2 == pytest.approx(chi_square)
    # one degree of freedom: P(chi-square > x) = erfc(sqrt(x / 2))
    p = math.erfc(math.sqrt(chi_square / 2))
    assert res.srm.p_value == pytest.approx(p)
    assert res.srm.mismatch == (state == "MISMATCH")
    line = next(x for x in summary_lines(res) if x.startswith("Sample-ratio check"))
    assert f"chi-square {chi_square:,.2f}" in line and line.endswith(
        f"→ {state} (flagged below p = 0.001)."
    )


def test_posts_with_no_planned_split_say_the_check_does_not_apply(ws: Any) -> None:
    from socialproof.campaigns.pilot_report import build_report, summary_lines

    _new(ws, "Chosen", "engagement_rate", ["format=reel", "format=carousel"])
    res = pilots.analyse(ws, "Chosen")
    assert res.srm is None
    assert not res.verdict.startswith("Warning")
    assert "how many fell in each (40 in A, 40 in B) was chosen, not drawn" in res.srm_why
    assert res.srm_why in summary_lines(res)
    html = build_report(res).render()
    assert "does not apply" in html and "Allocation against the planned split" not in html


@pytest.mark.parametrize("split", [None, "50,50"])
def test_ad_pilots_never_run_the_check_on_reach_or_impressions(ws: Any, split: Any) -> None:
    """Summed reach and impressions are not assignment counts: a chi-square on them flagged
    'MISMATCH' on nearly every ad pilot that was not a platform split test."""
    from socialproof.campaigns.pilot_report import build_report, summary_lines

    _new(ws, "Ads", "ctr", ["ad=Spring A", "ad=Spring B"], table="ad_stats", split=split)
    res = pilots.analyse(ws, "Ads")
    assert res.srm is None
    assert not res.verdict.startswith("Warning") and "sample-ratio" not in res.verdict
    assert "summed reach counts a person once per row" in res.srm_why
    assert "split test" in res.srm_why
    lines = summary_lines(res)
    assert res.srm_why in lines and not any("MISMATCH" in x for x in lines)
    assert "Allocation against the planned split" not in build_report(res).render()


def test_an_ad_split_test_shows_its_spend_and_impressions_against_the_plan(
    workspace: Any, insert: Callable[..., None]
) -> None:
    """--split on an ad pilot (a platform split test) was taken and then ignored: the
    report gave the line for pilots that were not split tests. It says why no chi-square
    runs on ads and shows each arm's share of spend and impressions against the plan."""
    from socialproof.campaigns.pilot_report import summary_lines

    rows = []
    for day in range(1, 5):  # per arm: spend 30 / 90 and impressions 1,000 / 3,000 in all
        for ad, spend, imps in (("Cell A", 7.5, 250), ("Cell B", 22.5, 750)):
            rows.append(
                {
                    "platform": "meta",
                    "account": "acme ads",
                    "campaign": "Split test",
                    "ad_set": ad,
                    "ad": ad,
                    "date_start": f"2026-03-0{day}",
                    "date_stop": f"2026-03-0{day}",
                    "breakdown": "",
                    "currency": "USD",
                    "spend": spend,
                    "impressions": imps,
                    "link_clicks": imps // 50,
                    "reach": imps // 2,
                }
            )
    insert("ad_stats", rows)
    period = {"date_from": "2026-03-01", "date_to": "2026-03-04"}
    _new(
        workspace,
        "Cells",
        "ctr",
        ["ad=Cell A", "ad=Cell B"],
        table="ad_stats",
        split="60,40",
        **period,
    )
    res = pilots.analyse(workspace, "Cells")
    assert res.srm is None and "sample-ratio" not in res.verdict
    # 30 / 120 = 25 %, 90 / 120 = 75 %; 1,000 / 4,000 = 25 %, 3,000 / 4,000 = 75 %
    assert (
        "Planned: A 60 %, B 40 %; observed shares of spend A 25.0 %, B 75.0 %; impressions "
        "A 25.0 %, B 75.0 %. A share of spend far from its planned share means the budget "
        "did not split as planned"
    ) in res.srm_why
    assert "no chi-square for ads" in res.srm_why and res.srm_why in summary_lines(res)


@pytest.mark.parametrize(("mde", "ruled_out"), [("20%", True), ("15%", False)])
def test_no_clear_difference_says_what_the_interval_rules_out(
    workspace: Any, insert: Callable[..., None], make_post: Any, mde: str, ruled_out: bool
) -> None:
    """With 'enough data' by the plan's arithmetic the verdict said 'any real effect is
    likely smaller' than the smallest change worth finding; only the interval can say so."""
    from datetime import datetime, timedelta

    from scipy.stats import t as student

    # 40 reels at 4.00 % and 6.00 % in turn (mean 5.00 %), 40 carousels at 4.35 % and
    # 6.35 % (mean 5.35 %), every post on a reach of 10,000
    rows = []
    for i in range(80):
        fmt = "reel" if i < 40 else "carousel"
        rate = (0.04 if i % 2 else 0.06) + (0.0035 if fmt == "carousel" else 0.0)
        day = datetime(2026, 3, 2, 12) + timedelta(hours=12 * i)
        rows.append(make_post(f"p{i}", day, fmt=fmt, reach=10_000, inter=round(rate * 10_000)))
    insert("posts", rows)
    pilots.create(
        workspace,
        pilots.define(
            "Close",
            "engagement_rate_reach",
            ["format=reel", "format=carousel"],
            "2026-03-01",
            "2026-04-30",
            mde=mde,
            test="welch",
        ),
    )
    [c] = pilots.analyse(workspace, "Close").comparisons
    # by hand: each variant's sd is 0.01 * sqrt(40 / 39); SE = sd * sqrt(2 / 40); equal
    # spreads and sizes give Welch 78 degrees of freedom
    sd = 0.01 * math.sqrt(40 / 39)
    se = sd * math.sqrt(2 / 40)
    high = 0.0035 + float(student.ppf(0.975, 78)) * se  # 0.0080: 8.0 % of 0.05 above A
    low = 0.0035 - float(student.ppf(0.975, 78)) * se  # -0.0010
    assert c.result.diff_high == pytest.approx(high) and c.result.diff_low == pytest.approx(low)
    assert not c.significant
    # the smallest change worth finding: 20 % of 5 % is 1.0 point (the interval stays
    # inside +-1.0), 15 % of 5 % is 0.75 point (0.80 is above it). Needed per variant at
    # 80 % power: 2 (1.96 + 0.84)^2 sd^2 / delta^2 = 17 and 29 posts, fewer than 40.
    if ruled_out:
        assert "The interval rules out a 20 % relative change" in c.verdict
        assert "any real effect is likely smaller than that" in c.verdict
    else:
        assert "The interval still allows a 15 % relative change" in c.verdict
        assert "not ruled out" in c.verdict and "likely smaller" not in c.verdict


def test_a_variant_at_zero_is_not_said_to_have_one_unit(
    workspace: Any, insert: Callable[..., None]
) -> None:
    """A variant with no link click on two ad-days read 'With one ad-day per variant the
    spread between ad-days cannot be estimated': the spread is not measured because A's
    rate is 0 %, and the verdict's p is Agresti-Caffo's (worked by hand below)."""
    rows = []
    for ad, clicks in (("Zero", (0, 0)), ("Some", (3, 2))):
        for day, c in enumerate(clicks, start=1):
            rows.append(
                {
                    "platform": "meta",
                    "account": "acme ads",
                    "campaign": "Tiny",
                    "ad_set": ad,
                    "ad": ad,
                    "date_start": f"2026-03-0{day}",
                    "date_stop": f"2026-03-0{day}",
                    "breakdown": "",
                    "impressions": 1000,
                    "link_clicks": c,
                }
            )
    insert("ad_stats", rows)
    period = {"date_from": "2026-03-01", "date_to": "2026-03-02"}
    _new(workspace, "Tiny", "ctr_link", ["ad=Zero", "ad=Some"], table="ad_stats", **period)
    res = pilots.analyse(workspace, "Tiny")
    assert "With one ad-day per variant" not in res.why
    assert "A variant's rate is 0 % or 100 %, so the spread between ad-days cannot be" in res.why
    # Agresti-Caffo: (0 + 1) / 2002 against (5 + 1) / 2002, unpooled standard error
    pa, pb = 1 / 2002, 6 / 2002
    z = (pb - pa) / math.sqrt(pa * (1 - pa) / 2002 + pb * (1 - pb) / 2002)
    p = math.erfc(z / math.sqrt(2))
    assert res.comparisons[0].result.p_value == pytest.approx(p, rel=1e-9)
    # the verdict follows Fisher's exact test (5 clicks in all): all 5 in one variant or
    # the other, C(1000, 5) / C(2000, 5) each
    fisher = 2 * math.comb(1000, 5) / math.comb(2000, 5)
    assert f"p = {fisher:.3f} by Fisher's exact test" in res.verdict


def test_a_lift_over_a_control_that_cannot_be_told_from_zero_says_its_interval_is_unbounded(
    workspace: Any, insert: Callable[..., None]
) -> None:
    """1 link click in 2,000 impressions against 14: the table gave 'lift +1300.0 %' bare,
    read as measured, while Fieller's interval has no bounds (A's rate is within its own
    margin of 0). The row and a note say so."""
    from socialproof.campaigns.pilot_report import display_rows

    rows = []
    for ad, clicks in (("Low", (1, 0)), ("High", (8, 6))):
        for day, c in enumerate(clicks, start=1):
            rows.append(
                {
                    "platform": "meta",
                    "account": "acme ads",
                    "campaign": "Tiny",
                    "ad_set": ad,
                    "ad": ad,
                    "date_start": f"2026-03-0{day}",
                    "date_stop": f"2026-03-0{day}",
                    "breakdown": "",
                    "impressions": 1000,
                    "link_clicks": c,
                }
            )
    insert("ad_stats", rows)
    period = {"date_from": "2026-03-01", "date_to": "2026-03-02"}
    _new(workspace, "Lift", "ctr_link", ["ad=Low", "ad=High"], table="ad_stats", **period)
    res = pilots.analyse(workspace, "Lift")
    # Fieller's set is bounded only when p_a² > z² p_a (1 - p_a) / n_a; here it is not
    p_a, z = 1 / 2000, 1.959964
    assert p_a**2 <= z**2 * p_a * (1 - p_a) / 2000
    assert res.comparisons[0].result.lift == pytest.approx(14 / 1 - 1)
    assert display_rows(res)[1]["lift"] == "+1300.0 % (interval unbounded)"
    assert (
        "The relative lift of B against A has no bounded interval: A's CTR (link "
        "click-through rate) cannot be told from 0 at this level"
    ) in " ".join(res.notes)


def test_a_planned_split_with_few_expected_posts_says_its_p_is_exact(ws: Any) -> None:
    """Against 99 : 1, B's 80 posts expect 0.8: the chi-square's p is too small there, so
    the line names the exact binomial test its p comes from."""
    from socialproof.campaigns.pilot_report import summary_lines

    _new(ws, "Rare B", "engagement_rate", ["format=reel", "format=carousel"], split="99,1")
    res = pilots.analyse(ws, "Rare B")
    assert res.srm is not None and res.srm.method == "exact"
    assert res.srm.expected == pytest.approx((79.2, 0.8))
    # 40 of 80 in A at 0.99: P = C(80, 40) 0.99^40 0.01^40, far below 0.001
    assert math.comb(80, 40) * 0.99**40 * 0.01**40 < 1e-50
    assert res.srm.mismatch
    line = next(x for x in summary_lines(res) if x.startswith("Sample-ratio check"))
    assert "(p from the exact binomial test: a count expected below 5" in line


def _tiny_ads(
    insert: Callable[..., None], clicks: dict[str, tuple[int, ...]], impressions: int = 2500
) -> None:
    rows = []
    for ad, per_day in clicks.items():
        for day, c in enumerate(per_day, start=1):
            rows.append(
                {
                    "platform": "meta",
                    "account": "acme ads",
                    "campaign": "Tiny",
                    "ad_set": ad,
                    "ad": ad,
                    "date_start": f"2026-03-0{day}",
                    "date_stop": f"2026-03-0{day}",
                    "breakdown": "",
                    "impressions": impressions,
                    "link_clicks": c,
                }
            )
    insert("ad_stats", rows)


def _fisher_by_hand(x_a: int, n_a: int, x_b: int, n_b: int) -> float:
    """Two-sided Fisher p for x_a of n_a against x_b of n_b: every table with the same
    margins no likelier than the one seen, from the hypergeometric law of the count in A."""
    k = x_a + x_b
    total = math.comb(n_a + n_b, n_a)
    prob = [math.comb(k, i) * math.comb(n_a + n_b - k, n_a - i) / total for i in range(k + 1)]
    return sum(q for q in prob if q <= prob[x_a] * (1 + 1e-7))


def test_a_z_test_on_a_handful_of_clicks_is_decided_by_fishers_exact_test(
    workspace: Any, insert: Callable[..., None]
) -> None:
    """1 link click in 5,000 impressions against 7: the z-test's p (0.034) called it
    unlikely by chance where Fisher's exact test gives 0.070. The note recommended the exact
    test while the verdict, 'significant' and the JSON still followed the z-test; now the
    exact test decides everywhere and the output names it."""
    from socialproof.campaigns.pilot_report import display_rows

    _tiny_ads(insert, {"Few": (1, 0), "More": (4, 3)})
    period = {"date_from": "2026-03-01", "date_to": "2026-03-02"}
    _new(workspace, "Few", "ctr_link", ["ad=Few", "ad=More"], table="ad_stats", **period)
    res = pilots.analyse(workspace, "Few")
    fisher = _fisher_by_hand(1, 5000, 7, 5000)
    assert fisher == pytest.approx(0.0702, abs=5e-4)
    c = res.comparisons[0]
    assert c.result.p_value < 0.05  # the z-test alone: 'significant'
    assert c.p_exact == pytest.approx(fisher)
    assert not c.significant
    assert c.decided_by == "Fisher's exact test"
    assert (
        f"Fisher's exact test gives B against A p = {fisher:.3f}, and the verdicts follow it."
        in " ".join(res.notes)
    )
    assert c.verdict.startswith("Not enough data: B vs A: +0.12 points")
    assert f"p = {fisher:.3f} by Fisher's exact test, the test for so few link clicks" in (
        c.verdict
    )
    assert "unlikely by chance" not in c.verdict
    assert "95 % CI" not in c.verdict  # the z interval leaves out 0: not shown as support
    assert display_rows(res)[1]["p"] == f"{fisher:.3f} (Fisher)"
    row = pilot_analysis.result_rows(res)[1]
    assert row["significant"] is False
    assert row["decided_by"] == "Fisher's exact test"
    assert row["p_exact"] == pytest.approx(fisher)


def test_fishers_exact_test_finds_what_the_z_test_misses(
    workspace: Any, insert: Callable[..., None]
) -> None:
    """4 link clicks in 2,000 impressions against 1 in 10,000: the z-test's p is 0.058,
    Fisher's exact test (the test for so few clicks) gives 0.0033 by hand, so the
    difference counts and the output names the test that decided."""
    from scipy.stats import fisher_exact

    _tiny_ads(insert, {"Four": (2, 2)}, impressions=1000)
    _tiny_ads(insert, {"One": (1,)}, impressions=10000)
    period = {"date_from": "2026-03-01", "date_to": "2026-03-02"}
    _new(workspace, "Rare", "ctr_link", ["ad=Four", "ad=One"], table="ad_stats", **period)
    res = pilots.analyse(workspace, "Rare")
    fisher = _fisher_by_hand(4, 2000, 1, 10000)
    assert fisher == pytest.approx(float(fisher_exact([[4, 1996], [1, 9999]])[1]))
    assert fisher < 0.05
    c = res.comparisons[0]
    assert c.result.p_value > 0.05  # the z-test alone: no difference
    assert c.significant
    assert c.decided_by == "Fisher's exact test"
    assert c.verdict.startswith("B had a lower CTR (link click-through rate) than A")
    assert f"p = {fisher:.3f} by Fisher's exact test" in c.verdict
    assert "95 % CI" not in c.verdict  # the z interval holds 0: not shown as support
    assert pilot_analysis.result_rows(res)[1]["significant"] is True


def test_with_a_spread_between_ad_days_fisher_alone_does_not_decide(
    workspace: Any, insert: Callable[..., None]
) -> None:
    """The same 4 clicks in 2,000 against 1 in 10,000, but A's clicks all on one day (4 and
    0 in 1,000 each): the z-test is scaled for that spread (phi > 1), which Fisher's test
    does not see, so the difference counts only if both find it; the z-test's p is over
    0.05, so it does not."""
    _tiny_ads(insert, {"Four": (4, 0)}, impressions=1000)
    _tiny_ads(insert, {"One": (1, 0)}, impressions=5000)
    period = {"date_from": "2026-03-01", "date_to": "2026-03-02"}
    _new(workspace, "Rare", "ctr_link", ["ad=Four", "ad=One"], table="ad_stats", **period)
    res = pilots.analyse(workspace, "Rare")
    c = res.comparisons[0]
    assert res.dispersion > 1
    assert c.p_exact is not None and c.p_exact < 0.05 < c.result.p_value
    assert not c.significant
    assert c.decided_by == (
        "Fisher's exact test and the z-test scaled for the spread between units"
    )
    assert "Fisher" not in c.verdict  # the z-test's p is the one that refuses
    assert "only when both tests find it" in " ".join(res.notes)


def test_the_plan_says_its_alpha_is_two_sided() -> None:
    """'with 80 % power at alpha 0.05' did not say the test is two-sided, and a one-sided
    plan needs about a fifth fewer impressions. Cohen's h by hand: n = 2 ((z 0.975 + z 0.8)
    / h)^2 = 135,548.4 for 1.2 % -> 1.32 %, so 135,549."""
    from statistics import NormalDist

    from socialproof.campaigns.pilot_report import plan_lines

    h = 2 * math.asin(math.sqrt(0.0132)) - 2 * math.asin(math.sqrt(0.012))
    z = NormalDist().inv_cdf
    n = math.ceil(2 * ((z(0.975) + z(0.8)) / h) ** 2)
    plan = pilots.plan(None, "ctr_link", "10%", baseline="1.2%", daily=5000)
    assert plan.size.per_variant == n == 135_549
    assert (
        "with 80 % power at alpha 0.05 (two-sided): ~135,549 impressions per variant"
        in plan_lines(plan)[1]
    )


def test_not_enough_data_says_the_power_its_figure_is_for(
    workspace: Any, insert: Callable[..., None]
) -> None:
    """'need ~150,000 more impressions per variant to detect a 10 % relative change' did
    not say for what power: the figure is for 80 % (the plan's default), at the pilot's
    two-sided alpha. Worked by hand: Cohen's h of 1 % -> 1.1 %, n = 2 ((z 0.975 + z 0.8)
    / h)^2, less the 10,000 impressions each variant has, up to two figures."""
    from statistics import NormalDist

    rows = [
        {
            "platform": "meta",
            "account": "acme ads",
            "campaign": "Power",
            "ad_set": ad,
            "ad": ad,
            "date_start": "2026-03-02",
            "date_stop": "2026-03-02",
            "breakdown": "",
            "impressions": 10_000,
            "link_clicks": clicks,
        }
        for ad, clicks in (("Control", 100), ("Test", 110))
    ]
    insert("ad_stats", rows)
    period = {"date_from": "2026-03-02", "date_to": "2026-03-02"}
    _new(workspace, "Power", "ctr_link", ["ad=Control", "ad=Test"], table="ad_stats", **period)
    res = pilots.analyse(workspace, "Power")
    h = 2 * math.asin(math.sqrt(0.011)) - 2 * math.asin(math.sqrt(0.01))
    z = NormalDist().inv_cdf
    more = math.ceil(2 * ((z(0.975) + z(0.8)) / h) ** 2) - 10_000
    step = 10 ** (len(str(more)) - 2)
    shown = math.ceil(more / step) * step
    assert res.verdict.endswith(
        f"need ~{shown:,} more impressions per variant to detect a 10 % relative change "
        "with 80 % power."
    )
