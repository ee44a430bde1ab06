"""Career pages: the profile, a pasted posting's match and gap, roles and paths, the market."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import make_client
from tests.web.workbench_samples import axe_violations, build_sample_workspace, open_page, serve

from socialproof.demo import SAMPLES

POSTING = SAMPLES / "careers" / "postings" / "community-manager-pixelforge.md"


@pytest.fixture(scope="module")
def career_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    ws = build_sample_workspace(tmp_path_factory.mktemp("career") / "ws", score=False)
    with make_client(ws) as c:
        yield c


def _post(c: Any, url: str, files: Any = None, **data: str) -> Any:
    return c.post(url, data={"csrf_token": c.csrf, **data}, files=files, follow_redirects=False)


def test_pasted_posting_shows_match_gap_spans_and_plan(career_client: Any) -> None:
    from socialproof.careers.gap import gap_for_posting

    c = career_client
    r = _post(c, "/career/posting", text=POSTING.read_text(encoding="utf-8"))
    assert r.status_code == 200
    cli_result = gap_for_posting(c.app_state.ws, POSTING)  # what 'socialproof gap --posting' says
    assert f"Match: {cli_result.score} / 100 ({cli_result.band})" in r.text
    # the sample profile has no Discord; the posting asks for it as a must-have
    assert "<td>Discord</td><td>platform</td><td>yes</td>" in r.text
    assert '<mark class="sev-error" title="platform: Discord (must)">Discord</mark>' in r.text
    assert "Learning plan for this posting" in r.text and "<ol>" in r.text


def test_dropped_posting_file_and_bad_input(career_client: Any) -> None:
    c = career_client
    files = {"file": ("posting.md", POSTING.read_bytes(), "text/markdown")}
    r = _post(c, "/career/posting", files=files)
    assert r.status_code == 200 and "Match:" in r.text
    for files, text, expected in (
        (None, "   ", "Paste a job posting first"),
        ({"file": ("empty.md", b"", "text/markdown")}, "", "empty.md is empty"),
        ({"file": ("blank.md", b"  \n", "text/markdown")}, "", "blank.md is empty"),
        ({"file": ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png")}, "", "not UTF-8"),
        (None, "a\x00b", "binary data"),
    ):
        r = _post(c, "/career/posting", files=files, text=text)
        assert r.status_code == 422 and expected in r.text, (expected, r.text[-800:])
        assert 'aria-invalid="true"' in r.text


def test_profile_check_and_save(career_client: Any) -> None:
    c = career_client
    path = c.app_state.ws.root / "profile.yaml"
    page = c.get("/career").text
    assert "Mixology" in page and "free text, not scored" in page
    before = path.read_text(encoding="utf-8")
    r = _post(c, "/career/profile", text="skills: [oops\n")
    assert r.status_code in (400, 422) and "Not saved" in r.text and "not valid YAML" in r.text
    r = _post(c, "/career/profile", text="skills:\n  - {skill: copywriting, level: 9}\n")
    assert r.status_code in (400, 422) and "Not saved" in r.text
    assert path.read_text(encoding="utf-8") == before
    new = before.replace("years_experience: 3", "years_experience: 4")
    assert _post(c, "/career/profile", text=new).status_code == 303
    assert "years_experience: 4" in path.read_text(encoding="utf-8")
    r = _post(c, "/career/profile/check", text="name: [")
    assert 'role="alert"' in r.text


def test_roles_and_a_role_page(career_client: Any) -> None:
    c = career_client
    page = c.get("/career/roles").text
    assert '<a href="/career/roles/social-media-manager">' in page
    role = c.get("/career/roles/social-media-manager").text
    assert "Your match" in role and "Where it leads" in role
    assert c.get("/career/roles/astronaut").status_code == 404


def test_market_report(career_client: Any) -> None:
    c = career_client
    r = c.get("/career/market")
    assert r.status_code == 200
    if "Analyse postings" in r.text:  # imported but not analysed yet: analyse in the background
        _post(c, "/career/market/analyse")
        job = c.app_state.jobs.all()[0]
        c.app_state.jobs.wait(job.id, 120)
        r = c.get("/career/market")
    assert "5 analysed postings" in r.text and "Demand for skills" in r.text


# -- in Chromium -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from serve(tmp_path_factory, score=False)


@pytest.mark.browser
def test_paste_a_posting_and_see_the_gap_with_the_keyboard(
    browser: Any, sample_server: Any
) -> None:
    page = open_page(browser, sample_server.url + "/career/posting", for_axe=True)
    try:
        page.locator("#posting-text").fill(POSTING.read_text(encoding="utf-8"))
        page.locator("#posting-text").press("Tab")  # the file field
        page.keyboard.press("Tab")  # Match my profile
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="The gap, biggest first").wait_for()
        assert page.locator("td", has_text="Discord").count() >= 1
        assert axe_violations(page) == []
        # bad input shows a clear message and passes axe too
        page.goto(sample_server.url + "/career/posting")
        page.get_by_role("button", name="Match my profile").click()
        page.get_by_text("Paste a job posting first").first.wait_for()
        assert axe_violations(page) == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize(
    "path",
    [
        "/career",
        "/career/posting",
        "/career/roles",
        "/career/roles/community-manager",
        "/career/plan",
        "/career/plan?limit=abc",
        "/career/market",
        "/career/market?location=Austin&industry=mining",
    ],
)
def test_career_pages_pass_axe(browser: Any, sample_server: Any, path: str, width: int) -> None:
    page = open_page(browser, sample_server.url + path, width=width, for_axe=True)
    try:
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_gets_never_analyse_postings(tmp_path: Any) -> None:
    """Postings not analysed yet: the role and market pages say so and write nothing;
    the analysis runs only when asked for (a POST starting a background job)."""
    ws = build_sample_workspace(tmp_path / "ws", score=False)
    with ws.transaction() as con:
        con.execute("DROP TABLE IF EXISTS posting_facts")
    with make_client(ws) as c:
        role = c.get("/career/roles/social-media-manager").text
        assert "analyse them on the Market page" in role
        assert "postings changed since they were analysed" in c.get("/career/plan").text
        assert c.get("/career/plan.csv").status_code == 404
        assert "Analyse postings" in c.get("/career/market").text
        with ws.connect() as con:
            tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        assert "posting_facts" not in tables
        _post(c, "/career/market/analyse")
        job = c.app_state.jobs.all()[0]
        assert c.app_state.jobs.wait(job.id, 120).state == "done"
        assert "5 analysed postings" in c.get("/career/market").text
        assert "Your match" in c.get("/career/roles/social-media-manager").text
        assert "/ 100" in c.get("/career/roles/social-media-manager").text


@pytest.fixture(scope="module")
def plan_ws(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The sample workspace with its postings analysed (the plan weighs gaps by demand)."""
    from socialproof.market.store import analyze_workspace

    ws = build_sample_workspace(tmp_path_factory.mktemp("plan") / "ws", score=False)
    analyze_workspace(ws)
    return ws


