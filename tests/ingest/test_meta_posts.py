from __future__ import annotations

import datetime as dt
from pathlib import Path

from socialproof.ingest.base import ReadResult

from ._formats import DATA, read, rows

HERE = DATA / "meta_posts"


def test_instagram_business_suite_posts() -> None:
    result = read(HERE / "instagram_posts.csv", "meta-posts", timezone="Europe/Madrid")
    posts = rows(result, "posts")
    assert [p["post_id"] for p in posts] == ["18001", "18002", "18003"]
    assert [r.line for r in result.rejects] == [5]
    assert "Publish time" in result.rejects[0].reason
    p = posts[0]
    assert p["platform"] == "instagram" and p["account"] == "acme"
    assert p["format"] == "carousel" and posts[1]["format"] == "reel"
    # '03/08/2026 14:05' in Madrid (UTC+1 in March) -> 13:05 UTC
    assert p["published_at"] == dt.datetime(2026, 3, 8, 13, 5)
    assert (p["views"], p["reach"], p["reactions"], p["saves"]) == (12345, 9876, 321, 67)
    assert p["labels"] == "spring,launch"
    assert posts[2]["views"] is None  # 'undefined'


def test_facebook_posts_with_trailing_comma_header() -> None:
    result = read(HERE / "facebook_posts.csv", "meta-posts")
    posts = rows(result, "posts")
    assert not result.rejects
    assert {p["platform"] for p in posts} == {"facebook"}
    assert [p["format"] for p in posts] == ["image", "video", "link"]
    assert posts[0]["is_paid"] is True and posts[1]["is_paid"] is None
    assert posts[0]["engagements"] == 230 and posts[0]["clicks"] == 150
    assert posts[1]["watch_time_s"] == 12000 and posts[1]["duration_s"] == 95
    assert posts[2]["impressions"] is None and posts[2]["engagements"] is None  # '—', '--'
    assert posts[1]["title"] == "Sample video"


def test_legacy_post_level_xlsx() -> None:
    result = read(
        HERE / "Facebook Insights Data Export (Post Level).xlsx", "facebook-insights-legacy"
    )
    posts = rows(result, "posts")
    assert result.rows_read == 2
    assert [p["post_id"] for p in posts] == ["100_201", "100_202"]
    p = posts[0]
    assert (p["reach"], p["impressions"], p["engagements"], p["clicks"]) == (1200, 2100, 80, 95)
    assert (p["reactions"], p["comments"], p["shares"]) == (40, 6, 3)
    assert p["published_at"] == dt.datetime(2017, 5, 2, 9, 30)
    assert p["format"] == "image" and posts[1]["format"] == "video"


def test_legacy_labels_with_description_row() -> None:
    result = read(HERE / "legacy_labels_and_descriptions.xlsx", "facebook-insights-legacy")
    posts = rows(result, "posts")
    assert not result.rejects  # the description row is not data
    assert [p["post_id"] for p in posts] == ["100_201", "100_202"]
    assert (posts[1]["reach"], posts[1]["impressions"], posts[1]["shares"]) == (3400, 5200, 9)


def test_a_total_row_under_the_posts_is_skipped_not_rejected(tmp_path: Path) -> None:
    # A 'Total' row summed in a spreadsheet under a posts export was reported as an
    # unreadable row ('no publish time'); it is a sum, left out with a note. A row that
    # cannot be read for another reason is still a reject.
    head = "Post ID,Account username,Description,Publish time,Permalink,Post type,Reach,Likes\n"
    body = "1,acme,a,03/02/2026 10:00,https://www.instagram.com/p/A/,IG image,100,5\n"
    body += "2,acme,b,03/03/2026 10:00,https://www.instagram.com/p/B/,IG image,200,7\n"
    body += "3,acme,c,,https://www.instagram.com/p/C/,IG image,50,1\n"
    path = tmp_path / "posts.csv"
    path.write_text(head + body + "Total,,,,,,350,13\n", encoding="utf-8")
    result = read(path, "meta-posts")
    assert [p["post_id"] for p in rows(result, "posts")] == ["1", "2"]
    assert [(r.line, r.reason) for r in result.rejects] == [(4, "no publish time")]
    assert "Skipped 1 'Total' row (a sum of the rows above)." in result.notes


