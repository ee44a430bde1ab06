"""The Accounts page in Chromium: a rename with the keyboard through the form and its
confirmation, and axe (WCAG 2.2 AA) on the list, the confirmation and an error, at 1280
and 375 px."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from tests.web.conftest import LiveServer

from socialproof.workspace.accounts import list_accounts

pytestmark = pytest.mark.browser


@pytest.fixture
def server(workspace: Any, insert: Any) -> Iterator[LiveServer]:
    """A workbench over invented rows: two tiktok creators and an x account."""
    insert(
        "account_daily",
        [
            {"platform": "tiktok", "account": account, "date": dt.date(2026, 4, d),
             "metric": "views", "value": 10.0 * d, "import_id": "test"}
            for account in ("creator.one", "creator.two")
            for d in (1, 2, 3)
        ],
    )  # fmt: skip
    insert("posts", [{"platform": "x", "account": "acme", "post_id": "1", "import_id": "test"}])
    running = LiveServer(workspace).start()
    try:
        yield running
    finally:
        running.stop()


def _axe(page: Any) -> list[str]:
    from tests.conftest import AXE, AXE_TAGS

    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [f"{v['id']}: {v['help']} ({v['nodes'][0]['html'][:160]})" for v in result["violations"]]


def test_rename_with_the_keyboard_through_the_form(
    browser: Any, server: LiveServer, workspace: Any
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(server.url + "/accounts")
        box = page.get_by_label("New name for the tiktok account creator.one")
        box.focus()
        page.keyboard.type("Creator One")
        page.keyboard.press("Enter")  # submits the rename form: the confirmation comes
        page.wait_for_url("**/accounts/rename")
        assert page.locator("h1").inner_text() == "Rename an account?"
        assert "Its 3 rows will carry the new name" in page.locator("main").inner_text()
        assert [r["account"] for r in list_accounts(workspace)][:2] == [
            "creator.one",
            "creator.two",
        ]
        confirm = page.get_by_role("button", name="Rename creator.one")
        confirm.focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/accounts")
        status = page.get_by_role("status").inner_text()
        assert "Renamed the tiktok account 'creator.one' to 'Creator One': 3 rows." in status
        assert page.get_by_role("rowheader", name="Creator One").count() == 1
    finally:
        page.close()
    assert [(r["platform"], r["account"]) for r in list_accounts(workspace)] == [
        ("tiktok", "Creator One"),
        ("tiktok", "creator.two"),
        ("x", "acme"),
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_nothing_on_the_accounts_pages(
    browser: Any, server: LiveServer, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found.update({name: v} if (v := _axe(page)) else {})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert not overflow, f"{name} scrolls sideways at {width} px"

    try:
        page.goto(server.url + "/accounts")
        check("list")
        page.get_by_label("New name for the tiktok account creator.one").fill("creator.two")
        page.get_by_role("button", name="Rename… the tiktok account creator.one").click()
        page.wait_for_load_state()
        assert "exists already" in page.get_by_role("status").inner_text()
        check("error")
        page.get_by_role("button", name="Merge… the tiktok account creator.one").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Merge an account?"
        check("merge confirmation")
    finally:
        context.close()
    assert found == {}
