"""Counts are whole numbers in every output of the post reports.

A Facebook page's posts have reach (1,840 + 5,120 = 6,960) and reactions (80 + 290 =
370); an X account's have impressions (1,000 + 1,167 = 2,167) and no reach. Grouped by
platform, the reach column has a gap, so the engine's sums came back as floats (or
Decimals beside None): CSV said '6960.0', the web table '370.00'.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any


def _posts(insert: Any) -> None:
    # every row names every column: from_pylist takes the first row's
    fb = {"platform": "facebook", "account": "bakery", "format": "image", "impressions": None}
    x = {"platform": "x", "account": "acmehelp", "format": "text", "reach": None}
    insert(
        "posts",
        [
            {
                **fb,
                "post_id": "1",
                "published_at": datetime(2026, 3, 2, 7),
                "reach": 1840,
                "reactions": 80,
            },
            {
                **fb,
                "post_id": "2",
                "published_at": datetime(2026, 3, 6, 16),
                "reach": 5120,
                "reactions": 290,
            },
            {
                **x,
                "post_id": "3",
                "published_at": datetime(2026, 3, 3, 9),
                "impressions": 1000,
                "reactions": 20,
            },
            {
                **x,
                "post_id": "4",
                "published_at": datetime(2026, 3, 4, 9),
                "impressions": 1167,
                "reactions": 30,
            },
        ],
    )


def test_grouped_counts_are_whole_in_csv_and_json(workspace: Any, insert: Any, cli: Any) -> None:
    _posts(insert)
    kpis = "reach,impressions,interactions"
    r = cli(
        "report",
        "posts",
        "--group-by",
        "platform",
        "--kpis",
        kpis,
        "--format",
        "csv",
        cwd=workspace.root,
    )
    assert r.exit_code == 0, r.stderr
    rows = {row["platform"]: row for row in csv.DictReader(io.StringIO(r.stdout))}
    assert (rows["facebook"]["reach"], rows["facebook"]["interactions"]) == ("6960", "370")
    assert (rows["x"]["reach"], rows["x"]["impressions"], rows["x"]["interactions"]) == (
        "",
        "2167",
        "50",
    )
    import json

    r = cli(
        "report",
        "posts",
        "--group-by",
        "platform",
        "--kpis",
        kpis,
        "--format",
        "json",
        cwd=workspace.root,
    )
    found = {row["platform"]: row for row in json.loads(r.stdout)}
    assert found["facebook"]["interactions"] == 370 and found["x"]["reach"] is None
    assert isinstance(found["facebook"]["reach"], int)


def test_the_web_posts_table_shows_whole_counts(workspace: Any, tmp_path: Any) -> None:
    # the same posts imported from their exports (the web table read '370.00' then)
    from tests.web.conftest import make_client

    from socialproof.ingest.importer import import_paths

    fb = tmp_path / "fb.csv"
    fb.write_text(
        "Post ID,Page name,Publish time,Permalink,Post type,Date,Reach,Reactions\n"
        "100_1,bakery,03/02/2026 07:00,https://www.facebook.com/100/posts/1,Photos,"
        "Lifetime,1840,80\n"
        "100_2,bakery,03/06/2026 16:00,https://www.facebook.com/100/posts/2,Photos,"
        "Lifetime,5120,290\n",
        encoding="utf-8",
    )
    x = tmp_path / "tweet_activity_metrics_acmehelp_20260301_20260401_en.csv"
    x.write_text(
        "Tweet id,Tweet permalink,Tweet text,time,impressions,engagements,engagement rate,"
        "retweets,replies,likes,user profile clicks,url clicks\n"
        "3,https://twitter.com/acmehelp/status/3,a,2026-03-03 09:00 +0000,1000,20,0.02,"
        "0,0,20,0,0\n"
        "4,https://twitter.com/acmehelp/status/4,b,2026-03-04 09:00 +0000,1167,30,0.0257,"
        "0,0,30,0,0\n",
        encoding="utf-8",
    )
    for path in (fb, x):
        [s] = import_paths(workspace, [path])
        assert s.status == "imported", s.error
    with make_client(workspace) as c:
        page = c.get("/posts", params={"group_by": "platform"})
    assert page.status_code == 200
    body = page.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", td).strip() for td in re.findall(r"<td.*?</td>", body)]
    assert "370" in cells and "50" in cells and "2,167" in cells
    assert not [c for c in cells if c.endswith(".00")]


def test_a_count_with_a_fraction_is_left_as_it_is() -> None:
    import pandas as pd

    from socialproof.campaigns.report import whole_counts
    from socialproof.metrics.registry import get

    frame = pd.DataFrame({"reach": [1.5, None], "interactions": [2.0, None]})
    out = whole_counts(frame, [get("reach"), get("interactions")])
    assert out["reach"].tolist()[0] == 1.5
    assert out["interactions"].tolist() == [2, None]
    assert type(out["interactions"].tolist()[0]) is int
