"""The built site in a real Chromium: axe-core WCAG 2.2 AA checks, keyboard, focus, headings.

Needs Debian's chromium and axe-core from npm; `make test` installs both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from socialproof.portfolio.preview import make_server
from socialproof.portfolio.site import build_site

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


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.fail("/usr/bin/chromium is missing: run 'make test', which installs it")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run 'make test', which installs axe-core from npm")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=FLAGS)
        yield b
        b.close()


def _serve(folder: Path) -> tuple[str, Any]:
    server = make_server(folder, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.mark.parametrize("theme", ["classic", "studio"])
def test_axe_finds_no_violations(browser: Any, portfolio_ws: Any, theme: str) -> None:
    out = build_site(portfolio_ws, theme=theme, out=portfolio_ws.root / f"site-{theme}").out
    base, server = _serve(out)
    try:
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for name in sorted(p.name for p in out.glob("*.html")):
            for width in (1280, 375):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(base + name)
                page.add_script_tag(path=str(AXE))
                result = page.evaluate(
                    "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                    TAGS,
                )
                violations = [
                    f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:120]})"
                    for v in result["violations"]
                ]
                assert not violations, f"{theme}/{name} at {width}px: {violations}"
                assert len(result["passes"]) >= 10  # axe really ran its rules
                assert any(p["id"] == "color-contrast" for p in result["passes"])
                assert page.evaluate("document.documentElement.lang") == "en"
        external = [u for u in requests if not u.startswith(base)]
        assert not external, f"external requests: {external}"
        page.close()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("theme", ["classic", "studio"])
def test_keyboard_focus_and_headings(browser: Any, portfolio_ws: Any, theme: str) -> None:
    out = build_site(portfolio_ws, theme=theme, out=portfolio_ws.root / f"site-k-{theme}").out
    base, server = _serve(out)
    try:
        page = browser.new_page()
        page.goto(base + "spring-launch-on-meta.html")
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " const r = e.getBoundingClientRect();"
            " return {cls: e.className, text: e.textContent, outline: s.outlineStyle,"
            " width: parseFloat(s.outlineWidth), visible: r.width > 0 && r.left >= 0}; }"
        )
        assert focused["cls"] == "skip" and focused["text"] == "Skip to content"
        assert focused["outline"] != "none" and focused["width"] >= 2 and focused["visible"]
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        # every link is reachable by Tab, in order, with a visible focus indicator
        links = page.evaluate("document.querySelectorAll('a[href]').length")
        seen = 0
        for _ in range(links + 2):
            page.keyboard.press("Tab")
            info = page.evaluate(
                "() => { const e = document.activeElement; const s = getComputedStyle(e);"
                " return {tag: e.tagName, outline: s.outlineStyle}; }"
            )
            if info["tag"] == "A":
                seen += 1
                assert info["outline"] != "none"
        assert seen >= links - 1
        levels = page.evaluate(
            "Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => +h.tagName[1])"
        )
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
        page.close()
    finally:
        server.shutdown()
        server.server_close()
