"""'socialproof mapping new FILE' and the closest-format hint (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from socialproof.errors import BadInput, UnknownFormat
from socialproof.ingest.generic import load_mapping
from socialproof.ingest.mapping_draft import draft_mapping

from ._formats import detect

TOOTS = (
    "ID,Posted on,Toot text,Boosts,Favourites,Replies,URL,Language\n"
    "1101,2026-03-02 10:00,Hello fediverse,3,10,1,https://mastodon.social/@acme/1101,en\n"
    "1102,2026-03-03 11:30,Second post,0,4,0,https://mastodon.social/@acme/1102,en\n"
)


def test_draft_guesses_posts_columns(tmp_path: Path) -> None:
    path = tmp_path / "toots.csv"
    path.write_text(TOOTS, encoding="utf-8")
    draft = draft_mapping(path)
    assert draft.table == "posts"
    assert draft.guesses == {
        "post_id": "ID",
        "published_at": "Posted on",
        "text": "Toot text",
        "permalink": "URL",
        "reactions": "Favourites",
        "comments": "Replies",
        "shares": "Boosts",
    }
    assert draft.unmapped == ["Language"]
    assert draft.todo == ["platform", "account"]
    # what it writes is a mapping the generic importer loads as written
    out = tmp_path / "map.yaml"
    out.write_text(draft.yaml, encoding="utf-8")
    loaded = load_mapping(out)
    assert loaded.table == "posts" and loaded.columns["shares"] == "Boosts"
    assert yaml.safe_load(draft.yaml)["constants"] is None  # TODOs stay comments


def test_cli_writes_then_imports_with_it(tmp_path: Path, cli) -> None:
    path = tmp_path / "toots.csv"
    path.write_text(TOOTS, encoding="utf-8")
    res = cli("mapping", "new", str(path))
    assert res.exit_code == 0, res.stderr
    written = tmp_path / "toots.csv.mapping.yaml"
    assert 'post_id: "ID"' in written.read_text(encoding="utf-8")
    assert "post_id <- 'ID'" in res.stderr
    again = cli("mapping", "new", str(path))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert cli("mapping", "new", str(tmp_path / "nope.csv")).exit_code == 1
    ws = tmp_path / "ws"
    assert cli("init", str(ws)).exit_code == 0
    args = ["import", str(path), "--mapping", str(written), "--platform", "mastodon"]
    imported = cli(*args, "--account", "acme", "--workspace", str(ws))
    assert imported.exit_code == 0, imported.stderr


def test_nothing_known_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("alpha,beta\n1,2\n", encoding="utf-8")
    with pytest.raises(BadInput, match="looks like a column"):
        draft_mapping(path)
    with pytest.raises(BadInput, match="--table"):
        draft_mapping(path, table="imports")


def test_closest_hint_follows_platform_evidence(tmp_path: Path) -> None:
    # a Kaggle-style Facebook ad table: named by its 'fb_' ids, not taken for LinkedIn
    path = tmp_path / "ads.csv"
    path.write_text(
        "ad_id,xyz_campaign_id,fb_campaign_id,age,gender,Impressions,Clicks,Spent\n"
        "708746,916,103916,30-34,M,7350,1,1.43\n",
        encoding="utf-8",
    )
    with pytest.raises(UnknownFormat) as info:
        detect(path)
    message = str(info.value)
    assert "closest: Meta Ads Manager export" in message
    assert "a day or reporting range" in message and "mapping new" in message


def test_an_ad_stats_draft_asks_for_every_date_of_the_key(tmp_path: Path) -> None:
    """A draft that left out date_stop (part of the ad_stats key) loaded, then every import
    with it failed: 'The mapping does not give date_stop'."""
    from socialproof.ingest.base import ReadContext
    from socialproof.ingest.generic import unmapped_keys

    path = tmp_path / "ads.csv"
    path.write_text("Campaign,Start date,Spend\nSpring,2026-03-01,12.5\n", encoding="utf-8")
    draft = draft_mapping(path)
    assert draft.table == "ad_stats"
    assert "date_stop" in draft.todo
    out = tmp_path / "ads.yaml"
    out.write_text(draft.yaml, encoding="utf-8")
    # and a platform, or --platform (left out, the rows were stored with platform '')
    assert unmapped_keys(load_mapping(out), ReadContext()) == ["platform", "date_stop"]
    assert unmapped_keys(load_mapping(out), ReadContext(platform="google")) == ["date_stop"]


def test_draft_for_a_google_ads_report(tmp_path: Path) -> None:
    path = tmp_path / "campaigns.csv"
    path.write_text(
        "Campaign report\n"
        '"March 1, 2026 - March 3, 2026"\n'
        "Day,Campaign,Currency code,Cost,Impr.,Clicks,Conversions,Conv. value\n"
        '2026-03-01,Brand Search,EUR,"1,200.50","10,000",500,10.00,"2,000.00"\n',
        encoding="utf-8",
    )
    draft = draft_mapping(path)
    # the title lines were the header ('None of the columns ... looks like'); the currency,
    # impressions and conversion value were left unmapped (euros taken as the workspace's
    # currency), and the day was only the start of each row's period
    assert draft.table == "ad_stats"
    assert draft.guesses["currency"] == "Currency code"
    assert draft.guesses["impressions"] == "Impr."
    assert draft.guesses["purchase_value"] == "Conv. value"
    assert draft.guesses["date_start"] == draft.guesses["date_stop"] == "Day"
    assert draft.todo == ["platform", "account"]


INBOX = (
    "Date,Network,Message ID,In Reply To,Author,Direction,Message\n"
    "2026-03-02 09:00,Twitter,1001,,@maria_k,Incoming,@acme my order 5512 has not arrived\n"
    "2026-03-02 09:30,Twitter,1002,1001,@acme,Outgoing,@maria_k sorry! Can you DM us?\n"
    "2026-03-02 10:00,Twitter,1003,,@tom_r,Incoming,@acme app crashes on login\n"
    "2026-03-02 12:00,Twitter,1004,1003,@acme,Outgoing,@tom_r a fix ships today\n"
    "2026-03-02 11:00,Twitter,1005,,@lee88,Incoming,@acme do you ship to Norway?\n"
)


def test_an_inbox_export_maps_its_authors_and_directions(tmp_path: Path, cli) -> None:
    # an inbox export (Hootsuite/Sprout-like) names the author and the direction of each
    # message: the draft left both out, and a mapped 'Incoming' / 'Outgoing' was read as
    # unknown, so no brand reply was seen and every thread counted unanswered
    from socialproof.community.threads import response_times
    from socialproof.workspace.core import Workspace

    path = tmp_path / "inbox.csv"
    path.write_text(INBOX, encoding="utf-8")
    draft = draft_mapping(path)
    assert draft.table == "messages"
    assert draft.guesses["author_id"] == "Author" and draft.guesses["inbound"] == "Direction"
    tickets = tmp_path / "tickets.csv"
    tickets.write_text("Ticket ID,Comment ID,Created at,Author,Body\n501,1,2026-03-02,a,hi\n")
    assert draft_mapping(tickets).guesses["thread_id"] == "Ticket ID"
    # an Instagram comment export's replies name the comment they answer
    comments = tmp_path / "comments.csv"
    comments.write_text(
        "Comment ID,Username,Comment,Timestamp,Replied To Comment ID\n1,jo,hi,2026-03-02,\n"
    )
    assert draft_mapping(comments).guesses["parent_id"] == "Replied To Comment ID"

    written = tmp_path / "inbox.csv.mapping.yaml"
    assert cli("mapping", "new", str(path)).exit_code == 0
    ws = tmp_path / "ws"
    assert cli("init", str(ws)).exit_code == 0
    imported = cli("import", str(path), "--mapping", str(written), "--workspace", str(ws))
    assert imported.exit_code == 0, imported.stderr
    times = response_times(Workspace.open(ws))  # no brand handles set: the direction says
    assert times.overall["threads"] == 3 and times.overall["answered"] == 2
    by_opener = dict(zip(times.threads["opener"], times.threads["first_response_s"], strict=True))
    assert by_opener["@maria_k"] == 1800 and by_opener["@tom_r"] == 7200


TICKETS = (
    "Ticket ID,Comment ID,Created at,Author,Author role,Body\n"
    "501,1,2026-03-02T08:00:00Z,ana@example.org,end-user,My invoice is wrong\n"
    "501,2,2026-03-02T09:00:00Z,Sam (Acme Support),agent,Corrected and sent again\n"
    "502,3,2026-03-02T10:00:00Z,ben@example.org,end-user,How do I cancel my plan?\n"
    "502,4,2026-03-02T13:00:00Z,Sam (Acme Support),agent,Under Settings > Billing\n"
    "503,5,2026-03-02T11:00:00Z,cy@example.org,end-user,Password reset mail never arrives\n"
)


def test_a_help_desk_export_threads_by_ticket_and_knows_its_agents(tmp_path: Path, cli) -> None:
    # a Zendesk-like export has no reply links: the ticket is the thread, and the
    # author's role ('agent' / 'end-user') says who answers; read as yes/no words the
    # roles were unknown, so without brand handles no ticket was answered
    from socialproof.community.threads import response_times
    from socialproof.workspace.core import Workspace

    path = tmp_path / "tickets.csv"
    path.write_text(TICKETS, encoding="utf-8")
    draft = draft_mapping(path)
    assert draft.guesses["thread_id"] == "Ticket ID" and draft.guesses["is_brand"] == "Author role"
    assert cli("mapping", "new", str(path)).exit_code == 0
    ws = tmp_path / "ws"
    assert cli("init", str(ws)).exit_code == 0
    mapping = str(tmp_path / "tickets.csv.mapping.yaml")
    args = ["import", str(path), "--mapping", mapping, "--platform", "zendesk"]
    imported = cli(*args, "--workspace", str(ws))
    assert imported.exit_code == 0, imported.stderr
    times = response_times(Workspace.open(ws))
    assert times.overall["threads"] == 3 and times.overall["answered"] == 2
    first = dict(zip(times.threads["thread_key"], times.threads["first_response_s"], strict=True))
    assert first["501"] == 3600 and first["502"] == 3 * 3600


def test_tiktok_and_snapchat_ads_exports_map_their_money_and_delivery(tmp_path: Path) -> None:
    """TikTok Ads Manager's 'Total purchase value' and Snapchat's 'Ad Squad Name', 'Start
    Time' / 'End Time', 'Paid Impressions', 'Swipe Ups' and 'Purchases Value' were left
    unmapped, so ROAS (and for Snapchat the dates, impressions and clicks) was lost unless
    the user found the canonical names. Invented headers."""
    tiktok = tmp_path / "tiktok_ads.csv"
    tiktok.write_text(
        "Campaign name,Ad group name,Ad name,By Day,Currency,Cost,Impressions,"
        "Clicks (destination),Conversions,Total purchase value\n"
        "Spring,Group 1,Video 1,2026-03-01,USD,50.00,10000,100,5,250.00\n",
        encoding="utf-8",
    )
    assert draft_mapping(tiktok).guesses["purchase_value"] == "Total purchase value"
    snap = tmp_path / "snap_ads.csv"
    snap.write_text(
        "Campaign Name,Ad Squad Name,Ad Name,Start Time,End Time,Paid Impressions,Swipe Ups,"
        "Spend,Purchases,Purchases Value,Currency\n"
        "Snap 1,Squad,Ad S,2026-03-01,2026-03-01,5000,50,25.00,1,40.00,USD\n",
        encoding="utf-8",
    )
    guesses = draft_mapping(snap).guesses
    assert {k: guesses.get(k) for k in ("ad_set", "date_start", "date_stop")} == {
        "ad_set": "Ad Squad Name",
        "date_start": "Start Time",
        "date_stop": "End Time",
    }
    assert {k: guesses.get(k) for k in ("impressions", "link_clicks", "purchase_value")} == {
        "impressions": "Paid Impressions",
        "link_clicks": "Swipe Ups",
        "purchase_value": "Purchases Value",
    }
