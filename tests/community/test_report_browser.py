"""The community HTML report in a real Chromium with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.community.test_report import THEME_ROWS, fake_models  # noqa: F401  (fixture)
from tests.community.test_response_times import FIXTURE, load_twcs

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def test_community_html_has_no_axe_violations(
    workspace: Any,
    insert: Any,
    data_dir: Any,
    chromium_path: str,
    tmp_path: Path,
    fake_models: None,  # noqa: F811
) -> None:
    from playwright.sync_api import sync_playwright

    from socialproof.community.report import build_report, to_html

    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run 'make test', which installs axe-core from npm")
    insert("messages", load_twcs(data_dir / FIXTURE) + THEME_ROWS)
    path = to_html(build_report(workspace)).write(tmp_path / "community.html")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=FLAGS)
        try:
            page = browser.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
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
    assert all(u.startswith("file:") for u in requests), requests  # works offline
