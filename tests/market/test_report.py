"""The market report HTML: accessible shell, user text escaped, salary rule visible."""

from __future__ import annotations

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
