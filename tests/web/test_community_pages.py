"""Community pages: the inbox, the moderation queue with decisions, themes, sentiment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.community.test_queue import ROWS, KeywordModeration, KeywordSentiment
from tests.web.conftest import make_client
from tests.web.workbench_samples import axe_violations, check_axe, open_page, serve


@pytest.fixture
def scored_client(workspace: Any, insert: Any) -> Iterator[Any]:
    from socialproof.community.scoring import Models, score_messages

    insert("messages", ROWS)
    score_messages(
        workspace, models=Models(sentiment=KeywordSentiment(), moderation=KeywordModeration())
    )
    with make_client(workspace) as c:
        yield c


def test_waiting_times_read_as_people_read_them() -> None:
    # the inbox showed a four-year-old thread as "36903.6 h"
    from socialproof.web.templating import env

    cell = env().from_string("{{ h | duration }}")
    assert [cell.render(h=h) for h in (36903.6, 30.04, 0.25, None)] == [
        "1,538 days",
        "30.0 h",
        "15 min",
        "—",
    ]


def test_inbox_lists_waiting_threads_with_sla_state(scored_client: Any) -> None:
    r = scored_client.get("/community")
    assert r.status_code == 200
    html = r.text
    assert "Waiting for an answer" in html
    assert "checkout is broken" in html  # an unanswered member message
    assert "over SLA" in html or "within SLA" in html
    assert "Sentiment over time" in html and "sentiment-chart" in html


@pytest.mark.parametrize("kept", [False, True], ids=["computed on the spot", "stored"])
def test_inbox_pages_through_every_waiting_thread(
    scored_client: Any, monkeypatch: pytest.MonkeyPatch, kept: bool
) -> None:
    from socialproof.web.pages import community

    if kept:
        from socialproof.community.inbox import refresh_inbox

        refresh_inbox(scored_client.app_state.ws)
    monkeypatch.setattr(community, "INBOX_SHOWN", 4)
    # six member threads wait (dan's was answered), oldest first: ann, bob, cat, eve, fay, gus
    first = scored_client.get("/community").text
    assert "Listed: 1 to 4 of 6." in first and "Page 1 of 2" in first
    assert "I love the new app" in first and "hate this" not in first
    assert 'href="/community?page=2" rel="next"' in first
    second = scored_client.get("/community?platform=x&page=2").text
    assert "Listed: 5 to 6 of 6." in second and "Page 2 of 2" in second
    assert "hate this" in second and "love it" in second and "I love the new app" not in second
    assert 'href="/community?platform=x&amp;page=1" rel="prev"' in second
    beyond = scored_client.get("/community?page=9").text
    assert "There are 2 pages of waiting threads, not 9." in beyond
    assert "No thread is waiting" not in beyond and "Back to the first page" in beyond
    assert "Listed: 1 to 4 of 6." in scored_client.get("/community?page=nonsense").text
    huge = scored_client.get("/community?page=" + "9" * 30)  # past any integer the database has
    assert huge.status_code == 200 and "There are 2 pages of waiting threads" in huge.text


def test_moderation_queue_confirm_and_dismiss(scored_client: Any) -> None:
    from socialproof.community.decisions import decisions

    page = scored_client.get("/community/moderation").text
    assert "you idiot, buy now" in page and "buy now cheap followers" in page
    assert "toxic: insult &#39;idiot&#39;" in page  # the reason, escaped
    r = scored_client.post(
        "/community/moderation/decide",
        data={
            "csrf_token": scored_client.csrf,
            "message_id": "3",
            "platform": "x",
            "decision": "dismiss",
            "who": "Dana",
            "note": "partner link",
        },
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200, r.text
    assert "Dismissed the spam flag on message 3 (x) as Dana." in r.text
    page = scored_client.get("/community/moderation").text
    assert "buy now cheap followers" not in page  # not raised again
    assert "partner link" in page  # in the recent decisions
    assert (
        "buy now cheap followers" in scored_client.get("/community/moderation?show=dismissed").text
    )
    # without htmx: a redirect with a flash message (POST-redirect-GET)
    r = scored_client.post(
        "/community/moderation/decide",
        data={
            "csrf_token": scored_client.csrf,
            "message_id": "4",
            "platform": "x",
            "decision": "confirm",
            "who": "Lee",
        },  # fmt: skip
        follow_redirects=False,
    )
    assert r.status_code == 303
    ws = scored_client.app_state.ws
    assert list(decisions(ws, latest=True)["decision"]) == ["confirm", "dismiss"]
    page = scored_client.get("/community/moderation").text
    assert "confirmed by Lee on" in page


def test_a_blank_decided_by_is_the_owner(scored_client: Any) -> None:
    from socialproof.community.decisions import decisions

    r = scored_client.post(
        "/community/moderation/decide",
        data={
            "csrf_token": scored_client.csrf,
            "message_id": "3",
            "platform": "x",
            "decision": "confirm",
            "who": "   ",
        },
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200, r.text
    assert "Confirmed the spam flag on message 3 (x) as Test Owner." in r.text
    assert list(decisions(scored_client.app_state.ws)["decided_by"]) == ["Test Owner"]


def test_bad_decision_changes_nothing(scored_client: Any) -> None:
    from socialproof.community.decisions import decisions

    ws = scored_client.app_state.ws
    for data, expected in (
        ({"message_id": "3", "platform": "x", "decision": "maybe"}, "Unknown decision"),
        ({"message_id": "nope", "platform": "x", "decision": "dismiss"}, "No scored member"),
        ({"message_id": "1", "platform": "x", "decision": "dismiss"}, "is not flagged"),
    ):
        r = scored_client.post(
            "/community/moderation/decide",
            data={"csrf_token": scored_client.csrf, "who": "Dana", **data},
            headers={"HX-Request": "true"},
        )
        assert r.status_code in (400, 404, 422) and expected in r.text, r.text
        assert 'role="alert"' in r.text
    assert decisions(ws).empty


def test_forged_csrf_token_is_refused(scored_client: Any) -> None:
    from socialproof.community.decisions import decisions

    r = scored_client.post(
        "/community/moderation/decide",
        data={"csrf_token": "forged", "message_id": "3", "platform": "x", "decision": "dismiss"},
    )
    assert r.status_code == 403
    assert decisions(scored_client.app_state.ws).empty


def test_themes_page_without_themes_and_unknown_theme(client: Any) -> None:
    r = client.get("/community/themes")
    assert r.status_code == 200 and "No themes are stored yet" in r.text
    assert client.get("/community/themes/7").status_code == 404


def test_empty_workspace_pages_say_what_to_do(client: Any) -> None:
    r = client.get("/community")
    assert r.status_code == 200
    r = client.get("/community/moderation")
    assert r.status_code == 200 and "not scored yet" in r.text


# -- in Chromium -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from serve(tmp_path_factory, themes=True)


@pytest.mark.browser
def test_confirm_a_flag_in_the_browser_with_the_keyboard(browser: Any, sample_server: Any) -> None:
    from socialproof.community.decisions import decisions

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(sample_server.url + "/community/moderation")
        first = page.locator("li.flag").first
        message_id = first.locator("input[name=message_id]").get_attribute("value")
        first.locator("input[name=note]").fill("confirmed from the keyboard")
        first.locator("input[name=note]").focus()
        page.keyboard.press("Tab")  # who
        page.keyboard.press("Tab")  # Confirm
        page.keyboard.press("Enter")
        first.locator(".decision-state").get_by_text("Confirmed").wait_for()
    finally:
        page.close()
    latest = decisions(sample_server.app.state.ws, latest=True)
    row = latest[latest["message_id"] == message_id].iloc[0]
    assert row["decision"] == "confirm" and row["note"] == "confirmed from the keyboard"


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize(
    "path", ["/community", "/community/moderation", "/community/themes", "/community/report"]
)
def test_community_pages_pass_axe(browser: Any, sample_server: Any, path: str, width: int) -> None:
    assert check_axe(browser, sample_server.url + path, width) == []


@pytest.mark.browser
def test_a_theme_shows_its_messages(browser: Any, sample_server: Any) -> None:
    page = open_page(browser, sample_server.url + "/community/themes", for_axe=True)
    try:
        rows = page.locator("table tbody tr")
        assert rows.count() == 6  # discover_themes(k=6) in the sample workspace
        rows.first.locator("a").click()
        page.wait_for_url("**/community/themes/*")
        assert page.locator("h1").inner_text().startswith("Theme: ")
        assert page.locator("table tbody tr").count() > 0
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_the_sentiment_chart_is_the_community_reports(
    sample_server: Any, cli: Any, tmp_path: Any
) -> None:
    """The inbox's sentiment chart and `community report --html` hold one spec."""
    import json
    import re
    import urllib.request

    from tests.render.test_charts import specs_in

    with urllib.request.urlopen(sample_server.url + "/community") as r:
        page = r.read().decode("utf-8")
    found = re.search(
        r'<script type="application/json" id="sentiment-chart-spec">(.*?)</script>', page, re.S
    )
    assert found is not None
    web = json.loads(found.group(1))
    out = tmp_path / "community.html"
    ws = sample_server.app.state.ws
    done = cli(
        "community", "report", "--period", "week", "--html", str(out), "--workspace", str(ws.root)
    )
    assert done.exit_code == 0, done
    report = [s for s in specs_in(out.read_text("utf-8")) if s["title"] == "Net sentiment per week"]
    assert report == [web]
    assert len(web["data"]["values"]) >= 2  # the samples have busy weeks


