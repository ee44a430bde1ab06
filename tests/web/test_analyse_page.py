"""Community > Analyse a file: sentiment, themes and moderation of an uploaded CSV or
pasted lines, as 'socialproof sentiment / themes / moderate FILE' give them."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any

import pytest
from tests.web.workbench_samples import axe_violations, open_page

# invented comments: two accounts repeat a text, a formula-looking one, a long one
COMMENTS = (
    "id,Handle,Comment,likes\n"
    "1,ann,I love the new app,3\n"
    "2,bob,checkout is broken again,0\n"
    '3,cat,"=HYPERLINK(""http://x.example"")",0\n'
    "4,dan,you idiot,1\n"
    "5,eve,buy now cheap followers http://spam.example,0\n"
    "6,eve,buy now cheap followers http://spam.example,0\n"
    "7,eve,buy now cheap followers http://spam.example,0\n"
    "8,fay,thanks for the quick reply,2\n"
)


def _upload(client: Any, name: str, body: str | bytes) -> Any:
    return client.post(
        "/community/analyse",
        data={"csrf_token": client.csrf},
        files={"file": (name, body, "text/csv")},
        follow_redirects=False,
    )


def _run(client: Any, where: str, **form: str) -> Any:
    r = client.post(where, data={"csrf_token": client.csrf, **form}, follow_redirects=False)
    assert r.status_code == 303, unescape(r.text)
    job = client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1])
    assert job.state == "done", job.error
    return r.headers["location"]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_upload_is_kept_in_the_upload_area_with_the_clis_column_guesses(
    client: Any, workspace: Any
) -> None:
    r = _upload(client, "../../comments.csv", COMMENTS)
    assert r.status_code == 303
    where = r.headers["location"]
    batch = where.split("/")[3]
    assert re.fullmatch(r"/community/analyse/[0-9a-f]{16}/comments\.csv", where)
    kept = workspace.root / ".uploads" / batch / "comments.csv"  # the name cannot climb out
    assert kept.read_text(encoding="utf-8") == COMMENTS
    page = client.get(where).text
    # the text column the CLI reads by default (comment) and the author (handle)
    assert '<option value="Comment" selected>' in page
    assert '<option value="Handle" selected>' in page
    assert '<option value="likes">' in page
    assert client.get("/community/analyse/" + batch + "/other.csv").status_code == 404
    assert client.get("/community/analyse/nothex/comments.csv").status_code in (400, 404)
    # a name that climbs out of the upload folder names nothing, and deletes nothing
    for name in ("..%2F..%2Fsocialproof.toml", "%2E%2E%2Fsocialproof.toml", ".socialproof.toml"):
        assert client.get(f"/community/analyse/{batch}/{name}").status_code in (400, 404)
        r = client.post(
            f"/community/analyse/{batch}/{name}/delete", data={"csrf_token": client.csrf}
        )
        assert r.status_code in (400, 404, 405)
    assert (workspace.root / "socialproof.toml").is_file() and kept.is_file()


def test_sentiment_of_a_csv_column_pages_and_downloads_formula_safe(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.community import sentiment
    from socialproof.web.pages import analyse

    where = _upload(client, "comments.csv", COMMENTS).headers["location"]
    result = _run(client, where, task="sentiment", column="Comment")
    expected = sentiment.load().predict(["I love the new app", "checkout is broken again"])
    monkeypatch.setattr(analyse, "PAGE", 3)
    first = client.get(result).text
    text = _text(first)
    assert "8 texts:" in text and "net sentiment" in text
    assert "Results 1 to 3 of 8, in file order" in text and "Page 1 of 3" in text
    assert "I love the new app" in text and "thanks for the quick reply" not in text
    assert f'href="{result}?page=2" rel="next"' in first
    last = _text(client.get(result + "?page=3").text)
    assert "thanks for the quick reply" in last and "Results 7 to 8 of 8" in last
    assert "There are 3 pages of results, not 9." in _text(client.get(result + "?page=9").text)
    got = client.get(result + "/result.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert 'filename="comments-sentiment.csv"' in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [r["row"] for r in rows] == [str(i) for i in range(1, 9)]  # every row, not a page
    assert rows[2]["text"] == '\'=HYPERLINK("http://x.example")'  # neutralised
    assert [(r["label"], float(r["score"])) for r in rows[:2]] == expected  # the CLI's model
    assert [r["label"] for r in rows[:2]] == ["positive", "negative"]
    assert client.get(result + "/result.xlsx").content[:2] == b"PK"
    assert client.get(result + "/result.pdf").status_code in (400, 422)


def test_moderation_counts_repeats_per_chosen_author(client: Any) -> None:
    where = _upload(client, "comments.csv", COMMENTS).headers["location"]
    per_author = _run(client, where, task="moderate", column="Comment", author="Handle")
    flagged = list(
        csv.DictReader(io.StringIO(client.get(per_author + "/result.csv?flagged=1").text))
    )
    eve = [r for r in flagged if r["text"].startswith("buy now")]
    assert [r["row"] for r in eve] == ["5", "6", "7"]
    assert all(r["spam"] == "True" for r in eve)
    page = _text(client.get(per_author + "?flagged=1").text)
    assert "Only flagged texts." in page and "I love the new app" not in page
    # without the author column, the page says copies anywhere count (as the CLI does)
    anyone = _run(client, where, task="moderate", column="Comment", author="")
    assert "choose the author column to count copies per author" in _text(client.get(anyone).text)
    assert "by this author" not in client.get(anyone + "/result.csv").text


def test_moderation_uses_the_workspaces_rules_when_it_has_them(client: Any, workspace: Any) -> None:
    """The page flagged under the packaged rules while the workspace's moderation queue
    used its own moderation.yaml (a blocked term of the team's was not flagged)."""
    pasted = "the pineapple promo is here\nthanks for the quick reply"

    def flagged() -> tuple[list[dict[str, str]], str]:
        r = client.post(
            "/community/analyse",
            data={"csrf_token": client.csrf, "pasted": pasted},
            follow_redirects=False,
        )
        result = _run(client, r.headers["location"], task="moderate")
        rows = csv.DictReader(io.StringIO(client.get(result + "/result.csv?flagged=1").text))
        return list(rows), _text(client.get(result).text)

    rows, page = flagged()
    assert rows == [] and "packaged moderation rules" in page
    (workspace.root / "moderation.yaml").write_text(
        "blocked_terms:\n  spam: [pineapple promo]\n", encoding="utf-8"
    )
    rows, page = flagged()
    assert [r["text"] for r in rows] == ["the pineapple promo is here"]
    assert rows[0]["spam"] == "True" and "pineapple promo" in rows[0]["reasons"]
    assert "the workspace's moderation rules (moderation.yaml)" in page
    (workspace.root / "moderation.yaml").write_text("links: [unclosed\n", encoding="utf-8")
    r = client.post(
        "/community/analyse",
        data={"csrf_token": client.csrf, "pasted": pasted},
        follow_redirects=False,
    )
    r = client.post(
        r.headers["location"],
        data={"csrf_token": client.csrf, "task": "moderate"},
        follow_redirects=False,
    )
    job = client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1])
    assert job.state == "failed" and "moderation.yaml" in str(job.error)


