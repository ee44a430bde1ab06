"""Career > Platforms: 'socialproof roles platforms' in the browser."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from tests.web.conftest import LiveServer
from tests.web.workbench_samples import axe_violations, open_page


def test_the_platforms_page_lists_what_the_command_lists(client: Any, cli: Any) -> None:
    """'roles platforms' had no page: a platform's limits and formats could not be read
    in the browser."""
    page = client.get("/career/platforms")
    assert page.status_code == 200
    assert 'href="/career/platforms"' in client.get("/career/roles").text
    done = cli("roles", "platforms", "-f", "json")
    assert done.exit_code == 0, done
    expected = json.loads(done.stdout)
    got = list(csv.DictReader(io.StringIO(client.get("/career/platforms?download=csv").text)))
    assert [r["platform"] for r in got] == [r["platform"] for r in expected]
    assert [r["limits"] for r in got] == [r["limits"] for r in expected]
    assert all(r["platform"] in page.text for r in expected)
    assert client.get("/career/platforms?download=pdf").status_code == 422


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_platforms_page_passes_axe(browser: Any, workspace: Any, width: int) -> None:
    server = LiveServer(workspace).start()
    page = open_page(browser, server.url + "/career/platforms", width=width, for_axe=True)
    try:
        page.get_by_role("link", name="Platforms", exact=True).focus()
        assert page.locator("table tbody tr").count() > 3
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()
