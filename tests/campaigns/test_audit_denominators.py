"""The audit says how many posts each figure covers, and marks rates over a day floor.

Post 1 comes from an export by day: 100 people reached on each of 1-4 March, 40 likes a
day (160 interactions over a reach of at least 100). Posts 2-5 come from a lifetime
export: reach 200, 100, 100 and none; likes 20, 10, 30 and 50. Four of five posts carry
reach (80 %), so reach is the base. Worked by hand: the rate sums posts 1-4,
(160 + 20 + 10 + 30) / (100 + 200 + 100 + 100) = 220 / 500 = 44 %; the per-post rates
160 %, 10 %, 10 %, 30 % have the median (10 + 30) / 2 = 20 %; both count 4 of 5 posts and
both are upper bounds, post 1's reach being a floor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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
        HEAD
        + "".join(
            f"{i},acme,x,03/0{i}/2026 08:00,https://www.instagram.com/p/{i}/,IG image,"
            f"Lifetime,300,{reach},{likes}\n"
            for i, reach, likes in ((2, 200, 20), (3, 100, 10), (4, 100, 30), (5, "", 50))
        ),
        encoding="utf-8",
    )
    for path in (by_day, lifetime):
        [s] = import_paths(ws, [path])
        assert s.status == "imported", s.error


def test_each_rate_says_how_many_posts_it_covers(workspace, tmp_path) -> None:
    from socialproof.campaigns.audit import audit, summary_for_people

    _import(workspace, tmp_path)
    [acc] = audit(workspace).accounts
    assert (acc.posts, acc.base) == (5, "reach")
    assert acc.engagement_rate == pytest.approx(0.44)
    assert acc.median_rate == pytest.approx(0.2)
    assert (acc.rated_posts, acc.median_posts, acc.floor_posts) == (4, 4, 1)
    [image] = acc.format_mix
    assert (image["posts"], image["rated_posts"], image["engagement_rate_bound"]) == (5, 4, "upper")
    assert any(
        c.startswith("1 of the 4 posts rated has the largest day's reach") for c in acc.caveats
    )
    assert [(p["post_id"], p["rate_bound"]) for p in acc.top][:2] == [("1", "upper"), ("4", None)]
    [row] = summary_for_people(audit(workspace))
    assert row["engagement rate"] == "≤ 44.00 % by reach (4 of 5 posts)"
    assert row["median post"] == "≤ 20.00 % (4 of 5 posts)"


def test_the_html_report_and_the_cli_say_it_too(workspace, tmp_path, cli) -> None:
    import html
    import re

    from socialproof.campaigns import audit_report
    from socialproof.campaigns.audit import audit

    _import(workspace, tmp_path)
    page = audit_report.write(audit(workspace), tmp_path / "audit.html").read_text("utf-8")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "≤ 44.00 % (4 of 5 posts)" in text
    assert "≤ 20.00 % (4 of 5 posts)" in text
    assert "image (4 posts)" in text  # the chart's bar: the posts its rate covers
    assert "≤ 160.00 %" in text  # post 1 among the top posts
    r = cli("audit", "-f", "csv", cwd=workspace.root)
    assert r.exit_code == 0, r.stderr
    head, row = r.stdout.splitlines()[:2]
    fields = dict(zip(head.split(","), row.split(","), strict=True))
    assert (fields["rated_posts"], fields["median_posts"], fields["rates_upper_bound"]) == (
        "4",
        "4",
        "True",
    )
