"""The measure pages in Chromium: import by upload (mouse and keyboard only), the
dashboard's charts, a table download, accessibility (axe-core) at 1280 and 375 px,
and the CSP holding (no violation, no request leaving 127.0.0.1)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import LiveServer

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "data" / "web"
ROOT = Path(__file__).resolve().parents[2]
PAGES = (
    "/",
    "/import",
    "/dashboard?range=custom&start=2026-01-01&end=2026-03-14",
    "/campaigns?view=campaigns&period=week",
    "/campaigns?view=ads",
    "/campaigns?view=pacing&budget=2000",
    "/campaigns?view=fatigue",
    "/posts",
    "/audit",
    "/pilots",
    "/pilots/plan?metric=ctr_link&mde=10%25",
    "/settings",
    "/about",
    "/jobs",
    "/nowhere",
)


@pytest.fixture(scope="module")
def measure_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A workbench over a workspace holding the small Meta ads and Instagram exports."""
    from socialproof.ingest.importer import import_paths, read_context
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    ws = Workspace.init(
        tmp_path_factory.mktemp("measure") / "ws",
        settings=settings_from_dict({"owner": "Sam Rivera (sample)", "timezone": "UTC"}),
    )
    ctx = read_context(ws, account="acme")
    for name in ("meta_ads_two_weeks.csv", "instagram_posts_small.csv"):
        import_paths(ws, [DATA / name], ctx=ctx)
    server = LiveServer(ws).start()
    try:
        yield server
    finally:
        server.stop()


def _page(browser: Any, url: str, *, width: int = 1280, for_axe: bool = False) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, bypass_csp=for_axe, accept_downloads=True
    )
    page = context.new_page()
    page.goto(url)
    return page


def _axe(page: Any) -> list[str]:
    from tests.conftest import AXE, AXE_TAGS

    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:160]})"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_nothing_on_the_measure_pages(
    browser: Any, measure_server: LiveServer, width: int
) -> None:
    found: dict[str, list[str]] = {}
    for path in PAGES:
        page = _page(browser, measure_server.url + path, width=width, for_axe=True)
        try:
            page.wait_for_load_state("networkidle")
            if "dashboard" in path:
                page.wait_for_selector(".vega-chart.drawn svg", timeout=15_000)
            violations = _axe(page)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
        finally:
            page.context.close()
        if violations:
            found[path] = violations
        assert not overflow, f"{path} scrolls sideways at {width} px"
    assert found == {}


