from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest


@pytest.fixture
def client(workspace: Any, insert: Any) -> Any:
    from fastapi.testclient import TestClient

    from socialproof.web.app import create_app

    insert(
        "ad_stats",
        [
            {
                "platform": "meta",
                "account": "",
                "campaign": "Spring <b>Launch</b>",
                "ad_set": "",
                "ad": "",
                "date_start": date(2026, 3, d),
                "date_stop": date(2026, 3, d),
                "breakdown": "",
                "currency": "USD",
                "spend": 100.0,
                "impressions": 10_000,
                "link_clicks": 120,
                "results": 4,
            }
            for d in range(1, 8)
        ],
    )
    insert(
        "posts",
        [
            {
                "platform": "instagram",
                "post_id": str(i),
                "account": "acme",
                "format": "reel",
                "published_at": datetime(2026, 3, i, 12),
                "reach": 1000 * i,
                "reactions": 50 * i,
                "comments": 5,
                "shares": 2,
                "text": "<script>alert(1)</script>",
            }
            for i in range(1, 6)
        ],
    )
    with TestClient(create_app(workspace)) as c:
        yield c


def test_campaigns_json_matches_library(client: Any) -> None:
    r = client.get("/api/report/campaigns", params={"by": "platform,campaign"})
    assert r.status_code == 200
    row = r.json()["rows"][0]
    assert row["campaign"] == "Spring <b>Launch</b>"
    assert row["spend"] == pytest.approx(700.0)
    assert row["cost_per_result"] == pytest.approx(25.0)
    assert row["ctr_link"] == pytest.approx(0.012)


def test_pages_escape_user_text(client: Any) -> None:
    page = client.get("/campaigns").text
    assert "Spring &lt;b&gt;Launch&lt;/b&gt;" in page and "<b>Launch" not in page
    posts = client.get("/posts", params={"platform": "instagram"}).text
    assert "<script>alert" not in posts


def test_errors_map_to_http_status(client: Any) -> None:
    r = client.get("/api/report/campaigns", params={"by": "planet"})
    assert r.status_code == 422 and "planet" in r.json()["error"]
    r = client.post("/api/lint", json={"platform": "instagram"})
    assert r.status_code == 400 and "text" in r.json()["error"]


def test_lint_api_and_form(client: Any) -> None:
    r = client.post(
        "/api/lint", json={"text": "GUARANTEED WINS!!! #bestdealever", "platform": "instagram"}
    )
    assert r.status_code == 200
    rules = {f["rule"] for f in r.json()["findings"]}
    assert {"a11y.all-caps", "a11y.hashtag-camelcase"} <= rules, r.json()
    page = client.post(
        "/lint", data={"text": "<img src=x onerror=alert(1)> #summersale", "platform": "instagram"}
    ).text
    assert "<img src=x" not in page and "&lt;img" in page


def test_index_kpis_and_portfolio(client: Any) -> None:
    assert "Campaigns" in client.get("/").text
    names = {k["name"] for k in client.get("/api/kpis").json()}
    assert {"ctr_link", "cost_per_result", "roas"} <= names
    assert client.get("/api/imports").status_code == 200
    r = client.get("/portfolio/index.html")
    assert r.status_code == 200 and "Test Owner" in r.text


def test_serve_defaults_to_loopback() -> None:
    import inspect

    from socialproof.cli.web_cmds import serve
    from socialproof.web.app import serve as run

    assert inspect.signature(run).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
