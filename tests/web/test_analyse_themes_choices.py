"""Analyse a file's themes and moderation: 'socialproof themes --routing FILE --summary' and
'socialproof moderate --rules FILE' in the browser."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any

import pytest
from tests.web.conftest import LiveServer, make_client
from tests.web.workbench_samples import axe_violations, open_page

LINES = ["refund please", "refund still missing", "app crashes", "app crashes on login"]
# An invented routing file: refunds to a billing team, crashes to engineering.
ROUTING = """\
default: review
destinations:
  billing-team:
    why: money questions
    keywords: [refund, missing]
  engineering:
    why: product faults
    keywords: [crashes, app, login]
"""


def _pasted(client: Any) -> str:
    r = client.post(
        "/community/analyse",
        data={"csrf_token": client.csrf, "pasted": "\n".join(LINES * 3)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def _run(client: Any, where: str, **form: str) -> str:
    r = client.post(where, data={"csrf_token": client.csrf, **form}, follow_redirects=False)
    assert r.status_code == 303, unescape(r.text)
    job = client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1])
    assert job.state == "done", job.error
    return str(r.headers["location"])


@pytest.fixture
def client(workspace: Any) -> Any:
    (workspace.root / "teams.yaml").write_text(ROUTING, encoding="utf-8")
    (workspace.root / "broken.yaml").write_text("default: review\n", encoding="utf-8")
    with make_client(workspace) as c:
        yield c


def _summary(client: Any, result: str) -> list[dict[str, str]]:
    r = client.get(result + "/themes.csv")
    assert r.status_code == 200, r.text
    return list(csv.DictReader(io.StringIO(r.text)))


def test_themes_route_with_the_workspaces_rules_and_download_one_row_each(client: Any) -> None:
    """'themes --routing' and '--summary' had no browser equivalent: Analyse a file routed
    themes with the packaged rules only, and only the per-text rows downloaded."""
    where = _pasted(client)
    assert 'id="analyse-routing"' in client.get(where).text
    packaged = _run(client, where, task="themes", k="2")
    page = client.get(packaged).text
    assert f'href="{packaged}/themes.csv"' in page
    rows = _summary(client, packaged)
    assert list(rows[0]) == ["theme", "label", "size", "destination", "example"]
    assert sum(int(r["size"]) for r in rows) == 12 and len(rows) == 2
    assert {r["destination"] for r in rows} <= {"support", "pr", "product", "review"}
    mine = _run(client, where, task="themes", k="2", routing="teams.yaml")
    routed = {r["label"]: r["destination"] for r in _summary(client, mine)}
    refund = next(label for label in routed if "refund" in label)
    crash = next(label for label in routed if "crash" in label or "app" in label)
    assert routed[refund] == "billing-team" and routed[crash] == "engineering"
    assert client.get(mine + "/themes.pdf").status_code == 422


def test_themes_download_needs_themes(client: Any) -> None:
    where = _pasted(client)
    sentiment = _run(client, where, task="sentiment")
    assert "themes.csv" not in client.get(sentiment).text
    assert client.get(sentiment + "/themes.csv").status_code == 404


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("nope.yaml", "Routing rules: there is no file 'nope.yaml' in the workspace."),
        ("../../etc/passwd", "points outside the workspace"),
        ("broken.yaml", "need a 'destinations' mapping"),
    ],
)
def test_a_refused_routing_file_is_kept_and_marked(client: Any, typed: str, says: str) -> None:
    where = _pasted(client)
    r = client.post(
        where, data={"csrf_token": client.csrf, "task": "themes", "k": "2", "routing": typed}
    )
    assert 400 <= r.status_code < 500, r.text
    assert says in unescape(r.text)
    field = re.search(r'<input [^>]*id="analyse-routing"[^>]*>', r.text)
    assert field is not None and 'aria-invalid="true"' in field.group(0)
    assert f'value="{typed}"' in field.group(0)
    assert client.app_state.jobs.all() == []  # nothing ran


def test_moderation_uses_the_rules_file_chosen(client: Any, workspace: Any) -> None:
    """'moderate --rules' had no field: Analyse a file flagged under the workspace's
    moderation.yaml or the packaged rules only."""
    (workspace.root / "rules").mkdir()
    (workspace.root / "rules" / "strict.yaml").write_text(
        "blocked_terms:\n  spam: [refund please]\n", encoding="utf-8"
    )
    r = client.post(
        "/community/analyse",
        data={"csrf_token": client.csrf, "pasted": "refund please\nthanks a lot\nsee you"},
        follow_redirects=False,
    )
    where = r.headers["location"]
    plain = _run(client, where, task="moderate")
    assert client.get(plain + "/result.csv?flagged=1").text.count("\n") == 1  # header only
    strict = _run(client, where, task="moderate", rules="rules/strict.yaml")
    rows = list(csv.DictReader(io.StringIO(client.get(strict + "/result.csv?flagged=1").text)))
    assert [r["text"] for r in rows] == ["refund please"] and rows[0]["spam"] == "True"
    assert "Flagged under the rules of rules/strict.yaml." in unescape(client.get(strict).text)
    for typed, says in (
        ("nope.yaml", "Moderation rules: there is no file 'nope.yaml' in the workspace."),
        ("../../etc/passwd", "points outside the workspace"),
    ):
        r = client.post(where, data={"csrf_token": client.csrf, "task": "moderate", "rules": typed})
        assert 400 <= r.status_code < 500 and says in unescape(r.text)
        field = re.search(r'<input [^>]*id="analyse-rules"[^>]*>', r.text)
        assert field is not None and 'aria-invalid="true"' in field.group(0)
        assert f'value="{typed}"' in field.group(0)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_routing_with_the_keyboard(browser: Any, workspace: Any, width: int) -> None:
    (workspace.root / "teams.yaml").write_text(ROUTING, encoding="utf-8")
    with make_client(workspace) as c:
        where = _pasted(c)
    server = LiveServer(workspace).start()
    page = open_page(browser, server.url + where, width=width, for_axe=True)
    try:
        page.locator("#task-themes").check()
        page.locator("#analyse-k").fill("2")
        page.locator("#analyse-routing").fill("none.yaml")
        page.locator("#analyse-routing").press("Enter")
        page.get_by_text("Routing rules: there is no file 'none.yaml'").wait_for()
        assert page.locator("#analyse-routing").get_attribute("aria-invalid") == "true"
        assert axe_violations(page) == []
        page.locator("#analyse-routing").fill("teams.yaml")
        page.locator("#analyse-routing").press("Enter")
        page.get_by_role("link", name="CSV of the themes").wait_for(timeout=60_000)
        assert "billing-team" in page.locator("table").first.inner_text()
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()