@pytest.fixture(scope="module")
def plan_client(plan_ws: Any) -> Iterator[Any]:
    with make_client(plan_ws) as c:
        yield c


def _cells(html: str) -> list[list[str]]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [
        [unescape(re.sub(r"<[^>]+>", "", td)).strip() for td in re.findall(r"<td.*?</td>", row)]
        for row in re.findall(r"<tr>.*?</tr>", body, re.DOTALL)
    ]


def test_learning_plan_for_the_profiles_targets_and_chosen_roles(plan_client: Any) -> None:
    """'socialproof plan' had no page: the workbench showed a plan only for a pasted posting."""
    from socialproof.careers.plan import plan_for_workspace

    c = plan_client
    page = c.get("/career/plan")
    assert page.status_code == 200
    # the sample profile targets these two roles, in the consumer industry
    assert (
        "Learning plan for Social Media Manager (consumer), Paid Social Specialist (consumer)"
        in page.text
    )
    rows = _cells(page.text)
    assert [r[0] for r in rows] == [str(n) for n in range(1, 13)]  # the CLI's 12 steps
    cli = plan_for_workspace(c.app_state.ws)  # what 'socialproof plan' lists
    assert [r[1] for r in rows] == [s.label for s in cli.steps]
    chosen = c.get("/career/plan?role=community-manager&limit=3")
    assert "Learning plan for Community Manager (consumer)" in chosen.text
    assert 'value="community-manager" checked' in chosen.text
    assert 'value="social-media-manager" checked' not in chosen.text
    assert len(_cells(chosen.text)) == 3
    download = c.get("/career/plan.csv?role=community-manager&limit=3")
    assert download.headers["content-disposition"] == 'attachment; filename="learning-plan.csv"'
    table = list(csv.reader(io.StringIO(download.text)))
    assert table[0] == [
        "#",
        "learn",
        "kind",
        "must-have",
        "your level",
        "demand",
        "priority",
        "certification",
        "portfolio piece",
        "mock campaign",
    ]
    assert [r[1] for r in table[1:]] == [r[1] for r in _cells(chosen.text)]
    assert 'href="/career/plan.csv?role=community-manager&amp;limit=3"' in chosen.text
    assert c.get("/career/plan.xlsx?role=community-manager").content[:2] == b"PK"
    assert c.get("/career/plan.pdf").status_code in (400, 422)


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("?limit=abc", 400, "Steps to show must be a whole number from 1 to 60, not 'abc'."),
        ("?limit=61", 400, "Steps to show must be a whole number from 1 to 60, not '61'."),
        ("?role=nope", 404, "No role called 'nope' in the catalogue. Roles and paths lists"),
    ],
)
def test_learning_plan_refuses_bad_choices_in_page_words(
    plan_client: Any, query: str, status: int, says: str
) -> None:
    page = plan_client.get("/career/plan" + query)
    assert page.status_code == status and says in unescape(page.text)
    assert "socialproof roles" not in unescape(page.text) and "<tbody>" not in page.text
    if "limit" in query:
        assert 'aria-invalid="true"' in page.text and query.split("=")[1] in page.text


