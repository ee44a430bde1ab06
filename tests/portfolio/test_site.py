from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from tests.portfolio.conftest import PAID, write_study

from socialproof.errors import BadInput, UsageError
from socialproof.portfolio.site import build_site


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.scripts: list[str] = []
        self._in_script: str | None = None
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, name, value))
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
        if tag == "script":
            self._in_script = dict(attrs).get("type") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self.scripts.append(self._in_script)


def _parse(path: Path) -> _Collect:
    p = _Collect()
    p.feed(path.read_text())
    return p


@pytest.mark.parametrize("theme", ["classic", "studio"])
def test_site_pages_links_and_metadata(portfolio_ws: Any, theme: str) -> None:
    result = build_site(portfolio_ws, theme=theme, base_url="https://dana.example/")
    out = result.out
    names = sorted(p.name for p in out.iterdir())
    assert {
        "index.html",
        "about.html",
        "style.css",
        "sitemap.xml",
        "assets",
        "spring-launch-on-meta.html",
        "concept-campaign-for-a-coffee-brand.html",
    } <= set(names)
    for page in out.glob("*.html"):
        parsed = _parse(page)
        for tag, attr, ref in parsed.refs:
            if tag == "a" and ref.startswith(("https://", "http://", "mailto:")):
                continue  # links people follow are fine; nothing is fetched
            if tag == "link" and attr == "href" and ref.startswith("https://dana.example/"):
                continue  # canonical link, not fetched
            assert not re.match(r"^(https?:)?//", ref), f"{page.name}: external {tag} {attr}={ref}"
            target = (out / ref.split("#")[0]) if ref.split("#")[0] else page
            assert target.exists(), f"{page.name}: broken link {ref}"
        assert parsed.scripts == ["application/ld+json"], "only JSON-LD, no JavaScript"
        text = page.read_text()
        assert '<html lang="en">' in text and 'property="og:title"' in text
        ld = json.loads(
            re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)[1]
        )
        assert ld["@type"] in ("Person", "CreativeWork")
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>https://dana.example/spring-launch-on-meta.html</loc>" in sitemap


def test_figures_computed_from_data_and_marked(portfolio_ws: Any) -> None:
    out = build_site(portfolio_ws).out
    html = (out / "spring-launch-on-meta.html").read_text()
    # spend 90/day, results 3/day over March -> 2790 / 93 = 30.00 per purchase
    assert "30.00" in html
    # link CTR = 18 clicks / 1800 impressions a day = 1.00 %
    assert "1.00 %" in html
    assert len(re.findall(r'class="how"[^>]*>✓ from data', html)) == 2
    assert len(re.findall(r'class="how"[^>]*>✎ typed by hand', html)) == 1
    assert "<svg" in html and 'role="img"' in html and "<desc" in html
    assert "target not met" in html  # 30 vs target 20 (lower is better)


def test_figure_changes_when_data_changes(portfolio_ws: Any, insert: Any) -> None:
    from datetime import date

    insert(
        "ad_stats",
        [
            {
                "platform": "facebook",
                "account": "",
                "campaign": "Spring Launch",
                "ad_set": "Broad",
                "ad": "A",
                "date_start": date(2026, 3, 1),
                "date_stop": date(2026, 3, 1),
                "breakdown": "",
                "spend": 50.0 + 2790.0,
                "impressions": 1000,
                "link_clicks": 12,
                "results": 2,
            }
        ],
    )
    html = (build_site(portfolio_ws).out / "spring-launch-on-meta.html").read_text()
    assert "60.00" in html  # 5580 / 93


def test_mock_labelled_everywhere(portfolio_ws: Any) -> None:
    out = build_site(portfolio_ws).out
    assert "Mock campaign" in (out / "index.html").read_text()
    page = (out / "concept-campaign-for-a-coffee-brand.html").read_text()
    assert "<title>Mock campaign: " in page and "Mock campaign: spec work" in page
    assert '"name":"Mock campaign: Concept campaign' in page


def test_user_text_is_escaped_everywhere(portfolio_ws: Any) -> None:
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
    text = (
        "---\n"
        f"title: {json.dumps(evil)}\nkind: organic\nrole: {json.dumps(evil)}\n"
        f"client: {json.dumps(evil)}\nindustry: {json.dumps(evil)}\n"
        f"platforms: [{json.dumps(evil)}]\nperiod: {{start: 2026-01-01}}\n"
        f"summary: {json.dumps(evil)}\n"
        f"goals: [{{description: {json.dumps(evil)}}}]\n"
        f"strategy: {json.dumps(evil + ' [x](javascript:alert(3))')}\n"
        f"execution: {json.dumps(evil)}\nlearnings: {json.dumps(evil)}\n"
        f"creative:\n  - link: 'javascript:alert(4)'\n    label: {json.dumps(evil)}\n"
        f"outcomes:\n  - label: {json.dumps(evil)}\n    value: {json.dumps(evil)}\n"
        f"    note: {json.dumps(evil)}\n"
        "---\n" + evil + "\n\n[click](javascript:alert(5)) <a href='javascript:alert(6)'>x</a>\n"
    )
    write_study(portfolio_ws, "evil.md", text)
    (portfolio_ws.root / "profile.yaml").write_text(
        f"name: {json.dumps(evil)}\nheadline: {json.dumps(evil)}\nsummary: {json.dumps(evil)}\n"
        f"links:\n  - {{label: {json.dumps(evil)}, url: 'javascript:alert(7)'}}\n"
    )
    out = build_site(portfolio_ws).out
    for page in out.glob("*.html"):
        html = page.read_text()
        parsed = _parse(page)
        assert not parsed.handlers, f"{page.name}: event handler attributes {parsed.handlers}"
        assert parsed.scripts == ["application/ld+json"], page.name
        assert "javascript:" not in " ".join(r for _, _, r in parsed.refs), page.name
        assert "<script>alert" not in html and "<img src=x" not in html, page.name


