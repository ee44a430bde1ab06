"""A sample workspace for the community, content, portfolio and career page tests.

Built from the bundled samples (conversations, the Meta Ads export the sample
case studies cite, planned posts, case studies, the career profile and postings),
so these tests depend only on what they exercise. Each test module that imports :func:`sample_server` gets its
own copy (the browser flows change it).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import LiveServer


def build_sample_workspace(root: Path, *, score: bool = True, themes: bool = False) -> Any:
    from socialproof.demo import SAMPLES
    from socialproof.ingest.importer import import_paths
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    settings = settings_from_dict(
        {
            "owner": "Sam Rivera (sample)",
            "timezone": "Europe/Berlin",
            "industry": "consumer",
            "currency": "USD",
            "brand": {"handles": ["AcmeHomeHelp"], "accounts": {"meta": "acme.home"}},
        },
        source="test settings",
    )
    ws = Workspace.init(root, settings=settings)
    for folder in ("content", "case-studies"):
        for src in sorted((SAMPLES / folder).glob("*.md")):
            shutil.copy2(src, ws.root / folder / src.name)
    shutil.copy2(SAMPLES / "careers" / "profile.yaml", ws.root / "profile.yaml")
    for summary in import_paths(
        ws, [SAMPLES / "conversations.csv", SAMPLES / "meta_ads_daily.csv"]
    ):
        assert not summary.failed, summary.error
    postings = sorted((SAMPLES / "careers" / "postings").glob("*.md"))
    import_paths(ws, postings, format="job-postings")
    if score:
        from socialproof.community.scoring import score_messages

        score_messages(ws)
    if themes:
        from socialproof.community.scoring import discover_themes

        discover_themes(ws, k=6)
    return ws


def serve(tmp_path_factory: pytest.TempPathFactory, **kw: Any) -> Iterator[Any]:
    """Yield a running workbench over a fresh sample workspace; for a module fixture."""
    ws = build_sample_workspace(tmp_path_factory.mktemp("samples") / "ws", **kw)
    server = LiveServer(ws).start()
    try:
        yield server
    finally:
        server.stop()


def open_page(browser: Any, url: str, *, width: int = 1280, for_axe: bool = False) -> Any:
    """A page at ``url`` in a fresh context. ``for_axe`` lets the axe-core script in past
    the page's CSP (the CSP is enforced in every other page these tests open)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=for_axe)
    page = context.new_page()
    page.goto(url)
    return page


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now (any state)."""
    from tests.conftest import AXE, AXE_TAGS

    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:160]})"
        for v in result["violations"]
    ]


def check_axe(browser: Any, url: str, width: int) -> list[str]:
    page = open_page(browser, url, width=width, for_axe=True)
    try:
        page.wait_for_load_state("networkidle")
        return axe_violations(page)
    finally:
        page.context.close()
