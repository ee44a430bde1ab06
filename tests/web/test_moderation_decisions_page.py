"""Community > Moderation > Decisions: 'socialproof community decisions [--latest]
[--format csv]' in the browser (the moderation page lists the last 50 only)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from tests.community.test_queue import ROWS, KeywordModeration, KeywordSentiment
from tests.web.conftest import LiveServer, make_client
from tests.web.workbench_samples import axe_violations, open_page

URL = "/community/moderation/decisions"


def _decided(ws: Any, insert: Any) -> None:
    from socialproof.community.decisions import record_decision
    from socialproof.community.scoring import Models, score_messages

    insert("messages", ROWS)
    score_messages(ws, models=Models(sentiment=KeywordSentiment(), moderation=KeywordModeration()))
    record_decision(ws, "3", "dismiss", platform="x", who="Dana", note="first look")
    record_decision(ws, "3", "confirm", platform="x", who="Lee", note="=HYPERLINK(1)")
    record_decision(ws, "4", "confirm", platform="x", who="Lee", note="")


@pytest.fixture
def client(workspace: Any, insert: Any) -> Iterator[Any]:
    _decided(workspace, insert)
    with make_client(workspace) as c:
        yield c


def _body(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_every_decision_and_the_latest_per_message(client: Any) -> None:
    """'community decisions --latest' and its CSV had no browser equivalent: the moderation
    page listed the last 50 decisions, every one, with no download."""
    assert 'href="/community/moderation/decisions"' in client.get("/community/moderation").text
    every = client.get(URL)
    assert every.status_code == 200
    rows = _body(every.text)
    assert len(rows) == 3 and "first look" in every.text
    latest = client.get(URL, params={"latest": "1"})
    rows = _body(latest.text)
    assert len(rows) == 2 and "first look" not in latest.text  # message 3: Lee's confirm
    assert re.search(r'<input type="checkbox" id="latest"[^>]*checked', latest.text)
    link = re.search(
        r'href="(/community/moderation/decisions\?latest=1&amp;download=csv)"', latest.text
    )
    assert link is not None
    got = list(csv.DictReader(io.StringIO(client.get(link.group(1).replace("&amp;", "&")).text)))
    # newest first: message 4's confirm was the last decision
    assert [(r["message_id"], r["decision"], r["decided_by"]) for r in got] == [
        ("4", "confirm", "Lee"),
        ("3", "confirm", "Lee"),
    ]
    assert {r["note"] for r in got} == {"", "'=HYPERLINK(1)"}  # formula-safe
    xlsx = client.get(URL, params={"download": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(URL, params={"download": "pdf"}).status_code == 422


def test_no_decisions_yet_says_where_to_decide(workspace: Any) -> None:
    with make_client(workspace) as c:
        page = c.get(URL)
    assert (
        page.status_code == 200 and "No decisions yet" in page.text and "download=" not in page.text
    )


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_decisions_with_the_keyboard(browser: Any, workspace: Any, insert: Any, width: int) -> None:
    _decided(workspace, insert)
    server = LiveServer(workspace).start()
    page = open_page(browser, server.url + URL, width=width, for_axe=True)
    try:
        assert page.locator("table tbody tr").count() == 3
        assert axe_violations(page) == []
        page.locator("#latest").press("Space")
        page.get_by_role("button", name="Show").press("Enter")
        page.wait_for_url(re.compile(r"latest=1"))
        assert page.locator("table tbody tr").count() == 2
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()
