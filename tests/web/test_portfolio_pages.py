"""Portfolio pages: case studies with rubric scores, the editor with a live preview,
evidence picked from the workspace, the site and PDF built in the background."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import make_client
from tests.web.workbench_samples import axe_violations, build_sample_workspace, open_page, serve

CARE = "customer-care.md"
SPRING = "spring-launch-conversions.md"


@pytest.fixture(scope="module")
def portfolio_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    ws = build_sample_workspace(tmp_path_factory.mktemp("portfolio") / "ws", score=False)
    with make_client(ws) as c:
        yield c


def _post(c: Any, url: str, **data: str) -> Any:
    return c.post(url, data={"csrf_token": c.csrf, **data}, follow_redirects=False)


def test_list_shows_rubric_scores(portfolio_client: Any) -> None:
    from socialproof.portfolio.rubric import check_portfolio

    page = portfolio_client.get("/portfolio").text
    expected = {Path(c.file).name: c.score for c in check_portfolio(portfolio_client.app_state.ws)}
    assert set(expected) == {CARE, SPRING, "mock-cold-brew.md"}
    for name, score in expected.items():
        assert f'<a href="/portfolio/edit/{name}">{name}</a>' in page
        assert f'<td class="num">{score}</td>' in page


def test_live_preview_scores_the_draft(portfolio_client: Any) -> None:
    c = portfolio_client
    text = (c.app_state.ws.root / "case-studies" / SPRING).read_text(encoding="utf-8")
    r = _post(c, f"/portfolio/edit/{SPRING}/preview", text=text)
    assert r.status_code == 200 and "Rubric score" in r.text
    assert "Cost per purchase" in r.text  # a figure computed from the imported ads
    # a draft without strategy loses points and says why
    r2 = _post(
        c, f"/portfolio/edit/{SPRING}/preview", text=text.replace("strategy: |", "old: |", 1)
    )
    assert 'role="alert"' in r2.text and "unknown field" in r2.text
    no_goals = text.replace("goals:\n", "old_goals:\n", 1)
    assert "unknown field" in _post(c, f"/portfolio/edit/{SPRING}/preview", text=no_goals).text
    body = text + "\n<script>alert(1)</script>\n"
    r3 = _post(c, f"/portfolio/edit/{SPRING}/preview", text=body)
    assert "<script>alert(1)</script>" not in r3.text  # Markdown without raw HTML, escaped


def test_save_refuses_a_broken_draft(portfolio_client: Any) -> None:
    c = portfolio_client
    path = c.app_state.ws.root / "case-studies" / CARE
    before = path.read_text(encoding="utf-8")
    r = _post(c, f"/portfolio/edit/{CARE}", text="---\ntitle: x\n---\nbody\n")
    assert r.status_code in (400, 422) and "Not saved" in r.text and "missing required" in r.text
    assert 'aria-invalid="true"' in r.text
    assert path.read_text(encoding="utf-8") == before
    assert _post(c, "/portfolio/edit/..%2Fsocialproof.toml", text="x").status_code in (404, 422)


def test_add_evidence_from_the_workspace(portfolio_client: Any) -> None:
    from socialproof.portfolio.casestudy import parse_case_study

    c = portfolio_client
    path = c.app_state.ws.root / "case-studies" / SPRING
    text = path.read_text(encoding="utf-8")
    r = _post(
        c,
        f"/portfolio/edit/{SPRING}/evidence",
        text=text,
        kind="kpi",
        kpi="cpm",
        label="Cost per thousand impressions",
        where="campaign=Sample - Spring Launch - Conversions",
        baseline="9.5",
    )
    assert r.status_code == 303, r.text
    study = parse_case_study(path).study
    added = study.outcomes[-1]
    assert (added.label, added.kpi, added.baseline) == ("Cost per thousand impressions", "cpm", 9.5)
    assert added.where == {"campaign": "Sample - Spring Launch - Conversions"}
    assert len(study.outcomes) == 4
    # bad input: a clear message, nothing changed
    before = path.read_text(encoding="utf-8")
    for data, expected in (
        ({"kind": "kpi", "kpi": "cpm", "label": ""}, "Give the outcome a label"),
        ({"kind": "kpi", "kpi": "cpm", "label": "x", "baseline": "lots"}, "is not a number"),
        ({"kind": "kpi", "kpi": "cpm", "label": "x", "where": "colour=red"}, "known name"),
        ({"kind": "kpi", "kpi": "no_such_kpi", "label": "x"}, "Not added"),
        ({"kind": "gossip", "label": "x"}, "Unknown evidence"),
    ):
        r = _post(c, f"/portfolio/edit/{SPRING}/evidence", text=before, **data)
        assert r.status_code in (400, 404, 422) and expected in r.text, (data, r.text[-600:])
    assert path.read_text(encoding="utf-8") == before


def test_new_case_study(portfolio_client: Any) -> None:
    c = portfolio_client
    r = _post(c, "/portfolio/new", title="Holiday gift guide", kind="organic")
    assert r.status_code == 303 and r.headers["location"] == "/portfolio/edit/holiday-gift-guide.md"
    r = _post(c, "/portfolio/new", title="Holiday gift guide", kind="organic")
    assert r.status_code in (400, 422) and "already exists" in r.text
    r = _post(c, "/portfolio/new", title="X", kind="viral")
    assert r.status_code in (400, 422) and "Unknown kind" in r.text


def test_edit_the_main_fields_in_a_form(portfolio_client: Any) -> None:
    from socialproof.portfolio.casestudy import parse_case_study

    c = portfolio_client
    path = c.app_state.ws.root / "case-studies" / CARE
    page = c.get(f"/portfolio/form/{CARE}").text
    study = parse_case_study(path).study
    assert f'value="{study.title}"' in page and study.period.start.isoformat() in page
    values = {
        "title": study.title,
        "role": study.role,
        "client": study.client,
        "summary": "Answered faster with the same team.",
        "goal": "Answer nine in ten messages within a day",
        "strategy": "Triage by theme first.",
        "execution": study.execution or "",
        "learnings": "",
        "start": study.period.start.isoformat(),
        "end": study.period.end.isoformat() if study.period.end else "",
    }
    r = _post(c, f"/portfolio/form/{CARE}", **values)
    assert r.status_code == 303
    after = parse_case_study(path).study
    assert after.summary == "Answered faster with the same team."
    assert after.strategy == "Triage by theme first." and after.learnings is None
    assert after.goals[0].description == "Answer nine in ten messages within a day"
    assert after.outcomes == study.outcomes  # untouched
    before = path.read_text(encoding="utf-8")
    for change, expected in (
        ({"start": "last spring"}, "is not a date"),
        ({"title": " "}, "The title is required"),
        ({"end": "2000-01-01"}, "before its start"),
    ):
        r = _post(c, f"/portfolio/form/{CARE}", **{**values, **change})
        assert r.status_code in (400, 422) and expected in r.text, (change, r.text[-500:])
    assert path.read_text(encoding="utf-8") == before


def test_built_files_stay_in_site(portfolio_client: Any) -> None:
    c = portfolio_client
    assert c.get("/portfolio/site/../socialproof.toml").status_code == 404
    assert c.get("/portfolio/site/%2e%2e/socialproof.toml").status_code in (400, 404)


# -- in Chromium -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from serve(tmp_path_factory, score=False)


@pytest.mark.browser
def test_edit_a_case_study_and_build_the_site(browser: Any, sample_server: Any) -> None:
    ws = sample_server.app.state.ws
    page = open_page(browser, sample_server.url + f"/portfolio/edit/{CARE}")
    try:
        box = page.locator("#text")
        box.press("Control+End")
        box.type("\n## What I would do next\n\nAnswer in the first hour.\n")
        page.locator("#review").get_by_role("heading", name="What I would do next").wait_for()
        page.get_by_role("button", name="Save").focus()  # keyboard only from here
        page.keyboard.press("Enter")
        page.get_by_text(f"Saved case-studies/{CARE}.").wait_for()
        assert "Answer in the first hour." in (ws.root / "case-studies" / CARE).read_text("utf-8")
        page.goto(sample_server.url + "/portfolio/built")
        page.get_by_role("button", name="Build the site and PDF").focus()
        page.keyboard.press("Enter")
        page.get_by_role("link", name="See the result").wait_for(timeout=120_000)
        page.goto(sample_server.url + "/portfolio/built")
        page.get_by_role("link", name="Open the built site").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/portfolio/site/index.html")
        assert (ws.root / "site" / "index.html").is_file()
        assert (ws.root / "portfolio.pdf").read_bytes().startswith(b"%PDF")
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize(
    "path",
    ["/portfolio", f"/portfolio/edit/{SPRING}", f"/portfolio/form/{CARE}", "/portfolio/built"],
)
def test_portfolio_pages_pass_axe(browser: Any, sample_server: Any, path: str, width: int) -> None:
    page = open_page(browser, sample_server.url + path, width=width, for_axe=True)
    try:
        assert axe_violations(page) == []
    finally:
        page.context.close()


@pytest.mark.browser
def test_evidence_form_error_passes_axe(browser: Any, sample_server: Any) -> None:
    page = open_page(browser, sample_server.url + f"/portfolio/edit/{SPRING}", for_axe=True)
    try:
        page.locator("#ev-label").fill("Bad baseline")
        page.locator("#ev-baseline").fill("lots")
        page.get_by_role("button", name="Add the outcome").click()
        page.get_by_text("is not a number").first.wait_for()
        assert page.locator("#ev-label").get_attribute("aria-invalid") == "true"
        assert axe_violations(page) == []
    finally:
        page.context.close()


@pytest.mark.browser
def test_adding_an_outcome_keeps_what_was_typed_in_the_editor(
    browser: Any, sample_server: Any
) -> None:
    """Add the outcome saved the case study as the page had loaded it: edits typed in the
    editor and not saved yet were lost."""
    path = sample_server.app.state.ws.root / "case-studies" / SPRING
    page = open_page(browser, sample_server.url + f"/portfolio/edit/{SPRING}")
    try:
        editor = page.locator("#text")
        editor.fill(editor.input_value() + "\nTyped before adding an outcome.\n")
        page.locator("#ev-kpi").select_option("cpm")
        page.locator("#ev-label").fill("Cost per thousand, typed")
        page.get_by_role("button", name="Add the outcome").click()
        page.get_by_text("Added the outcome 'Cost per thousand, typed' and saved.").wait_for()
        saved = path.read_text(encoding="utf-8")
        assert "Typed before adding an outcome." in saved
        assert "Cost per thousand, typed" in saved
        assert "Typed before adding an outcome." in page.locator("#text").input_value()
    finally:
        page.context.close()
