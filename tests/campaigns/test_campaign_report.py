"""report campaigns / report posts: library results and the CLI's bad-input handling."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from socialproof.campaigns.report import campaign_report, post_report
from socialproof.errors import NoData, UsageError


def test_campaign_totals_by_campaign(workspace, insert, meta_rows) -> None:
    rows = list(meta_rows)
    insert("ad_stats", rows)
    res = campaign_report(workspace, by="campaign")
    got = res.frame.set_index("campaign")
    spring = [r for r in rows if r["campaign"] == "Spring Sale"]
    spend = sum(r["spend"] for r in spring)
    assert got.loc["Spring Sale", "spend"] == pytest.approx(spend)
    assert got.loc["Spring Sale", "cpm"] == pytest.approx(
        spend / sum(r["impressions"] for r in spring) * 1000
    )
    assert got.loc["Spring Sale", "roas"] == pytest.approx(
        sum(r["purchase_value"] for r in spring) / spend
    )
    assert set(got.index) == {"Spring Sale", "Retarget", "Lead gen B2B"}


def test_by_day_and_since_until(workspace, insert, meta_rows) -> None:
    insert("ad_stats", meta_rows)
    res = campaign_report(workspace, by="campaign,day", since="2026-03-03", until="2026-03-03")
    assert list(res.frame.columns[:2]) == ["day", "campaign"]
    assert {str(d) for d in res.frame["day"]} == {"2026-03-03"}
    assert set(res.frame["campaign"]) == {"Spring Sale", "Retarget"}


def test_range_rows_not_double_counted_with_daily(workspace, insert, meta_rows) -> None:
    rows = list(meta_rows)
    retarget = [r for r in rows if r["campaign"] == "Retarget"]
    total = dict(
        retarget[0],
        date_start=date(2026, 3, 3),
        date_stop=date(2026, 3, 4),
        spend=sum(r["spend"] for r in retarget),
    )
    insert("ad_stats", [*retarget, total])
    res = campaign_report(workspace, by="campaign")
    assert res.frame.iloc[0]["spend"] == pytest.approx(total["spend"])


def test_range_rows_of_one_ad_that_share_days_are_noted(workspace, insert, meta_rows) -> None:
    # Range exports of one ad for 1 Jan - 15 Feb and 1 Feb - 31 Mar cannot be split by day:
    # the report said 180 with no word about 1-15 February, then added both with a note
    # (1-15 February twice); the longer range counts, the other is said with its spend.
    base = dict(meta_rows[0], breakdown="")
    jan = dict(base, date_start=date(2026, 1, 1), date_stop=date(2026, 2, 15), spend=100.0)
    feb = dict(base, date_start=date(2026, 2, 1), date_stop=date(2026, 3, 31), spend=80.0)
    apr = dict(base, date_start=date(2026, 4, 1), date_stop=date(2026, 4, 30), spend=50.0)
    insert("ad_stats", [jan, apr])
    res = campaign_report(workspace, by="campaign")
    assert res.frame.iloc[0]["spend"] == pytest.approx(150.0)
    assert not any("share days" in n for n in res.notes)  # next to each other: fine
    insert("ad_stats", [feb])
    res = campaign_report(workspace, by="campaign")
    assert res.frame.iloc[0]["spend"] == pytest.approx(130.0)  # 80 + 50, not 100 + 80 + 50
    [note] = [n for n in res.notes if "shares days" in n]
    assert note.startswith("1 reporting-range row(s) (spend 100.00 USD) are left out")
    january = campaign_report(workspace, by="campaign", since="2026-01-01", until="2026-02-20")
    assert january.frame.iloc[0]["spend"] == pytest.approx(100.0)  # the others straddle
    assert not any("share days" in n for n in january.notes)


def test_breakdown_rows_not_double_counted(workspace, insert, meta_rows) -> None:
    base = meta_rows[0]
    split = [dict(base, breakdown=f"gender={g}", spend=base["spend"] / 2) for g in ("f", "m")]
    insert("ad_stats", [base, *split])
    res = campaign_report(workspace, by="ad")
    assert res.frame.iloc[0]["spend"] == pytest.approx(base["spend"])
    by_breakdown = campaign_report(workspace, by="breakdown")
    assert "" in set(by_breakdown.frame["breakdown"])


def test_mixed_currencies_reported_per_currency_or_converted(workspace, insert, meta_rows) -> None:
    rows = list(meta_rows)[:2]
    rows[1] = dict(rows[1], currency="EUR")
    insert("ad_stats", rows)
    res = campaign_report(workspace, by="campaign")
    assert "currency" in res.frame.columns and len(res.frame) == 2
    assert any("several currencies" in n for n in res.notes)
    conv = campaign_report(workspace, by="campaign", rates={"EUR": 2.0})
    assert len(conv.frame) == 1
    assert conv.frame.iloc[0]["spend"] == pytest.approx(rows[0]["spend"] + 2 * rows[1]["spend"])
    with pytest.raises(UsageError, match="exchange rate"):
        campaign_report(workspace, by="campaign", rates={"GBP": 1.2})


def test_negative_and_missing_spend_are_noted(workspace, insert, meta_rows) -> None:
    rows = list(meta_rows)[:3]
    rows[1] = dict(rows[1], spend=-5.0)
    rows[2] = dict(rows[2], spend=None)
    insert("ad_stats", rows)
    res = campaign_report(workspace, by="campaign")
    text = " ".join(res.notes)
    assert "negative spend" in text and "no spend" in text


def test_mixed_result_types_noted(workspace, insert, meta_rows) -> None:
    insert("ad_stats", meta_rows)
    res = campaign_report(workspace, by="platform")
    assert any("result_type" in n for n in res.notes)
    res2 = campaign_report(workspace, by="platform,result_type")
    assert not any("different types" in n for n in res2.notes)


def test_post_report_ranks_by_kpi(workspace, insert, make_post) -> None:
    insert(
        "posts",
        [
            make_post("a", datetime(2026, 3, 1, 10), reach=1000, inter=10),
            make_post("b", datetime(2026, 3, 2, 10), reach=1000, inter=90),
            make_post("c", datetime(2026, 3, 3, 10), reach=0, inter=5),
            make_post("d", datetime(2026, 3, 3, 10), platform="tiktok", reach=100, inter=99),
        ],
    )
    res = post_report(workspace, platform="instagram", top=2)
    assert list(res.frame["post_id"]) == ["b", "a"]
    assert res.frame.iloc[0]["engagement_rate_reach"] == pytest.approx(0.09)
    low = post_report(workspace, platform="instagram", top=3, ascending=True)
    assert list(low.frame["post_id"])[:2] == ["a", "b"]  # null (no reach) last
    grouped = post_report(workspace, group_by="platform", period="month")
    assert set(grouped.frame["platform"]) == {"instagram", "tiktok"}


def test_empty_workspace_says_import_first(workspace) -> None:
    with pytest.raises(NoData, match="import"):
        campaign_report(workspace)
    with pytest.raises(NoData, match="import"):
        post_report(workspace)


def test_cli_report_campaigns_json(workspace, insert, cli, meta_rows) -> None:
    insert("ad_stats", meta_rows)
    r = cli(
        "report",
        "campaigns",
        "--by",
        "campaign",
        "--period",
        "month",
        "-f",
        "json",
        cwd=workspace.root,
    )
    assert r.exit_code == 0, r
    data = json.loads(r.stdout)
    assert {d["campaign"] for d in data} == {"Spring Sale", "Retarget", "Lead gen B2B"}
    assert all(d["month"] == "2026-03-01" for d in data)
    table = cli("report", "campaigns", "--kpis", "spend,ctr_link", cwd=workspace.root)
    assert table.exit_code == 0 and "ctr_link %" in table.stdout, table


def test_cli_outputs_csv_and_parquet(workspace, insert, cli, tmp_path, meta_rows) -> None:
    insert("ad_stats", meta_rows)
    out = tmp_path / "r.parquet"
    r = cli("report", "campaigns", "--format", "parquet", "-o", str(out), cwd=workspace.root)
    assert r.exit_code == 0, r
    import pyarrow.parquet as pq

    assert pq.read_table(out).num_rows == 3
    r = cli("report", "campaigns", "-f", "csv", "--kpis", "spend,roas", cwd=workspace.root)
    assert r.stdout.splitlines()[0] == "platform,campaign,spend,roas"


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("report", "campaigns", "--by", "campaign,colour"), 2, "Valid: platform"),
        (("report", "campaigns", "--kpis", "spnd"), 2, "Did you mean 'spend'"),
        (("report", "campaigns", "--since", "2026-04-01", "--until", "2026-03-01"), 2, "after"),
        (("report", "campaigns", "--since", "01/03/2026"), 2, "YYYY-MM-DD"),
        (("report", "campaigns", "--period", "year"), 2, "day, week, month"),
        (("report", "campaigns", "--rate", "EUR"), 2, "CUR=VALUE"),
        (("report", "posts", "--by", "cpm"), 2, "does not apply"),
        (("report", "posts", "--top", "0"), 2, "at least 1"),
        (("report", "posts", "--platform", "myspace"), 1, "Platforms in this workspace"),
    ],
)
def test_cli_bad_input(workspace, insert, cli, args, code, needle, meta_rows, make_post) -> None:
    insert("ad_stats", meta_rows)
    insert("posts", [make_post("a", datetime(2026, 3, 1, 10))])
    r = cli(*args, cwd=workspace.root)
    assert r.exit_code == code, r
    assert r.stderr.startswith("Error:") and needle in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_cli_empty_workspace(workspace, cli) -> None:
    r = cli("report", "campaigns", cwd=workspace.root)
    assert r.exit_code == 1 and "import" in r.stderr


def test_cli_metrics_lists_kpis(cli) -> None:
    r = cli("metrics", "-f", "json")
    assert r.exit_code == 0
    rows = {d["name"]: d for d in json.loads(r.stdout)}
    assert rows["ctr_link"]["formula"] == "sum(link_clicks) / sum(impressions)"
    assert rows["engagement_rate_reach"]["base"] == "reach"
    assert rows["cpm"]["better"] == "lower"


def test_single_scan_and_careful_path_agree(workspace, insert, meta_rows) -> None:
    insert("ad_stats", meta_rows)
    fast = campaign_report(workspace, by="campaign,day")
    careful = campaign_report(workspace, by="campaign,day", since="2026-01-01", until="2026-12-31")
    assert fast.frame.equals(careful.frame)


def test_uniform_data_takes_the_single_scan(workspace, insert, meta_rows, monkeypatch) -> None:
    from socialproof.campaigns import report

    rows = [dict(r, result_type="actions:link_click") for r in meta_rows]
    insert("ad_stats", rows)
    careful = campaign_report(workspace, by="campaign", since="2026-01-01")

    def boom(*a, **k):
        raise AssertionError("careful path used")

    monkeypatch.setattr(report, "ad_rows", boom)
    fast = campaign_report(workspace, by="campaign")
    assert fast.frame.equals(careful.frame)
    assert not any("different types" in n for n in fast.notes)


def test_post_ranking_defaults_to_a_base_the_posts_have(workspace, insert, make_post, cli) -> None:
    insert(
        "posts",
        [
            make_post(
                f"l{i}",
                datetime(2026, 3, 1 + i, 9),
                platform="linkedin",
                reach=None,
                impressions=1000,
                inter=10 * (i + 1),
            )
            for i in range(4)
        ],
    )
    res = post_report(workspace)
    assert "impressions" in res.title.lower()
    assert list(res.frame["post_id"]) == ["l3", "l2", "l1", "l0"]
    low = post_report(workspace, bottom=True, top=2)
    assert list(low.frame["post_id"]) == ["l0", "l1"]
    r = cli("report", "posts", "--bottom", "--top", "1", "-f", "json", cwd=workspace.root)
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["post_id"] == "l0"


def test_range_rows_by_period_are_noted(workspace, insert, meta_rows) -> None:
    row = dict(meta_rows[0], date_start=date(2026, 3, 1), date_stop=date(2026, 3, 31))
    insert("ad_stats", [row])
    res = campaign_report(workspace, by="campaign", period="week")
    assert any("reporting range" in n for n in res.notes)
    assert "_ranges" not in res.frame.columns
    assert not any("reporting range" in n for n in campaign_report(workspace).notes)


def test_exchange_rates_are_read_as_cur_equals_a_positive_number() -> None:
    """The CLI's --rate and the workbench's Exchange rates field: 'EUR=nan' and 'EUR=inf'
    were taken (nan is not <= 0) and made every converted amount blank or infinite."""
    from socialproof.campaigns.report import parse_rates

    assert parse_rates(["eur=1.08", " GBP =1.27"]) == {"EUR": 1.08, "GBP": 1.27}
    assert parse_rates([]) is None
    for bad in ("EUR=nan", "EUR=inf", "EUR=0", "EUR=-1", "EUR:1.08", "EURO=1.08", "EUR="):
        with pytest.raises(UsageError, match="is not CUR=VALUE"):
            parse_rates([bad])
