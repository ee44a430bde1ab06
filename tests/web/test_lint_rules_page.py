"""Content > Lint rules: 'socialproof lint --list-rules', '--rules FILE', '--industry' and
'--text' in the browser."""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any

import pytest
from tests.web.conftest import LiveServer, make_client
from tests.web.workbench_samples import axe_violations, open_page

# An invented pack: a rule only this file has, and one replacing a packaged rule's id.
_PACK = """\
pack: house
description: Invented house rules for a test.
rules:
  - id: house.no-cheap
    check: pattern
    pattern: '(?i)\\bcheap\\b'
    severity: warning
    message: "'{match}' undersells the brand. Say affordable."
    source: Test house style (invented)
"""
_PROMISE = "Guaranteed returns on every savings plan!"


@pytest.fixture
def client(workspace: Any) -> Any:
    (workspace.root / "packs").mkdir()
    (workspace.root / "packs" / "house.yaml").write_text(_PACK, encoding="utf-8")
    (workspace.root / "packs" / "broken.yaml").write_text("rules: [nope", encoding="utf-8")
    with make_client(workspace) as c:
        yield c


def _field(page: str, name: str) -> str:
    found = re.search(rf'<(?:input|select|textarea)[^>]*id="{name}"[^>]*>', page)
    assert found is not None, page
    return found.group(0)


def _check(client: Any, **data: str) -> Any:
    return client.post("/content/rules", data={"csrf_token": client.csrf, **data})


def test_the_rules_in_force_are_listed_and_download(client: Any) -> None:
    """'lint --list-rules' had no page: which rules a post is held to (and where each
    comes from) could not be read in the browser."""
    page = client.get("/content/rules")
    assert page.status_code == 200 and "aria-invalid" not in page.text
    assert "finance.promissory" in page.text and "FINRA Rule 2210" in page.text
    assert "house.no-cheap" not in page.text
    assert 'href="/content/rules"' in client.get("/content").text  # in the Content menu
    with_pack = client.get("/content/rules", params={"pack": "packs/house.yaml"})
    assert with_pack.status_code == 200 and "house.no-cheap" in with_pack.text
    link = re.search(r'href="(/content/rules\?[^"]*download=csv)"', with_pack.text)
    assert link is not None
    rows = list(csv.DictReader(io.StringIO(client.get(html.unescape(link.group(1))).text)))
    mine = [r for r in rows if r["rule"] == "house.no-cheap"]
    assert mine == [
        {
            "rule": "house.no-cheap",
            "severity": "warning",
            "pack": "house",
            "platforms": "all",
            "industries": "all",
            "fixable": "False",
            "source": "Test house style (invented)",
        }
    ]
    assert any(r["rule"] == "finance.promissory" for r in rows)


def test_a_text_is_checked_with_the_industry_and_pack_chosen(client: Any) -> None:
    """'lint --text --industry --rules' had no browser equivalent: a finance claim could
    not be checked against finance rules in a workspace of another industry."""
    general = _check(client, text=_PROMISE, platform="instagram")
    assert general.status_code == 200, general.text
    assert "finance.promissory" not in general.text.split('id="rules-h"')[0]
    finance = _check(client, text=_PROMISE, platform="instagram", industry="finance")
    shown = finance.text.split('id="rules-h"')[0]
    assert "finance.promissory" in shown and "Guaranteed returns" in html.unescape(shown)
    assert '<option value="finance" selected>' in finance.text
    cheap = _check(client, text="A cheap <b>deal</b>", platform="x", pack="packs/house.yaml")
    shown = cheap.text.split('id="rules-h"')[0]
    assert "house.no-cheap" in shown and "&#39;cheap&#39; undersells the brand" in shown
    assert "<b>deal</b>" not in cheap.text and "A cheap &lt;b&gt;deal&lt;/b&gt;" in cheap.text
    assert 'name="pack" value="packs/house.yaml"' in cheap.text
    clean = _check(client, text="Fresh bread every morning.", platform="instagram")
    assert "No findings: the text passes every rule" in clean.text


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"text": " "}, "text", "Type or paste the text to check."),
        ({"platform": ""}, "platform", "Choose the platform the text is for."),
        ({"platform": "myspace"}, "platform", "unknown platform 'myspace'"),
        ({"industry": "<b>mining"}, "industry", "Unknown industry '<b>mining'."),
        ({"pack": "packs/none.yaml"}, "pack", "there is no file 'packs/none.yaml'"),
        ({"pack": "../../etc/passwd"}, "pack", "points outside the workspace"),
        ({"pack": "packs/broken.yaml"}, "pack", "broken.yaml"),
    ],
)
def test_a_refused_check_is_kept_and_marked(
    client: Any, data: dict[str, str], field: str, says: str
) -> None:
    form = {"text": "Hello there", "platform": "instagram", "industry": "", "pack": ""} | data
    r = _check(client, **form)
    assert 400 <= r.status_code < 500, r.text
    text = html.unescape(r.text)
    assert says in text and "--" not in text.split("<main", 1)[1].split("</main>")[0]
    assert "<b>mining" not in r.text
    if field == "pack":
        r = client.get("/content/rules", params={"pack": data["pack"]})
        assert 400 <= r.status_code < 500 and says in html.unescape(r.text)
    marked = _field(r.text, field)
    assert 'aria-invalid="true"' in marked
    others = {"text", "platform", "industry", "pack"} - {field}
    assert all("aria-invalid" not in _field(r.text, f) for f in others)
    if field == "text":
        return
    if field == "pack":
        assert f'value="{data["pack"]}"' in html.unescape(marked)
    elif data[field]:
        assert re.search(
            rf'<option value="{re.escape(html.escape(data[field]))}" selected>', r.text
        )


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_lint_rules_with_the_keyboard(browser: Any, workspace: Any, width: int) -> None:
    server = LiveServer(workspace).start()
    page = open_page(browser, server.url + "/content/rules", width=width, for_axe=True)
    try:
        assert axe_violations(page) == []
        page.locator("#text").fill(_PROMISE)
        page.locator("#platform").select_option("instagram")
        page.locator("#industry").select_option("finance")
        page.get_by_role("button", name="Check").press("Enter")
        page.locator("ol.findings").get_by_text("finance.promissory").wait_for()
        assert page.locator("#industry").input_value() == "finance"
        assert axe_violations(page) == []
        page.locator("#pack").fill("nowhere.yaml")
        page.locator("#pack").press("Enter")
        page.get_by_text("there is no file 'nowhere.yaml'", exact=False).wait_for()
        assert page.locator("#pack").get_attribute("aria-invalid") == "true"
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()