def test_themes_of_pasted_lines_with_a_chosen_number(client: Any) -> None:
    lines = ["refund please", "refund still missing", "app crashes", "app crashes on login"]
    r = client.post(
        "/community/analyse",
        data={"csrf_token": client.csrf, "pasted": "\r\n".join(lines * 3)},
        follow_redirects=False,
    )
    where = r.headers["location"]
    assert where.endswith("/pasted%20text.txt")
    page = client.get(where).text
    assert 'name="column"' not in page and "one text per line" in page
    bad = client.post(where, data={"csrf_token": client.csrf, "task": "themes", "k": "1"})
    assert bad.status_code in (400, 422) and "not a whole number of 2 or more" in bad.text
    assert 'id="task-themes" name="task" value="themes" checked' in bad.text  # kept
    result = _run(client, where, task="themes", k="2")
    text = _text(client.get(result).text)
    assert "2 themes (given) over 12 texts" in text and "Themes, largest first" in text
    rows = list(csv.DictReader(io.StringIO(client.get(result + "/result.csv").text)))
    assert len(rows) == 12 and {r["theme"] for r in rows} == {"0", "1"}
    same = {r["text"]: r["theme"] for r in rows}
    assert len({same[t] for t in lines if t.startswith("refund")}) == 1


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"task": "translate", "column": "Comment"}, "Choose an analysis"),
        ({"task": "sentiment", "column": "Nope"}, "has no column 'Nope'"),
        ({"task": "moderate", "column": "Comment", "author": "Nope"}, "no column 'Nope' for"),
    ],
)
def test_wrong_choices_are_refused_and_nothing_runs(
    client: Any, form: dict[str, str], says: str
) -> None:
    where = _upload(client, "comments.csv", COMMENTS).headers["location"]
    r = client.post(where, data={"csrf_token": client.csrf, **form})
    assert r.status_code in (400, 422) and says in unescape(r.text)
    assert not client.app_state.jobs.all()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("", "Choose a file or paste some text"),
        ("both", "not both"),
    ],
)
def test_upload_form_refuses_nothing_and_both(client: Any, body: str, says: str) -> None:
    files = {"file": ("a.txt", b"hello\n", "text/plain")} if body == "both" else None
    r = client.post(
        "/community/analyse",
        data={"csrf_token": client.csrf, "pasted": "hi" if body else ""},
        files=files,
    )
    assert r.status_code == 422 and says in r.text and 'aria-invalid="true"' in r.text


