"""Mapping the columns of an unrecognised upload in Chromium: upload, follow the link,
choose the columns on the form (an error first, the choices kept), import; axe on the form."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import LiveServer

pytestmark = pytest.mark.browser

#: invented: 3 posts of a tool socialproof does not know, 12 likes in all
TOOTS = (
    "Ident,When,Words,Hearts\n"
    "A1,2026-03-01 10:00,hello there,5\n"
    "A2,2026-03-02 11:30,second one,7\n"
    "A3,2026-03-03 09:15,third,0\n"
)
#: invented: close to a Meta posts export, too thin to be detected as one
THIN_META = "Post ID,Publish time,Likes\n1001,03/01/2026 10:00,5\n1002,03/02/2026 11:00,7\n"


def _axe(page: Any) -> list[str]:
    from tests.conftest import AXE, AXE_TAGS

    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [f"{v['id']}: {v['help']} ({v['nodes'][0]['html'][:160]})" for v in result["violations"]]


def test_map_the_columns_of_an_unknown_file_in_the_browser(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    upload = tmp_path / "toots.csv"
    upload.write_text(TOOTS, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/import")
        page.set_input_files("#files", [str(upload)])
        page.get_by_role("button", name="Import", exact=True).click()
        page.wait_for_selector(".uploads .summary", timeout=60_000)
        assert "not imported" in page.locator(".uploads").inner_text()
        page.get_by_role("link", name=re.compile("^Map the columns of toots.csv")).click()
        page.wait_for_url(re.compile(r"/import/map\?"))
        assert page.get_by_label(re.compile("^reactions")).input_value() == "Hearts"
        assert _axe(page) == []
        # post id left out: refused, the field marked, the other choices kept
        page.get_by_label(re.compile("^published at")).select_option("When")
        page.get_by_label(re.compile("^text")).select_option("Words")
        page.get_by_label("platform on every row *").fill("mastodon")
        page.get_by_label("account on every row *").fill("acme")
        page.get_by_role("button", name="Save the mapping and import toots.csv").click()
        page.get_by_text("Each row of posts needs post id.").wait_for()
        assert page.locator("#col-post_id").get_attribute("aria-invalid") == "true"
        assert page.get_by_label(re.compile("^published at")).input_value() == "When"
        assert page.get_by_label("platform on every row *").input_value() == "mastodon"
        assert _axe(page) == []
        page.get_by_label(re.compile("^post id")).select_option("Ident")
        page.get_by_role("button", name="Save the mapping and import toots.csv").click()
        page.wait_for_url(re.compile(r"/import/jobs/"))
        page.get_by_text("3 rows read").wait_for(timeout=60_000)
        text = page.locator(".summaries").inner_text()
        assert "3 rows read, 3 new, 0 updated, 0 rejected" in text
        assert "Saved the mapping toots.yaml" in page.content()
        # a file close to a known format: the offer to import it as that one, at phone width
        thin = tmp_path / "thin.csv"
        thin.write_text(THIN_META, encoding="utf-8")
        page.goto(live_server.url + "/import")
        page.set_input_files("#files", [str(thin)])
        page.get_by_role("button", name="Import", exact=True).click()
        page.get_by_role("link", name=re.compile("^Map the columns of thin.csv")).click()
        page.wait_for_url(re.compile(r"/import/map\?"))
        page.set_viewport_size({"width": 375, "height": 900})
        offer = page.get_by_role("button", name=re.compile("^Import it as Meta"))
        assert offer.is_visible()
        assert _axe(page) == []
        page.get_by_label(re.compile("^Account")).fill("acme")
        offer.click()
        page.wait_for_url(re.compile(r"/import/jobs/"))
        page.get_by_text("2 rows read").wait_for(timeout=60_000)
    finally:
        context.close()
    assert (live_server.app.state.ws.root / "mappings" / "toots.yaml").is_file()