def test_csp_holds_and_nothing_leaves_the_machine(browser: Any, measure_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    try:
        for path in PAGES[:-1]:
            page.goto(measure_server.url + path)
            page.wait_for_load_state("networkidle")
            if "dashboard" in path:
                page.wait_for_selector(".vega-chart.drawn svg", timeout=15_000)
    finally:
        context.close()
    assert problems == []
    assert all(u.startswith(measure_server.url) or u.startswith("data:") for u in requests)


def test_dashboard_chart_is_interactive(browser: Any, measure_server: LiveServer) -> None:
    page = _page(
        browser, measure_server.url + "/dashboard?range=custom&start=2026-03-01&end=2026-03-14"
    )
    try:
        page.wait_for_selector("#chart-paid.drawn svg", timeout=15_000)
        marks = page.locator("#chart-paid svg g.mark-symbol.role-mark path")
        assert marks.count() == 3  # one point a week
        marks.nth(2).scroll_into_view_if_needed()
        box = marks.nth(2).bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=5_000)
        assert "900" in tooltip.inner_text()  # 9-14 March: 6 x 150 spent
        if os.environ.get("SOCIALPROOF_UPDATE_SCREENSHOTS"):  # the README's picture
            (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
            page.set_viewport_size({"width": 1280, "height": 800})
            page.goto(
                measure_server.url + "/dashboard?range=custom&start=2026-03-08&end=2026-03-14"
            )
            page.wait_for_selector("#chart-paid.drawn svg", timeout=15_000)
            page.screenshot(path=str(ROOT / "docs" / "img" / "workbench.png"), full_page=True)
    finally:
        page.context.close()


def test_table_download_matches_the_page(browser: Any, measure_server: LiveServer) -> None:
    page = _page(browser, measure_server.url + "/campaigns?view=campaigns&period=week")
    try:
        page.locator("th a", has_text="Amount spent").click()  # ascending
        page.locator("th a", has_text="Amount spent").click()  # descending
        page.wait_for_url(re.compile(r"sort=-spend"))
        first = page.locator("tbody tr").first.locator("td").first.inner_text()
        with page.expect_download() as info:
            page.get_by_role("link", name=re.compile("^CSV")).click()
        text = Path(info.value.path()).read_text(encoding="utf-8")
    finally:
        page.context.close()
    lines = text.splitlines()
    assert len(lines) == 4 and lines[1].startswith(first) and first == "2026-03-09"


def _expect_import_result(page: Any) -> str:
    page.wait_for_selector(".uploads .summary", timeout=60_000)
    return page.locator(".uploads").inner_text()


def test_import_by_upload_with_the_mouse(browser: Any, live_server: LiveServer) -> None:
    page = _page(browser, live_server.url + "/import")
    try:
        page.set_input_files("#files", [str(DATA / "instagram_posts_small.csv")])
        page.get_by_role("button", name="Import", exact=True).click()
        text = _expect_import_result(page)
        assert "imported as" in text and "8 new" in text and "1 rejected" in text
        page.get_by_role("link", name="1 rejected").click()
        page.wait_for_url(re.compile(r"/rejects$"))
        assert "not a date" in page.locator("table").inner_text()
        page.goto(live_server.url + "/import")
        assert "instagram_posts_small.csv" in page.locator("table").inner_text()
        page.context.close()
        # the page in this state (history, undo forms) passes axe too
        page = _page(browser, live_server.url + "/import", for_axe=True)
        assert _axe(page) == []
    finally:
        page.context.close()


def test_bad_files_get_a_clear_message_on_the_page(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    page = _page(browser, live_server.url + "/import")
    try:
        page.set_input_files("#files", [str(empty), str(binary)])
        page.get_by_role("button", name="Import", exact=True).click()
        page.locator(".uploads .summary").nth(1).wait_for(timeout=60_000)
        text = page.locator(".uploads").inner_text()
    finally:
        page.context.close()
    assert "empty.csv is empty" in text and "binary" in text


def test_import_with_the_keyboard_only(browser: Any, live_server: LiveServer) -> None:
    page = _page(browser, live_server.url + "/import")
    # answer the file chooser from the start, so no keypress can beat the interception
    page.on("filechooser", lambda c: c.set_files([str(DATA / "instagram_posts_small.csv")]))
    try:
        page.wait_for_load_state("networkidle")
        page.keyboard.press("Tab")  # the skip link comes first
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.keyboard.press("Enter")
        for _ in range(30):  # tab through the page to the file input
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "files":
                break
        assert page.evaluate("document.activeElement.id") == "files"
        page.keyboard.press("Space")  # opens the file chooser (answered by the handler)
        for _ in range(100):
            if page.evaluate("document.getElementById('files').files.length") == 1:
                break
            page.wait_for_timeout(100)
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent") == "Import":
                break
        page.keyboard.press("Enter")
        text = _expect_import_result(page)
        assert "8 new" in text
        # undo it from the history, keyboard only (the confirm dialog is accepted)
        page.goto(live_server.url + "/import")
        page.on("dialog", lambda d: d.accept())
        for _ in range(60):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "document.activeElement.tagName + ' ' + document.activeElement.textContent"
            )
            if focused.startswith("BUTTON") and "Undo" in focused:
                break
        page.keyboard.press("Enter")
        page.wait_for_selector(".msg-success")
        assert "8 rows removed" in page.locator(".msg-success").inner_text()
    finally:
        page.context.close()


def _report_pages(server: LiveServer, browser: Any) -> list[str]:
    """An audit run with the keyboard alone, and a pilot: the pages that show a library
    report, whose charts the workbench draws from the specs the report carries."""
    from socialproof.campaigns.pilots import create, define, list_pilots

    ws = server.app.state.ws
    if not any(p.name == "Carousels or reels" for p in list_pilots(ws)):
        create(
            ws,
            define(
                "Carousels or reels",
                "engagement_rate_reach",
                ["format=carousel", "format=reel"],
                "2026-01-01",
                "2026-03-31",
            ),
        )
    page = _page(browser, server.url + "/audit")
    try:
        page.locator("#platform").focus()
        page.keyboard.press("End")  # the last platform
        page.keyboard.press("Tab")
        for _ in range(12):  # past the date fields (a Tab stop per part) to Run
            if page.evaluate("document.activeElement.tagName") == "BUTTON":
                break
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/audit/jobs/"))
        page.wait_for_selector(".vega-chart.drawn svg", timeout=60_000)
        audit = page.url
    finally:
        page.context.close()
    return [audit, server.url + "/pilots/Carousels%20or%20reels"]


def test_report_charts_are_drawn_interactive_and_pass_axe(
    browser: Any, measure_server: LiveServer
) -> None:
    pages = _report_pages(measure_server, browser)
    found: dict[str, list[str]] = {}
    for url in pages:
        for width in (1280, 375):
            page = _page(browser, url, width=width, for_axe=True)
            try:
                page.wait_for_selector(".vega-chart.drawn svg", timeout=15_000)
                drawn = page.locator(".vega-chart.drawn").count()
                assert drawn == page.locator(".vega-chart[data-spec]").count() > 0
                assert page.locator(".vega-chart svg[role='img'][aria-label]").count() == drawn
                violations = _axe(page)
            finally:
                page.context.close()
            if violations:
                found[f"{url} at {width}"] = violations
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
    # hover a bar of the audit's format chart: its value shows in a tooltip
    page = _page(browser, pages[0])
    try:
        page.wait_for_selector(".vega-chart.drawn svg", timeout=15_000)
        bar = page.locator(".vega-chart.drawn svg g.mark-rect.role-mark path").first
        bar.scroll_into_view_if_needed()
        box = bar.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=5_000)
        assert "%" in tooltip.inner_text()
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_form_errors_and_open_disclosures_pass_axe(
    browser: Any, measure_server: LiveServer, width: int
) -> None:
    """Every error state of the measure pages' forms, reached with the keyboard, and a
    report with all its data tables open: a clear message, the field marked, 0 axe issues."""
    url = measure_server.url
    found: dict[str, list[str]] = {}
    before = (measure_server.app.state.ws.root / "socialproof.toml").read_text()

    def check(name: str, page: Any) -> None:
        found.update({name: v} if (v := _axe(page)) else {})

    page = _page(browser, url + "/settings", width=width, for_axe=True)
    try:
        page.locator("#s-approvals-tiers-0-roles").fill("editor")  # a tier with no name
        page.get_by_role("button", name="Save settings").focus()
        page.keyboard.press("Enter")
        page.get_by_text("Approval tier 1, name: a tier needs a name").wait_for()
        assert page.locator("#s-approvals-tiers-0-name").get_attribute("aria-invalid") == "true"
        check("settings", page)

        page.goto(url + "/pilots")
        page.get_by_role("button", name="Create the pilot").focus()
        page.keyboard.press("Enter")
        page.get_by_text("Please fill in: Name, Metric").wait_for()
        assert page.locator("#name").get_attribute("aria-invalid") == "true"
        check("pilots", page)

        page.goto(url + "/pilots/plan?metric=ctr_link&mde=10%25&alpha=2")
        page.get_by_text("alpha must be between 0 and 1").wait_for()
        assert page.locator("#alpha").is_visible()  # "More options" opened on the error
        check("plan", page)

        page.goto(url + "/audit")
        page.locator("#since").fill("2026-03-01")
        page.locator("#until").fill("2026-01-01")
        page.get_by_role("button", name="Run the audit").focus()
        page.keyboard.press("Enter")
        page.get_by_text("is after").first.wait_for()
        check("audit", page)

        page.goto(url + "/dashboard?range=fortnight")
        page.get_by_text("Unknown date range").first.wait_for()
        check("dashboard", page)
    finally:
        page.context.close()
    for path in _report_pages(measure_server, browser):
        page = _page(browser, path, width=width, for_axe=True)
        try:
            page.wait_for_selector(".vega-chart.drawn svg", timeout=15_000)
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            check(path, page)
        finally:
            page.context.close()
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
    assert (measure_server.app.state.ws.root / "socialproof.toml").read_text() == before


