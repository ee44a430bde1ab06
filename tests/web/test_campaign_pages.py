from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import LiveServer, make_client
from tests.web.workbench_samples import axe_violations, open_page

DATA = Path(__file__).resolve().parents[1] / "data" / "web"


@pytest.fixture
def filled(workspace: Any) -> Any:
    from socialproof.ingest.importer import import_paths, read_context

    ctx = read_context(workspace, account="acme")
    for name in ("meta_ads_two_weeks.csv", "instagram_posts_small.csv"):
        (s,) = import_paths(workspace, [DATA / name], ctx=ctx)
        assert s.status == "imported", s.error
    with make_client(workspace) as c:
        yield c


def _cells(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", td).strip() for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_campaign_table_sorts_filters_and_escapes(filled: Any) -> None:
    r = filled.get("/campaigns", params={"period": "week"})
    assert r.status_code == 200
    assert "Spring &lt;b&gt;Launch&lt;/b&gt;" in r.text and "<b>Launch" not in r.text
    rows = _cells(r.text)
    assert [row[0] for row in rows] == ["2026-02-23", "2026-03-02", "2026-03-09"]
    rows = _cells(filled.get("/campaigns", params={"period": "week", "sort": "-spend"}).text)
    assert [row[0] for row in rows] == ["2026-03-09", "2026-03-02", "2026-02-23"]
    assert 'aria-sort="descending"' in filled.get("/campaigns", params={"sort": "-spend"}).text
    none = filled.get("/campaigns", params={"platform": "tiktok"}).text
    assert "No rows match these filters." in none


def test_csv_download_is_exactly_what_is_shown(filled: Any) -> None:
    params = {"view": "campaigns", "period": "week", "sort": "-spend", "since": "2026-03-02"}
    page = filled.get("/campaigns", params=params).text
    shown = _cells(page)
    link = re.search(r'href="([^"]*download=)csv"', page)
    assert link is not None
    r = filled.get(link.group(1).replace("&amp;", "&") + "csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(r.text)))
    assert len(table) - 1 == len(shown) == 2
    header = table[0]
    from socialproof.metrics.registry import get

    ctr_label = f"{get('ctr_link').label} (%)"
    assert ctr_label in header  # the page's labels
    week = header.index("week")
    spend = header.index(get("spend").label)
    assert [row[week] for row in table[1:]] == [row[0] for row in shown]
    assert float(table[1][spend]) == pytest.approx(900.0)  # 9-14 March: 6 x 150
    ctr = header.index(ctr_label)
    assert float(table[1][ctr]) == pytest.approx(1.5)  # shown as percent, like the page


def test_xlsx_download_has_the_shown_rows(filled: Any) -> None:
    from openpyxl import load_workbook

    r = filled.get("/posts", params={"sort": "-reach", "download": "xlsx"})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = list(sheet.values)
    assert len(values) == 1 + 8
    header = list(values[0])
    from socialproof.metrics.registry import get

    reach = [row[header.index(get("reach").label)] for row in values[1:]]
    assert reach == sorted(reach, reverse=True)


def test_csv_download_neutralises_formulas(workspace: Any) -> None:
    from socialproof.web.tables import TableView, to_csv

    text = to_csv(TableView(["name"], [{"name": "=HYPERLINK(1)"}, {"name": "-5"}]))
    assert text.splitlines() == ["name", "'=HYPERLINK(1)", "-5"]


def test_bad_inputs_give_messages(filled: Any) -> None:
    r = filled.get("/posts", params={"sort": "nope"})
    assert r.status_code == 422 and "Cannot sort by" in r.text
    r = filled.get("/campaigns", params={"view": "pacing", "budget": "lots"})
    assert r.status_code == 400 and "is not a number" in r.text
    r = filled.get("/campaigns", params={"since": "yesterday"})
    assert r.status_code == 422 and "is not a date" in r.text
    r = filled.get("/posts", params={"download": "pdf"})
    assert r.status_code == 422 and "Cannot download as" in r.text


@pytest.mark.parametrize("view", ["campaigns", "ads", "pacing", "fatigue", "creators"])
def test_every_campaign_view_renders(filled: Any, view: str) -> None:
    r = filled.get("/campaigns", params={"view": view, "budget": "2000"})
    assert r.status_code in (200, 404), r.text[:300]
    assert f'href="/campaigns?view={view}" aria-current="page"' in r.text


def test_ads_page_says_why_one_ad_is_not_ranked(filled: Any) -> None:
    """The two-week export holds one ad: the page gave the refusal above an empty table
    saying 'No rows match these filters.' (no filter was set), read as showing nothing;
    it names the ad, says two are needed, and shows no table."""
    r = filled.get("/campaigns", params={"view": "ads"})
    assert r.status_code == 200
    text = html.unescape(re.sub(r"<[^>]+>", " ", r.text))
    assert (
        "Too few ads with Cost per result and at least 1,000 impressions to rank (1: Video A); "
        "best and worst need two or more."
    ) in " ".join(text.split())
    assert "No rows match these filters." not in text
    assert "<table" not in r.text


def test_long_tables_come_in_pages_and_downloads_hold_every_row(workspace: Any, insert) -> None:
    from datetime import datetime, timedelta

    start = datetime(2026, 1, 1, 12)
    insert(
        "posts",
        [
            {
                "platform": "instagram",
                "post_id": f"p{i:03d}",
                "account": "acme",
                "published_at": start + timedelta(days=i),
                "format": "image",
                "reach": 1000 + i,
                "impressions": 2000 + i,
                "reactions": 10 + i,
            }
            for i in range(120)
        ],
    )
    with make_client(workspace) as c:
        first = c.get("/posts", params={"sort": "-reach"})
        assert first.status_code == 200
        assert len(_cells(first.text)) == 50
        assert "Rows 1–50 of 120 (page 1 of 3)" in first.text
        assert 'href="/posts?view=posts&amp;sort=-reach&amp;page=2" rel="next"' in first.text
        last = c.get("/posts", params={"sort": "-reach", "page": "3"})
        assert len(_cells(last.text)) == 20 and 'rel="prev"' in last.text
        assert 'rel="next"' not in last.text
        # rows 101-120 by reach descending: the lowest reach (1000) is the last row
        assert "1,000" in _cells(last.text)[-1]
        rows = list(csv.reader(io.StringIO(c.get("/posts", params={"download": "csv"}).text)))
        assert len(rows) == 1 + 120
        for bad, said in (("abc", "whole number"), ("9", "3 page(s)")):
            r = c.get("/posts", params={"page": bad})
            assert r.status_code == 422 and said in r.text
            assert len(_cells(r.text)) > 0  # a page of rows is still shown


def test_serving_runs_the_default_tables_before_their_first_visit(workspace: Any) -> None:
    import socialproof.campaigns.report as report
    from socialproof.ingest.importer import import_paths, read_context

    ctx = read_context(workspace, account="acme")
    for name in ("meta_ads_two_weeks.csv", "instagram_posts_small.csv"):
        (s,) = import_paths(workspace, [DATA / name], ctx=ctx)
        assert s.status == "imported", s.error
    with make_client(workspace, warm=True) as c:
        for job in c.app_state.jobs.all():
            assert c.app_state.jobs.wait(job.id, 120).state == "done"
        calls: list[object] = []
        originals = report.post_report, report.campaign_report
        report.post_report = lambda *a, **k: calls.append(a) or originals[0](*a, **k)  # type: ignore[assignment]
        report.campaign_report = lambda *a, **k: calls.append(a) or originals[1](*a, **k)  # type: ignore[assignment]
        try:
            assert c.get("/posts").status_code == 200
            assert c.get("/campaigns").status_code == 200
            assert c.get("/campaigns?view=campaigns").status_code == 200  # the same report
            assert calls == []  # both came from the start-up job
            c.app_state.ws.settings.currency = "EUR"  # other settings: computed again
            assert c.get("/campaigns").status_code == 200
            assert len(calls) == 1
        finally:
            report.post_report, report.campaign_report = originals  # type: ignore[assignment]


_ADS_HEAD = (
    "Account name,Campaign name,Ad set name,Ad name,Ad ID,Day,Amount spent ({cur}),Impressions,"
    "Link clicks,Results,Result indicator\n"
)
_RESULT = "actions:offsite_conversion.fb_pixel_purchase"
# cost per result: Blue 10.00 USD, Red 25.00 USD, Green 10.00 EUR, Gray 20.00 EUR
_USD_ADS = _ADS_HEAD.format(cur="USD") + (
    f"Acme US,Spring,Set A,Blue,910000000000000001,2026-03-01,50.00,5000,50,5,{_RESULT}\n"
    f"Acme US,Spring,Set A,Red,910000000000000002,2026-03-01,50.00,5000,20,2,{_RESULT}\n"
)
_EUR_ADS = _ADS_HEAD.format(cur="EUR") + (
    f"Acme EU,Spring,Set B,Green,920000000000000001,2026-03-01,30.00,3000,30,3,{_RESULT}\n"
    f"Acme EU,Spring,Set B,Gray,920000000000000002,2026-03-01,20.00,4000,10,1,{_RESULT}\n"
)


def _import_two_currencies(workspace: Any, tmp_path: Path) -> None:
    from socialproof.ingest.importer import import_paths, read_context

    paths = []
    for name, text in (("usd.csv", _USD_ADS), ("eur.csv", _EUR_ADS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    summaries = import_paths(workspace, paths, ctx=read_context(workspace))
    assert [s.status for s in summaries] == ["imported"] * 2, [s.error for s in summaries]


@pytest.fixture
def two_currencies(workspace: Any, tmp_path: Path) -> Any:
    _import_two_currencies(workspace, tmp_path)
    with make_client(workspace) as c:
        yield c


def _rates_input(html: str) -> str:
    found = re.search(r'<input[^>]*id="rates"[^>]*>', html)
    assert found is not None, html
    return found.group(0)


def test_ads_over_two_currencies_take_exchange_rates_on_the_page(two_currencies: Any) -> None:
    """The ads page refused a cost over USD and EUR and said to pass --rate, which the page
    could not: it has an Exchange rates field read as the CLI reads --rate."""
    refused = two_currencies.get("/campaigns", params={"view": "ads"})
    assert refused.status_code == 400
    assert "cannot be ranked against one median" in refused.text
    assert "under Exchange rates" in refused.text and "--rate" not in refused.text
    assert 'aria-invalid="true"' in _rates_input(refused.text)

    params = {"view": "ads", "rates": "eur=1.1"}
    page = two_currencies.get("/campaigns", params=params)
    assert page.status_code == 200, page.text
    assert "Converted to USD at 1 EUR = 1.1 USD" in page.text
    assert "aria-invalid" not in _rates_input(page.text) and 'value="eur=1.1"' in page.text
    link = re.search(r'href="([^"]*download=)csv"', page.text)
    assert link is not None and "rates=eur%3D1.1" in link.group(1)
    table = list(
        csv.DictReader(
            io.StringIO(two_currencies.get(link.group(1).replace("&amp;", "&") + "csv").text)
        )
    )
    # 10 and 25 USD, 11 and 22 USD from EUR: the median of the four is 16.50
    medians = {row[next(k for k in row if k.lower().startswith("median"))] for row in table}
    assert [float(m) for m in medians] == [pytest.approx(16.5)]
    # the two best (10, 11), then the two worst (25, 22)
    ads = [row["Ad"] if "Ad" in row else row["ad"] for row in table]
    assert ads == ["Blue", "Green", "Red", "Gray"]


@pytest.mark.parametrize(
    ("rates", "says"),
    [
        ("EUR:1.08", "The exchange rate 'EUR:1.08' is not CUR=VALUE."),
        ("EUR=nan", "The exchange rate 'EUR=nan' is not CUR=VALUE."),
        ("EUR=0", "The exchange rate 'EUR=0' is not CUR=VALUE."),
        ("GBP=1.3", "No exchange rate for EUR."),
    ],
)
def test_a_refused_exchange_rate_is_kept_and_marked(
    two_currencies: Any, rates: str, says: str
) -> None:
    for view in ("ads", "campaigns"):
        r = two_currencies.get("/campaigns", params={"view": view, "rates": rates})
        assert r.status_code == 422, r.text
        assert says in html.unescape(r.text) and "--rate" not in r.text
        field = html.unescape(_rates_input(r.text))
        assert 'aria-invalid="true"' in field and f'value="{rates}"' in field


def test_campaigns_convert_with_the_rates_given(two_currencies: Any) -> None:
    """Without rates each currency is reported on its own; with them, converted."""
    from socialproof.metrics.registry import get

    spend = get("spend").label
    for rates, eu in (("", 50.0), ("EUR=1.1", 55.0)):
        r = two_currencies.get("/campaigns", params={"rates": rates, "download": "csv"})
        rows = {row["account"]: row for row in csv.DictReader(io.StringIO(r.text))}
        assert float(rows["Acme US"][spend]) == pytest.approx(100.0)
        assert float(rows["Acme EU"][spend]) == pytest.approx(eu)
        assert ("currency" in rows["Acme EU"]) is not bool(rates)


def _ad_field(html_text: str, name: str) -> str:
    found = re.search(rf'<(?:input|select)[^>]*id="{name}"[^>]*>', html_text)
    assert found is not None, html_text
    return found.group(0)


def test_ads_rank_by_the_measure_and_number_chosen(two_currencies: Any) -> None:
    """The page always ranked 5 ads by the default measure: 'report ads --metric --n' had
    no field. Rank by and How many are read as the CLI reads them."""
    page = two_currencies.get(
        "/campaigns", params={"view": "ads", "metric": "link_clicks", "n": "1"}
    )
    assert page.status_code == 200, page.text
    assert re.search(r'<option value="link_clicks" selected>', page.text)
    assert 'value="1"' in _ad_field(page.text, "n") and "aria-invalid" not in page.text
    link = re.search(r'href="([^"]*download=)csv"', page.text)
    assert link is not None and "metric=link_clicks" in link.group(1) and "n=1" in link.group(1)
    table = list(
        csv.DictReader(
            io.StringIO(two_currencies.get(link.group(1).replace("&amp;", "&") + "csv").text)
        )
    )
    # link clicks: Blue 50, Green 30, Red 20, Gray 10; one best and one worst
    assert [row["Ad"] if "Ad" in row else row["ad"] for row in table] == ["Blue", "Gray"]
    # a measure without money ranks ads over two currencies without rates
    assert (
        "cannot be ranked"
        not in two_currencies.get("/campaigns", params={"view": "ads", "metric": "ctr_link"}).text
    )


@pytest.mark.parametrize(
    ("field", "typed", "says"),
    [
        ("n", "0", "How many ads must be at least 1, not 0."),
        ("n", "-2", "How many ads must be at least 1, not -2."),
        ("n", "three", "How many ads must be a whole number, not 'three'."),
        ("n", "2.5", "How many ads must be a whole number, not '2.5'."),
        ("metric", "engagement_rate", "Unknown KPI 'engagement_rate'."),
        ("metric", "<b>x</b>", "Unknown KPI '<b>x</b>'."),
    ],
)
def test_a_refused_ads_choice_is_kept_and_marked(
    two_currencies: Any, field: str, typed: str, says: str
) -> None:
    r = two_currencies.get("/campaigns", params={"view": "ads", "rates": "EUR=1.1", field: typed})
    assert r.status_code == 422, r.text
    assert says in html.unescape(r.text) and "--n" not in r.text and "<b>x</b>" not in r.text
    marked = _ad_field(r.text, field)
    assert 'aria-invalid="true"' in marked
    other = _ad_field(r.text, "metric" if field == "n" else "n")
    assert "aria-invalid" not in other
    if field == "n":
        assert f'value="{typed}"' in html.unescape(marked)
    else:  # the refused name stays chosen, so the person sees what was refused
        assert re.search(rf'<option value="{re.escape(html.escape(typed))}" selected>', r.text), (
            r.text
        )


def test_a_cost_over_two_currencies_marks_rank_by_as_well(two_currencies: Any) -> None:
    r = two_currencies.get("/campaigns", params={"view": "ads", "metric": "cost_per_result"})
    assert r.status_code == 400
    assert "under Rank by" in html.unescape(r.text) and "--metric" not in r.text
    assert 'aria-invalid="true"' in _ad_field(r.text, "metric")
    assert 'aria-invalid="true"' in _rates_input(r.text)


def test_campaigns_group_by_and_show_the_kpis_chosen(two_currencies: Any) -> None:
    """'report campaigns --by --kpis' had no field: the view always grouped by platform and
    campaign and showed the same KPIs."""
    from socialproof.metrics.registry import get

    params = {"by": "Account", "kpis": "spend, link_clicks", "rates": "EUR=1.1"}
    page = two_currencies.get("/campaigns", params=params)
    assert page.status_code == 200, page.text
    assert 'value="Account"' in _ad_field(page.text, "by") and "aria-invalid" not in page.text
    assert 'value="spend, link_clicks"' in _ad_field(page.text, "kpis")
    link = re.search(r'href="([^"]*download=)csv"', page.text)
    assert link is not None and "kpis=spend%2C+link_clicks" in link.group(1)
    r = two_currencies.get(link.group(1).replace("&amp;", "&") + "csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    spend, clicks, cpm = get("spend").label, get("link_clicks").label, get("cpm").label
    assert "campaign" not in rows[0] and cpm not in rows[0]
    got = {row["account"]: (float(row[spend]), float(row[clicks])) for row in rows}
    # Acme US: 50 + 50 USD, 50 + 20 clicks; Acme EU: (30 + 20) EUR x 1.1, 30 + 10 clicks
    assert got == {"Acme US": (100.0, 70.0), "Acme EU": (pytest.approx(55.0), 40.0)}
    # 'ad set' reads as ad_set, a period in Group by as Per
    weekly = two_currencies.get(
        "/campaigns", params={"by": "ad set, week", "rates": "EUR=1.1", "download": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(weekly.text)))
    assert weekly.status_code == 200 and {r["ad_set"] for r in rows} == {"Set A", "Set B"}
    assert all(r["week"] for r in rows)


@pytest.mark.parametrize(
    ("params", "field", "says"),
    [
        ({"by": "planet, campaign"}, "by", "Group by cannot group ad rows by 'planet'."),
        ({"by": "week", "period": "month"}, "by", "Group by and Per name different periods"),
        ({"kpis": "spend, nope"}, "kpis", "Unknown KPI 'nope'."),
        ({"kpis": "engagement_rate"}, "kpis", "Unknown KPI 'engagement_rate'."),
    ],
)
def test_a_refused_grouping_or_kpi_is_kept_and_marked(
    two_currencies: Any, params: dict[str, str], field: str, says: str
) -> None:
    r = two_currencies.get("/campaigns", params={**params, "rates": "EUR=1.1"})
    assert r.status_code == 422, r.text
    assert says in html.unescape(r.text) and "--by" not in r.text and "--kpis" not in r.text
    marked = html.unescape(_ad_field(r.text, field))
    assert 'aria-invalid="true"' in marked and f'value="{params[field]}"' in marked
    other = _ad_field(r.text, "kpis" if field == "by" else "by")
    assert "aria-invalid" not in other


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_ads_and_campaign_choices_with_the_keyboard(
    browser: Any, workspace: Any, tmp_path: Path, width: int
) -> None:
    """Rank by and How many (report ads --metric --n), Group by and KPIs (report campaigns
    --by --kpis): a refused value is kept and marked, and the pages pass axe both ways."""
    _import_two_currencies(workspace, tmp_path)
    server = LiveServer(workspace).start()
    page = open_page(
        browser, server.url + "/campaigns?view=ads&rates=EUR%3D1.1", width=width, for_axe=True
    )
    try:
        page.locator("#metric").select_option("link_clicks")
        page.locator("#n").fill("none")
        page.locator("#n").press("Enter")
        page.get_by_text("How many ads must be a whole number, not 'none'.").wait_for()
        assert page.locator("#n").get_attribute("aria-invalid") == "true"
        assert page.locator("#n").input_value() == "none"
        assert page.locator("#metric").input_value() == "link_clicks"
        assert axe_violations(page) == []
        page.locator("#n").fill("1")
        page.locator("#n").press("Enter")
        page.wait_for_url(re.compile(r"n=1"))
        assert page.locator("#n").get_attribute("aria-invalid") is None
        # link clicks: Blue 50 (best), Gray 10 (worst)
        body = page.locator("table tbody").inner_text()
        assert page.locator("table tbody tr").count() == 2
        assert "Blue" in body and "Gray" in body and "Green" not in body
        assert axe_violations(page) == []

        page.goto(server.url + "/campaigns?view=campaigns&rates=EUR%3D1.1")
        page.locator("#by").fill("campaign, planet")
        page.locator("#by").press("Enter")
        page.get_by_text("Group by cannot group ad rows by 'planet'.").wait_for()
        assert page.locator("#by").get_attribute("aria-invalid") == "true"
        assert page.locator("#by").input_value() == "campaign, planet"
        assert axe_violations(page) == []
        page.locator("#by").fill("account")
        page.locator("#kpis").fill("spend, link_clicks")
        page.locator("#kpis").press("Enter")
        page.wait_for_url(re.compile(r"kpis=spend"))
        headers = page.locator("table thead th").all_inner_texts()
        assert any("account" in h.lower() for h in headers)
        assert not any("campaign" in h.lower() for h in headers)
        assert axe_violations(page) == []

        page.goto(server.url + "/campaigns?view=fatigue")
        page.locator("#min_days").fill("2")
        page.locator("#min_days").press("Enter")
        page.get_by_text("Days of delivery must be at least 3, not 2.").wait_for()
        assert page.locator("#min_days").get_attribute("aria-invalid") == "true"
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()


_TIRED = (
    "Account name,Campaign name,Ad set name,Ad name,Ad ID,Day,Amount spent (USD),Impressions,"
    "Reach,Link clicks\n"
    + "".join(
        f"Acme US,Spring,Set A,Tired,930000000000000001,2026-03-0{d},10.00,1000,{reach},{clicks}\n"
        for d, reach, clicks in ((1, 900, 30), (2, 700, 20), (3, 500, 10), (4, 400, 5))
    )
)


def test_fatigue_judges_ads_with_the_days_of_delivery_chosen(
    workspace: Any, tmp_path: Path
) -> None:
    """'report fatigue --min-days' had no field: an ad delivered on fewer than 6 days was
    never judged on the page."""
    from socialproof.ingest.importer import import_paths, read_context

    (tmp_path / "tired.csv").write_text(_TIRED, encoding="utf-8")
    (s,) = import_paths(workspace, [tmp_path / "tired.csv"], ctx=read_context(workspace))
    assert s.status == "imported", s.error
    with make_client(workspace) as c:
        default = c.get("/campaigns", params={"view": "fatigue"})
        assert default.status_code in (200, 404) and "Tired" not in default.text  # 4 days < 6
        four = c.get("/campaigns", params={"view": "fatigue", "min_days": "4"})
        assert four.status_code == 200, four.text
        assert "Tired" in four.text and 'value="4"' in four.text
        assert "aria-invalid" not in four.text
        for typed, says in (
            ("2", "Days of delivery must be at least 3, not 2."),
            ("six", "Days of delivery must be a whole number, not 'six'."),
        ):
            r = c.get("/campaigns", params={"view": "fatigue", "min_days": typed})
            assert r.status_code == 422 and says in html.unescape(r.text)
            field = _ad_field(r.text, "min_days")
            assert 'aria-invalid="true"' in field and f'value="{typed}"' in field
