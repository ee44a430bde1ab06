from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import make_client

ADS = Path(__file__).resolve().parents[1] / "data" / "web" / "meta_ads_two_weeks.csv"


@pytest.fixture
def ads_client(workspace: Any) -> Any:
    from socialproof.ingest.importer import import_paths, read_context

    (summary,) = import_paths(workspace, [ADS], ctx=read_context(workspace, account="acme"))
    assert summary.status == "imported", summary.error
    with make_client(workspace) as c:
        yield c


def _flat(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_custom_range_compared_with_previous_period(ads_client: Any) -> None:
    r = ads_client.get(
        "/dashboard", params={"range": "custom", "start": "2026-03-08", "end": "2026-03-14"}
    )
    assert r.status_code == 200
    page = _flat(r.text)
    assert "<strong>2026-03-08 to 2026-03-14</strong> (7 days)" in page
    assert "compared with <strong>2026-03-01 to 2026-03-07</strong>" in page
    # week two: 7 x 150 spent; week one: 7 x 100 -> +50 %
    assert '<span class="kpi-value">1,050.00 USD</span>' in page
    # CTR 1.50 % against 1.00 %: half a point, +50 % relative (not fifty points)
    assert "+0.50 pts, +50 % (better) vs 1.00 %" in page
    assert '<span class="kpi-value">1.50 %</span>' in page
    # each figure names its base and gives formula and source from the KPI registry
    from socialproof.metrics.registry import get

    ctr = get("ctr_link")
    assert f"base: {ctr.base}" in page
    assert f"<code>{ctr.formula_text}</code>" in page
    # spend going up is neither good nor bad
    assert "+50 % vs 700.00 USD" in page
    # user text is escaped
    assert "Spring <b>Launch" not in r.text


def test_same_period_last_year_without_data_says_so(ads_client: Any) -> None:
    page = _flat(
        ads_client.get(
            "/dashboard",
            params={
                "range": "custom",
                "start": "2026-03-01",
                "end": "2026-03-14",
                "compare": "year",
            },
        ).text
    )
    assert "compared with <strong>2025-03-01 to 2025-03-14</strong>" in page
    assert '<span class="kpi-value">1,750.00 USD</span>' in page


def test_presets_count_back_from_the_last_day_with_data(ads_client: Any) -> None:
    page = _flat(ads_client.get("/dashboard", params={"range": "7d"}).text)
    assert "<strong>2026-03-08 to 2026-03-14</strong>" in page
    page = _flat(ads_client.get("/dashboard", params={"range": "month", "compare": "none"}).text)
    assert "<strong>2026-03-01 to 2026-03-14</strong>" in page and "compared with" not in page


def test_bad_range_is_a_clear_message(ads_client: Any) -> None:
    r = ads_client.get("/dashboard", params={"range": "custom", "start": "2026-03-08"})
    assert r.status_code == 422 and "needs both a start and an end" in r.text
    r = ads_client.get(
        "/dashboard", params={"range": "custom", "start": "2026-03-09", "end": "2026-03-01"}
    )
    assert r.status_code == 422 and "is after the end" in r.text
    r = ads_client.get("/dashboard", params={"range": "fortnight"})
    assert r.status_code == 422 and "Unknown date range" in r.text


def test_chart_spec_is_vega_lite_with_the_weekly_data(ads_client: Any) -> None:
    page = ads_client.get(
        "/dashboard", params={"range": "custom", "start": "2026-03-01", "end": "2026-03-14"}
    ).text
    m = re.search(
        r'<script type="application/json" id="chart-paid-spec">(.*?)</script>', page, re.S
    )
    assert m is not None
    spec = json.loads(m.group(1))
    assert spec["$schema"].endswith("vega-lite/v6.json")
    spend = {row["week"][:10]: row["spend"] for row in spec["data"]["values"]}
    # ISO weeks: Sunday 1 March is in the week of 23 Feb; 2-8 March is 6 x 100 + 150; 9-14 is 6 x 150
    assert spend == pytest.approx({"2026-02-23": 100.0, "2026-03-02": 750.0, "2026-03-09": 900.0})
    assert any(p.get("bind") == "scales" for p in spec["params"])  # zoom on time
    # the chart libraries load after the first paint (app.js), not from the page's head
    assert '<script src="/static/app.js" defer></script>' in page
    assert "/static/vendor/vega" not in page


def test_empty_workspace_dashboard_points_to_import(client: Any) -> None:
    page = client.get("/dashboard").text
    assert "No ad rows in this range" in page and 'href="/import"' in page


@pytest.mark.parametrize(
    ("preset", "anchor", "start", "end"),
    [
        ("7d", date(2026, 3, 14), date(2026, 3, 8), date(2026, 3, 14)),
        ("28d", date(2026, 3, 14), date(2026, 2, 15), date(2026, 3, 14)),
        ("last-month", date(2026, 3, 14), date(2026, 2, 1), date(2026, 2, 28)),
        ("quarter", date(2026, 5, 20), date(2026, 4, 1), date(2026, 5, 20)),
        ("last-quarter", date(2026, 1, 10), date(2025, 10, 1), date(2025, 12, 31)),
    ],
)
def test_presets(preset: str, anchor: date, start: date, end: date) -> None:
    from socialproof.web.periods import resolve

    r = resolve(preset, anchor)
    assert (r.start, r.end) == (start, end)


def test_comparisons() -> None:
    from socialproof.web.periods import Range, comparison

    r = Range(date(2024, 2, 22), date(2024, 2, 29))
    prev = comparison(r, "previous")
    assert prev is not None and (prev.start, prev.end) == (date(2024, 2, 14), date(2024, 2, 21))
    year = comparison(r, "year")
    assert year is not None and (year.start, year.end) == (date(2023, 2, 22), date(2023, 2, 28))
    assert comparison(r, "none") is None


def test_serving_warms_the_default_dashboard(workspace: Any) -> None:
    from socialproof.ingest.importer import import_paths, read_context

    import_paths(workspace, [ADS], ctx=read_context(workspace, account="acme"))
    with make_client(workspace, warm=True) as c:
        jobs = {j.title: j for j in c.app_state.jobs.all()}
        assert set(jobs) == {
            "Preparing the dashboard",
            "Update the inbox",
            "Analysing the pilots",
            "Preparing the tables",
            "Preparing the report pages",
        }
        for job in jobs.values():
            assert c.app_state.jobs.wait(job.id, 120).state == "done"
        calls: list[object] = []
        import socialproof.web.pages.dashboard as dashboard

        original = dashboard._frame
        dashboard._frame = lambda *a, **k: calls.append(a) or original(*a, **k)  # type: ignore[assignment]
        try:
            page = c.get("/dashboard").text
        finally:
            dashboard._frame = original  # type: ignore[assignment]
        assert calls == []  # every figure came from the warmed cache
        assert "<strong>2026-02-15 to 2026-03-14</strong>" in page


def test_right_after_an_import_the_last_figures_show_marked_updating(workspace: Any) -> None:
    """A visit right after an import, before the roll-ups caught up, answers at once with
    the figures of the last snapshot marked "updating" (computing the new one in the
    background); a later visit shows the new figures without the mark."""
    import time

    from socialproof.ingest.importer import import_paths, read_context

    import_paths(workspace, [ADS], ctx=read_context(workspace, account="acme"))
    week = {"range": "custom", "start": "2026-03-09", "end": "2026-03-15"}
    with make_client(workspace, warm=True) as c:
        for job in c.app_state.jobs.all():
            assert c.app_state.jobs.wait(job.id, 120).state == "done"
        page = _flat(c.get("/dashboard", params=week).text)
        assert '<span class="kpi-value">900.00 USD</span>' in page  # 6 days x 150
        assert "Updating" not in page
        with c.app_state.ws.transaction() as con:  # a day more of the same ads (an import)
            con.execute(
                "INSERT INTO ad_stats SELECT * REPLACE (date_start + 1 AS date_start, "
                "date_stop + 1 AS date_stop, 'later' AS import_id) FROM ad_stats "
                "WHERE date_stop = (SELECT max(date_stop) FROM ad_stats)"
            )
        page = _flat(c.get("/dashboard", params=week).text)
        assert 'id="dashboard-figures" class="pending"' in page
        assert "Updating: these figures are from before the latest import" in page
        assert '<span class="kpi-value">900.00 USD</span>' in page  # the last figures
        deadline = time.monotonic() + 60
        while "Updating" in page and time.monotonic() < deadline:
            time.sleep(0.05)
            page = _flat(c.get("/dashboard", params=week).text)
        assert "Updating" not in page
        assert '<span class="kpi-value">1,050.00 USD</span>' in page  # 2026-03-15 counted


def test_without_placeholders_the_dashboard_after_an_import_is_current(workspace: Any) -> None:
    from socialproof.ingest.importer import import_paths, read_context

    import_paths(workspace, [ADS], ctx=read_context(workspace, account="acme"))
    week = {"range": "custom", "start": "2026-03-09", "end": "2026-03-15"}
    with make_client(workspace) as c:
        assert "900.00 USD" in c.get("/dashboard", params=week).text
        with c.app_state.ws.transaction() as con:
            con.execute(
                "INSERT INTO ad_stats SELECT * REPLACE (date_start + 1 AS date_start, "
                "date_stop + 1 AS date_stop, 'later' AS import_id) FROM ad_stats "
                "WHERE date_stop = (SELECT max(date_stop) FROM ad_stats)"
            )
        page = _flat(c.get("/dashboard", params=week).text)
        assert "Updating" not in page
        assert '<span class="kpi-value">1,050.00 USD</span>' in page


def test_spend_in_two_currencies_is_two_cards_each_in_its_own_currency(
    workspace: Any, tmp_path: Path
) -> None:
    # one account's ads billed in USD and in EUR: the dashboard labelled both with the
    # workspace's currency and drew their weeks as one line
    from socialproof.ingest.importer import import_paths, read_context

    lines = ADS.read_text(encoding="utf-8").splitlines()
    euros = tmp_path / "meta_ads_eur.csv"
    head = lines[0].replace("Amount spent (USD)", "Amount spent (EUR)")
    body = [ln.replace("Video A", "Video E").replace("Video B", "Video F") for ln in lines[1:]]
    euros.write_text("\n".join([head, *body]) + "\n", encoding="utf-8")
    for path in (ADS, euros):
        (summary,) = import_paths(workspace, [path], ctx=read_context(workspace, account="acme"))
        assert summary.status == "imported", summary.error
    week = {"range": "custom", "start": "2026-03-09", "end": "2026-03-14"}
    with make_client(workspace) as c:
        page = _flat(c.get("/dashboard", params=week).text)
    assert "Meta: acme (EUR)</h3>" in page and "Meta: acme (USD)</h3>" in page
    assert '<span class="kpi-value">900.00 EUR</span>' in page  # 6 days x 150, in euros
    assert '<span class="kpi-value">900.00 USD</span>' in page
    assert "1,800.00" not in page  # never added up across currencies
    m = re.search(
        r'<script type="application/json" id="chart-paid-spec">(.*?)</script>', page, re.S
    )
    assert m is not None
    spec = json.loads(m.group(1))
    assert "per currency" in json.dumps(spec["title"])
    series = {row["platform"] for row in spec["data"]["values"]}
    assert series == {"meta (EUR)", "meta (USD)"}


@pytest.mark.parametrize(
    ("value", "old", "unit", "text", "sign"),
    [
        (1050.0, 700.0, "currency", "+50 %", 1),
        (0.015, 0.010, "percent", "+0.50 pts, +50 %", 1),
        (100.3, 100.0, "count", "+0.3 %", 1),  # '+0%' read better with no change shown
        (100.0001, 100.0, "count", "+<0.1 %", 1),
        (95.0, 100.0, "count", "-5.0 %", -1),
        (100.0, 100.0, "count", "0 %", 0),
        (0.012, 0.0, "percent", "+1.20 pts", 1),  # from 0 %: points only, no relative
        (5.0, 0.0, "count", "", 1),
        (None, 3.0, "count", "", 0),
    ],
)
def test_change_text(value: Any, old: Any, unit: str, text: str, sign: int) -> None:
    from socialproof.web.pages.dashboard import change_text

    assert change_text(value, old, unit) == (text, sign)
