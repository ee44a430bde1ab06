"""Outlier threads are reported but do not flatten the response-time chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.community.test_threads import make_ws, msg


def _ws(tmp_path: Path) -> Any:
    ws = make_ws(tmp_path, owner="T", timezone="UTC")
    rows = []
    for i in range(12):  # ordinary threads answered in 10 min .. 2 h 5 min
        opened = f"2017-10-{2 + i:02d} 10:00:00"
        rows.append(msg(f"c{i}", f"u{i}", opened, inbound=True))
        rows.append(
            msg(f"r{i}", "@acme", f"2017-10-{2 + i:02d} {10 + i // 6}:{10 + i:02d}:00", f"c{i}")
        )
    # one thread from 2011, answered in 2017: 6 years (2 leap days) = 2,192 days to
    # 2017-08-17, plus 52 days to 2017-10-08, plus 2 h: 2,244 * 24 + 2 = 53,858 h later
    rows.append(msg("old", "u99", "2011-08-17 08:00:00", inbound=True))
    rows.append(msg("r-old", "@acme", "2017-10-08 10:00:00", "old"))
    ws.insert_rows(rows)
    return ws


def test_default_cutoff_leaves_the_outlier_out_with_a_note(tmp_path: Path) -> None:
    from socialproof.community.report import build_report, chart_cutoff, to_html

    rep = build_report(_ws(tmp_path), with_text=False)
    times = [v / 3600 for v in rep.response.threads["first_response_s"]]
    assert max(times) == pytest.approx(53858)
    cut = chart_cutoff(times)
    assert cut is not None and 24 <= cut < 1000
    html = to_html(rep).render()
    assert "1 thread(s) answered after more than" in html
    assert "longest: 2,244 days" in html  # 53,858 h
    assert rep.response.overall["answered"] == 13  # still in every figure


def test_user_cutoff_and_no_cut_when_nothing_is_beyond(tmp_path: Path) -> None:
    from socialproof.community.report import build_report, chart_cutoff, to_html

    assert chart_cutoff([0.2, 0.5, 1.0, 2.0, 3.0]) is None
    assert chart_cutoff([0.2, 0.5, 1.0, 2.0, 3.0], 1.5) == 1.5
    rep = build_report(_ws(tmp_path), with_text=False, chart_cutoff_h=1.0)
    html = to_html(rep).render()
    assert "answered after more than 1.0 h are left out" in html


@pytest.mark.parametrize("bad", [0.0, -3.0, float("nan"), float("inf")])
def test_bad_cutoff_is_a_clear_error(tmp_path: Path, bad: float) -> None:
    from socialproof.community.report import build_report
    from socialproof.errors import BadInput

    with pytest.raises(BadInput, match="positive number of hours"):
        build_report(_ws(tmp_path), with_text=False, chart_cutoff_h=bad)
