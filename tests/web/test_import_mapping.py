"""The import page's answer to a file no format recognises: import it as the closest
format, or map its columns on a form (saved in mappings/, imported with it)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

#: invented: a tool's post export socialproof has never seen (3 posts, 12 likes in all)
TOOTS = (
    b"Ident,When,Words,Hearts,Boosted\n"
    b"A1,2026-03-01 10:00,hello there,5,1\n"
    b"A2,2026-03-02 11:30,second one,7,0\n"
    b"A3,2026-03-03 09:15,third,0,2\n"
)
#: invented: close to a Meta posts export, too thin to be detected as one
THIN_META = b"Post ID,Publish time,Likes\n1001,03/01/2026 10:00,5\n1002,03/02/2026 11:00,7\n"


def _upload(client: Any, name: str, body: bytes) -> str:
    r = client.post(
        "/import",
        data={"csrf_token": client.csrf},
        files=[("files", (name, body, "text/csv"))],
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return _finished(client, r.headers["location"])


def _finished(client: Any, location: str) -> str:
    client.app_state.jobs.wait(location.rsplit("/", 1)[1])
    return str(client.get(location).text)


def _map_link(page: str) -> str:
    link = re.search(r'href="(/import/map\?[^"]+)"', page)
    assert link is not None, page
    return html.unescape(link.group(1))


def _field(page: str, name: str) -> str:
    """The chosen option of select ``name`` (or the value of input ``name``)."""
    select = re.search(rf'<select id="[^"]*" name="{name}"[^>]*>(.*?)</select>', page, re.S)
    if select:
        chosen = re.search(r'<option value="([^"]*)" selected>', select.group(1))
        return html.unescape(chosen.group(1)) if chosen else ""
    value = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert value is not None, name
    return html.unescape(value.group(1))


def _hidden(page: str) -> dict[str, str]:
    return {
        k: html.unescape(v)
        for k, v in re.findall(r'type="hidden" name="(batch|file)" value="([^"]*)"', page)
    }


def _posts(ws: Any) -> list[dict[str, Any]]:
    from socialproof.workspace import engine

    with ws.ibis() as con:
        if "posts" not in con.list_tables():
            return []
        return list(engine.table(con, "posts").execute().to_dict("records"))


def _mapped(**extra: str) -> dict[str, str]:
    form = {
        "table": "posts",
        "col-post_id": "Ident",
        "col-published_at": "When",
        "col-text": "Words",
        "col-reactions": "Hearts",
        "col-shares": "Boosted",
        "const-platform": "mastodon",
        "const-account": "acme",
        "dayfirst": "",
        "name": "toots.yaml",
    }
    form.update(extra)
    return form


def test_an_unrecognised_upload_offers_the_mapping_form(client: Any) -> None:
    page = _upload(client, "toots.csv", TOOTS)
    assert "not imported" in page and "no known format recognises its columns" in page
    # the terminal's words are not on the page; its controls are
    assert "Pass --format" not in page and "socialproof mapping new" not in page
    assert "Import it as a format below, or map its columns." in page
    form = client.get(_map_link(page)).text
    assert "Map the columns of toots.csv" in form
    for column in ("Ident", "When", "Words", "Hearts", "Boosted"):
        assert f'<option value="{column}"' in form
    # pre-filled with the guesses 'mapping new' writes: Hearts are likes (reactions)
    assert _field(form, "table") == "posts"
    assert _field(form, "col-reactions") == "Hearts"
    assert _field(form, "col-post_id") == ""
    assert _field(form, "name") == "toots.yaml"
    assert "(whole number)" in form and "(date and time)" in form and "varchar" not in form


def test_a_valid_mapping_is_saved_and_imports_the_rows(client: Any, workspace: Any) -> None:
    from socialproof.ingest.generic import load_mapping

    page = _upload(client, "toots.csv", TOOTS)
    where = _hidden(client.get(_map_link(page)).text)
    r = client.post(
        "/import/map",
        data={"csrf_token": client.csrf, **where, **_mapped()},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    done = re.sub(r"\s+", " ", _finished(client, r.headers["location"]))
    assert "imported as <strong>Generic table with a YAML column mapping" in done
    assert "3 rows read, 3 new, 0 updated, 0 rejected" in done
    rows = sorted(_posts(workspace), key=lambda p: p["post_id"])
    assert [p["post_id"] for p in rows] == ["A1", "A2", "A3"]
    assert [p["reactions"] for p in rows] == [5, 7, 0]
    assert [p["shares"] for p in rows] == [1, 0, 2]
    assert {p["platform"] for p in rows} == {"mastodon"}
    assert {p["account"] for p in rows} == {"acme"}
    assert rows[1]["text"] == "second one"
    assert str(rows[1]["published_at"]).startswith("2026-03-02 11:30")
    saved = load_mapping(workspace.root / "mappings" / "toots.yaml")
    assert saved.table == "posts" and saved.columns["post_id"] == "Ident"
    assert saved.constants == {"platform": "mastodon", "account": "acme"}
    # the saved mapping can be chosen for the next upload; the upload folder is tidied
    assert '<option value="toots.yaml">' in client.get("/import").text
    assert not any((workspace.root / ".uploads").rglob("*.csv"))


def test_a_mapping_missing_a_needed_field_is_refused_with_the_form_kept(
    client: Any, workspace: Any
) -> None:
    page = _upload(client, "toots.csv", TOOTS)
    where = _hidden(client.get(_map_link(page)).text)
    r = client.post(
        "/import/map", data={"csrf_token": client.csrf, **where, **_mapped(**{"col-post_id": ""})}
    )
    assert r.status_code == 422
    assert "Each row of posts needs post id." in r.text
    assert re.search(r'name="col-post_id" aria-invalid="true"', r.text)
    assert _field(r.text, "col-reactions") == "Hearts"
    assert _field(r.text, "col-shares") == "Boosted"
    assert _field(r.text, "const-platform") == "mastodon"
    assert _field(r.text, "name") == "toots.yaml"
    assert not (workspace.root / "mappings").exists() or not any(
        (workspace.root / "mappings").iterdir()
    )
    assert _posts(workspace) == []
    # the file stays in the upload folder, to map again
    assert any((workspace.root / ".uploads").rglob("toots.csv"))


def test_the_form_checks_as_a_mapping_file_is_checked(client: Any, workspace: Any) -> None:
    page = _upload(client, "toots.csv", TOOTS)
    where = _hidden(client.get(_map_link(page)).text)

    def post(**extra: str) -> Any:
        data = {"csrf_token": client.csrf, **where, **_mapped(**extra)}
        return client.post("/import/map", data=data, follow_redirects=False)

    r = post(dayfirst="maybe")  # forged: load_mapping's own message, named by the mapping
    assert r.status_code == 422 and "toots.yaml: &#39;dayfirst&#39; must be true or false" in r.text
    assert ".part" not in r.text and str(workspace.root) not in r.text
    r = post(table="tweets")
    assert r.status_code == 422 and "&#39;table&#39; must be one of posts" in r.text
    r = post(**{"col-reactions": "Nope"})
    assert r.status_code == 422 and "toots.csv has no column &#39;Nope&#39;" in r.text
    r = post(name="../../socialproof.toml")  # a name is a file name in mappings/
    assert r.status_code == 303
    _finished(client, r.headers["location"])
    assert (workspace.root / "mappings" / "socialproof.toml.yaml").is_file()
    assert list((workspace.root / "mappings").glob(".*")) == []


def test_a_saved_name_is_not_overwritten_unless_asked(client: Any, workspace: Any) -> None:
    folder = workspace.root / "mappings"
    folder.mkdir()
    (folder / "toots.yaml").write_text("table: posts\ncolumns:\n  post_id: ID\n")
    page = _upload(client, "toots.csv", TOOTS)
    where = _hidden(client.get(_map_link(page)).text)
    r = client.post("/import/map", data={"csrf_token": client.csrf, **where, **_mapped()})
    assert r.status_code == 422 and "A mapping named toots.yaml is already saved" in r.text
    assert "post_id: ID" in (folder / "toots.yaml").read_text()
    r = client.post(
        "/import/map",
        data={"csrf_token": client.csrf, **where, **_mapped(replace="yes")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    _finished(client, r.headers["location"])
    assert "post_id: Ident" in (folder / "toots.yaml").read_text()


def test_column_names_are_escaped(client: Any) -> None:
    body = b"<script>alert(1)</script>,Hearts\nx,5\n"
    page = _upload(client, "odd.csv", body)
    assert "<script>alert" not in page
    form = client.get(_map_link(page)).text
    assert "<script>alert" not in form
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in form


def test_import_as_the_closest_format(client: Any, workspace: Any) -> None:
    page = _upload(client, "thin.csv", THIN_META)
    assert "not imported" in page
    form = client.get(_map_link(page)).text
    offer = re.search(r'<form method="post" action="/import/retry".*?</form>', form, re.S)
    assert offer is not None and "Import it as Meta" in offer.group(0)
    data = dict(re.findall(r'type="hidden" name="([a-z_]+)" value="([^"]*)"', offer.group(0)))
    assert data["format"] == "meta-posts" and 'name="account"' in offer.group(0)
    # the file does not say whose it is: the page says how to tell it, in its own words
    r = client.post("/import/retry", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    done = re.sub(r"\s+", " ", _finished(client, r.headers["location"]))
    assert "does not say which facebook account it belongs to" in done
    assert "Upload it again with its Account filled in under Options, or set" in done
    assert "--account" not in done and "socialproof.toml" not in done
    page = _upload(client, "thin.csv", THIN_META)
    form = client.get(_map_link(page)).text
    offer = re.search(r'<form method="post" action="/import/retry".*?</form>', form, re.S)
    assert offer is not None
    data = dict(re.findall(r'type="hidden" name="([a-z_]+)" value="([^"]*)"', offer.group(0)))
    r = client.post("/import/retry", data={**data, "account": "acme"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    done = re.sub(r"\s+", " ", _finished(client, r.headers["location"]))
    assert "2 rows read, 2 new" in done
    assert sorted(p["reactions"] for p in _posts(workspace)) == [5, 7]


def test_the_mapping_page_refuses_a_forged_upload(client: Any, workspace: Any) -> None:
    r = client.get("/import/map", params={"batch": "../..", "file": "socialproof.toml"})
    assert r.status_code == 422 and "does not exist" in r.text
    r = client.get("/import/map", params={"batch": "0" * 16, "file": "../socialproof.toml"})
    assert r.status_code == 422 and "no longer here" in r.text
    r = client.post(
        "/import/map",
        data={"csrf_token": client.csrf, "batch": "0" * 16, "file": "a.csv", "table": "posts"},
    )
    assert r.status_code == 422 and "no longer here" in r.text
    # a form posted from elsewhere (no CSRF token) saves nothing
    page = _upload(client, "toots.csv", TOOTS)
    where = _hidden(client.get(_map_link(page)).text)
    r = client.post("/import/map", data={**where, **_mapped()})
    assert r.status_code == 403
    assert not (workspace.root / "mappings").exists()


def test_an_ad_stats_mapping_needs_every_date_of_the_key(client: Any, workspace: Any) -> None:
    """The form asks for what the import would refuse (date_stop is part of the ad_stats
    key), before saving anything."""
    body = b"Promo,Day,Cost\nSpring,2026-03-01,12.5\nSpring,2026-03-02,7.25\n"
    page = _upload(client, "ads.csv", body)
    link = _map_link(page)
    form = client.get(link + "&table=ad_stats").text
    where = _hidden(form)
    assert _field(form, "table") == "ad_stats" and _field(form, "col-spend") == "Cost"
    data = {
        "csrf_token": client.csrf,
        **where,
        "table": "ad_stats",
        "col-campaign": "Promo",
        "col-date_start": "Day",
        "col-spend": "Cost",
        "const-platform": "meta",
        "const-account": "acme",
        "name": "ads.yaml",
    }
    r = client.post("/import/map", data=data)
    assert r.status_code == 422 and "Each row of ad stats needs date stop." in r.text
    assert not (workspace.root / "mappings" / "ads.yaml").exists()
    r = client.post("/import/map", data={**data, "col-date_stop": "Day"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    done = re.sub(r"\s+", " ", _finished(client, r.headers["location"]))
    assert "2 rows read, 2 new" in done
    from socialproof.workspace import engine

    with workspace.ibis() as con:
        spend = engine.table(con, "ad_stats").spend.sum().execute()
    assert spend == 19.75


def test_a_rate_written_in_percent(client: Any, workspace: Any) -> None:
    from socialproof.ingest.generic import load_mapping

    body = b"Ident,When,Rate\nB1,2026-03-01 10:00,1.5\nB2,2026-03-02 10:00,12\n"
    page = _upload(client, "rates.csv", body)
    where = _hidden(client.get(_map_link(page)).text)
    data = {
        "csrf_token": client.csrf,
        **where,
        "table": "posts",
        "col-published_at": "When",
        "col-reported_engagement_rate": "Rate",
        "pct-reported_engagement_rate": "yes",
        "const-platform": "mastodon",
        "const-account": "acme",
        "name": "rates.yaml",
    }
    r = client.post("/import/map", data=data)  # no post id: refused, the box still ticked
    assert r.status_code == 422
    assert re.search(r'name="pct-reported_engagement_rate" value="yes" checked', r.text)
    r = client.post("/import/map", data={**data, "col-post_id": "Ident"}, follow_redirects=False)
    assert r.status_code == 303
    _finished(client, r.headers["location"])
    assert load_mapping(workspace.root / "mappings" / "rates.yaml").percent == (
        "reported_engagement_rate",
    )
    rates = sorted(p["reported_engagement_rate"] for p in _posts(workspace))
    assert rates == pytest.approx([0.015, 0.12])
