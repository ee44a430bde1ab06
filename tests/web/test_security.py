"""The guard middleware: Host check, CSRF, CSP, upload limit, remote token."""

from __future__ import annotations

from typing import Any

import pytest
from tests.web.conftest import make_client


def test_bad_host_is_refused(client: Any) -> None:
    r = client.get("/", headers={"host": "evil.example:8765"})
    assert r.status_code == 400 and "Host" in r.text
    assert client.get("/", headers={"host": "localhost:9999"}).status_code == 200


def test_csp_and_companion_headers_on_every_response(client: Any) -> None:
    for url in ("/", "/nowhere", "/static/app.css", "/api/kpis"):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "http" not in csp and "*" not in csp  # nothing from outside
        assert headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in client.get("/", headers={"host": "evil.example"}).headers


def test_post_without_or_with_forged_csrf_token_is_refused(client: Any) -> None:
    jobs_before = len(client.app_state.jobs.all())
    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": client.csrf[:-1]}):
        r = client.post("/jobs", data=data)
        assert r.status_code == 403 and "security token" in r.text
    r = client.post("/jobs", headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    assert len(client.app_state.jobs.all()) == jobs_before
    # with the token the request reaches the app (which has no POST /jobs)
    assert client.post("/jobs", data={"csrf_token": client.csrf}).status_code == 405
    assert client.post("/jobs", headers={"X-CSRF-Token": client.csrf}).status_code == 405


def test_multipart_csrf_field_is_read(client: Any) -> None:
    files = {"files": ("a.csv", b"a,b\n1,2\n", "text/csv")}
    assert client.post("/jobs", data={"csrf_token": "nope"}, files=files).status_code == 403
    r = client.post("/jobs", data={"csrf_token": client.csrf}, files=files)
    assert r.status_code == 405


def test_post_from_another_origin_is_refused(client: Any) -> None:
    r = client.post(
        "/jobs",
        data={"csrf_token": client.csrf},
        headers={"origin": "http://evil.example"},
    )
    assert r.status_code == 403 and "another site" in r.text


def test_oversized_body_gets_413_with_a_message(workspace: Any) -> None:
    with make_client(workspace, max_upload=1024) as c:
        files = {"files": ("big.csv", b"x" * 4096, "text/csv")}
        r = c.post("/jobs", data={"csrf_token": c.csrf}, files=files)
        assert r.status_code == 413 and "larger than this workbench accepts" in r.text


def test_remote_mode_needs_the_token(workspace: Any) -> None:
    with make_client(workspace, allowed_hosts=["*"], access_token="s3cret") as c:
        assert c.get("/", headers={"host": "192.0.2.7:8765"}).status_code == 401
        r = c.get("/?token=s3cret", headers={"host": "192.0.2.7:8765"})
        assert r.status_code == 200 and "sp_access=s3cret" in r.headers["set-cookie"]
        assert "HttpOnly" in r.headers["set-cookie"]
        # the cookie now stands in for the token
        assert c.get("/about", headers={"host": "192.0.2.7:8765"}).status_code == 200
        c.cookies.clear()
        assert c.get("/?token=wrong").status_code == 401


@pytest.mark.parametrize(
    ("header", "host"),
    [("127.0.0.1:8765", "127.0.0.1"), ("[::1]:80", "[::1]"), ("LOCALHOST", "localhost")],
)
def test_hostname_parsing(header: str, host: str) -> None:
    from socialproof.web.security import _hostname

    assert _hostname(header) == host
