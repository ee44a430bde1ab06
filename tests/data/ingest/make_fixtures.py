"""Regenerate the spreadsheet fixtures of tests/ingest (run from the repo root).

    .venv/bin/pip install xlwt   # old binary .xls writer, only needed here
    .venv/bin/python tests/data/ingest/make_fixtures.py

The CSV fixtures are written by hand; spreadsheets need a library, so they
are generated here and committed. All data is invented sample data.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent

DESCRIPTION = (
    "Aggregated post metrics for the selected date range (sample data for tests). "
    "Learn more: https://www.linkedin.com/help/linkedin/answer/4499"
)
CONTENT = [
    [
        "Post title",
        "Post link",
        "Post type",
        "Campaign name",
        "Posted by",
        "Created date",
        "Campaign start date",
        "Campaign end date",
        "Audience",
        "Impressions",
        "Views (excluding off-site video views)",
        "Offsite Views",
        "Clicks",
        "Click through rate (CTR)",
        "Likes",
        "Comments",
        "Reposts",
        "Follows",
        "Engagement rate",
        "Content Type",
    ],
    [
        "Sample post: we are hiring",
        "https://www.linkedin.com/feed/update/urn:li:activity:7171000000000000001",
        "Organic",
        "",
        "Ana Example",
        "03/02/2026",
        "",
        "",
        "All followers",
        "4210",
        "",
        "",
        "130",
        "0.0309",
        "88",
        "9",
        "5",
        "3",
        "0.0551",
        "Image",
    ],
    [
        "Sample post: product webinar",
        "https://www.linkedin.com/feed/update/urn:li:ugcPost:7171000000000000002",
        "Sponsored",
        "Webinar Q1",
        "Ana Example",
        "03/15/2026",
        "03/15/2026",
        "03/31/2026",
        "Targeted",
        "12,500",
        "3,100",
        "40",
        "410",
        "0.0328",
        "150",
        "22",
        "14",
        "12",
        "0.0477",
        "Video",
    ],
    [
        "Sample post: bad numbers",
        "https://www.linkedin.com/feed/update/urn:li:activity:7171000000000000003",
        "Organic",
        "",
        "Ana Example",
        "03/20/2026",
        "",
        "",
        "All followers",
        "1.2.3",
        "",
        "",
        "1",
        "0.01",
        "1",
        "0",
        "0",
        "0",
        "0.01",
        "Text",
    ],
]
METRICS = [
    [
        "Date",
        "Impressions (organic)",
        "Impressions (sponsored)",
        "Impressions (total)",
        "Unique impressions (organic)",
        "Clicks (organic)",
        "Clicks (sponsored)",
        "Clicks (total)",
        "Reactions (organic)",
        "Reactions (sponsored)",
        "Reactions (total)",
        "Engagement rate (organic)",
        "Engagement rate (sponsored)",
        "Engagement rate (total)",
    ],
    [
        "03/01/2026",
        "800",
        "0",
        "800",
        "610",
        "20",
        "0",
        "20",
        "31",
        "0",
        "31",
        "0.0638",
        "",
        "0.0638",
    ],
    [
        "03/02/2026",
        "1,950",
        "600",
        "2,550",
        "1,400",
        "61",
        "15",
        "76",
        "70",
        "9",
        "79",
        "0.0672",
        "0.04",
        "0.0608",
    ],
]
FOLLOWERS = [
    [
        "Date",
        "Sponsored followers",
        "Organic followers",
        "Auto-invited followers",
        "Total followers",
    ],
    ["03/01/2026", "0", "4", "1", "5"],
    ["03/02/2026", "2", "7", "0", "9"],
]
LOCATION = [["Location", "Total followers"], ["Madrid", "120"], ["Lisbon", "40"]]


def _xlsx(path: Path, sheets: dict[str, list[list[str]]]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append([DESCRIPTION])
        for row in rows:
            # numbers as numbers where they are plain, as LinkedIn writes them
            ws.append([_num(v) for v in row])
    wb.save(path)


def _xls(path: Path, sheets: dict[str, list[list[str]]]) -> None:
    import xlwt

    book = xlwt.Workbook()
    for name, rows in sheets.items():
        ws = book.add_sheet(name)
        ws.write(0, 0, DESCRIPTION)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                ws.write(r, c, _num(v))
    book.save(str(path))


MERGED_HEADER = [
    "Post ID",
    "Account username",
    "Description",
    "Publish time",
    "Permalink",
    "Post type",
    "Date",
    "Views",
    "Reach",
    "Likes",
    "Comments",
    "Shares",
]
MERGED_ROWS = [
    ["101", "acme", "a", "03/02/2026 09:15", "https://www.instagram.com/p/A1/", "IG image"],
    ["102", "acme", "b", "03/03/2026 09:15", "https://www.instagram.com/p/A2/", "IG reel"],
    ["103", "acme", "c", "03/04/2026 09:15", "https://www.instagram.com/p/A3/", "IG image"],
]
MERGED_FIGURES = [[1000, 800, 50, 5, 2], [3000, 2500, 150, 15, 6], [500, 450, 20, 1, 0]]


def _merged_xls(path: Path, layout: str) -> None:
    """Old binary .xls posts exports whose header uses merged cells (the .xlsx twins are
    built in tests/ingest/test_merged_headers.py): a group row ('Post' over A:G,
    'Performance' over H:L) above the names, or the ids merged down over two rows with
    the figures named under their groups ('Delivery', 'Engagement')."""
    import xlwt

    book = xlwt.Workbook()
    ws = book.add_sheet("Posts")
    if layout == "groups":
        ws.write_merge(0, 0, 0, 6, "Post")
        ws.write_merge(0, 0, 7, 11, "Performance")
        for c, h in enumerate(MERGED_HEADER):
            ws.write(1, c, h)
        first = 2
    else:
        for c, h in enumerate(MERGED_HEADER[:7]):
            ws.write_merge(0, 1, c, c, h)
        ws.write_merge(0, 0, 7, 8, "Delivery")
        ws.write_merge(0, 0, 9, 11, "Engagement")
        for c, h in enumerate(MERGED_HEADER[7:], start=7):
            ws.write(1, c, h)
        first = 2
    for r, (row, figures) in enumerate(zip(MERGED_ROWS, MERGED_FIGURES, strict=True)):
        for c, v in enumerate([*row, "Lifetime", *figures]):
            ws.write(first + r, c, v)
    book.save(str(path))


def _num(v: str) -> object:
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


LEGACY_API = [
    "post_id",
    "permalink",
    "message",
    "type",
    "created_time",
    "post_impressions_unique:lifetime",
    "post_impressions:lifetime",
    "post_engaged_users:lifetime",
    "post_consumptions:lifetime",
    "post_story_adds_by_action_type:lifetime:like",
    "post_story_adds_by_action_type:lifetime:comment",
    "post_story_adds_by_action_type:lifetime:share",
]
LEGACY_LABELS = [
    "Post ID",
    "Permalink",
    "Post Message",
    "Type",
    "Posted",
    "Lifetime Post Total Reach",
    "Lifetime Post Total Impressions",
    "Lifetime Engaged Users",
    "Lifetime Post Consumptions",
    "Lifetime Talking About This (Post) by action type - like",
    "Lifetime Talking About This (Post) by action type - comment",
    "Lifetime Talking About This (Post) by action type - share",
]
LEGACY_ROWS = [
    [
        "100_201",
        "https://www.facebook.com/100/posts/201",
        "Sample post: old times",
        "Photo",
        "2017-05-02 09:30:00",
        1200,
        2100,
        80,
        95,
        40,
        6,
        3,
    ],
    [
        "100_202",
        "https://www.facebook.com/100/posts/202",
        "Sample post: a video",
        "Video",
        "2017-05-04 18:00:00",
        3400,
        5200,
        210,
        260,
        120,
        15,
        9,
    ],
]
META_ADS = [
    [
        "Campaign name",
        "Ad set name",
        "Ad name",
        "Day",
        "Amount spent (NGN)",
        "Impressions",
        "Reach",
        "Results",
        "Result indicator",
        "Cost per result",
        "ThruPlays",
    ],
    [
        "Video Views NG",
        "Lagos 18-34",
        "Clip 1",
        "2026-02-01",
        15000.5,
        50000,
        30000,
        900,
        "actions:video_thruplay_watched",
        16.67,
        900,
    ],
    [
        "Video Views NG",
        "Lagos 18-34",
        "Clip 1",
        "2026-02-02",
        0,
        0,
        0,
        0,
        "actions:video_thruplay_watched",
        None,
        0,
    ],
]


def _creator(path: Path) -> None:
    """A member's own analytics export (Content_<from>_<to>_<Name>.xlsx)."""
    import openpyxl

    url = "https://www.linkedin.com/feed/update/urn:li:activity:73000000000000000"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DISCOVERY"
    for row in (
        ["Overall Performance", "3/1/2026 - 3/31/2026"],
        ["Impressions", 15234],
        ["Members reached", 8123],
    ):
        ws.append(row)
    ws = wb.create_sheet("ENGAGEMENT")
    for row in (
        ["Date", "Impressions", "Engagements"],
        ["3/1/2026", 500, 12],
        ["3/2/2026", 800, 30],
    ):
        ws.append(row)
    ws = wb.create_sheet("TOP POSTS")
    ws.append(["Maximum of 50 posts available to include in this list"])
    ws.append([])
    ws.append(
        [
            "Post URL",
            "Post publish date",
            "Engagements",
            None,
            "Post URL",
            "Post publish date",
            "Impressions",
        ]
    )
    ws.append([url + "01", "3/2/2026", 40, None, url + "02", "3/5/2026", 2500])
    ws.append([url + "02", "3/5/2026", 35, None, url + "01", "3/2/2026", 1800])
    ws = wb.create_sheet("FOLLOWERS")
    ws.append(["Total followers on 3/31/2026:", 1234])
    ws.append([])
    for row in (["Date", "New followers"], ["3/1/2026", 3], ["3/2/2026", 5]):
        ws.append(row)
    ws = wb.create_sheet("DEMOGRAPHICS")
    ws.append(["Top Demographics", "Value", "Percentage"])
    ws.append(["Job titles", "Marketing Manager", 0.05])
    wb.save(path)


