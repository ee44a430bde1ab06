"""Posts whose figures add up days of an export by day: reach is a floor, rates by reach
a ceiling, marked as such in the report, the terminal table and the web table.

Post 1 is reached by 100 people on each of 1-4 March and 40 of them interact each day:
160 interactions over a reach of at least 100 (the largest day's), a rate shown as
'≤ 160'. Post 2 is one row of a lifetime export: reach 200, 20 reactions, 10 % exact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

HEAD = (
    "Post ID,Account username,Description,Publish time,Permalink,Post type,Date,Views,Reach,Likes\n"
)


def _import(ws: Any, tmp_path: Path) -> None:
    from socialproof.ingest.importer import import_paths

    by_day = tmp_path / "by_day.csv"
    by_day.write_text(
        HEAD
        + "".join(
            f"1,acme,a,03/01/2026 08:00,https://www.instagram.com/p/A/,IG image,"
            f"03/{d:02d}/2026,150,100,40\n"
            for d in range(1, 5)
        ),
        encoding="utf-8",
    )
    lifetime = tmp_path / "lifetime.csv"
    lifetime.write_text(
        HEAD + "2,acme,b,03/02/2026 08:00,https://www.instagram.com/p/B/,IG image,"
        "Lifetime,300,200,20\n",
        encoding="utf-8",
    )
    for path in (by_day, lifetime):
        [s] = import_paths(ws, [path])
        assert s.status == "imported", s.error


def test_a_post_of_days_has_its_reach_and_rate_marked_as_bounds(workspace, tmp_path) -> None:
    from socialproof.campaigns.report import for_people, post_report

    _import(workspace, tmp_path)
    result = post_report(workspace, top=None, sort_by="engagement_rate_reach")
    rows = {r["post_id"]: r for r in result.frame.to_dict(orient="records")}
    assert rows["1"]["reach"] == 100 and rows["1"]["interactions"] == 160
    assert rows["1"]["engagement_rate_reach"] == 1.6
    assert (rows["1"]["reach_bound"], rows["1"]["engagement_rate_reach_bound"]) == (
        "lower",
        "upper",
    )
    assert pd.isna(rows["2"]["reach_bound"]) and pd.isna(rows["2"]["engagement_rate_reach_bound"])
    assert "engagement_rate_impressions_bound" not in rows["1"]
    [note] = [n for n in result.notes if "export by day" in n]
    assert note.startswith(
        "1 post adds up the days of an export by day: its reach is the largest day's, a "
        "lower bound (≥;"
    )
    assert ", so Engagement rate (by reach) is an upper bound (≤; one above 100 % " in note
    people = for_people(result).set_index("post_id")
    assert people.loc["1", "reach"] == "≥ 100"
    assert people.loc["1", "engagement_rate_reach %"] == "≤ 160.00"
    assert people.loc["2", "engagement_rate_reach %"] == 10


def test_the_cli_shows_the_marks(workspace, tmp_path, cli) -> None:
    _import(workspace, tmp_path)
    r = cli("report", "posts", "--kpis", "reach,engagement_rate_reach", cwd=workspace.root)
    assert r.exit_code == 0, r.stderr
    # narrow terminal: '≤ 160.00' wraps after the mark
    assert "≥ 100" in r.stdout and "│ ≤ " in r.stdout and "160.00" in r.stdout
    assert "export by day" in r.stdout + r.stderr


def test_the_web_posts_page_shows_the_marks_and_the_note(workspace, tmp_path) -> None:
    from tests.web.conftest import make_client

    _import(workspace, tmp_path)
    with make_client(workspace) as c:
        r = c.get("/posts")
    assert r.status_code == 200
    body = r.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "≥" in body and "≤" in body
    assert "1 post adds up the days of an export by day" in r.text


def _import_reel(ws: Any, tmp_path: Path) -> None:
    """As :func:`_import`, post 1 a reel: post 1 alone in the reel group, post 2 an image."""
    from socialproof.ingest.importer import import_paths

    by_day = tmp_path / "reel_by_day.csv"
    by_day.write_text(
        HEAD
        + "".join(
            f"1,acme,a,03/01/2026 08:00,https://www.instagram.com/reel/A/,IG reel,"
            f"03/{d:02d}/2026,150,100,40\n"
            for d in range(1, 5)
        ),
        encoding="utf-8",
    )
    lifetime = tmp_path / "lifetime.csv"
    lifetime.write_text(
        HEAD + "2,acme,b,03/02/2026 08:00,https://www.instagram.com/p/B/,IG image,"
        "Lifetime,300,200,20\n",
        encoding="utf-8",
    )
    for path in (by_day, lifetime):
        [s] = import_paths(ws, [path])
        assert s.status == "imported", s.error


def _bounds(frame: pd.DataFrame, key: str) -> dict[Any, tuple[Any, Any]]:
    return {
        r[key]: (
            None if pd.isna(r["reach_bound"]) else r["reach_bound"],
            None if pd.isna(r["engagement_rate_reach_bound"]) else r["engagement_rate_reach_bound"],
        )
        for r in frame.to_dict(orient="records")
    }


def test_grouped_reports_mark_groups_holding_a_floor(workspace, tmp_path) -> None:
    # by platform: reach 100 (a floor) + 200 (exact) = 300, neither bound of the people
    # reached (no ≤ as a plain sum of exact reach would get); rate 180 / 300 = 60 %, at
    # most that. By format: the reel is post 1 alone (≥ 100, ≤ 160 %), the image exact.
    from socialproof.campaigns.report import for_people, post_report

    _import_reel(workspace, tmp_path)
    kpis = ["reach", "engagement_rate_reach"]
    by_platform = post_report(workspace, group_by="platform", kpis=kpis)
    [row] = by_platform.frame.to_dict(orient="records")
    assert (row["reach"], row["engagement_rate_reach"]) == (300, 0.6)
    assert _bounds(by_platform.frame, "platform") == {"instagram": (None, "upper")}
    [note] = [n for n in by_platform.notes if "largest day's" in n]
    assert note.startswith("1 of 1 row holds posts whose reach is the largest day's")
    assert "Engagement rate (by reach) is an upper bound (≤)" in note
    assert not any("Reach is an upper bound" in n for n in by_platform.notes)
    by_format = post_report(workspace, group_by="format", kpis=kpis)
    assert _bounds(by_format.frame, "format") == {"image": (None, None), "reel": ("lower", "upper")}
    people = for_people(by_format).set_index("format")
    assert people.loc["reel", "reach"] == "≥ 100"
    assert people.loc["reel", "engagement_rate_reach %"] == "≤ 160.00"
    assert people.loc["image", "engagement_rate_reach %"] == 10


def test_the_dashboard_roll_up_marks_them_as_the_report_does(workspace, tmp_path) -> None:
    from socialproof.campaigns.rollup import post_rollup

    _import_reel(workspace, tmp_path)
    rolled = post_rollup(workspace).report(group_by=("platform", "account"))
    assert _bounds(rolled.frame, "account") == {"acme": (None, "upper")}
    assert any(n.startswith("1 of 1 row holds posts whose reach") for n in rolled.notes)
    by_format = post_rollup(workspace, grain=("platform", "account", "format")).report(
        group_by="format"
    )
    assert _bounds(by_format.frame, "format") == {"image": (None, None), "reel": ("lower", "upper")}


def test_explain_says_a_rate_over_a_floor_is_an_upper_bound(workspace, tmp_path, cli) -> None:
    from socialproof.metrics.explain import explain_kpi

    _import_reel(workspace, tmp_path)
    rate = explain_kpi(workspace, "engagement_rate_reach")
    assert (rate.value, rate.bound) == (0.6, "upper")
    assert any(n.startswith("1 of the 2 rows used is a post whose reach") for n in rate.notes)
    one = explain_kpi(workspace, "reach", since="2026-03-01", until="2026-03-01")  # post 1
    assert (one.value, one.bound) == (100, "lower")
    both = explain_kpi(workspace, "reach")
    assert (both.value, both.bound) == (300, "")
    assert any("neither a lower nor an upper bound" in n for n in both.notes)
    r = cli("explain", "engagement_rate_reach", cwd=workspace.root)
    assert r.exit_code == 0, r.stderr
    assert "all rows: ≤ 60 % (upper bound)" in r.stdout


def test_the_dashboard_card_marks_the_rate(workspace, tmp_path) -> None:
    import re

    from tests.web.conftest import make_client

    _import_reel(workspace, tmp_path)
    with make_client(workspace) as c:
        r = c.get("/dashboard?start=2026-03-01&end=2026-03-31")
    assert r.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.text))
    assert "Engagement rate (by reach) ≤ 60.00 %" in text
    assert "holds posts whose reach is the largest day" in text


def test_the_dashboard_trend_marks_weeks_over_a_floor(workspace, tmp_path) -> None:
    # post 1 (days, reach a floor) was published on Sunday 1 March, in the week of 23
    # February: 160 / 100, at most 160 %; post 2 (lifetime) in the week of 2 March: 10 %
    import json
    import re

    from tests.web.conftest import make_client

    _import_reel(workspace, tmp_path)
    with make_client(workspace) as c:
        r = c.get("/dashboard?range=custom&start=2026-02-23&end=2026-03-31")
    assert r.status_code == 200
    trends = r.text.split('id="trend-h"', 1)[1]
    assert "Weeks marked ≤ hold posts whose reach is the largest day" in trends
    spec = json.loads(
        re.search(
            r'<script type="application/json" id="chart-organic-spec">(.*?)</script>', r.text, re.S
        ).group(1)
    )
    weeks = {
        str(v["week"])[:10]: (v["engagement_rate_reach"], v["bound"])
        for v in spec["data"]["values"]
    }
    assert weeks == {"2026-02-23": (1.6, "≤"), "2026-03-02": (0.1, "")}
    assert {"field": "bound", "type": "nominal", "title": "bound"} in spec["encoding"]["tooltip"]
    table = trends.split("as a table", 1)[1].split("</table>", 1)[0]
    assert "≤" in table


def test_the_dashboard_trend_has_no_mark_without_a_floor(workspace, tmp_path) -> None:
    from tests.web.conftest import make_client

    _import_reel(workspace, tmp_path)
    with make_client(workspace) as c:  # post 2 alone: its week is exact
        r = c.get("/dashboard?range=custom&start=2026-03-02&end=2026-03-31")
    assert r.status_code == 200
    trends = r.text.split('id="trend-h"', 1)[1]
    assert "Weeks marked ≤" not in r.text
    assert "≤" not in trends


def test_explain_shows_counts_as_whole_numbers(workspace, tmp_path, cli) -> None:
    # reach 100 (post 1's largest day) + 200 (post 2) read '300.00' and '≥ 100.00' before
    import json
    import re

    from tests.web.conftest import make_client

    _import_reel(workspace, tmp_path)
    r = cli("explain", "reach", cwd=workspace.root)
    assert r.exit_code == 0, r.stderr
    assert "Reach (reach) over posts, all rows: 300\n" in r.stdout
    assert "= sum of 300 over the rows used" in r.stdout
    one = cli(
        "explain", "reach", "--since", "2026-03-01", "--until", "2026-03-01", cwd=workspace.root
    )
    assert "all rows" not in one.stdout and ": ≥ 100 (lower bound)" in one.stdout
    data = json.loads(cli("explain", "reach", "--format", "json", cwd=workspace.root).stdout)
    assert (data["value"], data["numerator"]) == (300, 300)
    assert isinstance(data["value"], int)
    with make_client(workspace) as c:
        page = c.get(
            "/dashboard/explain",
            params={
                "kpi": "reach",
                "kind": "organic",
                "since": "2026-03-01",
                "until": "2026-03-31",
            },
        )
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "300.00" not in text and "all rows: 300" not in text
    assert ": 300 " in text
