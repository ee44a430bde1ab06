"""The audit HTML page in a real Chromium with axe-core (WCAG 2.2 AA); needs `make test`'s deps."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_audit_html_has_no_axe_violations(  # type: ignore[no-untyped-def]
    workspace, insert, many_posts, make_post, axe, tmp_path
):
    from socialproof.campaigns import audit_report
    from socialproof.campaigns.audit import audit

    rows = many_posts(40)
    rows.append(
        make_post(
            "t1",
            rows[0]["published_at"],
            platform="tiktok",
            fmt="video",
            text="<b>few posts</b> & a caveat",
        )
    )
    insert("posts", rows)
    insert(
        "account_daily",
        [
            {
                "platform": "instagram",
                "account": "acme",
                "date": date(2026, 3, 2) + timedelta(days=i),
                "metric": "followers",
                "value": 5000.0 - i,
            }
            for i in range(20)
        ],
    )
    page_path = audit_report.write(audit(workspace), tmp_path / "audit.html", owner="<Owner>")
    text = page_path.read_text(encoding="utf-8")
    assert "&lt;Owner&gt;" in text and "lost followers" in text
    result = axe(page_path.as_uri())
    assert not result["violations"], result["violations"]
    assert len(result["passes"]) >= 10
