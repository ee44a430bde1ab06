"""The pacing page's Campaign and Ad account fields: each reaches the pacing the CLI runs,
a refused account is kept and marked. Every row here is invented."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import pytest
from tests.web.conftest import make_client


def _ad(account: str, campaign: str, day: date, spend: float) -> dict[str, Any]:
    return {
        "platform": "meta",
        "account": account,
        "campaign": campaign,
        "ad_set": "S",
        "ad": "A",
        "date_start": day,
        "date_stop": day,
        "breakdown": "",
        "currency": "USD",
        "spend": spend,
        "impressions": 1000,
        "link_clicks": 10,
    }


@pytest.fixture
def two_accounts(workspace: Any, insert: Any) -> Any:
    # brand-us: Spring 100 a day and Summer 10 a day; brand-uk: Spring 30 a day; 1-4 March
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(4)]
    rows = [_ad("brand-us", "Spring", d, 100.0) for d in days]
    rows += [_ad("brand-us", "Summer", d, 10.0) for d in days]
    rows += [_ad("brand-uk", "Spring", d, 30.0) for d in days]
    insert("ad_stats", rows)
    with make_client(workspace) as c:
        yield c


def _spent(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    names = [
        re.sub(r"<[^>]+>", "", th).strip() for th in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    ]
    col = next(i for i, n in enumerate(names) if n.lower().startswith("spent"))
    return [
        re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)[col]).strip()
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _field(page: str) -> str:
    found = re.search(r'<input[^>]*id="paccount"[^>]*>', page)
    assert found is not None
    return found.group(0)


def test_the_account_field_paces_one_account_or_all_of_them(two_accounts: Any) -> None:
    base = {"view": "pacing", "budget": "1000"}
    r = two_accounts.get("/campaigns", params={**base, "account": "brand-uk"})
    assert r.status_code == 200, r.text[:300]
    assert _spent(r.text) == ["120.00"]  # 4 days x 30
    r = two_accounts.get("/campaigns", params={**base, "account": "all"})
    assert _spent(r.text) == ["560.00"]  # 4 x (100 + 10 + 30), as asked
    # the Campaign field was not passed to pacing at all: every campaign was paced
    r = two_accounts.get("/campaigns", params={**base, "account": "brand-us", "campaign": "Summer"})
    assert _spent(r.text) == ["40.00"]


def test_spend_from_two_accounts_without_a_choice_marks_the_field(two_accounts: Any) -> None:
    r = two_accounts.get("/campaigns", params={"view": "pacing", "budget": "1000"})
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert "Spend comes from 2 ad accounts (brand-uk (meta), brand-us (meta))" in text
    assert "Choose one under Ad account (brand-uk or another of them)" in text
    assert "--account" not in text
    assert 'aria-invalid="true"' in _field(r.text)


def test_an_unknown_account_is_kept_and_marked(two_accounts: Any) -> None:
    r = two_accounts.get(
        "/campaigns", params={"view": "pacing", "budget": "1000", "account": "brand-<de>"}
    )
    assert r.status_code == 422
    assert "which no imported ad rows have" in html.unescape(r.text)
    field = _field(r.text)
    assert 'value="brand-&lt;de&gt;"' in field and 'aria-invalid="true"' in field


def test_the_account_field_with_the_keyboard_in_chromium(
    browser: Any, workspace: Any, insert: Any
) -> None:
    from tests.web.conftest import LiveServer
    from tests.web.test_browser import _axe, _page

    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(4)]
    insert("ad_stats", [_ad(a, "Spring", d, s) for d in days for a, s in (("us", 100), ("uk", 30))])
    server = LiveServer(workspace).start()
    page = _page(browser, server.url + "/campaigns?view=pacing", for_axe=True)
    try:
        page.locator("#budget").fill("1000")
        page.get_by_role("button", name="Apply").focus()
        page.keyboard.press("Enter")
        page.get_by_text("Spend comes from 2 ad accounts").first.wait_for()
        assert page.locator("#paccount").get_attribute("aria-invalid") == "true"
        assert _axe(page) == []
        page.locator("#paccount").fill("uk")
        page.get_by_role("button", name="Apply").focus()
        page.keyboard.press("Enter")
        page.get_by_role("cell", name="120.00").wait_for()  # 4 days x 30
        assert page.locator("#paccount").get_attribute("aria-invalid") is None
        assert _axe(page) == []
    finally:
        page.context.close()
        server.stop()
