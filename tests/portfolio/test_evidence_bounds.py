"""A case study's figure is a bound where 'socialproof report' marks it one (≤ reach summed
over several posts), so the portfolio never shows as exact what the report qualifies."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from typing import Any

import pytest

from socialproof.workspace.schema import POSTS

STUDY = """\
---
title: Organic reach
kind: organic
role: Social media manager
client: Acme
industry: retail
platforms: [instagram]
period: {start: 2026-03-01, end: 2026-03-31}
summary: Reach of the spring posts.
goals:
  - description: Reach people
    metric: reach
    target: 1000
strategy: Reels.
execution: Two posts.
outcomes:
  - label: People reached
    kpi: reach
    where: {platform: instagram}
  - label: Reach of the solo post
    kpi: reach
    where: {account: solo}
---
Body.
"""


def _post(pid: str, account: str, day: int, reach: int) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(c for c in POSTS.columns if c != "import_id")
    row |= {
        "platform": "instagram",
        "post_id": pid,
        "account": account,
        "published_at": datetime(2026, 3, day, 12),
        "format": "reel",
        "reach": reach,
        "reactions": 10,
    }
    return row


def test_reach_summed_over_posts_is_marked_as_the_report_marks_it(
    workspace: Any, insert: Any, cli: Any
) -> None:
    # two posts of one account (300 + 500: a person who saw both counts twice) and one post
    # of another account (its own reach, exact)
    insert(
        "posts",
        [_post("a", "acme", 2, 300), _post("b", "acme", 9, 500), _post("c", "solo", 3, 200)],
    )
    (workspace.root / "case-studies").mkdir(exist_ok=True)
    (workspace.root / "case-studies" / "reach.md").write_text(STUDY)
    r = cli("report", "posts", "--group-by", "account", "--kpis", "reach", "-f", "json",
            cwd=workspace.root)  # fmt: skip
    assert r.exit_code == 0, r
    report = {row["account"]: row for row in json.loads(r.stdout)}
    assert report["acme"]["reach"] == 800 and report["acme"]["reach_bound"] == "upper"
    assert report["solo"]["reach"] == 200 and report["solo"]["reach_bound"] is None
    built = cli("portfolio", "build", cwd=workspace.root)
    assert built.exit_code == 0, built
    page = (workspace.root / "site" / "organic-reach.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "≤ 1,000 People reached" in text  # 300 + 500 + 200 over three posts
    assert "an upper bound (≤), as 'socialproof report' marks it" in text
    assert " 200 Reach of the solo post" in text
    assert "≤ 200" not in text


def test_a_target_judged_on_a_bound_says_when_the_exact_figure_may_differ() -> None:
    """'≤ 1,000 people reached; target 900; target met': the exact reach is at most 1,000
    and may be under 900, so the target is not known to be met."""
    from socialproof.portfolio.evidence import Figure

    def versus(value: float, bound: str | None, better: str = "higher") -> str:
        return Figure("Reach", value, "count", True, "", target=900, better=better,
                      bound=bound).versus  # fmt: skip

    assert versus(1000, "upper") == (
        "target 900; target met by this upper bound; the exact figure may fall short"
    )
    assert versus(800, "upper") == "target 900; target not met"  # at most 800: not met
    assert versus(800, "lower") == (
        "target 900; target not met by this lower bound; the exact figure may meet it"
    )
    assert versus(1000, "lower") == "target 900; target met"
    assert versus(1000, None) == "target 900; target met"


CHART_STUDY = STUDY.replace(
    "---\nBody.",
    "charts:\n  - kpi: reach\n    period: week\n    where: {platform: instagram}\n---\nBody.",
)


def _chart_workspace(workspace: Any, insert: Any) -> None:
    # week of 2 March: two posts (300 + 500, summed: ≤ 800); week of 9 March: one post (400)
    insert(
        "posts",
        [_post("a", "acme", 2, 300), _post("b", "acme", 4, 500), _post("c", "solo", 10, 400)],
    )
    (workspace.root / "case-studies").mkdir(exist_ok=True)
    (workspace.root / "case-studies" / "reach.md").write_text(CHART_STUDY)


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_a_chart_point_of_reach_summed_over_posts_is_marked_on_the_site(
    workspace: Any, insert: Any, cli: Any
) -> None:
    _chart_workspace(workspace, insert)
    built = cli("portfolio", "build", cwd=workspace.root)
    assert built.exit_code == 0, built
    page = (workspace.root / "site" / "organic-reach.html").read_text(encoding="utf-8")
    figure = page[page.index('<figure class="chart"') :]
    figure = figure[: figure.index("</figure>")]
    # the SVG draws the sign above the week of two posts only
    assert len(re.findall(r"<text[^>]*>≤</text>", figure)) == 1
    # the data table: the bound week carries the sign, the one-post week does not
    text = _text(figure)
    assert "2026-03-02 ≤ 800" in text
    assert "2026-03-09 400" in text and "≤ 400" not in text
    # the spec shows the bound on hover
    spec = json.loads(html.unescape(re.search(r'data-spec="([^"]*)"', figure)[1]))  # type: ignore[index]
    assert sorted((r["x"], r["value"], r["bound"]) for r in spec["data"]["values"]) == [
        ("2026-03-02", 800, "≤"),
        ("2026-03-09", 400, ""),
    ]
    assert {"field": "bound", "type": "nominal", "title": "bound"} in spec["encoding"]["tooltip"]
    assert "Points marked ≤ are upper bounds" in _text(page)


def test_a_chart_with_no_bound_has_no_mark_and_no_note(
    workspace: Any, insert: Any, cli: Any
) -> None:
    insert("posts", [_post("a", "acme", 2, 300), _post("c", "solo", 10, 400)])
    (workspace.root / "case-studies").mkdir(exist_ok=True)
    (workspace.root / "case-studies" / "reach.md").write_text(CHART_STUDY)
    built = cli("portfolio", "build", cwd=workspace.root)
    assert built.exit_code == 0, built
    page = (workspace.root / "site" / "organic-reach.html").read_text(encoding="utf-8")
    assert "2026-03-02 300" in _text(page)
    assert "Points marked" not in page and '"bound"' not in html.unescape(page)


def test_a_chart_point_of_reach_summed_over_posts_is_marked_in_the_pdf(
    workspace: Any, insert: Any, cli: Any, tmp_path: Any
) -> None:
    from pypdf import PdfReader

    _chart_workspace(workspace, insert)
    out = tmp_path / "p.pdf"
    built = cli("portfolio", "pdf", "--out", str(out), cwd=workspace.root)
    assert built.exit_code == 0, built
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(out).pages))
    assert "Points marked ≤ are upper bounds" in text
    assert "≤ 800" in text


@pytest.mark.browser
def test_the_marked_chart_reads_in_chromium(
    workspace: Any, insert: Any, axe: Any, browser: Any
) -> None:
    import threading

    from socialproof.portfolio.preview import make_server
    from socialproof.portfolio.site import build_site

    _chart_workspace(workspace, insert)
    out = build_site(workspace, out=workspace.root / "site").out
    server = make_server(out, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/organic-reach.html"
    try:
        page = browser.new_page()
        page.goto(url)
        marks = page.locator("figure.chart svg text").filter(has_text="≤")
        assert marks.count() == 1 and marks.first.is_visible()
        note = page.locator("p.chart-note")
        assert note.is_visible() and "Points marked ≤ are upper bounds" in note.inner_text()
        page.close()
        assert not axe(url)["violations"]
    finally:
        server.shutdown()
        server.server_close()
