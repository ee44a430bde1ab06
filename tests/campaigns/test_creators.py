"""Creator collaborations: tagging by label or mapping file, costs, disclosure status."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from socialproof.campaigns.creators import creator_report, load_mapping
from socialproof.errors import BadInput, NoData

MAPPING = Path(__file__).parent.parent / "data" / "campaigns" / "creators.csv"


def _posts(make_post):
    return [
        make_post(
            "ig_2001",
            datetime(2026, 3, 2, 12),
            reach=10000,
            inter=500,
            link_clicks=80,
            text="#ad Our spring drop with @acme, code MAYA10",
        ),
        make_post(
            "ig_2002",
            datetime(2026, 3, 5, 12),
            reach=5000,
            inter=100,
            labels="spring,creator:Maya Lopez",
            text="Loving this! " + "so good " * 20 + "#fashion #style #ad",
        ),
        make_post(
            "tt_3001",
            datetime(2026, 3, 3, 12),
            platform="tiktok",
            reach=20000,
            inter=2000,
            text="Thanks @acme for the gift #gifted",
        ),
        make_post("ig_9", datetime(2026, 3, 3, 12), reach=999, inter=1, text="not a creator"),
    ]


def _ads():
    return [
        {
            "platform": "meta",
            "account": "a",
            "campaign": "Spring",
            "ad_set": "S",
            "ad": "Maya whitelisted reel",
            "date_start": date(2026, 3, 2),
            "date_stop": date(2026, 3, 2),
            "breakdown": "",
            "currency": "USD",
            "spend": 100.0,
            "impressions": 8000,
            "reach": 6000,
            "link_clicks": 120,
            "results": 120.0,
        }
    ]


def test_creators_from_mapping_and_labels(workspace, insert, make_post) -> None:
    insert("posts", _posts(make_post))
    insert("ad_stats", _ads())
    res = creator_report(workspace, mapping=load_mapping(MAPPING))
    got = res.frame.set_index("creator")
    assert set(got.index) == {"Maya Lopez", "Sam Okafor"}
    maya = got.loc["Maya Lopez"]
    assert maya["posts"] == 2  # one mapped, one labelled
    assert maya["reach"] == pytest.approx(10000 + 5000 + 6000)
    assert maya["interactions"] == pytest.approx(500 + 80 + 100)  # link clicks count
    assert maya["engagement_rate_reach"] == pytest.approx(680 / 15000)
    assert maya["link_clicks"] == pytest.approx(80 + 120)
    assert maya["cost"] == pytest.approx(400 + 100)
    assert maya["cost_per_engagement"] == pytest.approx(500 / 680)
    assert maya["promo_conversions"] == pytest.approx(31)
    sam = got.loc["Sam Okafor"]
    assert sam["fees"] == pytest.approx(1200)
    assert sam["cost_per_engagement"] == pytest.approx(1200 / 2000)


def test_ad_spend_in_other_currencies_is_not_added(workspace, insert, tmp_path) -> None:
    usd = {**_ads()[0], "ad": "Maya reel"}
    eur = {**usd, "campaign": "Autumn", "currency": "EUR", "spend": 70.0}
    ana = {**usd, "campaign": "Autumn", "ad": "Ana story", "currency": "EUR", "spend": 30.0}
    insert("ad_stats", [usd, eur, ana])  # Maya's reel ran for 100 USD and 70 EUR
    path = tmp_path / "creators.csv"
    path.write_text(
        "creator,ad,fee\nMaya Lopez,Maya reel,400\nAna Diaz,Ana story,50\nLeo,Leo post,10\n",
        encoding="utf-8",
    )
    res = creator_report(workspace, mapping=load_mapping(path))
    got = res.frame.set_index("creator")
    ana = got.loc["Ana Diaz"]  # 30 EUR of ads, 50 USD of fees: no one cost
    assert ana["ad_spend"] == pytest.approx(30.0) and ana["currency"] == "EUR"
    assert ana["cost"] is None or ana["cost"] != ana["cost"]
    assert "Ana Diaz: fees in USD and ad spend in EUR are not added into one cost." in res.notes
    assert got.loc["Leo", "cost"] == pytest.approx(10.0) and got.loc["Leo", "currency"] == "USD"
    maya = got.loc["Maya Lopez"]
    # 100 USD + 70 EUR is no amount: neither summed nor added to the 400 USD of fees
    assert maya["ad_spend"] is None or maya["ad_spend"] != maya["ad_spend"]
    assert maya["cost"] is None or maya["cost"] != maya["cost"]
    assert maya["currency"] == "EUR, USD"
    assert any(
        n.startswith("Maya Lopez: ad spend in EUR and USD is not added up") for n in res.notes
    )


def test_disclosure_status_from_linter(workspace, insert, make_post) -> None:
    pytest.importorskip("socialproof.content.linter")
    insert("posts", _posts(make_post))
    got = creator_report(workspace, mapping=load_mapping(MAPPING)).frame.set_index("creator")
    # Maya's second post buries #ad in a hashtag run at the end; Sam never discloses.
    assert "disclosure.early" in got.loc["Maya Lopez", "disclosure"]
    assert "issues" in got.loc["Sam Okafor", "disclosure"]


def test_label_only(workspace, insert, make_post) -> None:
    insert(
        "posts", [make_post("x1", datetime(2026, 3, 1), labels="creator: Ana", inter=10, reach=100)]
    )
    got = creator_report(workspace).frame
    assert list(got["creator"]) == ["Ana"]
    assert got.iloc[0]["cost"] is None or got.iloc[0]["cost"] != got.iloc[0]["cost"]


def test_nothing_tagged(workspace, insert, make_post) -> None:
    insert("posts", [make_post("x1", datetime(2026, 3, 1))])
    with pytest.raises(NoData, match="creator:"):
        creator_report(workspace)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("creator,post_id\n,ig_1\n", "needs a creator"),
        ("creator,post_id,fee\nA,ig_1,lots\n", "not a number"),
        ("creator,post_id,fee\nA,ig_1,-5\n", "negative"),
        ("creator,post_id\n", "no rows"),
    ],
)
def test_bad_mapping(tmp_path, text, needle) -> None:
    path = tmp_path / "m.csv"
    path.write_text(text)
    with pytest.raises(BadInput, match=needle):
        load_mapping(path)


def test_yaml_mapping(tmp_path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("creators:\n  - {creator: A, campaign: Spring, fee: 100}\n")
    assert load_mapping(path)[0]["fee"] == 100.0


def test_cli_creators(workspace, insert, cli, make_post) -> None:
    insert("posts", _posts(make_post))
    r = cli("report", "creators", "--mapping", str(MAPPING), "-f", "json", cwd=workspace.root)
    assert r.exit_code == 0, r
    assert {d["creator"] for d in json.loads(r.stdout)} == {"Maya Lopez", "Sam Okafor"}
    r = cli("report", "creators", "--mapping", "nope.csv", cwd=workspace.root)
    assert r.exit_code == 1 and "does not exist" in r.stderr
