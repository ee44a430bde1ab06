"""Campaigns > Budgets: budgets.yaml in an editor. Budget pacing told a browser user to
'write budgets.yaml in the workspace', a file the workbench could not write."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from tests.web.workbench_samples import axe_violations, open_page

BUDGETS = "/campaigns/budgets"
OURS = (
    "budgets:\n"
    "  - campaign: Launch <b>now</b>\n"
    "    amount: 1200\n"
    "    start: 2026-03-01\n"
    "    end: 2026-03-31\n"
)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def _save(client: Any, text: str, version: str = "") -> Any:
    return client.post(
        BUDGETS,
        data={"csrf_token": client.csrf, "text": text, "version": version},
        follow_redirects=False,
    )


def test_an_example_to_start_from_then_the_workspaces_budgets(client: Any, workspace: Any) -> None:
    path = workspace.root / "budgets.yaml"
    page = _text(client.get(BUDGETS).text)
    assert "The workspace has no budgets.yaml yet" in page and "amount: 30000" in page
    r = _save(client, OURS)
    assert r.status_code == 303 and path.read_text(encoding="utf-8") == OURS
    page = client.get(BUDGETS).text
    assert "Saved budgets.yaml (1 flight)." in _text(page)
    assert "campaign: Launch &lt;b&gt;now&lt;/b&gt;" in page  # escaped in the field
    assert "These are the workspace's budgets" in _text(page)
    pacing = client.get("/campaigns?view=pacing").text
    assert 'href="/campaigns/budgets"' in pacing


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("budgets: [unclosed\n", "budgets.yaml is not valid YAML"),
        ("budgets: []\n", "budgets.yaml has no budgets."),
        ("budgets:\n  - amount: 5\n    start: 2026-03-01\n", "budget 1 lacks 'end'"),
        (
            "budgets:\n  - {amount: -5, start: 2026-03-01, end: 2026-03-31}\n",
            "budget 1 needs a positive amount",
        ),
        ("budgets:\n  - just text\n", "budget 1 is not a mapping"),
    ],
)
def test_budgets_that_do_not_read_are_refused_kept_and_nothing_is_written(
    client: Any, workspace: Any, text: str, says: str
) -> None:
    path = workspace.root / "budgets.yaml"
    path.write_text(OURS, encoding="utf-8")
    r = _save(client, text)
    page = unescape(r.text)
    assert r.status_code == 400 and says in page and 'aria-invalid="true"' in r.text
    assert "/tmp" not in page and "--help" not in page
    assert path.read_text(encoding="utf-8") == OURS


@pytest.mark.browser
def test_budgets_in_the_browser(browser: Any, live_server: Any, workspace: Any) -> None:
    page = open_page(browser, live_server.url + BUDGETS, for_axe=True)
    try:
        assert axe_violations(page) == []
        page.locator("#budgets-text").fill("budgets: []\n")
        page.get_by_role("button", name="Save the budgets").click()
        page.locator("#budgets-error").wait_for()
        assert page.locator("#budgets-text").input_value() == "budgets: []\n"
        assert axe_violations(page) == []
        page.locator("#budgets-text").fill(OURS)
        page.get_by_role("button", name="Save the budgets").click()
        page.get_by_text("Saved budgets.yaml (1 flight).").wait_for()
        assert (workspace.root / "budgets.yaml").read_text(encoding="utf-8") == OURS
    finally:
        page.context.close()


def test_pacing_reads_the_budgets_as_saved_now(workspace: Any) -> None:
    """The pacing page was kept under the budgets.yaml it first read: a budget changed on
    the Budgets page (or by hand) showed the old figures until something was imported."""
    from pathlib import Path

    from tests.web.conftest import make_client

    from socialproof.ingest.importer import import_paths, read_context

    data = Path(__file__).resolve().parents[1] / "data" / "web" / "meta_ads_two_weeks.csv"
    (s,) = import_paths(workspace, [data], ctx=read_context(workspace, account="acme"))
    assert s.status == "imported", s.error
    flight = "budgets:\n  - {{amount: {}, start: 2026-03-01, end: 2026-03-31}}\n"
    with make_client(workspace) as client:
        url = "/campaigns?view=pacing&as_of=2026-03-14"
        for amount in ("1234", "9876"):
            assert _save(client, flight.format(amount)).status_code == 303
            page = client.get(url).text
            for _ in range(100):  # a page not kept yet is computed in the background
                if "<tbody>" in page:
                    break
                client.app_state.jobs.wait(client.app_state.jobs.all()[0].id, 60)
                page = client.get(url).text
            assert f"{int(amount):,}" in page, amount
