"""The built site in a real Chromium: axe-core WCAG 2.2 AA checks, keyboard, focus, headings.

Needs Debian's chromium and axe-core from npm; `make test` installs both.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from socialproof.portfolio.preview import make_server
from socialproof.portfolio.site import build_site

pytestmark = pytest.mark.browser


def _serve(folder: Path) -> tuple[str, Any]:
    server = make_server(folder, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.mark.parametrize("theme", ["classic", "studio"])
def test_axe_finds_no_violations(axe: Any, portfolio_ws: Any, theme: str) -> None:
    out = build_site(portfolio_ws, theme=theme, out=portfolio_ws.root / f"site-{theme}").out
    base, server = _serve(out)
    try:
        for name in sorted(p.name for p in out.glob("*.html")):
            for width in (1280, 375):
                result = axe(base + name, width=width)
                assert not result["violations"], (
                    f"{theme}/{name} at {width}px: {result['violations']}"
                )
                assert len(result["passes"]) >= 10  # axe really ran its rules
                assert "color-contrast" in result["passes"]
                assert result["lang"] == "en"
                external = [u for u in result["requests"] if not u.startswith(base)]
                assert not external, f"external requests: {external}"
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
