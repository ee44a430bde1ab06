from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ._formats import DATA, read, rows

HERE = DATA / "linkedin"


def test_xls_content_and_metrics_sheets() -> None:
    result = read(HERE / "acme_content.xls", "linkedin")
    posts = rows(result, "posts")
    assert [p["post_id"] for p in posts] == ["7171000000000000001", "7171000000000000002"]
    assert [r.line for r in result.rejects] == [5]  # '1.2.3' impressions, sheet row 5
    p = posts[1]
    assert p["published_at"] == dt.datetime(2026, 3, 15)
    assert (p["impressions"], p["views"], p["clicks"], p["reactions"]) == (12500, 3100, 410, 150)
    assert p["is_paid"] is True and posts[0]["is_paid"] is False
    assert p["campaign"] == "Webinar Q1" and p["format"] == "video"
    # the platform's own engagement rate, stored as the file has it (a fraction)
    assert p["reported_engagement_rate"] == pytest.approx(0.0477)
    ours = (p["clicks"] + p["reactions"] + p["comments"] + p["shares"] + p["follows"]) / p[
        "impressions"
    ]
    assert ours == pytest.approx(p["reported_engagement_rate"], abs=0.001)
    daily = rows(result, "account_daily")
    got = {(d["date"], d["metric"]): d["value"] for d in daily}
    assert got[(dt.date(2026, 3, 2), "impressions")] == 2550
    assert got[(dt.date(2026, 3, 2), "impressions_organic")] == 1950
    assert got[(dt.date(2026, 3, 2), "impressions_sponsored")] == 600
    assert (dt.date(2026, 3, 1), "engagement_rate_sponsored") not in got


def test_followers_xlsx_skips_demographic_sheets() -> None:
    result = read(HERE / "acme_followers.xlsx", "linkedin")
    got = {(d["date"], d["metric"]): d["value"] for d in rows(result, "account_daily")}
    assert got[(dt.date(2026, 3, 2), "follower_change")] == 9
    assert got[(dt.date(2026, 3, 2), "follower_change_organic")] == 7
    assert any("Location" in n for n in result.notes)


def test_creator_export_sheets() -> None:
    result = read(HERE / "Content_2026-03-01_2026-03-31_SampleOwner.xlsx", "linkedin-creator")
    assert not result.rejects
    posts = {p["post_id"]: p for p in rows(result, "posts")}
    # the two side-by-side top lists merge into one row per post
    assert posts["7300000000000000001"]["engagements"] == 40
    assert posts["7300000000000000001"]["impressions"] == 1800
    assert posts["7300000000000000002"]["published_at"] == dt.datetime(2026, 3, 5)
    got = {(d["date"], d["metric"]): d["value"] for d in rows(result, "account_daily")}
    assert got[(dt.date(2026, 3, 2), "impressions")] == 800
    assert got[(dt.date(2026, 3, 2), "engagements")] == 30
    assert got[(dt.date(2026, 3, 2), "follower_change")] == 5
    assert got[(dt.date(2026, 3, 31), "followers")] == 1234
    assert any("DEMOGRAPHICS" in n for n in result.notes)


def _page_export(path: Path, title: list[str], impressions: int, post: str) -> None:
    """A LinkedIn page content export (invented): title rows, then the header and a post."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "All posts"
    for line in title:
        ws.append([line])
    header = ["Post title", "Post link", "Post type", "Posted by", "Created date"]
    ws.append([*header, "Impressions", "Clicks", "Likes", "Engagement rate", "Content Type"])
    ws.append(
        [
            "Spring news",
            f"https://www.linkedin.com/feed/update/urn:li:activity:{post}",
            "Organic",
            "Dana",
            "03/02/2026",
            impressions,
            10,
            5,
            0.03,
            "Image",
        ]
    )
    wb.save(path)


DESCRIPTION = "Aggregated post metrics for the selected date range. Learn more: https://x.y/z"


@pytest.mark.parametrize(
    ("title", "account"),
    [
        (["Acme Corp", DESCRIPTION], "Acme Corp"),
        (["Organization: Acme Corp"], "Acme Corp"),
        ([DESCRIPTION], ""),  # a description names no one
        (["All posts"], ""),  # nor a title repeating the sheet's name
    ],
)
def test_a_page_export_s_title_row_names_its_account(
    tmp_path: Path, title: list[str], account: str
) -> None:
    path = tmp_path / "content.xlsx"
    _page_export(path, title, 1000, "7171000000000000009")
    result = read(path, "linkedin")
    assert [p["account"] for p in rows(result, "posts")] == [account]
    assert any("title row names" in n for n in result.notes) == bool(account)


def test_two_company_pages_exports_stay_two_accounts(workspace: Any, tmp_path: Path) -> None:
    # before, neither file named its account: the first was refused without --account,
    # and the second, imported after it, went to the first page's account
    from socialproof.ingest.importer import import_paths
    from socialproof.workspace import engine

    acme, globex = tmp_path / "acme.xlsx", tmp_path / "globex.xlsx"
    _page_export(acme, ["Acme Corp", DESCRIPTION], 1000, "7171000000000000011")
    _page_export(globex, ["Globex Ltd", DESCRIPTION], 700, "7171000000000000012")
    for path in (acme, globex):
        [s] = import_paths(workspace, [path])
        assert s.status == "imported", s.error
    with workspace.connect(read_only=True) as con:
        found = engine.query_rows(
            con, "SELECT account, sum(impressions) FROM posts GROUP BY 1 ORDER BY 1"
        )
    assert found == [("Acme Corp", 1000), ("Globex Ltd", 700)]