def test_learning_plan_without_a_profile_or_targets_says_what_to_do(
    client: Any, workspace: Any
) -> None:
    page = client.get("/career/plan")
    text = unescape(page.text)
    assert page.status_code == 404 and "There is no career profile yet" in text
    assert 'href="/career"' in text and "socialproof profile init" not in text
    (workspace.root / "profile.yaml").write_text("name: Ann\n", encoding="utf-8")
    page = client.get("/career/plan")
    text = unescape(page.text)
    assert page.status_code == 422 and "No target role to plan for." in text
    assert "tick the roles on this page" in text and "--role" not in text


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_learning_plan_in_the_browser(browser: Any, plan_ws: Any, width: int) -> None:
    """Tick a role and the number of steps with the keyboard, read the plan, download it."""
    from tests.web.conftest import LiveServer

    server = LiveServer(plan_ws).start()
    page = open_page(browser, server.url + "/career/plan", width=width, for_axe=True)
    try:
        assert page.locator("tbody tr").count() == 12  # the profile's targets
        assert axe_violations(page) == []
        page.locator("#plan-role-community-manager").focus()
        page.keyboard.press("Space")
        page.locator("#plan-limit").fill("4")
        page.keyboard.press("Enter")
        page.get_by_role(
            "heading", name="Learning plan for Community Manager (consumer)"
        ).wait_for()
        assert page.locator("tbody tr").count() == 4
        assert page.locator("#plan-role-community-manager").is_checked()
        with page.expect_download() as info:
            page.get_by_role("link", name="CSV").click()
        assert info.value.suggested_filename == "learning-plan.csv"
        rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text("utf-8"))))
        assert len(rows) == 5 and rows[0][1] == "learn"
        page.locator("#plan-limit").fill("0")
        page.keyboard.press("Enter")
        page.locator("#plan-limit-error").wait_for()
        assert page.locator("#plan-limit").get_attribute("aria-invalid") == "true"
        assert page.locator("#plan-limit").input_value() == "0"  # what was typed is kept
        assert page.locator("#plan-role-community-manager").is_checked()
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()