def test_apply_thresholds_button_writes_what_the_decisions_suggest(workspace: Any) -> None:
    import yaml
    from tests.community.test_decisions import _SEPARABLE, _add

    from socialproof.community import moderation

    with make_client(workspace) as c:
        page = c.get("/community/moderation").text
        assert "/community/moderation/thresholds" not in page  # no suggestion: no button
        r = c.post(
            "/community/moderation/thresholds",
            data={"csrf_token": c.csrf},
            follow_redirects=True,
        )
        assert r.status_code == 200
        assert "Nothing applied: the decisions do not suggest a threshold yet." in r.text
        assert not (workspace.root / "moderation.yaml").exists()

        _add(workspace, _SEPARABLE)
        page = c.get("/community/moderation").text
        assert 'action="/community/moderation/thresholds"' in page
        assert 'data-confirm="Write models.spam_threshold = 0.75 into moderation.yaml?' in page
        forged = c.post(
            "/community/moderation/thresholds",
            data={"csrf_token": "forged"},
            follow_redirects=False,
        )
        assert forged.status_code == 403
        assert not (workspace.root / "moderation.yaml").exists()  # nothing written

        r = c.post(
            "/community/moderation/thresholds",
            data={"csrf_token": c.csrf},
            follow_redirects=True,
        )
    assert r.status_code == 200
    assert "Applied in moderation.yaml: models.spam_threshold: the packaged default -&gt; 0.75" in (
        r.text
    )
    saved = yaml.safe_load((workspace.root / "moderation.yaml").read_text(encoding="utf-8"))
    assert saved["models"] == {"spam_threshold": 0.75}
    assert moderation.workspace_guidelines(workspace.root).spam_threshold == 0.75


