"""KPIs (/metrics): 'socialproof metrics [--table T]' had no page, so a browser user typing
a name in the KPIs or Rank by fields could not look the names up."""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any

import pytest
from tests.web.workbench_samples import axe_violations, open_page


def _names(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", row.split("</td>", 1)[0]).strip() for row in body.split("<tr>")[1:]
    ]


def test_every_kpi_or_one_tables(client: Any) -> None:
    every = client.get("/metrics")
    assert every.status_code == 200
    names = _names(every.text)
    assert {"ctr_link", "cpm", "engagement_rate_reach", "reach"} <= set(names)
    ads = _names(client.get("/metrics", params={"table": "ad_stats"}).text)
    assert "cpm" in ads and "ctr_link" in ads and "engagement_rate_reach" not in ads
    assert set(ads) < set(names)
    daily = _names(client.get("/metrics", params={"table": "account_daily"}).text)
    assert "follower_growth_rate" in daily and "cpm" not in daily


def test_the_messages_kpis_are_their_threads(client: Any, cli: Any, workspace: Any) -> None:
    """'socialproof metrics --table messages', named in its help, failed ('No KPIs for
    table messages') and the page had no such choice: the response KPIs are over the
    messages' threads."""
    listed = cli("metrics", "--table", "messages", "--format", "csv", cwd=workspace.root)
    assert listed.exit_code == 0, listed
    names = [row["name"] for row in csv.DictReader(io.StringIO(listed.stdout))]
    assert {"threads", "response_rate", "first_response_time", "resolution_rate"} <= set(names)
    assert "cpm" not in names and "reach" not in names
    page = client.get("/metrics", params={"table": "messages"})
    assert page.status_code == 200 and _names(page.text) == names


def test_download_as_the_command_lists_them(client: Any) -> None:
    r = client.get("/metrics", params={"table": "ad_stats", "download": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="kpis-ad_stats.csv"' in r.headers["content-disposition"]
    rows = {row["Name"]: row for row in csv.DictReader(io.StringIO(r.text))}
    assert list(next(iter(rows.values()))) == [
        "Name", "KPI", "Formula", "Unit", "Base", "Better", "Tables", "Source",
    ]  # fmt: skip
    assert rows["cpm"]["Better"] == "lower" and rows["roas"]["Better"] == "higher"
    assert "ad_stats" in rows["spend"]["Tables"]
    page = client.get("/metrics", params={"table": "ad_stats"}).text
    assert 'href="/metrics?table=ad_stats&amp;download=csv"' in page
    assert client.get("/metrics", params={"download": "pdf"}).status_code == 422


@pytest.mark.parametrize("table", ["nope", "<b>ads</b>"])
def test_an_unknown_table_is_kept_and_marked(client: Any, table: str) -> None:
    r = client.get("/metrics", params={"table": table})
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert f"No KPIs for table {table!r}" in text and "<b>ads</b>" not in r.text
    field = re.search(r'<select id="table"[^>]*>', r.text)
    assert field is not None and 'aria-invalid="true"' in field.group(0)
    assert re.search(rf'<option value="{re.escape(html.escape(table))}" selected>', r.text)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_kpis_page_with_the_keyboard(browser: Any, live_server: Any, width: int) -> None:
    page = open_page(
        browser, live_server.url + "/campaigns?view=campaigns", width=width, for_axe=True
    )
    try:
        page.get_by_role("link", name="every KPI").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/metrics?table=ad_stats")
        assert page.locator("#table").input_value() == "ad_stats"
        assert axe_violations(page) == []
        page.locator("#table").select_option("posts")
        page.get_by_role("button", name="Show").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/metrics?table=posts")
        assert "engagement_rate_reach" in page.locator("table").inner_text()
        assert axe_violations(page) == []
    finally:
        page.context.close()