def _analysed(c: Any) -> None:
    if "Analyse postings" in c.get("/career/market").text:
        r = _post(c, "/career/market/analyse")
        job = c.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1], 120)
        assert job.state == "done", job.error


def _said(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_market_filters_as_market_report_takes_them(career_client: Any) -> None:
    """'market report --location --role --seniority --industry' had no field: the page
    always described every posting. The sample postings are in Remote (US), Austin TX,
    New York NY (hybrid), Denver CO and Portland OR."""
    c = career_client
    _analysed(c)
    r = c.get("/career/market", params={"location": "Austin"})
    assert r.status_code == 200
    said = _said(r.text)
    assert "1 analysed postings (location = Austin)" in said
    assert "share of 1 analysed postings" in said  # the shares are of the postings kept
    assert 'value="Austin"' in r.text
    r = c.get("/career/market", params={"role": "Community Manager"})  # a title, as the CLI
    assert "(role = community-manager)" in _said(r.text)
    assert re.search(r'<option value="community-manager" selected>', r.text) or (
        'value="Community Manager" selected' in r.text
    )
    none = _said(c.get("/career/market", params={"location": "Mars"}).text)
    assert "No analysed postings match (location = Mars)" in none
    assert "Loosen the filters (Location, Role, Seniority, Industry)." in none
    assert "socialproof jobs analyze" not in none


@pytest.mark.parametrize(
    ("field", "typed", "says"),
    [
        ("seniority", "guru", "Unknown seniority 'guru'."),
        ("role", "astronaut", "No role called 'astronaut' in the catalogue."),
        ("industry", "<i>mining</i>", "Unknown industry '<i>mining</i>'."),
    ],
)
def test_a_refused_market_filter_is_kept_and_marked(
    career_client: Any, field: str, typed: str, says: str
) -> None:
    r = career_client.get("/career/market", params={field: typed, "location": "Austin"})
    assert r.status_code == 422
    assert says in html.unescape(r.text) and "<i>mining</i>" not in r.text
    marked = re.search(rf'<select id="m-{field}"[^>]*>', r.text)
    assert marked is not None and 'aria-invalid="true"' in marked.group(0)
    assert re.search(rf'<option value="{re.escape(html.escape(typed))}" selected>', r.text)
    assert r.text.count('aria-invalid="true"') == 1 and 'value="Austin"' in r.text


def test_the_market_report_downloads_as_an_html_file(career_client: Any) -> None:
    """'market report --html' had no browser equivalent; the file keeps the page's filters."""
    c = career_client
    _analysed(c)
    page = c.get("/career/market", params={"location": "Austin"}).text
    link = re.search(r'href="(/career/market/report\.html[^"]*)" download', page)
    assert link is not None and link.group(1) == "/career/market/report.html?location=Austin"
    got = c.get(link.group(1))
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    assert 'filename="market-report.html"' in got.headers["content-disposition"]
    assert got.text.startswith("<!DOCTYPE html>") and "<h1>Job market report</h1>" in got.text
    assert "1 analysed postings: location = Austin" in html.unescape(got.text)
    every = c.get("/career/market/report.html")
    assert "5 analysed postings: all postings" in html.unescape(every.text)
    refused = c.get("/career/market/report.html", params={"seniority": "guru"})
    assert refused.status_code == 422 and "Unknown seniority 'guru'." in html.unescape(refused.text)