def test_apply_thresholds_button_refuses_a_broken_moderation_file(workspace: Any) -> None:
    from tests.community.test_decisions import _SEPARABLE, _add

    broken = "models: [1, 2\n"
    (workspace.root / "moderation.yaml").write_text(broken, encoding="utf-8")
    _add(workspace, _SEPARABLE)
    with make_client(workspace) as c:
        r = c.post(
            "/community/moderation/thresholds",
            data={"csrf_token": c.csrf},
            follow_redirects=True,
        )
    assert r.status_code == 200 and "Nothing applied:" in r.text and "not valid YAML" in r.text
    assert (workspace.root / "moderation.yaml").read_text(encoding="utf-8") == broken


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_moderation_page_with_the_apply_button_passes_axe(
    browser: Any, workspace: Any, width: int
) -> None:
    from tests.community.test_decisions import _SEPARABLE, _add
    from tests.web.conftest import LiveServer

    _add(workspace, _SEPARABLE)
    server = LiveServer(workspace).start()
    try:
        url = server.url + "/community/moderation"
        page = open_page(browser, url, width=width, for_axe=True)
        try:
            page.wait_for_load_state("networkidle")
            assert page.get_by_role("button", name="Apply this threshold").is_visible()
            assert axe_violations(page) == []
        finally:
            page.context.close()
    finally:
        server.stop()


