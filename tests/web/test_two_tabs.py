"""Two tabs on one file: the editors (a post, a case study, the career profile, the
moderation rules) replaced a save made in the other tab without a word. Each form
carries the version of the file it opened; a save over a newer file is refused, the
typed text kept on the page, the other tab's save left as it is."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

PROFILE = "name: Ann Lee\nskills:\n  - {skill: copywriting, level: 3}\n"
RULES = "blocked_terms:\n  spam: [pineapple promo]\n"


def _post(client: Any, url: str, **data: str) -> Any:
    return client.post(url, data={"csrf_token": client.csrf, **data}, follow_redirects=False)


def _version(html: str) -> str:
    found = re.findall(r'name="version" value="([^"]*)"', html)
    assert found, "the editor's form carries no version"
    return found[0]


def _post_editor(client: Any) -> tuple[str, str, str]:
    r = _post(client, "/content/new", name="2026-12-14-gift-cards", title="Gift cards")
    url = r.headers["location"]
    text = unescape(
        re.search(r'<textarea id="text"[^>]*>(.*?)</textarea>', client.get(url).text, re.S).group(1)
    )  # type: ignore[union-attr]
    return url, text, "content/2026-12-14-gift-cards.md"


def _study_editor(client: Any) -> tuple[str, str, str]:
    r = _post(client, "/portfolio/new", title="Holiday gift guide", kind="organic")
    url = r.headers["location"]
    text = unescape(
        re.search(r'<textarea id="text"[^>]*>(.*?)</textarea>', client.get(url).text, re.S).group(1)
    )  # type: ignore[union-attr]
    return url, text, "case-studies/holiday-gift-guide.md"


EDITORS = {
    "post": _post_editor,
    "case study": _study_editor,
    "profile": lambda _c: ("/career", PROFILE, "profile.yaml"),
    "moderation rules": lambda _c: ("/community/moderation/rules", RULES, "moderation.yaml"),
}


@pytest.mark.parametrize("editor", list(EDITORS))
def test_a_save_over_the_other_tabs_save_is_refused_and_keeps_the_text(
    client: Any, workspace: Any, editor: str
) -> None:
    url, text, file = EDITORS[editor](client)
    action = {"/career": "/career/profile"}.get(url, url)
    path = workspace.root / file
    first = _version(client.get(url).text)  # tab 1 opens the editor
    second = _version(client.get(url).text)  # tab 2 too
    assert first == second
    theirs = text.replace("Gift cards", "Gift cards (theirs)") + "\n# theirs\n"
    r = _post(client, action, text=theirs, version=second)  # tab 2 saves
    assert r.status_code == 303, unescape(r.text)[:800]
    saved = path.read_text(encoding="utf-8")
    ours = text + "\n# ours, typed in tab 1\n"
    r = _post(client, action, text=ours, version=first)  # tab 1 saves over it: refused
    page = unescape(r.text)
    assert r.status_code == 409, page[:800]
    assert f"{file} changed since this page opened it" in page
    assert "nothing was saved" in page and "# ours, typed in tab 1" in page  # kept
    assert path.read_text(encoding="utf-8") == saved  # tab 2's save stands
    # refused again while the page keeps the old version; a reload gives the new one
    assert _post(client, action, text=ours, version=_version(r.text)).status_code == 409
    fresh = _version(client.get(url).text)
    assert fresh != first
    r = _post(client, action, text=ours, version=fresh)
    assert r.status_code == 303 and "# ours, typed in tab 1" in path.read_text(encoding="utf-8")


def test_a_case_studys_outcome_is_refused_over_the_other_tabs_save(
    client: Any, workspace: Any
) -> None:
    url, text, file = _study_editor(client)
    first = _version(client.get(url).text)
    r = _post(client, url, text=text + "\n<!-- theirs -->\n", version=first)
    assert r.status_code == 303
    r = _post(client, url + "/evidence", text=text, kind="kpi", kpi="reach", version=first)
    assert r.status_code == 409 and "changed since this page opened it" in unescape(r.text)
    assert "<!-- theirs -->" in (workspace.root / file).read_text(encoding="utf-8")


def test_settings_saved_in_another_tab_are_not_overwritten(client: Any, workspace: Any) -> None:
    """Tab 1 set the service level, tab 2 (opened before) the owner: tab 2's save put the
    old service level back."""
    first = _version(client.get("/settings").text)
    second = _version(client.get("/settings").text)
    r = _post(
        client, "/settings", owner="Test Owner", **{"community.sla_hours": "6"}, version=first
    )
    assert r.status_code == 303
    r = _post(client, "/settings", owner="Dana Lee", version=second)
    page = unescape(r.text)
    assert r.status_code == 409 and "socialproof.toml changed since this page opened it" in page
    assert 'value="Dana Lee"' in page  # what was typed is kept
    toml = (workspace.root / "socialproof.toml").read_text(encoding="utf-8")
    assert "Dana Lee" not in toml and "sla_hours = 6" in toml.replace("6.0", "6")


def test_a_case_study_form_over_the_other_tabs_save_is_refused(client: Any, workspace: Any) -> None:
    """The form's fields were written over the file as it is, so a summary saved in
    another tab went back to the old one."""
    url, _text, file = _study_editor(client)
    form_url = url.replace("/portfolio/edit/", "/portfolio/form/")
    html = client.get(form_url).text
    first = _version(html)
    second = _version(client.get(form_url).text)
    fields = {
        unescape(m[0]): unescape(m[1])
        for m in re.findall(r'<input type="[a-z]+" id="[^"]*" name="([^"]+)" value="([^"]*)"', html)
    } | {
        unescape(m[0]): unescape(m[1])
        for m in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S)
    }
    fields.pop("csrf_token", None)
    fields.pop("version", None)

    def save(summary: str, version: str) -> Any:  # the form has a field named 'client'
        data = {**fields, "summary": summary, "version": version, "csrf_token": client.csrf}
        return client.post(form_url, data=data, follow_redirects=False)

    r = save("Theirs.", second)
    assert r.status_code == 303, unescape(r.text)[:600]
    r = save("Ours, typed.", first)
    page = unescape(r.text)
    assert r.status_code == 409 and "changed since this page opened it" in page
    assert "Ours, typed." in page
    saved = (workspace.root / file).read_text(encoding="utf-8")
    assert "Theirs." in saved and "Ours, typed." not in saved