def test_a_sum_row_without_a_label_is_skipped_not_rejected(tmp_path: Path) -> None:
    # Business Suite's summary row leaves the label cells empty: it was reported as a
    # rejected row ('no post id'). Its numbers are the sums of the posts above (reactions
    # 50 + 100 + 25 = 175, ...), so it is left out with a note; a row of numbers that are
    # not the sums (a post whose id and time were lost) is still a reject.
    head = (
        "Post ID,Page name,Publish time,Permalink,Post type,Date,Views,Reach,"
        "Reactions,Comments,Average Seconds viewed\n"
    )
    body = (
        "100_1,Bakery,03/02/2026 07:00,https://www.facebook.com/100/posts/1,Photos,"
        'Lifetime,"1,000",800,50,5,2.5\n'
        "100_2,Bakery,03/03/2026 07:00,https://www.facebook.com/100/posts/2,Photos,"
        'Lifetime,"2,000",1600,100,10,3.5\n'
        "100_3,Bakery,03/04/2026 07:00,https://www.facebook.com/100/posts/3,Videos,"
        "Lifetime,500,400,25,3,4\n"
    )
    path = tmp_path / "posts.csv"
    path.write_text(head + body + ',,,,,,"3,500","2,800",175,18,3.3\n', encoding="utf-8")
    result = read(path, "meta-posts")
    assert [p["post_id"] for p in rows(result, "posts")] == ["100_1", "100_2", "100_3"]
    assert not result.rejects
    assert "Skipped 1 row without labels that add up the rows above." in result.notes
    path.write_text(head + body + ",,,,,,700,500,30,3,\n", encoding="utf-8")
    result = read(path, "meta-posts")
    assert [(r.line, r.reason) for r in result.rejects] == [(5, "no post id")]
    assert len(rows(result, "posts")) == 3


def test_a_total_label_after_empty_label_cells_is_skipped_not_rejected(tmp_path: Path) -> None:
    # Business Suite's summary row writes 'Total' under Date, the cells before it empty:
    # it was rejected ('no post id'): its first cell is not 'Total', and its text keeps it
    # from the rule for rows of sums (its figures here are an export's totals over more
    # posts than the file lists, 1,155 likes for 61 + 842). Other text stays a reject.
    head = "Post ID,Account username,Publish time,Permalink,Post type,Date,Views,Reach,Likes\n"
    body = (
        "1,acme,03/02/2026 09:15,https://www.instagram.com/p/A/,IG image,Lifetime,"
        '"1,204",980,61\n'
        "2,acme,03/05/2026 18:40,https://www.instagram.com/reel/B/,IG reel,Lifetime,"
        '"15,870","11,230",842\n'
    )
    path = tmp_path / "posts.csv"
    path.write_text(head + body + ',,,,,Total,"20,996","15,295","1,155"\n', encoding="utf-8")
    result = read(path, "meta-posts")
    assert [p["post_id"] for p in rows(result, "posts")] == ["1", "2"]
    assert not result.rejects
    assert "Skipped 1 'Total' row (a sum of the rows above)." in result.notes
    path.write_text(head + body + ",,,,,Totals of March,5,5,5\n", encoding="utf-8")
    result = read(path, "meta-posts")  # not a label the sum rule knows: still a reject
    assert [(r.line, r.reason) for r in result.rejects] == [(4, "no post id")]


def test_a_row_describing_the_columns_is_skipped_not_rejected(tmp_path: Path) -> None:
    # Facebook writes a sentence under each figure's name: that second header row was
    # reported as a rejected row ('no post id'). A first row of data stays a row.
    head = (
        "Post ID,Page name,Publish time,Permalink,Post type,Date,Views,Reach,"
        '"Reactions, Comments and Shares"\n'
    )
    described = (
        ",,,,,,The number of times your post was on screen,The number of people who saw "
        'your post at least once,"The number of reactions, comments and shares"\n'
    )
    body = (
        "100_1,Bakery,03/02/2026 07:30,https://www.facebook.com/100/posts/1,Photos,"
        'Lifetime,"2,310","1,840",96\n'
        "100_2,Bakery,03/06/2026 16:00,https://www.facebook.com/100/videos/2,Videos,"
        'Lifetime,"8,005","5,120",344\n'
    )
    path = tmp_path / "posts.csv"
    path.write_text(head + described + body, encoding="utf-8")
    result = read(path, "meta-posts")
    assert [(p["views"], p["reach"]) for p in rows(result, "posts")] == [(2310, 1840), (8005, 5120)]
    assert not result.rejects
    assert any(n.startswith("Skipped the row describing the columns") for n in result.notes)
    path.write_text(head + ",,,,,,no id here,12,3\n" + body, encoding="utf-8")
    result = read(path, "meta-posts")  # figures, not descriptions: a reject
    assert [(r.line, r.reason) for r in result.rejects] == [(2, "no post id")]


