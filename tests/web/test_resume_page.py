"""Portfolio > JSON Resume: 'portfolio export / import --json-resume' in the workbench
(the browser had no way to get a JSON Resume out, or to start from one)."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest

RESUME = {
    "basics": {"name": "Ann <b>Lee</b>", "label": "Community manager"},
    "work": [
        {
            "name": "Acme",
            "position": "Social lead",
            "startDate": "2024-01",
            "summary": "Grew the community",
        }
    ],
}


def _upload(client: Any, name: str, body: bytes) -> str:
    r = client.post(
        "/portfolio/resume",
        data={"csrf_token": client.csrf},
        files={"file": (name, body, "application/json")},
        follow_redirects=True,
    )
    assert r.status_code == 200
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", r.text)))


def test_start_from_a_json_resume_then_download_it(client: Any, workspace: Any) -> None:
    page = client.get("/portfolio").text
    assert 'href="/portfolio/resume.json"' in page and 'action="/portfolio/resume"' in page
    text = _upload(client, "my résumé.json", json.dumps(RESUME).encode("utf-8"))
    assert "wrote profile.yaml, case-studies/social-lead-at-acme.md." in text
    assert "Ann Lee" not in text  # nothing of the file is shown unescaped
    assert (workspace.root / "profile.yaml").is_file()
    study = (workspace.root / "case-studies" / "social-lead-at-acme.md").read_text("utf-8")
    assert "Social lead" in study
    again = _upload(client, "resume.json", json.dumps(RESUME).encode("utf-8"))
    assert "Nothing new to write" in again
    r = client.get("/portfolio/resume.json")
    assert r.headers["content-disposition"] == 'attachment; filename="resume.json"'
    data = r.json()
    assert data["basics"]["name"] == "Ann <b>Lee</b>"  # JSON, not HTML: kept as written
    assert [p["name"] for p in data["projects"]] == ["Social lead at Acme"]


@pytest.mark.parametrize(
    ("name", "body", "says"),
    [
        ("broken.json", b"{nope", "broken.json: not valid JSON"),
        ("list.json", b"[1, 2]", "list.json: a JSON Resume is an object"),
        ("", b"", "Choose a JSON Resume file (resume.json)."),
    ],
)
def test_a_file_that_is_not_a_json_resume_is_refused_and_writes_nothing(
    client: Any, workspace: Any, name: str, body: bytes, says: str
) -> None:
    text = _upload(client, name, body)
    assert f"Not imported: {says}" in text
    assert "/tmp" not in text and "socialproof-resume" not in text  # no server paths
    assert not (workspace.root / "profile.yaml").exists()
    assert not list((workspace.root / "case-studies").glob("*.md"))


def test_a_forged_import_changes_nothing(client: Any, workspace: Any) -> None:
    r = client.post(
        "/portfolio/resume",
        files={"file": ("resume.json", json.dumps(RESUME).encode(), "application/json")},
    )
    assert r.status_code == 403 and not (workspace.root / "profile.yaml").exists()


@pytest.mark.browser
def test_json_resume_in_the_browser(
    browser: Any, live_server: Any, workspace: Any, tmp_path: Any
) -> None:
    from tests.web.workbench_samples import axe_violations, open_page

    source = tmp_path / "resume.json"
    source.write_text(json.dumps(RESUME), encoding="utf-8")
    page = open_page(browser, live_server.url + "/portfolio", for_axe=True)
    try:
        page.set_input_files("#resume-file", str(source))
        page.get_by_role("button", name="Import the JSON Resume").click()
        page.get_by_text("Started from resume.json: wrote profile.yaml").wait_for()
        assert axe_violations(page) == []
        with page.expect_download() as info:
            page.get_by_role("link", name=re.compile("Download your profile")).click()
        assert info.value.suggested_filename == "resume.json"
        with open(info.value.path(), encoding="utf-8") as saved:
            assert json.load(saved)["basics"]["label"] == "Community manager"
    finally:
        page.context.close()