def _report(client: Any, **form: str) -> Any:
    return client.post(
        "/community/report",
        data={"csrf_token": client.csrf, **form},
        follow_redirects=False,
    )


def test_community_report_page_times_the_responses(scored_client: Any) -> None:
    import re

    page = scored_client.get("/community/report")
    assert page.status_code == 200 and 'action="/community/report"' in page.text
    assert 'href="/community/report" aria-current="page"' in page.text
    r = _report(scored_client, since="2026-03-01", until="2026-03-31", sla="2", period="week")
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[1]
    job = scored_client.app_state.jobs.wait(job_id)
    assert job.state == "done", job.error
    html = scored_client.get(r.headers["location"]).text
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"\s+", " ", text)
    # seven member threads; only dan's (11:00) has a brand reply, an hour later (SLA 2 h)
    assert "7 Customer threads" in text
    assert "1 (14.3 %) Answered" in text
    assert "1.0 h First response, median" in text
    assert "Answered within 2 h (SLA)" in text
    assert "Response times" in text and "Unanswered threads" in text
    assert "from 2026-03-01 to 2026-03-31" in text
    assert (
        "Community report: every platform, 2026-03-01 to 2026-03-31"
        in scored_client.get("/community/report").text
    )  # listed under recent reports


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"since": "2026-13-01"}, "is not a date"),
        ({"since": "2026-03-31", "until": "2026-03-01"}, "is after"),
        ({"sla": "soon"}, "not a positive number of hours"),
        ({"sla": "-4"}, "not a positive number of hours"),
        ({"sla": "inf"}, "not a positive number of hours"),
        ({"period": "fortnight"}, "Unknown period"),
        ({"k": "1"}, "not a whole number of 2 or more"),
        ({"k": "a dozen"}, "not a whole number of 2 or more"),
        ({"cutoff": "later"}, "chart cut-off 'later' is not a positive number of hours"),
        ({"cutoff": "0"}, "chart cut-off '0' is not a positive number of hours"),
        ({"cutoff": "nan"}, "chart cut-off 'nan' is not a positive number of hours"),
    ],
)
def test_community_report_refuses_bad_input_and_keeps_it(
    scored_client: Any, form: dict[str, str], says: str
) -> None:
    import re
    from html import unescape

    r = _report(scored_client, platform="x", **form)
    assert r.status_code in (400, 422)
    assert says in unescape(r.text)
    assert 'name="platform" value="x"' in r.text  # what was typed stays in the form
    assert not [j for j in scored_client.app_state.jobs.all() if j.title.startswith("Community")]
    # the refused field (both dates when they are out of order), and only it, is marked
    marked = set(re.findall(r'name="(\w+)"[^>]*aria-invalid="true"', r.text))
    assert marked == set(form), marked


def test_community_report_chart_cut_off_is_the_forms(scored_client: Any) -> None:
    """The form's chart cut-off is the CLI's --chart-cutoff: dan's thread, answered after an
    hour, leaves a chart cut at half an hour (with the note) and stays in the figures."""
    import re

    assert 'name="cutoff"' in scored_client.get("/community/report").text
    shown = {}
    for cutoff in ("0,5", ""):
        r = _report(scored_client, cutoff=cutoff)
        assert r.status_code == 303
        job = scored_client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1])
        assert job.state == "done", job.error
        html = scored_client.get(r.headers["location"]).text
        shown[cutoff] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    note = "1 thread(s) answered after more than 30 min are left out of this chart"
    assert note in shown["0,5"] and "1.0 h First response, median" in shown["0,5"]
    assert "left out of this chart" not in shown[""]


def test_unknown_community_report_is_not_found(scored_client: Any) -> None:
    assert scored_client.get("/community/report/jobs/nope").status_code == 404


