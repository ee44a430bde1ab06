"""The explain page as a form: 'socialproof explain KPI --campaign --table --rows' (and
--platform --account --since --until) in the browser, not only from a dashboard card."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import LiveServer, make_client
from tests.web.workbench_samples import axe_violations, open_page

# Invented ad rows: 'Spring' runs in two ad accounts, 'Autumn' in one.
_ADS = (
    "Account name,Campaign name,Ad set name,Ad name,Ad ID,Day,Amount spent (USD),Impressions,"
    "Reach,Link clicks\n"
    "Acme US,Spring,Set A,Blue,930000000000000001,2026-03-01,10.00,1000,900,30\n"
    "Acme US,Spring,Set A,Blue,930000000000000001,2026-03-02,20.00,2000,1500,10\n"
    "Acme US,Autumn,Set B,Red,930000000000000002,2026-03-01,5.00,500,400,5\n"
    "Acme CA,Spring,Set C,Green,930000000000000003,2026-03-01,7.00,700,600,7\n"
)
URL = "/dashboard/explain"


def _import(ws: Any, tmp_path: Path) -> None:
    from socialproof.ingest.importer import import_paths

    path = tmp_path / "ads.csv"
    path.write_text(_ADS, encoding="utf-8")
    (s,) = import_paths(ws, [path])
    assert s.status == "imported", s.error


@pytest.fixture
def client(workspace: Any, tmp_path: Path) -> Any:
    _import(workspace, tmp_path)
    with make_client(workspace) as c:
        yield c


def _field(page: str, name: str) -> str:
    found = re.search(rf'<(?:input|select)[^>]*id="x-{name}"[^>]*>', page)
    assert found is not None, page
    return found.group(0)


def _sum(page: str) -> str:
    found = re.search(r'<th scope="row">[^<]*</th><td>([^<]*)</td>', page)
    assert found is not None, page
    return found.group(1)


def test_the_page_is_a_form_over_every_option(client: Any) -> None:
    """The page explained only a dashboard card's figure: 'explain --campaign --table
    --rows' had no field, and /dashboard/explain without a card's link was an error."""
    empty = client.get(URL)
    assert empty.status_code == 200 and "aria-invalid" not in empty.text
    for name in ("kpi", "table", "platform", "account", "campaign", "since", "until", "rows"):
        _field(empty.text, name)
    autumn = client.get(URL, params={"kpi": "spend", "campaign": "Autumn"})
    assert autumn.status_code == 200, autumn.text
    assert _sum(autumn.text) in ("5", "5.00") and "All 1 rows in scope" in autumn.text
    spring = client.get(URL, params={"kpi": "spend", "campaign": "Spring", "account": "Acme US"})
    assert _sum(spring.text) in ("30", "30.00") and "All 2 rows in scope" in spring.text
    first = client.get(
        URL, params={"kpi": "spend", "campaign": "Spring", "account": "Acme US", "rows": "1"}
    )
    assert "First 1 of 2 rows in scope" in first.text and _sum(first.text) == _sum(spring.text)
    every = client.get(URL, params={"kpi": "spend", "rows": "0"})
    assert "All 4 rows in scope" in every.text
    assert 'value="0"' in _field(every.text, "rows")
    # ctr_link is a KPI of posts and of ad rows: Rows from chooses
    ads = client.get(URL, params={"kpi": "ctr_link", "table": "ad_stats"})
    assert ads.status_code == 200 and '<option value="ad_stats" selected>' in ads.text
    posts = client.get(URL, params={"kpi": "ctr_link", "table": "posts"})
    assert posts.status_code == 404 and "The workspace has no posts rows yet." in posts.text


def test_a_campaign_in_two_accounts_marks_account(client: Any) -> None:
    r = client.get(URL, params={"kpi": "spend", "campaign": "Spring"})
    text = html.unescape(r.text)
    assert r.status_code == 422
    assert "Campaign 'Spring' is in 2 ad accounts" in text
    assert "Choose one under Account (e.g. Acme CA)" in text
    assert "--account" not in text and "socialproof report" not in text
    assert 'aria-invalid="true"' in _field(r.text, "account")
    none = client.get(URL, params={"kpi": "spend", "campaign": "Winter"})
    words = html.unescape(none.text)
    assert (
        "No ad_stats rows match" in words
        and "check the filters (platform, account, campaign)" in words
    )


@pytest.mark.parametrize(
    ("params", "field", "says"),
    [
        ({"kpi": "nope"}, "kpi", "nope"),
        ({"kpi": ""}, "kpi", "Name the KPI to explain"),
        ({"table": "<b>x"}, "table", "Rows from must be one of posts, ad_stats, account_daily"),
        ({"rows": "-1"}, "rows", "Rows to list must be 0 or more, not -1."),
        ({"rows": "all"}, "rows", "Rows to list must be a whole number, not 'all'."),
        ({"since": "yesterday"}, "since", "From 'yesterday' is not a date."),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "until", "From 2026-03-02 is after To"),
    ],
)
def test_a_refused_choice_is_kept_and_marked(
    client: Any, params: dict[str, str], field: str, says: str
) -> None:
    r = client.get(URL, params={"kpi": "spend", **params})
    assert r.status_code == 422, r.text
    text = html.unescape(r.text)
    assert says in text and "--" not in text.split("<main", 1)[1].split("</main>")[0]
    assert "<b>x" not in r.text
    assert 'aria-invalid="true"' in _field(r.text, field)
    if field in ("rows", "since"):
        assert f'value="{params[field]}"' in _field(r.text, field)
    if field == "table":
        assert '<option value="&lt;b&gt;x" selected>' in r.text


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_explain_with_the_keyboard(
    browser: Any, workspace: Any, tmp_path: Path, width: int
) -> None:
    _import(workspace, tmp_path)
    server = LiveServer(workspace).start()
    page = open_page(browser, server.url + URL, width=width, for_axe=True)
    try:
        assert axe_violations(page) == []
        page.locator("#x-kpi").select_option("spend")
        page.locator("#x-campaign").fill("Spring")
        page.locator("#x-campaign").press("Enter")
        page.get_by_text("Campaign 'Spring' is in 2 ad accounts", exact=False).wait_for()
        assert page.locator("#x-account").get_attribute("aria-invalid") == "true"
        assert page.locator("#x-campaign").input_value() == "Spring"
        assert axe_violations(page) == []
        page.locator("#x-account").fill("Acme US")
        page.locator("#x-rows").fill("1")
        page.locator("#x-rows").press("Enter")
        page.get_by_text("First 1 of 2 rows in scope", exact=False).wait_for()
        assert page.locator("#x-account").get_attribute("aria-invalid") is None
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()
