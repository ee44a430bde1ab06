from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

SMALL = Path(__file__).resolve().parents[1] / "data" / "web" / "instagram_posts_small.csv"


def _posts(ws: Any) -> int:
    from socialproof.workspace import engine

    with ws.ibis() as con:
        if "posts" not in con.list_tables():
            return 0
        return int(engine.table(con, "posts").count().execute())


def _upload(client: Any, files: list[tuple[str, bytes]], **form: str) -> Any:
    r = client.post(
        "/import",
        data={"csrf_token": client.csrf, **form},
        files=[("files", (name, body, "text/csv")) for name, body in files],
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    job_id = r.headers["location"].rsplit("/", 1)[1]
    job = client.app_state.jobs.wait(job_id)
    assert not job.running
    return client.get(r.headers["location"])


def test_upload_imports_and_reports_each_file(client: Any, workspace: Any) -> None:
    page = _upload(
        client,
        [
            (SMALL.name, SMALL.read_bytes()),
            ("empty.csv", b""),
            ("../../photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00binary"),
        ],
    ).text
    text = re.sub(r"\s+", " ", page)
    assert "imported as <strong>Meta Business Suite posts export" in text
    confidence = re.search(r"\(confidence (\d+) %\); 9 rows read, 8 new", text)
    assert confidence is not None and 60 <= int(confidence.group(1)) <= 100
    assert 'empty.csv</strong>: <span class="error-text">not imported. empty.csv is empty.' in text
    assert 'photo.csv</strong>: <span class="error-text">not imported.' in text
    assert "binary" in text and "../" not in text
    assert _posts(workspace) == 8
    assert not (workspace.root / "photo.csv").exists()
    assert not any((workspace.root / ".uploads").rglob("*.csv"))  # nothing left to retry


def test_rejects_page_shows_line_and_reason(client: Any) -> None:
    _upload(client, [(SMALL.name, SMALL.read_bytes())])
    history = client.get("/import").text
    link = re.search(r'href="(/import/[0-9a-f]+/rejects)"', history)
    assert link is not None
    page = client.get(link.group(1)).text
    assert "<td>10</td>" in page or '<td class="num">10</td>' in page  # line 10 of the file
    assert "not a date" in page
    assert client.get("/import/../../etc/rejects").status_code == 404
    assert client.get("/import/zzzz/rejects").status_code == 404


def test_unknown_format_offers_a_retry_with_a_chosen_format(client: Any, workspace: Any) -> None:
    lines = SMALL.read_text(encoding="utf-8").splitlines()
    renamed = "\n".join([lines[0].replace("Post ID", "Identifier")] + lines[1:]) + "\n"
    page = _upload(client, [("odd.csv", renamed.encode())]).text
    assert "not imported" in page and 'action="/import/retry"' in page
    batch = re.search(r'name="batch" value="([0-9a-f]+)"', page)
    assert batch is not None
    # a path that tries to leave the upload folder is refused, nothing imported
    r = client.post(
        "/import/retry",
        data={
            "csrf_token": client.csrf,
            "batch": batch.group(1),
            "file": "../socialproof.toml",
            "format": "meta-posts",
        },
    )
    assert r.status_code == 422 and "no longer here" in r.text
    r = client.post(
        "/import/retry",
        data={
            "csrf_token": client.csrf,
            "batch": "../../..",
            "file": "odd.csv",
            "format": "meta-posts",
        },
    )
    assert r.status_code == 422 and "does not exist" in r.text
    assert _posts(workspace) == 0


def test_form_errors_are_clear(client: Any) -> None:
    r = client.post("/import", data={"csrf_token": client.csrf})
    assert r.status_code == 422 and "No file was chosen" in r.text
    r = client.post(
        "/import",
        data={"csrf_token": client.csrf, "format": "tiktok-contnet"},
        files=[("files", ("a.csv", b"a,b\n1,2\n", "text/csv"))],
    )
    assert r.status_code == 422 and "Unknown format" in r.text and "tiktok-content" in r.text
    r = client.post(
        "/import",
        data={"csrf_token": client.csrf, "mapping": "../../secrets.yaml"},
        files=[("files", ("a.csv", b"a,b\n1,2\n", "text/csv"))],
    )
    assert r.status_code == 422 and "no saved mapping" in r.text


def test_undo_from_the_history_and_forged_token(client: Any, workspace: Any) -> None:
    _upload(client, [(SMALL.name, SMALL.read_bytes())])
    history = client.get("/import").text
    action = re.search(r'action="(/import/[0-9a-f]+/undo)"', history)
    assert action is not None
    assert '<a href="/accounts">Rename or merge accounts</a>' in history  # wrong account?
    r = client.post(action.group(1), data={"csrf_token": "forged"})
    assert r.status_code == 403 and _posts(workspace) == 8
    r = client.post(action.group(1), data={"csrf_token": client.csrf}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "8 rows removed" in page and "Undone imports" in page
    assert _posts(workspace) == 0
    assert list(workspace.imports_dir.glob("*.csv"))  # the archive stays
    # the flash message shows once
    assert "Undid the import" in page
    assert "Undid the import" not in client.get("/import").text


def test_undo_of_an_import_that_updated_rows_asks_for_force(client: Any, workspace: Any) -> None:
    _upload(client, [(SMALL.name, SMALL.read_bytes())])
    lines = SMALL.read_text(encoding="utf-8").splitlines()
    changed = [lines[0]] + [line.replace(",Lifetime,", ",Lifetime,9") for line in lines[1:4]]
    newer = ("\n".join(changed) + "\n").encode()
    _upload(client, [("newer.csv", newer)])
    action = f"/import/{hashlib.sha256(newer).hexdigest()[:12]}/undo"
    assert f'action="{action}"' in client.get("/import").text
    refused = client.post(action, data={"csrf_token": client.csrf})
    assert refused.status_code == 409 and "updated 3 rows" in refused.text
    assert _posts(workspace) == 8  # nothing changed
    assert 'name="force" value="yes"' in refused.text
    r = client.post(
        action,
        data={"csrf_token": client.csrf, "force": "yes"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and _posts(workspace) == 5


def test_the_same_file_uploaded_again_says_so_by_its_own_name(client: Any) -> None:
    _upload(client, [(SMALL.name, SMALL.read_bytes())])
    page = re.sub(r"\s+", " ", _upload(client, [(SMALL.name, SMALL.read_bytes())]).text)
    assert "already imported." in page
    assert "as <strong></strong>" not in page and "confidence 0 %" not in page
    # the note names the file as the person knows it, not the server's upload folders
    note = f"{SMALL.name} was imported before (as meta-posts from {SMALL.name}); nothing added."
    assert note in page, page
    assert ".uploads" not in page


def test_undo_of_one_member_of_a_zip_names_that_member(client: Any, workspace: Any) -> None:
    import io
    import zipfile

    care = ["tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"]
    care += [
        f"{i},member{i},True,Mon Mar 02 10:{i % 60:02d}:00 +0000 2026,question {i},,"
        for i in range(1, 1001)
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(SMALL.name, SMALL.read_bytes())
        z.writestr("care.csv", "\n".join(care) + "\n")
    _upload(client, [("bundle.zip", buf.getvalue())])
    history = client.get("/import").text
    assert "bundle.zip › care.csv" in history
    digest = hashlib.sha256(("\n".join(care) + "\n").encode()).hexdigest()[:12]
    r = client.post(
        f"/import/{digest}/undo", data={"csrf_token": client.csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "Undid the import of bundle.zip › care.csv: 1,000 rows removed." in page
    assert _posts(workspace) == 8  # the other member stays


def test_rejects_page_lists_a_page_at_a_time_and_downloads_them_all(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv
    import io

    from socialproof.web.pages import imports

    monkeypatch.setattr(imports, "REJECTS_SHOWN", 2)
    head = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"
    good = "1,ann,True,Mon Mar 02 10:00:00 +0000 2026,hello,,"
    bad = [f"{i},=HYPERLINK(1),True,not a date {i},-{i} off,," for i in range(2, 7)]
    body = "\n".join([head, good, *bad]) + "\n"
    _upload(client, [("care.csv", body.encode())])
    digest = hashlib.sha256(body.encode()).hexdigest()[:12]
    first = client.get(f"/import/{digest}/rejects").text
    assert "5 rows rejected; listed: 1 to 2." in first and "Page 1 of 3" in first
    assert "not a date 2" in first and "not a date 4" not in first
    assert f'href="/import/{digest}/rejects?page=2" rel="next"' in first
    last = client.get(f"/import/{digest}/rejects?page=3").text
    assert "listed: 5 to 5." in last and "not a date 6" in last and 'rel="next"' not in last
    assert "listed: 5 to 5." in client.get(f"/import/{digest}/rejects?page=99").text
    got = client.get(f"/import/{digest}/rejects.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [r["Line"] for r in rows] == ["3", "4", "5", "6", "7"]  # every one, by file line
    assert rows[0]["Row as read"].startswith("2,")  # a row that is not a formula stays as is
    assert client.get("/import/zzzz/rejects.csv").status_code == 404


def test_rejected_rows_download_neutralises_formulas(client: Any) -> None:
    import csv
    import io

    head = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"
    good = "1,ann,True,Mon Mar 02 10:00:00 +0000 2026,hello,,"
    body = f'{head}\n{good}\n"=1+2",bob,True,,"@x",,\n'
    _upload(client, [("care.csv", body.encode())])
    digest = hashlib.sha256(body.encode()).hexdigest()[:12]
    rows = list(csv.DictReader(io.StringIO(client.get(f"/import/{digest}/rejects.csv").text)))
    assert len(rows) == 1 and rows[0]["Row as read"].startswith("'=1+2")


def test_a_file_whose_every_row_is_rejected_is_not_imported(client: Any) -> None:
    head = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"
    bad = [f"{i},ann,True,not a date {i},hello,," for i in range(2, 5)]
    body = "\n".join([head, *bad]) + "\n"
    page = re.sub(r"\s+", " ", _upload(client, [("care.csv", body.encode())]).text)
    assert (
        'care.csv</strong>: <span class="error-text">not imported. care.csv: nothing imported, '
        "all 3 of its rows were rejected (line 2:"
    ) in page
    digest = hashlib.sha256(body.encode()).hexdigest()
    assert f'href="/import/{digest}/rejects">See its 3 rejected rows</a>' in page
    assert "not a date 4" in client.get(f"/import/{digest}/rejects").text
    history = client.get("/import").text.split('aria-labelledby="history"', 1)[1]
    assert digest[:12] not in history and "care.csv" not in history


def test_an_imports_notes_are_in_browser_words(client: Any) -> None:
    """The note on dates without a year said 'pass --year'; the page has a Year field."""
    body = (
        b'Date,Video Views,Profile Views,Likes,Comments,Shares\n"December 30",1200,45,300,12,8\n'
        b'"December 31",2400,60,410,20,11\nJanuary 1,900,30,200,5,3\n'
    )
    page = _upload(client, [("Overview.csv", body)], format="tiktok-overview", account="acme")
    text = re.sub(r"\s+", " ", page.text)
    assert "Dates without a year were placed in" in text, text
    assert (
        "import the file again with its Year" in text
        and "under the Import page&#39;s Options" in text
    )
    assert "--year" not in text


def test_the_history_shows_one_formats_imports(client: Any, workspace: Any) -> None:
    """'socialproof imports --only FORMAT' had no browser equivalent."""
    import html
    import re

    from socialproof.ingest.importer import import_paths, read_context

    data = SMALL.parent
    ctx = read_context(workspace, account="acme")
    for name in ("meta_ads_two_weeks.csv", "instagram_posts_small.csv"):
        (s,) = import_paths(workspace, [data / name], ctx=ctx)
        assert s.status == "imported", s.error
    every = client.get("/import").text.split('id="history"', 1)[1]
    assert "meta_ads_two_weeks.csv" in every and "instagram_posts_small.csv" in every
    ads = client.get("/import", params={"only": "meta-ads"})
    assert ads.status_code == 200
    history = ads.text.split('id="history"', 1)[1]
    assert "meta_ads_two_weeks.csv" in history and "instagram_posts_small.csv" not in history
    assert re.search(r'<option value="meta-ads" selected>', ads.text)
    refused = client.get("/import", params={"only": "<b>tiktok</b>"})
    assert refused.status_code == 422 and "<b>tiktok</b>" not in refused.text
    assert "There is no export format '<b>tiktok</b>'" in html.unescape(refused.text)
    field = re.search(r'<select id="only"[^>]*>', refused.text)
    assert field is not None and 'aria-invalid="true"' in field.group(0)
    assert "meta_ads_two_weeks.csv" not in refused.text.split('id="history"', 1)[1]
