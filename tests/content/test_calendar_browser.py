"""The HTML calendar in a real Chromium with axe-core (WCAG 2.2 AA); needs `make test`'s deps."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from socialproof.content.calendar import build_calendar
from socialproof.content.calendar_report import write_html
from socialproof.content.posts import content_files, load_post

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("view", ["week", "month"])
def test_calendar_html_has_no_axe_violations(planned, axe, tmp_path, view):
    posts = [load_post(p, ws=planned) for p in content_files(planned)]
    cal = build_calendar(posts, tz=ZoneInfo("Europe/Berlin"), view=view, start=date(2026, 12, 7))
    page_path = write_html(
        cal, tmp_path / f"{view}.html", cleared={p.source: "ready" for p in posts}
    )
    result = axe(page_path.as_uri())
    assert not result["violations"], result["violations"]
    assert len(result["passes"]) >= 10
