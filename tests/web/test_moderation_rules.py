"""Community > Moderation > Rules: the workspace's moderation.yaml in an editor (the
workbench had no way to change the rules the moderation queue uses)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from tests.web.workbench_samples import axe_violations, open_page

RULES = "/community/moderation/rules"
OURS = "# our rules\nblocked_terms:\n  spam: [pineapple promo]\n"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def _save(client: Any, text: str) -> Any:
    return client.post(
        RULES, data={"csrf_token": client.csrf, "text": text}, follow_redirects=False
    )


def test_the_packaged_rules_to_start_from_then_the_workspaces_own(
    client: Any, workspace: Any
) -> None:
    path = workspace.root / "moderation.yaml"
    page = _text(client.get(RULES).text)
    assert "The workspace has no moderation.yaml" in page
    assert "crypto giveaway" in page  # a packaged blocked term, in the editor
    assert "Go back to the packaged rules" not in page
    r = _save(client, OURS)
    assert r.status_code == 303 and r.headers["location"] == RULES
    assert path.read_text(encoding="utf-8") == OURS
    page = unescape(client.get(RULES).text)
    assert "# our rules" in page
    page = _text(page)
    assert "These are the workspace's own rules" in page
    assert "Saved moderation.yaml." in page and "crypto giveaway" not in page
    # the rules reach the other pages: a pasted text with the team's term is flagged
    r = client.post(
        "/community/analyse",
        data={"csrf_token": client.csrf, "pasted": "the pineapple promo is here"},
        follow_redirects=False,
    )
    r = client.post(
        r.headers["location"],
        data={"csrf_token": client.csrf, "task": "moderate"},
        follow_redirects=False,
    )
    job = client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1])
    assert job.state == "done" and "1 flagged" in job.result["summary"]
    r = client.post(RULES + "/reset", data={"csrf_token": client.csrf}, follow_redirects=True)
    assert "the packaged rules apply again" in unescape(r.text) and not path.exists()
    r = client.post(RULES + "/reset", data={"csrf_token": client.csrf}, follow_redirects=True)
    assert "The packaged rules already apply." in r.text


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("links: [unclosed\n", "moderation.yaml is not valid YAML"),
        ("- a\n- b\n", "moderation.yaml must hold a mapping of settings"),
        ("links:\n  policy: never\n", "links.policy must be one of allow"),
        ("models:\n  spam_threshold: 7\n", "models.spam_threshold must be a number from 0 to 1"),
        ("models: 3\n", "have a section that is not a mapping"),
        ("blocked_terms:\n  spam: bad\x00\n", "not text"),
    ],
)
def test_rules_that_do_not_read_are_refused_kept_and_nothing_is_written(
    client: Any, workspace: Any, text: str, says: str
) -> None:
    path = workspace.root / "moderation.yaml"
    path.write_text(OURS, encoding="utf-8")
    typed = text + "# </textarea><script>alert(1)</script>\n"
    r = _save(client, typed)
    assert r.status_code == 400 and says in unescape(r.text)
    assert "Not saved:" in r.text and 'aria-invalid="true"' in r.text
    assert "<script>alert(1)" not in r.text  # escaped, in the field as typed
    if "\x00" not in text:
        assert "&lt;/textarea&gt;&lt;script&gt;" in r.text
    assert "/tmp" not in r.text and "socialproof/data" not in r.text
    assert path.read_text(encoding="utf-8") == OURS  # unchanged


def test_a_forged_save_changes_nothing(client: Any, workspace: Any) -> None:
    r = client.post(RULES, data={"text": OURS}, follow_redirects=False)
    assert r.status_code == 403 and not (workspace.root / "moderation.yaml").exists()
    (workspace.root / "moderation.yaml").write_text(OURS, encoding="utf-8")
    r = client.post(RULES + "/reset", data={}, follow_redirects=False)
    assert r.status_code == 403 and (workspace.root / "moderation.yaml").exists()


def test_the_queue_links_to_the_rules(client: Any) -> None:
    assert f'href="{RULES}"' in client.get("/community/moderation").text


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_edit_the_rules_in_the_browser(
    browser: Any, live_server: Any, workspace: Any, width: int
) -> None:
    page = open_page(browser, live_server.url + RULES, width=width, for_axe=True)
    try:
        assert axe_violations(page) == []
        page.locator("#rules-text").fill("links:\n  policy: sometimes\n")
        page.get_by_role("button", name="Save the rules").click()
        page.locator("#rules-error").wait_for()
        assert "links.policy must be one of" in page.locator("#rules-error").inner_text()
        assert page.locator("#rules-text").input_value() == "links:\n  policy: sometimes\n"
        assert axe_violations(page) == []
        page.locator("#rules-text").fill(OURS)
        page.get_by_role("button", name="Save the rules").click()
        page.get_by_text("Saved moderation.yaml.").wait_for()
        assert (workspace.root / "moderation.yaml").read_text(encoding="utf-8") == OURS
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Go back to the packaged rules").click()
        page.get_by_text("the packaged rules apply again").wait_for()
        assert not (workspace.root / "moderation.yaml").exists()
        assert axe_violations(page) == []
    finally:
        page.context.close()
