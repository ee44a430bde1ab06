"""The workbench's docs: a page per area, each with its CLI equivalents, and the README's
screenshot (taken by tests/web/test_browser.py; `make screenshots` retakes it)."""

from __future__ import annotations

import re
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
AREAS = (
    "import",
    "dashboard",
    "campaigns",
    "audit-pilots",
    "community",
    "content",
    "portfolio",
    "career",
    "settings",
    "accounts",
)


def test_every_area_has_a_page_linked_from_web_md_with_its_cli_equivalents() -> None:
    web = (DOCS / "web.md").read_text(encoding="utf-8")
    for area in AREAS:
        page = DOCS / f"workbench-{area}.md"
        assert f"({page.name})" in web, page.name
        text = page.read_text(encoding="utf-8")
        assert "## The same from the command line" in text, page.name
        assert re.search(r"\| `socialproof [a-z]", text), page.name
    assert "explain" in (DOCS / "workbench-dashboard.md").read_text(encoding="utf-8")


def test_the_readme_tour_shows_the_workbench_screenshot_the_browser_test_takes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/img/workbench.png)" in readme
    picture = DOCS / "img" / "workbench.png"
    head = picture.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert width == 1280 and height >= 600  # a desktop-width page, whole
    taker = (ROOT / "tests" / "web" / "test_browser.py").read_text(encoding="utf-8")
    assert '"docs" / "img" / "workbench.png"' in taker
    assert "screenshots:" in (ROOT / "Makefile").read_text(encoding="utf-8")
