"""The demo end to end: bundled sample exports -> workspace -> every step of the tour."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialproof.errors import UsageError


@pytest.mark.slow
def test_demo_runs_every_step(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "demo"
    r = cli("demo", str(target))
    assert r.exit_code == 0, r.stderr[-2000:]
    for heading in (
        "Campaigns by month",
        "The pilot's verdict",
        "Community health",
        "Lint the planned posts",
        "Portfolio: the PDF",
    ):
        assert heading in r.stdout
    reports = target / "reports"
    for name in (
        "audit.html",
        "pilot.html",
        "community.html",
        "calendar.html",
        "plan.ics",
        "portfolio.pdf",
    ):
        assert (reports / name).stat().st_size > 500, name
    # only the post that was approved (and is lint-clean) goes to the calendar app
    ics = (reports / "plan.ics").read_text()
    assert ics.count("BEGIN:VEVENT") == 1
    assert "winter" in ics.lower()
    site = (target / "site" / "index.html").read_text()
    assert "Mock campaign" in site
    page = next((target / "site").glob("spring-launch*.html")).read_text()
    assert "✓ from data" in page
    # a second run refuses to overwrite without --force, then rebuilds with it
    assert cli("demo", str(target)).exit_code == 2
    from socialproof.demo import prepare

    prepare(target, force=True)
    assert (target / "workspace.duckdb").exists()


def test_demo_never_replaces_a_folder_it_did_not_make(tmp_path: Path) -> None:
    from socialproof.demo import prepare

    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(UsageError, match="not a socialproof demo workspace"):
        prepare(tmp_path / "mine", force=True)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
