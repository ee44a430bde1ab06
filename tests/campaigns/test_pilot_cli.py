"""The ``socialproof pilot`` commands end to end, and the HTML report."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from socialproof.campaigns import stats

FIXTURES = Path(__file__).parents[1] / "data" / "pilots"


def _rows(name: str) -> list[dict[str, Any]]:
    with (FIXTURES / name).open(encoding="utf-8") as fh:
        return [
            {k: (v if v != "" or k == "breakdown" else None) for k, v in r.items()}
            for r in csv.DictReader(fh)
        ]


@pytest.fixture
def ws(workspace: Any, insert: Callable[[str, list[dict[str, Any]]], None]) -> Any:
    insert("posts", _rows("posts.csv"))
    insert("ad_stats", _rows("ad_stats.csv"))
    return workspace


REELS = [
    "pilot",
    "new",
    "Reels vs carousels",
    "--metric",
    "engagement_rate",
    "--a",
    "format=reel",
    "--b",
    "format=carousel",
    "--from",
    "2026-03-01",
    "--to",
    "2026-04-30",
]


def test_new_list_report_delete(ws: Any, cli: Any, tmp_path: Path) -> None:
    made = cli(*REELS, cwd=ws.root)
    assert made.exit_code == 0, made
    assert "Created pilot 'Reels vs carousels'" in made.stderr
    listed = cli("pilot", "list", "--format", "json", cwd=ws.root)
    assert json.loads(listed.stdout)[0]["variants"] == "A: format=reel; B: format=carousel"
    out = cli("pilot", "report", "reels vs carousels", cwd=ws.root)
    assert out.exit_code == 0, out
    assert "Verdict: B " in out.stdout
    assert "Welch t-test" in out.stdout
    # no planned split: the posts were chosen, not assigned at random
    assert "Sample-ratio check: does not apply. The posts were not assigned" in out.stdout
    assert "(40 in A, 40 in B)" in out.stdout
    assert "Analysed per post: n = 80 posts (40 in A, 40 in B)." in out.stdout
    assert "Observational comparison" in out.stdout
    assert "raised" not in out.stdout and "lowered" not in out.stdout
    js = cli("pilot", "report", "Reels vs carousels", "-f", "json", cwd=ws.root)
    rows = json.loads(js.stdout)
    assert [r["variant"] for r in rows] == ["A", "B"]
    assert rows[1]["ci_low"] < rows[1]["diff_vs_a"] < rows[1]["ci_high"]
    page = tmp_path / "pilot.html"
    html = cli(
        "pilot", "report", "Reels vs carousels", "--html", str(page), "-f", "csv", cwd=ws.root
    )
    assert html.exit_code == 0, html
    text = page.read_text(encoding="utf-8")
    assert "<svg" in text and "Welch" in text and "Verdict" in text
    gone = cli("pilot", "delete", "Reels vs carousels", cwd=ws.root)
    assert gone.exit_code == 0
    again = cli("pilot", "report", "Reels vs carousels", cwd=ws.root)
    assert again.exit_code == 1
    assert again.stderr.startswith("Error: No pilot named 'Reels vs carousels'.")


def test_named_variants_read_in_the_verdict(ws: Any, cli: Any) -> None:
    made = cli(*REELS, "--names", "Reels, Carousels", cwd=ws.root)
    assert made.exit_code == 0, made
    listed = cli("pilot", "list", "-f", "json", cwd=ws.root)
    assert json.loads(listed.stdout)[0]["variants"] == (
        "A (Reels): format=reel; B (Carousels): format=carousel"
    )
    out = cli("pilot", "report", "Reels vs carousels", "-f", "json", cwd=ws.root)
    verdict = json.loads(out.stdout)[1]["verdict"]
    assert verdict.startswith("B (Carousels) ")
    assert " in A (Reels) → " in verdict
    bad = cli(
        "pilot",
        "new",
        "X",
        "--metric",
        "ctr",
        "--a",
        "ad=Spring A",
        "--b",
        "ad=Spring B",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--names",
        "Only one",
        cwd=ws.root,
    )
    assert bad.exit_code == 2 and "one name per variant (2)" in bad.stderr


def test_three_ad_variants_report_holm(ws: Any, cli: Any) -> None:
    made = cli(
        "pilot",
        "new",
        "Ads",
        "--metric",
        "ctr",
        "--a",
        "ad=Spring A",
        "--b",
        "ad=Spring B",
        "--c",
        "ad=Spring C",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        cwd=ws.root,
    )
    assert made.exit_code == 0, made
    out = cli("pilot", "report", "Ads", cwd=ws.root)
    assert out.exit_code == 0, out
    assert "p-values adjusted with Holm" in out.stdout
    assert "two-proportion z-test" in out.stdout
    assert "97.5" in out.stdout
    assert "Analysed per ad-day: link clicks and impressions summed per variant" in out.stdout
    js = cli("pilot", "report", "Ads", "-f", "json", cwd=ws.root)
    rows = json.loads(js.stdout)
    levels = stats.holm_levels([r["p_value"] for r in rows[1:]], 0.05)
    assert [r["ci_level"] for r in rows[1:]] == pytest.approx(levels)
    for r in rows[1:]:  # each verdict agrees with its interval
        assert (r["p_holm"] < 0.05) == (r["ci_low"] > 0 or r["ci_high"] < 0)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--metric", "vibes"], 2, "Unknown KPI 'vibes'"),
        (["--from", "2026-05-01"], 2, "after it ends"),
        (["--a", "colour=red"], 2, "no column 'colour'"),
    ],
)
def test_new_bad_input_is_one_line(
    ws: Any, cli: Any, args: list[str], code: int, message: str
) -> None:
    argv = list(REELS)
    for flag, value in zip(args[::2], args[1::2], strict=True):
        argv[argv.index(flag) + 1] = value
    res = cli(*argv, cwd=ws.root)
    assert res.exit_code == code, res
    assert res.stderr.startswith("Error: ") and message in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_duplicate_name_and_overlap_are_errors(ws: Any, cli: Any) -> None:
    assert cli(*REELS, cwd=ws.root).exit_code == 0
    dup = cli(*REELS, cwd=ws.root)
    assert dup.exit_code == 2 and "already exists" in dup.stderr
    over = cli(
        "pilot",
        "new",
        "Overlap",
        "--metric",
        "engagement_rate",
        "--a",
        "format=reel",
        "--b",
        "campaign~spring",
        "--from",
        "2026-03-01",
        "--to",
        "2026-04-30",
        cwd=ws.root,
    )
    assert over.exit_code == 0
    res = cli("pilot", "report", "Overlap", cwd=ws.root)
    assert res.exit_code == 1
    assert "variants overlap" in res.stderr and "post_id 'ig" in res.stderr


def test_plan_with_options_outside_a_workspace(cli: Any, tmp_path: Path) -> None:
    res = cli(
        "pilot",
        "plan",
        "--metric",
        "ctr",
        "--baseline",
        "0.012",
        "--mde",
        "10%",
        "--daily",
        "20000",
        cwd=tmp_path,
    )
    assert res.exit_code == 0, res
    size = stats.sample_size_proportions(0.012, 0.10)
    assert f"~{size.per_variant:,} impressions per variant" in res.stdout
    assert f"about {math.ceil(size.total / 20000)} days" in res.stdout
    js = cli(
        "pilot",
        "plan",
        "--metric",
        "ctr",
        "--baseline",
        "1.2%",
        "--mde",
        "10%",
        "--format",
        "json",
        cwd=tmp_path,
    )
    row = json.loads(js.stdout)[0]
    assert row["impressions per variant"] == size.per_variant
    assert row["days"] is None


def test_plan_uses_the_workspace_volume(ws: Any, cli: Any) -> None:
    res = cli("pilot", "plan", "--metric", "ctr", "--mde", "10%", "-f", "json", cwd=ws.root)
    assert res.exit_code == 0, res
    row = json.loads(res.stdout)[0]
    ads = _rows("ad_stats.csv")
    last28 = [r for r in ads if r["date_start"] >= "2026-03-03"]  # data ends 2026-03-30
    daily = sum(int(r["impressions"]) for r in last28) / 28
    assert row["impressions per day"] == pytest.approx(daily, abs=0.1)
    assert row["days"] == math.ceil(row["impressions in total"] / daily)


def test_plan_bad_mde_is_a_usage_error(cli: Any, tmp_path: Path) -> None:
    res = cli(
        "pilot", "plan", "--metric", "ctr", "--baseline", "0.95", "--mde", "10%", cwd=tmp_path
    )
    assert res.exit_code == 2
    assert "not a different proportion" in res.stderr


def test_html_escapes_user_text(ws: Any, tmp_path: Path) -> None:
    from socialproof.campaigns import pilot_report, pilots

    pilots.create(
        ws,
        pilots.define(
            "<script>alert(1)</script>",
            "engagement_rate",
            ["format=reel", "format=carousel"],
            "2026-03-01",
            "2026-04-30",
            note="<b>bold</b> & co",
        ),
    )
    res = pilots.analyse(ws, "<script>alert(1)</script>")
    page = pilot_report.write_html(res, tmp_path / "p.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in page
    assert 'role="img"' in page  # the interval chart is accessible


def test_report_negative_seed_is_a_usage_error(ws: Any, cli: Any) -> None:
    # a negative seed reached numpy's generator and ended as 'unexpected ValueError'
    assert cli(*REELS, cwd=ws.root).exit_code == 0
    res = cli("pilot", "report", "Reels vs carousels", "--seed", "-1", cwd=ws.root)
    assert res.exit_code == 2
    assert "--seed" in res.stderr and "unexpected" not in res.stderr


def test_counts_are_whole_numbers_in_json_and_csv(
    workspace: Any, insert: Callable[[str, list[dict[str, Any]]], None], cli: Any
) -> None:
    from datetime import date

    def ad(name: str, day: int, impressions: int, clicks: int) -> dict[str, Any]:
        return {
            "platform": "meta",
            "account": "acme ads",
            "campaign": "Trial",
            "ad_set": "Broad",
            "ad": name,
            "date_start": date(2026, 3, day),
            "date_stop": date(2026, 3, day),
            "breakdown": "",
            "currency": "USD",
            "spend": 5.0,
            "impressions": impressions,
            "link_clicks": clicks,
        }

    # A: 1,000 + 1,800 impressions, 20 + 8 link clicks; B: 1,500 + 1,500, 40 + 5
    rows = [ad("Red", 1, 1000, 20), ad("Red", 2, 1800, 8)]
    rows += [ad("Blue", 1, 1500, 40), ad("Blue", 2, 1500, 5)]
    insert("ad_stats", rows)
    made = cli(
        "pilot", "new", "Colours", "--metric", "ctr", "--a", "ad=Red", "--b", "ad=Blue",
        "--from", "2026-03-01", "--to", "2026-03-02", cwd=workspace.root,
    )  # fmt: skip
    assert made.exit_code == 0, made
    js = cli("pilot", "report", "Colours", "-f", "json", cwd=workspace.root)
    assert js.exit_code == 0, js
    got = [(r["impressions"], r["successes"]) for r in json.loads(js.stdout)]
    assert got == [(2800, 28), (3000, 45)]
    assert all(type(n) is int for pair in got for n in pair)  # 2800, not 2800.0
    text = cli("pilot", "report", "Colours", "-f", "csv", cwd=workspace.root).stdout
    found = list(csv.DictReader(text.splitlines()))
    assert [(r["impressions"], r["successes"]) for r in found] == [("2800", "28"), ("3000", "45")]