def main() -> None:
    out = HERE / "linkedin"
    out.mkdir(exist_ok=True)
    _xls(out / "acme_content.xls", {"Metrics": METRICS, "All posts": CONTENT})
    _xlsx(out / "acme_followers.xlsx", {"New followers": FOLLOWERS, "Location": LOCATION})
    _creator(out / "Content_2026-03-01_2026-03-31_SampleOwner.xlsx")
    (HERE / "merged").mkdir(exist_ok=True)
    _merged_xls(HERE / "merged" / "posts_groups.xls", "groups")
    _merged_xls(HERE / "merged" / "posts_two_rows.xls", "two rows")
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Key Metrics"
    ws.append(LEGACY_API)
    ws.append(LEGACY_LABELS)
    for row in LEGACY_ROWS:
        ws.append([dt.datetime.fromisoformat(v) if k == 4 else v for k, v in enumerate(row)])
    wb.create_sheet("Lifetime Post Stories by act...").append(["Post ID", "like", "comment"])
    (HERE / "meta_posts").mkdir(exist_ok=True)
    wb.save(HERE / "meta_posts" / "Facebook Insights Data Export (Post Level).xlsx")
    # the other shape: human labels, then a row of descriptions
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Key Metrics"
    ws.append(LEGACY_LABELS)
    ws.append(["", "", "", "", ""] + [f"Lifetime: sample description {k}" for k in range(7)])
    for row in LEGACY_ROWS:
        ws.append([dt.datetime.fromisoformat(v) if k == 4 else v for k, v in enumerate(row)])
    wb.save(HERE / "meta_posts" / "legacy_labels_and_descriptions.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Raw Data Report"
    for row in META_ADS:
        ws.append(row)
    wb.save(HERE / "meta_ads" / "daily_ngn.xlsx")


if __name__ == "__main__":
    main()