DAILY_HEAD = (
    "Post ID,Account username,Description,Publish time,Permalink,Post type,Date,"
    "Views,Reach,Likes,Comments,Duration (sec)\n"
)


def _daily(tmp_path: Path, body: str) -> ReadResult:
    path = tmp_path / "daily.csv"
    path.write_text(DAILY_HEAD + body, encoding="utf-8")
    result = read(path, "meta-posts")
    assert not result.rejects
    return result


def test_an_export_by_day_adds_up_each_post_s_days(tmp_path: Path) -> None:
    # one row per post and day: the days add up (views 1000 + 300 + 100), reach is the
    # largest day's (800: people reached on two days are one person); before, one day
    # was kept and the others reported as conflicts
    result = _daily(
        tmp_path,
        "1,acme,a,03/02/2026 08:00,https://www.instagram.com/p/A/,IG image,03/02/2026,"
        "1000,800,50,5,0\n"
        "1,acme,a,03/02/2026 08:00,https://www.instagram.com/p/A/,IG image,03/03/2026,"
        "300,250,10,1,0\n"
        "2,acme,b,03/03/2026 09:00,https://www.instagram.com/reel/B/,IG reel,03/03/2026,"
        "500,450,20,,15\n"
        "1,acme,a,03/02/2026 08:00,https://www.instagram.com/p/A/,IG image,03/04/2026,"
        "100,90,2,0,0\n"
        "2,acme,b,03/03/2026 09:00,https://www.instagram.com/reel/B/,IG reel,03/04/2026,"
        "70,60,3,,15\n",
    )
    posts = {p["post_id"]: p for p in rows(result, "posts")}
    assert sorted(posts) == ["1", "2"]
    a, b = posts["1"], posts["2"]
    assert (a["views"], a["reach"], a["reactions"], a["comments"]) == (1400, 800, 62, 6)
    assert (b["views"], b["reach"], b["reactions"]) == (570, 450, 23)
    assert b["comments"] is None  # never exported: still unknown, not 0
    assert b["duration_s"] == 15 and b["format"] == "reel"
    assert a["published_at"] == dt.datetime(2026, 3, 2, 8, 0)
    assert any(
        n.startswith("2 post(s) have one row per day") and "2026-03-02 to 2026-03-04" in n
        for n in result.notes
    )


def test_a_day_exported_twice_counts_once(tmp_path: Path) -> None:
    row2 = (
        "1,acme,a,03/02/2026 08:00,https://www.instagram.com/p/A/,IG image,03/03/2026,"
        "300,250,10,1,0\n"
    )
    result = _daily(
        tmp_path,
        "1,acme,a,03/02/2026 08:00,https://www.instagram.com/p/A/,IG image,03/02/2026,"
        "1000,800,50,5,0\n" + row2 + row2,
    )
    [p] = rows(result, "posts")
    assert (p["views"], p["reach"], p["reactions"]) == (1300, 800, 60)


def test_two_different_rows_for_one_day_are_not_added(tmp_path: Path) -> None:
    # the same post and day with two sets of figures: which is right cannot be told, so
    # nothing is added up and the import reports the conflict as before
    result = _daily(
        tmp_path,
        "1,acme,a,03/02/2026 08:00,https://www.instagram.com/p/A/,IG image,03/02/2026,"
        "1000,800,50,5,0\n"
        "1,acme,a,03/02/2026 08:00,https://www.instagram.com/p/A/,IG image,03/02/2026,"
        "1200,900,55,5,0\n",
    )
    assert [p["views"] for p in rows(result, "posts")] == [1000, 1200]
    assert not any("one row per day" in n for n in result.notes)


def test_a_lifetime_export_is_not_added_up(tmp_path: Path) -> None:
    result = _daily(
        tmp_path,
        "1,acme,a,03/02/2026 08:00,https://www.instagram.com/p/A/,IG image,Lifetime,"
        "1000,800,50,5,0\n"
        "2,acme,b,03/03/2026 08:00,https://www.instagram.com/p/B/,IG image,Lifetime,"
        "300,250,10,1,0\n",
    )
    assert [p["views"] for p in rows(result, "posts")] == [1000, 300]
    assert not any("one row per day" in n for n in result.notes)
