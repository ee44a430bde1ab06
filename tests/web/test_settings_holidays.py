"""The settings page sets ``business_hours.holidays``: one date a line, checked."""

from __future__ import annotations

from datetime import date
from typing import Any


def test_holidays_set_from_the_settings_page(client: Any, workspace: Any) -> None:
    from socialproof.workspace import Workspace

    page = client.get("/settings").text
    assert '<textarea id="s-business-hours-holidays" name="business_hours.holidays"' in page
    form = {"csrf_token": client.csrf, "business_hours.holidays": "2026-12-28\n2026-12-25, \n"}
    r = client.post("/settings", data=form, follow_redirects=True)
    assert r.status_code == 200 and "Settings saved" in r.text
    assert ">2026-12-25\n2026-12-28</textarea>" in r.text
    saved = Workspace.open(workspace.root).settings
    assert saved.business_hours.holidays == [date(2026, 12, 25), date(2026, 12, 28)]

    before = (workspace.root / "socialproof.toml").read_text()
    for value in ("25/12/2026", "2026-02-30", "Christmas"):
        r = client.post("/settings", data={**form, "business_hours.holidays": value})
        assert r.status_code == 422, value
        assert "is not a date written YYYY-MM-DD" in r.text and 'aria-invalid="true"' in r.text
        assert value in r.text  # the input is kept to correct
        assert (workspace.root / "socialproof.toml").read_text() == before

    r = client.post("/settings", data={**form, "business_hours.holidays": ""})
    assert r.status_code == 200
    assert Workspace.open(workspace.root).settings.business_hours.holidays == []
