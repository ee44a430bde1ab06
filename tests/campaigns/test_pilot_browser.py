"""The pilot HTML report in a real Chromium with axe-core (WCAG 2.2 AA); needs `make test`'s deps."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "pilots"


def _rows(name: str) -> list[dict[str, Any]]:
    with (FIXTURES / name).open(encoding="utf-8") as fh:
        return [
            {k: (v if v != "" or k == "breakdown" else None) for k, v in r.items()}
            for r in csv.DictReader(fh)
        ]


@pytest.mark.parametrize("kind", ["ads", "posts"])
def test_pilot_html_has_no_axe_violations(workspace, insert, axe, tmp_path, kind):  # type: ignore[no-untyped-def]
    from socialproof.campaigns import pilot_report, pilots

    if kind == "ads":
        insert("ad_stats", _rows("ad_stats.csv"))
        definition = pilots.define(
            "Three ads",
            "ctr",
            ["ad=Spring A", "ad=Spring B", "ad=Spring C"],
            "2026-03-01",
            "2026-03-31",
        )
    else:  # per-post rates: adds the distribution histograms
        insert("posts", _rows("posts.csv"))
        definition = pilots.define(
            "Reels",
            "engagement_rate",
            ["format=reel", "format=carousel"],
            "2026-03-01",
            "2026-04-30",
            names="Reels,Carousels",
        )
    pilots.create(workspace, definition)
    page_path = pilot_report.write_html(
        pilots.analyse(workspace, definition.name), tmp_path / "pilot.html"
    )
    if kind == "posts":
        assert "Distribution per post" in page_path.read_text(encoding="utf-8")
    result = axe(page_path.as_uri())
    assert not result["violations"], result["violations"]
    assert len(result["passes"]) >= 10