def test_a_file_that_fails_says_why_in_the_job(client: Any, workspace: Any) -> None:
    where = _upload(client, "empty.txt", b"   \n\n").headers["location"]
    r = client.post(
        where, data={"csrf_token": client.csrf, "task": "sentiment"}, follow_redirects=False
    )
    job = client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1])
    assert job.state == "failed" and "empty.txt is empty" in str(job.error)
    headerless = _upload(client, "blank.csv", b",\n1,2\n").headers["location"]
    page = client.get(headerless)
    assert page.status_code == 400 and "has no header row" in page.text
    assert "Delete this file" in page.text


def test_a_binary_upload_is_refused_before_the_analysis(client: Any) -> None:
    """A spreadsheet uploaded by mistake was read as lines of text and scored as garbage."""
    workbook = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 64
    for name in ("comments.xlsx", "comments.csv"):
        page = client.get(_upload(client, name, workbook).headers["location"])
        assert page.status_code == 400 and f"{name} is not a text file" in page.text
        assert "Analyse</button>" not in page.text and "Delete this file" in page.text


def test_delete_removes_the_upload(client: Any, workspace: Any) -> None:
    where = _upload(client, "comments.csv", COMMENTS).headers["location"]
    folder = workspace.root / ".uploads" / where.split("/")[3]
    r = client.post(where + "/delete", data={"csrf_token": client.csrf}, follow_redirects=True)
    assert r.status_code == 200 and "Deleted comments.csv from the workspace." in r.text
    assert not folder.exists()
    assert client.get(where).status_code == 404


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_analyse_a_file_in_the_browser(
    browser: Any, live_server: Any, tmp_path: Any, width: int
) -> None:
    """Keyboard and mouse: upload, keep the guessed column, choose moderation, read the
    paged result; axe finds nothing on each page."""
    upload = tmp_path / "comments.csv"
    upload.write_text(COMMENTS, encoding="utf-8")
    page = open_page(browser, live_server.url + "/community/analyse", width=width, for_axe=True)
    try:
        assert axe_violations(page) == []
        page.get_by_label("A CSV file").set_input_files(str(upload))
        page.get_by_role("button", name="Upload and choose the analysis").click()
        page.get_by_label("Column that holds the texts").wait_for()
        assert page.get_by_label("Column that holds the texts").input_value() == "Comment"
        assert page.get_by_label("Author column").input_value() == "Handle"
        assert axe_violations(page) == []
        page.get_by_label("Moderation: spam and toxic").focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Analyse", exact=True).focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/community/analysis/*")
        job = live_server.app.state.jobs.wait(page.url.rsplit("/", 1)[1], timeout=120)
        assert job.state == "done", job.error
        page.get_by_role("link", name="Show only flagged texts").wait_for(timeout=30_000)
        assert "8 texts:" in page.locator("#main").inner_text()
        assert axe_violations(page) == []
        page.get_by_role("link", name="Show only flagged texts").click()
        page.get_by_text("Only flagged texts.").wait_for()
        assert "I love the new app" not in page.locator("#main").inner_text()
    finally:
        page.context.close()


@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_more_than_a_megabyte_of_pasted_text_is_taken(
    client: Any, workspace: Any, multipart: bool
) -> None:
    """A form field over Starlette's 1 MB default was refused: "Field exceeded maximum size
    of 1024KB" (urlencoded), or as a missing security token (multipart, the browser's)."""
    pasted = "the parcel never came, again\n" * 50_000  # 1.45 MB
    files = {"file": ("", b"", "application/octet-stream")} if multipart else None
    r = client.post(
        "/community/analyse",
        data={"csrf_token": client.csrf, "pasted": pasted},
        files=files,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[-300:]
    batch = r.headers["location"].split("/")[3]
    kept = workspace.root / ".uploads" / batch / "pasted text.txt"
    assert kept.read_text(encoding="utf-8") == pasted
