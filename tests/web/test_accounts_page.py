"""The Accounts page: the list ``socialproof accounts`` shows, and rename and merge
through a confirmation step, with the library's checks in words for a browser."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest

from socialproof.workspace.accounts import list_accounts

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def accounts(workspace: Any, insert: Any) -> Any:
    """Invented rows: two tiktok creators with the same two days (different figures), two
    x posts of 'acme' and one without an account."""
    daily = [
        {
            "platform": "tiktok",
            "account": account,
            "date": dt.date(2026, 4, d),
            "metric": m,
            "value": value * d,
            "import_id": "test",
        }
        for account, value in (("creator.one", 10.0), ("creator.two", 100.0))
        for d in (1, 2)
        for m in ("views", "likes")
    ]
    insert("account_daily", daily)
    insert("posts", [
        {"platform": "x", "account": "acme", "post_id": "1", "views": 5, "import_id": "test",
         "published_at": dt.datetime(2026, 3, 2, 9)},
        {"platform": "x", "account": "acme", "post_id": "2", "views": 7, "import_id": "test",
         "published_at": dt.datetime(2026, 3, 5, 9)},
        {"platform": "x", "post_id": "3", "views": 1, "import_id": "test"},
    ])  # fmt: skip
    return workspace


def _listed(ws: Any) -> list[tuple[str, str, int, int]]:
    return [(r["platform"], r["account"], r["posts"], r["daily values"]) for r in list_accounts(ws)]


def _messages(page: str) -> str:
    box = re.search(r'<div id="messages".*?</div>', page, re.S)
    assert box
    return html.unescape(re.sub(r"<[^>]+>", " ", box.group(0)))


def test_the_list_shows_what_the_cli_lists(client: Any, accounts: Any) -> None:
    page = client.get("/accounts")
    assert page.status_code == 200
    text = page.text
    assert '<a href="/accounts" aria-current="page">Accounts</a>' in text
    rows = re.findall(
        r"<tr>\s*<td>(\w+)</td>\s*<th scope=\"row\">([^<]+)</th>(.*?)</tr>", text, re.S
    )
    cells = [(p, a, re.findall(r">([^<]*)</td>", rest)) for p, a, rest in rows]
    # posts, daily values, post daily values, ad rows, first day, last day
    assert cells == [
        ("tiktok", "creator.one", ["0", "4", "0", "0", "2026-04-01", "2026-04-02"]),
        ("tiktok", "creator.two", ["0", "4", "0", "0", "2026-04-01", "2026-04-02"]),
        ("x", "(none)", ["1", "0", "0", "0", "", ""]),
        ("x", "acme", ["2", "0", "0", "0", "2026-03-02", "2026-03-05"]),
    ]
    # a merge is offered only into another account of the same platform
    merge_forms = re.findall(r'action="/accounts/merge".*?</form>', text, re.S)
    assert len(merge_forms) == 3  # the two creators, and (none) into acme; not acme into (none)
    assert "No other x account to merge it into." in text


def test_an_empty_workspace_says_to_import_first(client: Any) -> None:
    page = client.get("/accounts").text
    assert "No accounts yet" in page and 'href="/import"' in page


def test_rename_asks_first_then_renames(client: Any, accounts: Any) -> None:
    form = {"csrf_token": client.csrf, "platform": "x", "account": "acme", "new": " Acme Co "}
    ask = client.post("/accounts/rename", data=form)
    assert ask.status_code == 200
    assert "Its 2 rows will carry the new name" in ask.text
    assert "<li>2 posts</li>" in ask.text
    assert "rename the account back" in ask.text
    assert 'name="confirm" value="yes"' in ask.text
    assert _listed(accounts)[3] == ("x", "acme", 2, 0)  # nothing changed yet

    done = client.post("/accounts/rename", data={**form, "confirm": "yes"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/accounts"
    page = client.get("/accounts")
    assert "Renamed the x account 'acme' to 'Acme Co': 2 rows." in _messages(page.text)
    assert ("x", "Acme Co", 2, 0) in _listed(accounts)
    assert ("x", "acme", 2, 0) not in _listed(accounts)


def test_rows_without_an_account_can_be_named(client: Any, accounts: Any) -> None:
    form = {"csrf_token": client.csrf, "platform": "x", "account": "(none)", "new": "acme-old"}
    r = client.post("/accounts/rename", data={**form, "confirm": "yes"}, follow_redirects=True)
    assert r.status_code == 200
    assert ("x", "acme-old", 1, 0) in _listed(accounts)
    assert all(a != "(none)" for _, a, _, _ in _listed(accounts))


def test_merge_asks_first_then_merges_keeping_the_targets_figures(
    client: Any, accounts: Any
) -> None:
    form = {
        "csrf_token": client.csrf,
        "platform": "tiktok",
        "account": "creator.one",
        "target": "creator.two",
    }
    ask = client.post("/accounts/merge", data=form)
    assert ask.status_code == 200
    text = html.unescape(ask.text)
    assert "Its 4 rows move to creator.two" in text
    assert "<li>4 daily values</li>" in text
    assert "creator.two has 4 daily values" in text
    assert "A merge cannot be undone" in text
    assert len(_listed(accounts)) == 4  # nothing changed yet

    done = client.post("/accounts/merge", data={**form, "confirm": "yes"}, follow_redirects=False)
    assert done.status_code == 303
    message = _messages(client.get("/accounts").text)
    assert (
        "Merged 'creator.one' into 'creator.two' on tiktok: 4 rows moved, 4 met a row "
        "'creator.two' had (4 with other figures; 'creator.two''s were kept)."
    ) in message
    assert [r for r in _listed(accounts) if r[0] == "tiktok"] == [("tiktok", "creator.two", 0, 4)]
    with accounts.connect() as con:
        views = con.execute(
            "SELECT sum(value) FROM account_daily WHERE metric = 'views'"
        ).fetchone()
    assert views == (300.0,)  # creator.two's 100 + 200: its figures were kept


@pytest.mark.parametrize(
    ("url", "change", "status", "said", "field"),
    [
        ("/accounts/rename", {"new": "   "}, 422, "The new name is empty.", "rename"),
        ("/accounts/rename", {"new": "a\tb"}, 422, "is not an account name", "rename"),
        ("/accounts/rename", {"new": "x" * 201}, 422, "is not an account name", "rename"),
        (
            "/accounts/rename",
            {"new": "creator.two"},
            422,
            "The tiktok account 'creator.two' exists already. To put its rows into that "
            "account, use Merge on this page instead.",
            "rename",
        ),
        (
            "/accounts/merge",
            {"target": "creator.one"},
            422,
            "Cannot merge the account 'creator.one' into itself. Choose another account",
            "merge",
        ),
        (
            "/accounts/merge",
            {"target": "nobody"},
            404,
            "The tiktok account 'nobody' does not exist. The list on this page shows",
            "merge",
        ),
        ("/accounts/merge", {"target": ""}, 422, "The account to merge into is empty.", "merge"),
    ],
)
@pytest.mark.parametrize("confirm", ["", "yes"])
def test_bad_input_comes_back_with_the_reason_and_changes_nothing(
    client: Any,
    accounts: Any,
    url: str,
    change: dict[str, str],
    status: int,
    said: str,
    field: str,
    confirm: str,
) -> None:
    before = _listed(accounts)
    form = {"csrf_token": client.csrf, "platform": "tiktok", "account": "creator.one"}
    r = client.post(url, data={**form, **change, "confirm": confirm})
    assert r.status_code == status
    message = _messages(r.text)
    assert said in message
    assert "--" not in message and "socialproof " not in message  # no command-line hints
    # the field of creator.one's form (the first account) is marked, and keeps the text
    marked = re.search(
        rf'id="{field}-1"[^>]*aria-invalid="true" aria-describedby="messages"', r.text
    )
    assert marked, r.text
    if field == "rename":
        assert f'id="rename-1" name="new" value="{html.escape(change["new"])}"' in r.text
    assert _listed(accounts) == before


@pytest.mark.parametrize("url", ["/accounts/rename", "/accounts/merge"])
def test_an_unknown_account_is_named_with_the_ones_there_are(
    client: Any, accounts: Any, url: str
) -> None:
    data = {"csrf_token": client.csrf, "platform": "tiktok", "account": "nobody",
            "new": "someone", "target": "creator.two", "confirm": "yes"}  # fmt: skip
    r = client.post(url, data=data)
    assert r.status_code == 404
    message = _messages(r.text)
    assert (
        "No tiktok account 'nobody' in this workspace (tiktok accounts: creator.one, creator.two)."
        in message
    )
    assert "The list on this page shows the accounts the workspace holds now." in message
    assert "aria-invalid" not in r.text  # no form of the page is that account's


def test_an_account_name_with_markup_is_shown_as_text(client: Any, accounts: Any) -> None:
    form = {"csrf_token": client.csrf, "platform": "x", "account": "acme", "new": SCRIPT}
    ask = client.post("/accounts/rename", data=form)
    assert ask.status_code == 200
    assert SCRIPT not in ask.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in ask.text
    done = client.post("/accounts/rename", data={**form, "confirm": "yes"}, follow_redirects=True)
    assert done.status_code == 200
    assert ("x", SCRIPT, 2, 0) in _listed(accounts)
    assert SCRIPT not in done.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in done.text
    # and it can be renamed back through its own form (the name travels escaped and back)
    back = {"csrf_token": client.csrf, "platform": "x", "account": SCRIPT, "new": "acme"}
    r = client.post("/accounts/rename", data={**back, "confirm": "yes"}, follow_redirects=False)
    assert r.status_code == 303
    assert ("x", "acme", 2, 0) in _listed(accounts)


def test_a_change_without_the_pages_token_is_refused(client: Any, accounts: Any) -> None:
    form = {"platform": "x", "account": "acme", "new": "other", "confirm": "yes"}
    assert client.post("/accounts/rename", data={**form, "csrf_token": "forged"}).status_code == 403
    assert ("x", "acme", 2, 0) in _listed(accounts)


def test_the_settings_page_links_to_the_accounts(client: Any) -> None:
    assert 'href="/accounts"' in client.get("/settings").text


@pytest.mark.parametrize("url", ["/accounts/rename", "/accounts/merge"])
def test_a_form_without_its_platform_changes_nothing(client: Any, accounts: Any, url: str) -> None:
    """The forms always send the platform; a request without one (a stale or hand-made
    form) is refused rather than merged on every platform or counted as 0 rows."""
    before = _listed(accounts)
    data = {"csrf_token": client.csrf, "platform": " ", "account": "creator.one",
            "new": "someone", "target": "creator.two"}  # fmt: skip
    for confirm in ("", "yes"):
        r = client.post(url, data={**data, "confirm": confirm})
        assert r.status_code == 422
        assert "The platform is empty." in _messages(r.text)
    assert _listed(accounts) == before


def test_the_dashboard_follows_a_rename_made_on_the_page(workspace: Any) -> None:
    """The served workbench stores the dashboard's roll-ups; a rename on this page brings
    them up to date (as the CLI's rename does): the card takes the new name, same figures."""
    from pathlib import Path

    from tests.web.conftest import make_client

    from socialproof.ingest.importer import import_paths, read_context

    ads = Path(__file__).resolve().parents[1] / "data" / "web" / "meta_ads_two_weeks.csv"
    (s,) = import_paths(workspace, [ads], ctx=read_context(workspace, account="acme"))
    assert s.status == "imported", s.error
    period = {"range": "custom", "start": "2026-03-01", "end": "2026-03-14"}
    with make_client(workspace, warm=True) as c:

        def settled() -> None:
            for job in c.app_state.jobs.all():
                assert c.app_state.jobs.wait(job.id, 120).state == "done"

        def cards() -> tuple[list[str], list[str]]:
            page = c.get("/dashboard", params=period).text
            return (
                re.findall(r"<h3[^>]*>([^<]*)</h3>", page),
                re.findall(r'<span class="kpi-value">([^<]*)</span>', page),
            )

        settled()
        names, figures = cards()
        assert names == ["Meta: acme"] and "1,750.00 USD" in figures  # the file's spend
        form = {"csrf_token": c.csrf, "platform": "meta", "account": "acme",
                "new": "Acme Brand", "confirm": "yes"}  # fmt: skip
        assert c.post("/accounts/rename", data=form, follow_redirects=False).status_code == 303
        settled()
        assert cards() == (["Meta: Acme Brand"], figures)


def test_the_dashboard_links_to_the_accounts(client: Any) -> None:
    assert 'href="/accounts">Rename or merge accounts</a>' in client.get("/dashboard").text


def test_the_list_of_one_platform(client: Any, accounts: Any) -> None:
    """As ``socialproof accounts --platform P``: only that platform's rows (and forms)."""
    page = client.get("/accounts", params={"platform": "tiktok"}).text
    listed = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert listed == ["creator.one", "creator.two"]
    assert '<option value="tiktok" selected>tiktok</option>' in page
    assert '<option value="x">x</option>' in page
    nothing = client.get("/accounts", params={"platform": "<b>snap</b>"})
    assert nothing.status_code == 200
    assert "No &lt;b&gt;snap&lt;/b&gt; account in this workspace." in nothing.text
    assert '<th scope="row">' not in nothing.text
