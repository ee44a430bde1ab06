"""The community HTML report in a real Chromium with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.community.test_report import THEME_ROWS, fake_models  # noqa: F401  (fixture)
from tests.community.test_response_times import FIXTURE, load_twcs

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_community_html_has_no_axe_violations(
    workspace: Any,
    insert: Any,
    data_dir: Any,
    axe: Any,
    tmp_path: Path,
    fake_models: None,  # noqa: F811
) -> None:
    from socialproof.community.report import build_report, to_html

    insert("messages", load_twcs(data_dir / FIXTURE) + THEME_ROWS)
    path = to_html(build_report(workspace)).write(tmp_path / "community.html")
    result = axe(path.as_uri())
    assert not result["violations"], result["violations"]
    assert len(result["passes"]) >= 10
    assert all(u.startswith("file:") for u in result["requests"]), result["requests"]  # offline
