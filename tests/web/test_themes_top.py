"""The themes page's 'How many themes': the browser's 'community themes --top N'."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from tests.community.test_queue import ROWS, KeywordModeration, KeywordSentiment
from tests.web.conftest import make_client
from tests.web.workbench_samples import axe_violations, open_page, serve


@pytest.fixture
def themed_client(workspace: Any, insert: Any) -> Iterator[Any]:
    from socialproof.community.scoring import Models, discover_themes, score_messages

    insert("messages", ROWS)
    score_messages(
        workspace, models=Models(sentiment=KeywordSentiment(), moderation=KeywordModeration())
    )
    discover_themes(workspace, k=3)
    with make_client(workspace) as c:
        yield c


def _rows(page: str) -> list[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return re.findall(r'<a href="(/community/themes/\d+)"', body)


def test_how_many_themes_shows_the_largest(themed_client: Any) -> None:
    every = themed_client.get("/community/themes")
    assert every.status_code == 200 and "Themes (3), largest first" in every.text
    assert len(_rows(every.text)) == 3
    two = themed_client.get("/community/themes", params={"top": " 2 "})
    assert two.status_code == 200
    assert _rows(two.text) == _rows(every.text)[:2]
    assert "The 2 largest of 3 themes" in two.text
    assert 'name="top" size="6" value="2"' in two.text  # the field keeps what was asked
    more = themed_client.get("/community/themes", params={"top": "40"})
    assert _rows(more.text) == _rows(every.text) and "Themes (3), largest first" in more.text


@pytest.mark.parametrize("asked", ["0", "-1", "two", "2.5"])
def test_how_many_themes_refuses_what_is_not_a_count(themed_client: Any, asked: str) -> None:
    r = themed_client.get("/community/themes", params={"top": asked})
    assert r.status_code == 400
    assert f"How many themes: &#39;{asked}&#39; is not a whole number of 1 or more." in r.text
    assert "leave it blank to show them all" in r.text
    assert re.search(r'id="themes-top"[^>]*aria-invalid="true"', r.text)
    assert len(_rows(r.text)) == 3  # the themes stay on the page


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from serve(tmp_path_factory, themes=True)


@pytest.mark.browser
def test_how_many_themes_in_chromium(browser: Any, sample_server: Any) -> None:
    page = open_page(browser, sample_server.url + "/community/themes", for_axe=True)
    try:
        rows = page.locator("table tbody tr")
        assert rows.count() == 6  # discover_themes(k=6) in the sample workspace
        first = rows.nth(0).locator("a").inner_text()
        page.get_by_label("How many themes").fill("2")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**/community/themes?top=2")
        assert rows.count() == 2 and rows.nth(0).locator("a").inner_text() == first
        assert page.locator("caption").inner_text() == "The 2 largest of 6 themes"
        assert axe_violations(page) == []
    finally:
        page.context.close()
