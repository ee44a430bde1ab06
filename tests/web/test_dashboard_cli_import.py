"""A CLI import (or account rename) after ``serve`` stored the roll-ups, then ``serve`` again:
the CLI brings the stored roll-ups up to date itself, so the new process's first dashboard
only reads them (no query compiled, nothing added up), and its figures equal a computation
from the rows."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import make_client

ADS = Path(__file__).resolve().parents[1] / "data" / "web" / "meta_ads_two_weeks.csv"
RANGE = {"range": "custom", "start": "2026-03-01", "end": "2026-03-14", "compare": "previous"}


def _weeks(tmp_path: Path) -> tuple[Path, Path]:
    """The two weeks of the sample export as two files (two imports)."""
    header, *rows = ADS.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "week1.csv", tmp_path / "week2.csv"
    day = header.split(",").index("Day")
    first.write_text(header + "".join(r for r in rows if r.split(",")[day] <= "2026-03-07"))
    second.write_text(header + "".join(r for r in rows if r.split(",")[day] > "2026-03-07"))
    return first, second


def _page_values(html: str) -> list[str]:
    return re.findall(r'<span class="kpi-value">([^<]*)</span>', html)


def _served_once(ws: Any) -> None:
    """What ``serve``'s start-up job leaves behind: the dashboard's roll-ups stored."""
    from socialproof.campaigns import rollup_store
    from socialproof.web.pages.dashboard import WANTED

    assert rollup_store.refresh(ws, WANTED) == [rollup_store.ADS]


def _first_dashboard(ws: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The dashboard of a new process (its compiled queries forgotten) that may not compile
    a roll-up query: the stored roll-ups must be current."""
    from socialproof.campaigns import _rollup_sql

    _rollup_sql.forget()

    def no_compile(*_args: Any) -> Any:
        raise AssertionError("the first dashboard compiled a roll-up query")

    monkeypatch.setattr(_rollup_sql, "_compile_ad_sql", no_compile)
    monkeypatch.setattr(_rollup_sql, "_compile_post_sql", no_compile)
    with make_client(ws) as client:
        r = client.get("/dashboard", params=RANGE)
    monkeypatch.undo()
    assert r.status_code == 200, r.text[:300]
    return r.text


def _fresh_spend(ws: Any) -> float:
    from socialproof.campaigns.report import campaign_report

    got = campaign_report(ws, since="2026-03-01", until="2026-03-14", kpis=["spend"], by=[])
    return float(got.frame["spend"].iloc[0])


def test_cli_import_then_serve_reads_current_rollups(
    cli: Any, workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.campaigns import rollup_store
    from socialproof.web.pages.dashboard import WANTED

    first, second = _weeks(tmp_path)
    root = str(workspace.root)
    r = cli("import", str(first), "--account", "acme", "--workspace", root)
    assert r.exit_code == 0, r.stderr
    _served_once(workspace)
    before = _first_dashboard(workspace, monkeypatch)
    assert "700.00 USD" in _page_values(before)  # week one alone: 7 x 100

    r = cli("import", str(second), "--account", "acme", "--workspace", root)
    assert r.exit_code == 0, r.stderr
    assert rollup_store.refresh(workspace, WANTED) == []  # the CLI left nothing to update
    values = _page_values(_first_dashboard(workspace, monkeypatch))
    # 7 x 100 + 7 x 150 spent, as a computation from the rows gives
    assert values[0] == "1,750.00 USD"
    assert math.isclose(_fresh_spend(workspace), 1750.0)
    # the stored roll-up equals one computed from scratch
    from socialproof.campaigns.rollup import ad_rollup

    stored = rollup_store.current(workspace, rollup_store.ADS, WANTED["ads"])
    fresh = ad_rollup(workspace, kpis=list(WANTED["ads"]))
    for by in (["platform", "account"], ["platform"]):
        got = stored.report(by=by, period="week", kpis=list(WANTED["ads"])).frame
        want = fresh.report(by=by, period="week", kpis=list(WANTED["ads"])).frame
        _same_records(got.to_dict("records"), want.to_dict("records"))

    # a dry run and a file imported before write nothing: nothing to update either
    for extra in (["--dry-run"], []):
        r = cli("import", str(second), *extra, "--account", "acme", "--workspace", root)
        assert r.exit_code == 0, r.stderr
        assert rollup_store.refresh(workspace, WANTED) == []


def _same_records(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    assert len(got) == len(want) > 0
    for a, b in zip(got, want, strict=True):
        assert list(a) == list(b)
        for key, x in a.items():
            y = b[key]
            if isinstance(x, float) and isinstance(y, float):
                assert (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=1e-9), key
            else:
                assert str(x) == str(y), key


def test_cli_rename_then_serve_reads_current_rollups(
    cli: Any, workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.campaigns import rollup_store
    from socialproof.web.pages.dashboard import WANTED

    root = str(workspace.root)
    assert cli("import", str(ADS), "--account", "acme", "--workspace", root).exit_code == 0
    _served_once(workspace)
    r = cli("accounts", "rename", "acme", "acme.shop", "--platform", "meta", "--workspace", root)
    assert r.exit_code == 0, r.stderr
    assert rollup_store.refresh(workspace, WANTED) == []
    page = _first_dashboard(workspace, monkeypatch)
    assert "acme.shop" in page and "1,750.00 USD" in _page_values(page)


def test_an_import_of_other_tables_leaves_the_rollups_alone(cli: Any, workspace: Any) -> None:
    from socialproof.campaigns import rollup_store

    assert rollup_store.refresh_stored(workspace, ["ad_stats"]) == []  # none stored yet
    root = str(workspace.root)
    assert cli("import", str(ADS), "--account", "acme", "--workspace", root).exit_code == 0
    # never stored (no serve yet): the CLI computes nothing; serve's start-up job will
    with workspace.connect(read_only=True) as con:
        assert rollup_store.read(con, rollup_store.ADS) is None
    _served_once(workspace)
    with workspace.transaction() as con:  # rows changed behind the store's back
        con.execute("UPDATE ad_stats SET spend = spend + 1")
    assert rollup_store.refresh_stored(workspace, ["messages", "posts"]) == []  # not its tables
    assert rollup_store.refresh_stored(workspace, ["ad_stats"]) == [rollup_store.ADS]
    assert rollup_store.refresh_stored(workspace) == []


def test_with_no_rollup_stored_an_import_opens_none(
    cli: Any, workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import's look at the workspace saw no stored roll-up: the CLI opens no second
    transaction to bring none up to date. Once ``serve`` stored them, it does."""
    from socialproof.campaigns import rollup_store
    from socialproof.ingest import lookbefore

    assert lookbefore.ROLLUP_TABLE == rollup_store.TABLE
    calls: list[Any] = []
    monkeypatch.setattr(
        rollup_store, "refresh_stored", lambda ws, tables=None: calls.append(tables)
    )
    first, second = _weeks(workspace.root.parent)
    root = str(workspace.root)
    assert cli("import", str(first), "--account", "acme", "--workspace", root).exit_code == 0
    assert calls == []
    _served_once(workspace)
    assert cli("import", str(second), "--account", "acme", "--workspace", root).exit_code == 0
    assert calls == [["ad_stats"]]
