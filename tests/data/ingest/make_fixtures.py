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


def _num(v: str) -> object:
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


def main() -> None:
    out = HERE / "linkedin"
    out.mkdir(exist_ok=True)
    _xls(out / "acme_content.xls", {"Metrics": METRICS, "All posts": CONTENT})
    _xlsx(out / "acme_followers.xlsx", {"New followers": FOLLOWERS, "Location": LOCATION})


if __name__ == "__main__":
    main()