@pytest.mark.browser
def test_build_the_community_report_in_the_browser(browser: Any, sample_server: Any) -> None:
    page = open_page(browser, sample_server.url + "/community/report", for_axe=True)
    try:
        page.get_by_label("Sentiment, moderation and themes").uncheck()
        page.get_by_label("Service level in hours").fill("12")
        page.get_by_role("button", name="Build the report").click()
        page.get_by_role("heading", name="Response times").wait_for(timeout=60_000)
        assert "Answered within 12 h (SLA)" in page.locator(".report").inner_text()
        page.locator("#main .vega-embed svg").first.wait_for()  # the charts are drawn
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_a_theme_says_when_it_lists_only_its_newest_messages(
    scored_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import functools
    import re

    from socialproof.community import inbox
    from socialproof.community.scoring import discover_themes

    discover_themes(scored_client.app_state.ws, k=2)
    page = scored_client.get("/community/themes/0").text
    size = int(re.search(r"<dt>Messages</dt><dd>(\d+) \(", page).group(1))  # type: ignore[union-attr]
    assert size >= 2 and "messages are listed" not in page  # all of them are
    monkeypatch.setattr(inbox, "theme_messages", functools.partial(inbox.theme_messages, limit=1))
    page = scored_client.get("/community/themes/0").text
    assert f"The newest 1 of its {size} messages are listed." in page


def test_community_report_threads_download_is_formula_safe(scored_client: Any, insert: Any) -> None:
    import csv
    import io

    from tests.community.test_threads import msg

    insert("messages", [msg("9", "=HYPERLINK(1)", "2026-03-12 10:00", text="+1 for this")])
    r = _report(scored_client)
    location = r.headers["location"]
    job = scored_client.app_state.jobs.wait(location.rsplit("/", 1)[1])
    assert job.state == "done", job.error
    page = scored_client.get(location).text
    assert f'href="{location}/threads.csv"' in page and f'href="{location}/unanswered.xlsx"' in page
    got = scored_client.get(location + "/threads.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert 'filename="community-threads.csv"' in got.headers["content-disposition"]
    rows = {r["thread_key"]: r for r in csv.DictReader(io.StringIO(got.text))}
    assert set(rows) == {"1", "2", "3", "4", "6", "7", "8", "9"}
    assert rows["9"]["opener"] == "'=HYPERLINK(1)"  # neutralised, not a formula
    assert float(rows["4"]["first_response_s"]) == 3600  # dan, answered an hour later
    assert rows["1"]["first_response_s"] == ""
    waiting = list(
        csv.DictReader(io.StringIO(scored_client.get(location + "/unanswered.csv").text))
    )
    assert [w["thread_key"] for w in waiting] == ["1", "2", "3", "6", "7", "8", "9"]  # oldest first
    xlsx = scored_client.get(location + "/unanswered.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert scored_client.get(location + "/threads.pdf").status_code in (400, 422)
    assert scored_client.get(location + "/secrets.csv").status_code == 404


def test_moderation_queue_pages_reach_every_flag(
    scored_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Confirmed flags stay in the queue: with more of them than a page shows, the flags
    still to review must stay reachable (they were not: only the first page was shown)."""
    from socialproof.web.pages import community

    monkeypatch.setattr(community, "QUEUE_SHOWN", 1)
    # two flags, toxic first: dan's insult (4), then cat's spam (3)
    r = scored_client.post(
        "/community/moderation/decide",
        data={"csrf_token": scored_client.csrf, "message_id": "4", "platform": "x"}
        | {"decision": "confirm", "who": "Dana"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    first = scored_client.get("/community/moderation").text
    assert "you idiot, buy now" in first and "confirmed by Dana" in first
    assert "buy now cheap followers" not in first
    assert "Flags to review (1 to 1)" in first
    assert 'href="/community/moderation?page=2" rel="next"' in first
    second = scored_client.get("/community/moderation?page=2").text
    assert "buy now cheap followers" in second and "you idiot, buy now" not in second
    assert "Flags to review (2 to 2)" in second
    assert 'href="/community/moderation?page=1" rel="prev"' in second and 'rel="next"' not in second
    # deciding there without JavaScript comes back to the same page
    assert 'name="page" value="2"' in second
    r = scored_client.post(
        "/community/moderation/decide",
        data={"csrf_token": scored_client.csrf, "message_id": "3", "platform": "x"}
        | {"decision": "confirm", "who": "Dana", "page": "2"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/community/moderation?page=2"


def test_only_the_newest_reports_keep_their_thread_tables(
    scored_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.web.pages import community

    monkeypatch.setattr(community, "REPORTS_KEPT", 2)
    where = []
    for sla in ("1", "2", "3"):
        r = _report(scored_client, sla=sla)
        where.append(r.headers["location"])
        assert scored_client.app_state.jobs.wait(where[-1].rsplit("/", 1)[1]).state == "done"
    gone = scored_client.get(where[0] + "/threads.csv")
    assert gone.status_code == 404 and "Build the report again" in gone.text
    assert "threads.csv" not in scored_client.get(where[0]).text  # no link to what is gone
    assert "Answered within 1 h (SLA)" in scored_client.get(where[0]).text  # the page stays
    for kept in where[1:]:
        assert scored_client.get(kept + "/threads.csv").status_code == 200


def test_find_themes_with_a_chosen_number(scored_client: Any) -> None:
    for bad in ("1", "many", "2.5"):
        r = scored_client.post(
            "/community/themes/find",
            data={"csrf_token": scored_client.csrf, "k": bad},
            headers={"HX-Request": "true"},
        )
        assert r.status_code == 400 and "not a whole number of 2 or more" in r.text
        assert 'role="alert"' in r.text
    assert not scored_client.app_state.jobs.all()  # nothing started
    r = scored_client.post(
        "/community/themes/find",
        data={"csrf_token": scored_client.csrf, "k": " 3 "},
        follow_redirects=False,
    )
    assert r.status_code == 303
    job = scored_client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1])
    assert job.state == "done", job.error
    assert "Themes (3), largest first" in scored_client.get("/community/themes").text


def test_find_themes_in_a_scope(scored_client: Any) -> None:
    """The form scopes the run as 'community themes --since --until --platform --group' does:
    from 10 March, three member messages (eve's, fay's, gus's) of the seven are grouped."""

    def find(**form: str) -> Any:
        r = scored_client.post(
            "/community/themes/find",
            data={"csrf_token": scored_client.csrf, "k": "2", **form},
            follow_redirects=False,
        )
        assert r.status_code == 303
        return scored_client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1])

    page = scored_client.get("/community/themes").text
    for name in ("since", "until", "platform", "group"):
        assert f'name="{name}"' in page
    job = find(since="2026-03-10", until="2026-03-31", platform=" X ")
    assert job.state == "done", job.error
    assert job.message == "2 themes in 3 messages"
    assert (  # the page says which messages its themes came from
        "From the last themes run, over member messages on x from 2026-03-10 to 2026-03-31; "
        "2 themes asked for." in scored_client.get("/community/themes").text
    )
    assert find().message == "2 themes in 7 messages"  # no scope: every member message
    elsewhere = find(platform="instagram")
    assert elsewhere.state == "failed"
    assert "no messages on platform 'instagram'" in str(elsewhere.error)
    r = scored_client.post(
        "/community/themes/find",
        data={"csrf_token": scored_client.csrf, "since": "2026-03-31", "until": "2026-03-01"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 422 and "is after" in r.text and 'role="alert"' in r.text


@pytest.mark.parametrize(
    ("form", "marked"),
    [
        ({"k": "1"}, {"k"}),
        ({"since": "2026-13-01"}, {"since"}),
        ({"until": "soon"}, {"until"}),
        ({"since": "2026-03-31", "until": "2026-03-01"}, {"since", "until"}),
    ],
)
def test_a_refused_find_themes_keeps_what_was_typed_and_marks_the_field(
    scored_client: Any, form: dict[str, str], marked: set[str]
) -> None:
    """Without JavaScript the refusal was a redirect to an empty form; with htmx the
    field was not marked either."""
    import re

    typed = {"k": "4", "platform": "reddit", "group": "r/buns", **form}
    data = {"csrf_token": scored_client.csrf, **typed}
    plain = scored_client.post("/community/themes/find", data=data, follow_redirects=False)
    htmx = scored_client.post("/community/themes/find", data=data, headers={"HX-Request": "true"})
    for r in (plain, htmx):
        assert r.status_code in (400, 422), r.text
        for name, value in typed.items():
            assert re.search(rf'<input [^>]*name="{name}"[^>]*value="{re.escape(value)}"', r.text)
        assert set(re.findall(r'name="(\w+)"[^>]*aria-invalid="true"', r.text)) == marked
    assert "Conversation themes" in plain.text and 'class="msg msg-error"' in plain.text
    assert 'hx-swap-oob="true"' in htmx.text and 'role="alert"' in htmx.text
    assert not scored_client.app_state.jobs.all()  # nothing started
    ok = scored_client.post(
        "/community/themes/find",
        data={"csrf_token": scored_client.csrf, "k": "2"},
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 200 and "Find conversation themes" in ok.text
    assert 'hx-swap-oob="true"' in ok.text and "aria-invalid" not in ok.text  # unmarked


@pytest.mark.browser
def test_a_refused_find_themes_in_the_browser_passes_axe(browser: Any, sample_server: Any) -> None:
    page = open_page(browser, sample_server.url + "/community/themes", for_axe=True)
    try:
        page.get_by_label("Number of themes").fill("1")
        page.get_by_label("Platform").fill("reddit")
        page.get_by_role("button", name="Find themes again").click()
        page.locator("#themes-job [role=alert]").wait_for()
        k = page.get_by_label("Number of themes")
        assert k.get_attribute("aria-invalid") == "true"
        assert k.input_value() == "1" and page.get_by_label("Platform").input_value() == "reddit"
        assert axe_violations(page) == []
    finally:
        page.context.close()


@pytest.mark.browser
def test_a_refused_community_report_marks_its_field_and_passes_axe(
    browser: Any, sample_server: Any
) -> None:
    page = open_page(browser, sample_server.url + "/community/report", for_axe=True)
    try:
        page.get_by_label("Group").fill("r/buns")
        page.get_by_label("Service level in hours").fill("soon")
        page.get_by_role("button", name="Build the report").click()
        page.wait_for_load_state("networkidle")
        sla = page.get_by_label("Service level in hours")
        assert sla.get_attribute("aria-invalid") == "true" and sla.input_value() == "soon"
        assert page.get_by_label("Group").input_value() == "r/buns"
        assert page.get_by_label("Group").get_attribute("aria-invalid") is None
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_the_moderation_queue_downloads(scored_client: Any) -> None:
    """'community queue --format csv' had no download: the queue could not leave the page."""
    import csv
    import io

    page = scored_client.get("/community/moderation").text
    assert 'href="/community/moderation/queue.csv"' in page
    r = scored_client.get("/community/moderation/queue.csv")
    assert r.headers["content-disposition"] == 'attachment; filename="moderation-queue.csv"'
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted(r["message_id"] for r in rows) == ["3", "4"]  # the two flagged members
    scored_client.post(
        "/community/moderation/decide",
        data={
            "csrf_token": scored_client.csrf,
            "message_id": "3",
            "platform": "x",
            "decision": "dismiss",
            "who": "Dana",
        },
    )
    rows = list(csv.DictReader(io.StringIO(scored_client.get(r.url.path).text)))
    assert [r["message_id"] for r in rows] == ["4"]  # a dismissed flag leaves it
    shown = scored_client.get("/community/moderation/queue.csv?show=dismissed").text
    assert len(list(csv.DictReader(io.StringIO(shown)))) == 2
    page = scored_client.get("/community/moderation?show=dismissed").text
    assert 'href="/community/moderation/queue.csv?show=dismissed"' in page
    assert scored_client.get("/community/moderation/queue.xlsx").content[:2] == b"PK"


def test_moderation_queue_filters_by_dates_platform_and_group(
    scored_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'community queue' takes --platform, --group, --since and --until; the page could not
    filter at all. Flags: message 4 (3 March... 4 March, dan) and 3 (3 March, cat)."""
    import csv
    import html
    import io

    from socialproof.web.pages import community

    every = scored_client.get("/community/moderation").text  # kept first: the key must differ
    assert "you idiot, buy now" in every and "buy now cheap followers" in every
    late = scored_client.get("/community/moderation", params={"since": "2026-03-04"}).text
    assert "you idiot, buy now" in late and "buy now cheap followers" not in late
    assert 'id="mq-since" name="since" value="2026-03-04"' in late
    link = 'href="/community/moderation/queue.csv?since=2026-03-04"'
    assert link in late
    r = scored_client.get("/community/moderation/queue.csv", params={"since": "2026-03-04"})
    assert [row["message_id"] for row in csv.DictReader(io.StringIO(r.text))] == ["4"]
    early = scored_client.get("/community/moderation", params={"until": "2026-03-03"}).text
    assert "buy now cheap followers" in early and "you idiot, buy now" not in early
    for params in ({"platform": "instagram"}, {"platform": "X", "group": "no-such-group"}):
        none = scored_client.get("/community/moderation", params=params).text
        assert "Nothing flagged that these filters keep." in none
    assert "you idiot" in scored_client.get("/community/moderation?platform=X").text

    monkeypatch.setattr(community, "QUEUE_SHOWN", 1)  # paging keeps the filters
    first = html.unescape(scored_client.get("/community/moderation?platform=x").text)
    assert 'href="/community/moderation?platform=x&page=2" rel="next"' in first
    r = scored_client.post(  # without JavaScript, a decision returns to the filtered page
        "/community/moderation/decide",
        data={
            "csrf_token": scored_client.csrf,
            "message_id": "4",
            "platform": "x",
            "decision": "confirm",
            "who": "Dana",
            "page": "2",
            "filters": "platform=x&since=2026-03-01",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith("/community/moderation?platform=x&since=2026-03-01")
    assert "page=2" in r.headers["location"]


@pytest.mark.parametrize(
    ("params", "marked", "says"),
    [
        ({"since": "2026-13-01"}, ["mq-since"], "2026-13-01"),
        ({"since": "2026-03-05", "until": "2026-03-01"}, ["mq-since", "mq-until"], "is after"),
    ],
)
def test_a_refused_queue_filter_is_kept_and_marked(
    scored_client: Any, params: dict[str, str], marked: list[str], says: str
) -> None:
    import re

    r = scored_client.get("/community/moderation", params=params)
    assert r.status_code == 422 and says in r.text
    assert "you idiot" not in r.text and "not scored yet" not in r.text
    invalid = re.findall(r'id="(mq-[a-z]+)"[^>]*aria-invalid="true"', r.text)
    assert invalid == marked
    for value in params.values():
        assert f'value="{value}"' in r.text
    download = scored_client.get("/community/moderation/queue.csv", params=params)
    assert download.status_code == 422 and "text/csv" not in download.headers["content-type"]


@pytest.mark.browser
def test_filter_the_moderation_queue_in_the_browser(browser: Any, sample_server: Any) -> None:
    page = open_page(browser, sample_server.url + "/community/moderation", for_axe=True)
    try:
        page.get_by_label("Platform").fill("no-such-platform")
        page.get_by_label("Platform").press("Enter")
        page.wait_for_url("**platform=no-such-platform**")
        page.get_by_text("Nothing flagged that these filters keep.").wait_for()
        assert axe_violations(page) == []
        page.goto(sample_server.url + "/community/moderation?since=2026-05-01&until=2026-04-01")
        assert page.locator("#mq-since").get_attribute("aria-invalid") == "true"
        assert page.locator("#mq-since").input_value() == "2026-05-01"
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_the_community_report_downloads_as_an_html_file(scored_client: Any) -> None:
    """'community report --html' had no browser equivalent."""
    r = _report(scored_client)
    where = r.headers["location"]
    job = scored_client.app_state.jobs.wait(where.rsplit("/", 1)[1], 120)
    assert job.state == "done", job.error
    page = scored_client.get(where).text
    assert f'href="{where}/community-report.html" download' in page
    got = scored_client.get(where + "/community-report.html")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    assert 'filename="community-report.html"' in got.headers["content-disposition"]
    assert got.text.startswith("<!DOCTYPE html>") and "<h1>Community report</h1>" in got.text
    assert "First response" in got.text or "first response" in got.text
    assert "<script" not in got.text  # self-contained, charts as SVG
    missing = scored_client.get("/community/report/jobs/nope/community-report.html")
    assert missing.status_code == 404
