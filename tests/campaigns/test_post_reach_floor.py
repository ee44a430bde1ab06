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
