"""A role's page downloads the role as JSON: 'roles show NAME --json [--industry I]' in
the browser."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import LiveServer, make_client
from tests.web.workbench_samples import axe_violations, open_page

ROLE = "/career/roles/social-media-coordinator"
REGULATED = "Regulated industries (finance, health, legal, public sector)"


@pytest.fixture
def client(workspace: Any) -> Any:
    with make_client(workspace) as c:
        yield c


def test_the_role_page_downloads_the_role_as_roles_show_json_prints_it(
    client: Any, cli: Any
) -> None:
    page = client.get(ROLE).text
    link = re.search(r'<a href="([^"]+\.json[^"]*)" download>Download this role \(JSON\)', page)
    assert link is not None, page
    r = client.get(link[1])
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    assert r.headers["content-disposition"] == (
        'attachment; filename="social-media-coordinator.json"'
    )
    data = r.json()
    assert data["id"] == "social-media-coordinator" and data["industry_variant"] is None
    assert {"copywriting", "community-management"} <= {s["id"] for s in data["skills"]}
    printed = cli("roles", "show", "social-media-coordinator", "--json")
    assert printed.exit_code == 0, printed
    assert data == json.loads(printed.stdout)


def test_with_an_industry_the_download_holds_its_variant(client: Any, cli: Any) -> None:
    page = client.get(ROLE, params={"industry": "finance"}).text
    assert f"Download this role (JSON, with its {REGULATED} variant)" in page
    link = re.search(r'<a href="([^"]+\.json[^"]*)" download>', page)
    assert link is not None and link[1].endswith(".json?industry=finance")
    data = client.get(link[1].replace("&amp;", "&")).json()
    assert data["industry_variant"]["label"] == REGULATED
    printed = cli("roles", "show", "social-media-coordinator", "--industry", "finance", "--json")
    assert data == json.loads(printed.stdout)
    # a refused industry on the page: the download link leaves it out
    bad = client.get(ROLE, params={"industry": "fishing"}).text
    assert '.json" download>Download this role (JSON)</a>' in bad


@pytest.mark.parametrize(
    ("url", "status", "said"),
    [
        ("/career/roles/no-such-role.json", 404, "no-such-role"),
        (ROLE + ".json?industry=fishing", 404, "Unknown industry &#39;fishing&#39;. Use one of"),
    ],
)
def test_a_wrong_role_or_industry_is_a_clear_error(
    client: Any, url: str, status: int, said: str
) -> None:
    r = client.get(url)
    assert r.status_code == status, r.text
    assert said in r.text and "Traceback" not in r.text


@pytest.mark.browser
def test_download_the_role_in_chromium(browser: Any, workspace: Any) -> None:
    server = LiveServer(workspace).start()
    page = open_page(browser, server.url + ROLE + "?industry=finance", for_axe=True)
    try:
        with page.expect_download() as got:
            page.get_by_role("link", name=re.compile("Download this role")).click()
        download = got.value
        assert download.suggested_filename == "social-media-coordinator.json"
        data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
        assert data["id"] == "social-media-coordinator"
        assert data["industry_variant"]["label"] == REGULATED
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()