def test_asset_paths_cannot_escape_workspace(portfolio_ws: Any, tmp_path: Path) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    write_study(portfolio_ws, "spring.md", PAID.replace("assets/hero.png", "../../secret.png"))
    with pytest.raises(BadInput, match="outside the workspace"):
        build_site(portfolio_ws)
    link = portfolio_ws.root / "case-studies" / "assets" / "link.png"
    os.symlink(outside, link)
    write_study(portfolio_ws, "spring.md", PAID.replace("assets/hero.png", "assets/link.png"))
    with pytest.raises(BadInput, match="outside the workspace"):
        build_site(portfolio_ws)


def test_failed_build_keeps_previous_site(portfolio_ws: Any) -> None:
    out = build_site(portfolio_ws).out
    before = (out / "index.html").read_text()
    write_study(portfolio_ws, "spring.md", PAID.replace("assets/hero.png", "assets/missing.png"))
    with pytest.raises(BadInput, match="does not exist"):
        build_site(portfolio_ws)
    assert (out / "index.html").read_text() == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".site-")]


def test_unknown_theme(portfolio_ws: Any) -> None:
    with pytest.raises(UsageError, match="classic, studio"):
        build_site(portfolio_ws, theme="neon")


def test_page_weight_small(portfolio_ws: Any) -> None:
    out = build_site(portfolio_ws).out
    for page in out.glob("*.html"):
        assert page.stat().st_size < 100_000, page.name


def test_batched_figures_match_one_by_one(portfolio_ws: Any, insert: Any) -> None:
    from datetime import date, timedelta

    from socialproof.portfolio.casestudy import load_case_studies
    from socialproof.portfolio.evidence import EvidenceResolver

    insert(
        "ad_stats",
        [
            {
                "platform": "facebook",
                "account": "",
                "campaign": "Autumn",
                "ad_set": "Broad",
                "ad": "A",
                "date_start": date(2026, 3, 1) + timedelta(days=i),
                "date_stop": date(2026, 3, 1) + timedelta(days=i),
                "breakdown": "",
                "spend": 10.0 * (i + 1),
                "impressions": 500,
                "link_clicks": 5 + i,
                "results": 1,
            }
            for i in range(20)
        ],
    )
    write_study(
        portfolio_ws,
        "autumn.md",
        PAID.replace("Spring Launch", "Autumn").replace(
            "title: Spring launch on Meta", "title: Autumn push"
        ),
    )
    studies = load_case_studies(portfolio_ws.root / "case-studies")
    with EvidenceResolver(portfolio_ws) as batched:
        batched.prefetch(studies)
        fast = [[batched.outcome(o, s).value for o in s.study.outcomes] for s in studies]
        fast_shown = [[batched.outcome(o, s).display for o in s.study.outcomes] for s in studies]
        fast_series = [batched.series(c, s) for s in studies for c in s.study.charts]
    with EvidenceResolver(portfolio_ws) as single:
        slow = [[single.outcome(o, s).value for o in s.study.outcomes] for s in studies]
        slow_shown = [[single.outcome(o, s).display for o in s.study.outcomes] for s in studies]
        slow_series = [single.series(c, s) for s in studies for c in s.study.charts]
    assert fast == slow and fast_series == slow_series and fast_shown == slow_shown
    spring = next(v for s, v in zip(studies, fast_shown, strict=True) if s.path.name == "spring.md")
    assert spring[0] == "30.00 USD"  # the amount with its currency (its rows are all USD)
    autumn = next(v for s, v in zip(studies, fast, strict=True) if s.study.title == "Autumn push")
    assert autumn[0] == sum(10.0 * (i + 1) for i in range(20)) / 20  # cost per result


def test_rebuild_never_touches_a_users_old_folder(portfolio_ws: Any) -> None:
    out = build_site(portfolio_ws).out
    mine = out.with_name(out.name + ".old")
    mine.mkdir()
    (mine / "notes.txt").write_text("my own notes")
    build_site(portfolio_ws)
    build_site(portfolio_ws)
    assert (mine / "notes.txt").read_text() == "my own notes"
    assert (out / "index.html").is_file()
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.old-")]
    assert leftovers == []
