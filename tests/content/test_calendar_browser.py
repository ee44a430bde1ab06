"""The HTML calendar in a real Chromium with axe-core (WCAG 2.2 AA); needs `make test`'s deps."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from socialproof.content.calendar import build_calendar
from socialproof.content.calendar_report import write_html
from socialproof.content.posts import content_files, load_post

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
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


@pytest.mark.parametrize("view", ["week", "month"])
def test_calendar_html_has_no_axe_violations(planned, chromium_path, tmp_path, view):
    from playwright.sync_api import sync_playwright

    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run 'make test', which installs axe-core from npm")
    posts = [load_post(p, ws=planned) for p in content_files(planned)]
    cal = build_calendar(posts, tz=ZoneInfo("Europe/Berlin"), view=view, start=date(2026, 12, 7))
    page_path = write_html(
        cal, tmp_path / f"{view}.html", cleared={p.source: "ready" for p in posts}
    )
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
