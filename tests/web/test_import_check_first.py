"""The Import page's 'Check the files first' and Window: 'socialproof import --dry-run' and
'--window FROM..TO' in the browser."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import LiveServer
from tests.web.workbench_samples import axe_violations, open_page

SMALL = Path(__file__).resolve().parents[1] / "data" / "web" / "instagram_posts_small.csv"
# An invented TikTok follower breakdown (an audience file, dated by its window).
GENDER = b"Gender,Distribution\nFemale,0.6\nMale,0.4\n"


def _posts(ws: Any) -> int:
    from socialproof.workspace import engine

    with ws.ibis() as con:
        if "posts" not in con.list_tables():
            return 0
        return int(engine.table(con, "posts").count().execute())


def _post(client: Any, url: str, files: list[tuple[str, bytes]] | None = None, **form: str) -> Any:
    return client.post(
        url,
        data={"csrf_token": client.csrf, **form},
        files=[("files", (name, body, "text/csv")) for name, body in files or []] or None,
        follow_redirects=False,
    )


def _finished(client: Any, r: Any) -> str:
    assert r.status_code == 303, r.text
    job = client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1])
    assert not job.running
    return re.sub(r"\s+", " ", client.get(r.headers["location"]).text)


def test_check_the_files_first_writes_nothing_then_imports_them(
    client: Any, workspace: Any
) -> None:
    """'import --dry-run' had no browser equivalent: a file could only be learned about by
    importing it (and undoing it if it was the wrong one)."""
    page = _finished(
        client, _post(client, "/import", [(SMALL.name, SMALL.read_bytes())], dry_run="1")
    )
    assert "checked: nothing was written" in page
    assert "would be imported as <strong>Meta Business Suite posts export" in page
    assert "9 rows read, 8 new, 0 updated, 1 rejected." in page
    assert "/rejects" not in page  # no rejects were stored to show
    assert _posts(workspace) == 0
    assert (
        "Nothing imported" in client.get("/import").text
        or SMALL.name not in (client.get("/import").text.split('id="history"', 1)[1])
    )
    form = re.search(r'<form method="post" action="/import/confirm".*?</form>', page)
    assert form is not None and "Import these files now" in form.group(0)
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0))
    )
    fields.pop("csrf_token", None)
    done = _finished(client, _post(client, "/import/confirm", **fields))
    assert "imported as <strong>Meta Business Suite posts export" in done
    assert "9 rows read, 8 new" in done and "Import these files now" not in done
    assert _posts(workspace) == 8
    assert not any((workspace.root / ".uploads").rglob("*.csv"))
    # the same batch twice: the files are gone, said so
    again = _post(client, "/import/confirm", **fields)
    assert again.status_code == 422 and "no longer here" in html.unescape(again.text)
    bad = _post(client, "/import/confirm", batch="../../etc")
    assert bad.status_code == 422 and "Traceback" not in bad.text


def test_the_window_dates_an_audience_file(client: Any, workspace: Any) -> None:
    """'import --window' had no field: an audience breakdown exported for March was dated
    by the upload's day."""
    page = _finished(
        client,
        _post(
            client,
            "/import",
            [("FollowerGender.csv", GENDER)],
            account="acme",
            window="2026-03-01..2026-03-31",
        ),
    )
    assert "imported as" in page, page
    import duckdb

    con = duckdb.connect(str(workspace.root / "workspace.duckdb"), read_only=True)
    try:
        got = con.execute("SELECT DISTINCT date_start, date_stop FROM audience").fetchall()
    finally:
        con.close()
    assert got == [(dt.date(2026, 3, 1), dt.date(2026, 3, 31))]


