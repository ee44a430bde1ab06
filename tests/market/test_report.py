"""The market report HTML: accessible shell, user text escaped, salary rule visible."""

from __future__ import annotations

import re
from typing import Any

from socialproof.market.aggregate import market_data
from socialproof.market.report import market_report_html


def test_report_escapes_posting_text(workspace: Any, insert: Any) -> None:
    evil = '<script>alert("x")</script>'
    insert(
        "job_postings",
        [
            {
                "posting_id": f"e{i}",
                "title": "Community Manager",
                "company": evil,
                "location": evil,
                "salary_text": "$60,000 - $70,000 per year",
                "posted_at": f"2026-0{i + 1}-01",
                "body": "Requirements: community management, moderation and empathy.",
            }
            for i in range(5)
        ],
    )
    page = market_report_html(market_data(workspace)).render()
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert 'lang="en"' in page and "<caption>" in page
    assert "Postings per month" in page  # five months: a trend chart
    assert "USD" in page  # five salaries: a figure


def test_a_month_without_a_skill_reads_zero_in_the_trend(workspace: Any, insert: Any) -> None:
    """A month whose postings all leave a top skill out had no point on the trend line and
    '—' (unknown) in its data table, where its share is 0 %."""
    bodies = {
        "01": "Requirements: copywriting and community management.",
        "02": "Requirements: community management.",
        "03": "Requirements: copywriting and community management.",
    }
    insert(
        "job_postings",
        [
            {
                "posting_id": f"m{month}",
                "title": "Community Manager",
                "company": f"Brand {month}",
                "posted_at": f"2026-{month}-05",
                "body": body,
            }
            for month, body in bodies.items()
        ],
    )
    page = market_report_html(market_data(workspace)).render()
    start = page.index("Data for “Share of postings asking for the top skills, per month")
    table = page[start : page.index("</table>", start)]
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", table)
    row = cells[cells.index("2026-02") :][:3]
    # one posting in February, asking for community management but not copywriting
    assert row == ["2026-02", "100.0", "0"]
