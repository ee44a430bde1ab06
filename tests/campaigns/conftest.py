"""Fixtures for campaign tests: canonical rows from tests/data/campaigns/ and row makers."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent.parent / "data" / "campaigns"


def _meta_rows(*, reported: bool = False) -> list[dict[str, Any]]:
    """The Meta Ads daily fixture as canonical ad_stats rows (with the export's own
    reported_* figures when ``reported``)."""
    out = []
    with (DATA / "meta_ads_daily.csv").open() as fh:
        for r in csv.DictReader(fh):
            day = date.fromisoformat(r["day"])
            row: dict[str, Any] = {
                "platform": "meta",
                "account": "act_1",
                "campaign": r["campaign"],
                "ad_set": r["ad_set"],
                "ad": r["ad"],
                "date_start": day,
                "date_stop": day,
                "breakdown": "",
                "currency": "USD",
                "spend": float(r["spend"]),
                "impressions": int(r["impressions"]),
                "reach": int(r["reach"]),
                "clicks": int(r["clicks"]),
                "link_clicks": int(r["link_clicks"]),
                "results": float(r["results"]),
                "result_type": r["result_type"],
                "purchases": float(r["purchases"]),
                "purchase_value": float(r["purchase_value"]),
            }
            if reported:
                row.update(
                    {k: (float(r[k]) if r[k] else None) for k in r if k.startswith("reported_")}
                )
            out.append(row)
    return out


def _post(
    pid: str,
    day: datetime,
    *,
    platform: str = "instagram",
    fmt: str = "image",
    reach: int | None = 1000,
    inter: int = 50,
    **kw: Any,
) -> dict[str, Any]:
    from socialproof.workspace.schema import POSTS

    row: dict[str, Any] = dict.fromkeys(c for c in POSTS.columns if c != "import_id")
    row |= {
        "platform": platform,
        "post_id": pid,
        "account": "acme",
        "published_at": day,
        "format": fmt,
        "text": f"Post {pid}",
        "reach": reach,
        "impressions": None if reach is None else reach * 2,
        "reactions": inter,
        "comments": 0,
        "shares": 0,
        "saves": 0,
    }
    row.update(kw)
    return row  # every column present: insert() takes the columns of the first row


def _many_posts(n: int, start: datetime = datetime(2026, 3, 2, 12)) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        fmt = ("reel", "carousel", "image")[i % 3]
        inter = {"reel": 80, "carousel": 50, "image": 20}[fmt] + (i % 5)
        rows.append(
            _post(f"p{i}", start + timedelta(days=i // 2, hours=(i % 2) * 6), fmt=fmt, inter=inter)
        )
    return rows


@pytest.fixture
def meta_rows() -> list[dict[str, Any]]:
    """Six realistic Meta Ads Manager daily rows (our own sample, with reported_* values)."""
    return _meta_rows()


@pytest.fixture
def make_post() -> Any:
    """make_post(post_id, published_at, platform=..., fmt=..., reach=..., inter=..., **cols)."""
    return _post


@pytest.fixture
def many_posts() -> Any:
    return _many_posts