@pytest.mark.parametrize("width", [1280, 375])
def test_stop_an_import_in_the_browser(
    browser: Any, live_server: LiveServer, workspace: Any, width: int
) -> None:
    """A big file's import can be stopped from its progress box; nothing is written."""
    page = _page(browser, live_server.url + "/import", width=width, for_axe=True)
    gate = live_server.app.state.ws.gate
    try:
        page.wait_for_load_state("networkidle")
        with gate.writing():  # the import waits for its turn, as behind a long write
            page.set_input_files("#files", [str(DATA / "instagram_posts_small.csv")])
            page.get_by_role("button", name="Import", exact=True).click()
            stop = page.get_by_role("button", name="Stop the import")
            stop.wait_for(timeout=60_000)
            assert _axe(page) == []
            stop.focus()
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"/import/jobs/[0-9a-f]+$"))
        page.get_by_text("Stopped: nothing of the file being read was written.").wait_for(
            timeout=60_000
        )
        assert "stopped" in page.locator(".job").inner_text()
        assert _axe(page) == []
    finally:
        page.context.close()
    with workspace.connect(read_only=True) as con:
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        posts = con.execute("SELECT count(*) FROM posts").fetchone()[0] if "posts" in tables else 0
    assert posts == 0


def test_delete_a_pilot_named_with_a_slash_in_the_browser(
    browser: Any, measure_server: LiveServer
) -> None:
    from socialproof.campaigns.pilots import create, define

    create(
        measure_server.app.state.ws,
        define(
            "A/B test: reels",
            "engagement_rate_reach",
            ["format=carousel", "format=reel"],
            "2026-01-01",
            "2026-03-31",
        ),
    )
    page = _page(browser, measure_server.url + "/pilots", for_axe=True)
    try:
        page.get_by_role("link", name="A/B test: reels").click()
        page.get_by_role("heading", name="Pilot: A/B test: reels").wait_for()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Delete this pilot").click()
        page.get_by_text("Deleted pilot 'A/B test: reels'").wait_for()
        assert page.get_by_role("link", name="A/B test: reels").count() == 0
        assert _axe(page) == []
    finally:
        page.context.close()


def test_a_running_audit_page_passes_axe_and_shows_its_report_when_done(
    browser: Any, measure_server: LiveServer
) -> None:
    """The page reloaded itself every 2 s while the audit ran (axe 'meta-refresh'); with
    JavaScript it now waits in place and loads once, with the report, when it is done."""
    import threading

    jobs = measure_server.app.state.jobs
    release = threading.Event()
    blocker = jobs.submit("Hold the queue", lambda _job: release.wait(60))
    page = _page(browser, measure_server.url + "/audit", for_axe=True)
    try:
        page.get_by_role("button", name=re.compile("Run the audit")).click()
        page.wait_for_url(re.compile(r"/audit/jobs/[0-9a-f]+$"))
        page.get_by_text("waiting to start").wait_for()  # queued behind the held job
        assert _axe(page) == []
        release.set()
        page.wait_for_selector(".vega-chart.drawn svg", timeout=60_000)
        assert page.locator(".job").count() == 0  # the report took the progress box's place
    finally:
        release.set()
        page.context.close()
    assert jobs.wait(blocker.id).state == "done"
