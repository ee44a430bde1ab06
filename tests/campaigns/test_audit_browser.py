"""The audit HTML page in a real Chromium with axe-core (WCAG 2.2 AA); needs `make test`'s deps."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_audit_html_has_no_axe_violations(  # type: ignore[no-untyped-def]
    workspace, insert, many_posts, make_post, chromium_path, tmp_path
):
    from playwright.sync_api import sync_playwright

    from socialproof.campaigns import audit_report
    from socialproof.campaigns.audit import audit

    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run 'make test', which installs axe-core from npm")
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
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=FLAGS)
        try:
            page = browser.new_page()
            page.goto(page_path.as_uri())
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                TAGS,
            )
        finally:
            browser.close()
    violations = [f"{v['id']}: {v['help']}" for v in result["violations"]]
    assert not violations, violations
    assert len(result["passes"]) >= 10