@pytest.mark.parametrize(
    ("form", "field", "says"),
    [
        ({"window": "march..april"}, "window", "The window 'march..april' is not FROM..TO."),
        (
            {"window": "2026-03-31..2026-03-01"},
            "window",
            "The window '2026-03-31..2026-03-01' ends before it starts.",
        ),
        ({"year": "1999"}, "year", "'1999' is not a year."),
        ({"format": "tiktok-contnet"}, "format", "Unknown format"),
    ],
)
def test_a_refused_choice_is_kept_and_marked(
    client: Any, form: dict[str, str], field: str, says: str
) -> None:
    r = _post(client, "/import", [("a.csv", b"a,b\n1,2\n")], account="<b>acme", dry_run="1", **form)
    assert r.status_code == 422, r.text
    text = html.unescape(r.text)
    assert says in text and "--window" not in text
    marked = re.search(rf'<(?:input|select) [^>]*id="{field}"[^>]*>', r.text)
    assert marked is not None and 'aria-invalid="true"' in marked.group(0)
    if field != "format":
        assert f'value="{form[field]}"' in marked.group(0)
    account = re.search(r'<input [^>]*id="account"[^>]*>', r.text)
    assert account is not None and 'value="&lt;b&gt;acme"' in account.group(0)
    assert "aria-invalid" not in account.group(0) and "<b>acme" not in r.text
    assert re.search(r'<input type="checkbox" id="dry_run"[^>]*checked', r.text)
    assert "<details open>" in r.text


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_check_first_with_the_keyboard(browser: Any, workspace: Any, width: int) -> None:
    server = LiveServer(workspace).start()
    page = open_page(browser, server.url + "/import", width=width, for_axe=True)
    try:
        page.locator("#files").set_input_files(str(SMALL))
        page.locator("#dry_run").press("Space")
        page.get_by_role("button", name="Import", exact=True).press("Enter")
        page.get_by_text("checked: nothing was written").wait_for()
        assert _posts(workspace) == 0
        assert axe_violations(page) == []
        page.get_by_role("button", name="Import these files now").press("Enter")
        page.get_by_text("finished").wait_for()
        assert _posts(workspace) == 8
        page.goto(server.url + "/import")
        page.locator("summary").press("Enter")
        page.locator("#window").fill("soon")
        page.locator("#files").set_input_files(str(SMALL))
        page.get_by_role("button", name="Import", exact=True).press("Enter")
        page.get_by_text("The window 'soon' is not FROM..TO.").wait_for()
        assert page.locator("#window").get_attribute("aria-invalid") == "true"
        assert page.locator("#window").input_value() == "soon"
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()


def test_a_file_of_a_check_is_checked_again_not_imported(client: Any, workspace: Any) -> None:
    """The retry under a check read 'Import odd.csv again' and imported for real; it now
    checks the file again, and that check's 'Import ... now' imports that one file."""
    lines = SMALL.read_text(encoding="utf-8").splitlines()
    odd = "\n".join([lines[0].replace("Post ID", "Identifier")] + lines[1:]) + "\n"
    files = [("odd.csv", odd.encode()), (SMALL.name, SMALL.read_bytes())]
    page = _finished(client, _post(client, "/import", files, dry_run="1"))
    retry = re.search(r'<form method="post" action="/import/retry".*?</form>', page)
    assert retry is not None
    assert "Check odd.csv again" in retry.group(0) and "Import odd.csv again" not in page
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', retry.group(0))
    )
    assert fields["dry_run"] == "1" and fields["file"] == "odd.csv"
    fields.pop("csrf_token", None)
    checked = _finished(client, _post(client, "/import/retry", **fields, format="meta-posts"))
    assert "checked: nothing was written" in checked
    assert _posts(workspace) == 0
    # a check of one file imports that file alone: confirm the good file by its name
    batch = fields["batch"]
    done = _finished(client, _post(client, "/import/confirm", batch=batch, file=SMALL.name))
    assert "9 rows read, 8 new" in done and "odd.csv" not in done
    assert _posts(workspace) == 8
    assert (workspace.root / ".uploads" / batch / "odd.csv").is_file()
