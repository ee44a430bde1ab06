from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from tests.web.conftest import make_client


@pytest.fixture
def filled(workspace: Any, insert: Any) -> Any:
    insert(
        "ad_stats",
        [
            {
                "platform": "meta",
                "account": "",
                "campaign": "Spring <b>Launch</b>",
                "ad_set": "",
                "ad": "",
                "date_start": date(2026, 3, d),
                "date_stop": date(2026, 3, d),
                "breakdown": "",
                "currency": "USD",
                "spend": 100.0,
                "impressions": 10_000,
                "link_clicks": 120,
                "results": 4,
            }
            for d in range(1, 8)
        ],
    )
    insert(
        "posts",
        [
            {
                "platform": "instagram",
                "post_id": str(i),
                "account": "acme",
                "format": "reel",
                "published_at": datetime(2026, 3, i, 12),
                "reach": 1000 * i,
                "reactions": 50 * i,
                "comments": 5,
                "shares": 2,
                "text": "<script>alert(1)</script>",
            }
            for i in range(1, 6)
        ],
    )
    with make_client(workspace) as c:
        yield c


def test_campaigns_json_matches_library(filled: Any) -> None:
    r = filled.get("/api/report/campaigns", params={"by": "platform,campaign"})
    assert r.status_code == 200
    row = r.json()["rows"][0]
    assert row["campaign"] == "Spring <b>Launch</b>"
    assert row["spend"] == pytest.approx(700.0)
    assert row["cost_per_result"] == pytest.approx(25.0)
    assert row["ctr_link"] == pytest.approx(0.012)


def test_errors_map_to_http_status(filled: Any) -> None:
    r = filled.get("/api/report/campaigns", params={"by": "planet"})
    assert r.status_code == 422 and "planet" in r.json()["error"]
    page = filled.get("/nowhere")
    assert page.status_code == 404 and "no page at this address" in page.text
    assert "<main" in page.text  # a page of the workbench, not a bare error


def test_home_counts_and_navigation(filled: Any) -> None:
    page = filled.get("/").text
    assert "<strong>7</strong> ad rows" in page and "<strong>5</strong> posts" in page
    assert 'href="#main"' in page and '<nav aria-label="Main">' in page
    names = {k["name"] for k in filled.get("/api/kpis").json()}
    assert {"ctr_link", "cost_per_result", "roas"} <= names


def test_about_lists_vendored_licences(client: Any) -> None:
    page = client.get("/about").text
    for name in ("htmx.org", "vega-embed", "vega-lite", "vega-interpreter"):
        assert f"{name}.LICENSE.txt" in page
    r = client.get("/static/vendor/licenses/vega.LICENSE.txt")
    assert r.status_code == 200 and "Redistribution" in r.text


def test_job_runner_reports_progress_and_errors(client: Any) -> None:
    from socialproof.errors import BadInput

    jobs = client.app_state.jobs

    def good(job: Any) -> int:
        job.update(1, 2, "half way")
        job.link = "/"
        return 42

    def bad(job: Any) -> None:
        raise BadInput("The file is empty.", hint="Export it again.")

    ok = jobs.wait(jobs.submit("Good job", good).id)
    assert (ok.state, ok.result, ok.message) == ("done", 42, "half way")
    failed = jobs.wait(jobs.submit("Bad job", bad).id)
    assert failed.state == "failed" and failed.error == "The file is empty. Export it again."
    fragment = client.get(f"/jobs/{failed.id}", headers={"HX-Request": "true"}).text
    assert "The file is empty." in fragment and "<html" not in fragment
    assert "hx-trigger" not in fragment  # a finished job stops polling
    assert client.get(f"/api/jobs/{ok.id}").json()["state"] == "done"
    assert client.get("/jobs/nope").status_code == 404


def test_a_page_reads_a_job_as_it_was_at_one_instant(client: Any) -> None:
    """A result page reads the job's state, result and error several times while it renders;
    the copy it reads does not finish under it (the live job did: a page saw it running,
    then finished, and rendered neither the result nor the refresh that fetches it)."""
    import threading

    jobs = client.app_state.jobs
    release = threading.Event()

    def slow(job: Any) -> int:
        release.wait(10)
        return 42

    job = jobs.submit("Slow job", slow)
    seen = jobs.seen(job.id)
    release.set()
    jobs.wait(job.id)
    assert (job.state, job.result) == ("done", 42)
    assert seen.running and seen.result is None  # as it was when the page looked
    now = jobs.seen(job.id)
    assert (now.state, now.result) == ("done", 42) and now is not job


def test_serve_defaults_to_loopback_and_refuses_remote_without_flag(workspace: Any) -> None:
    import inspect

    from socialproof.cli.web_cmds import serve
    from socialproof.errors import UsageError
    from socialproof.web.app import serve as run

    assert inspect.signature(run).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    with pytest.raises(UsageError, match="--allow-remote"):
        run(workspace, host="0.0.0.0", port=0)


def test_serve_cli_refuses_remote_without_flag(cli: Any, workspace: Any) -> None:
    r = cli("serve", "--host", "0.0.0.0", "--workspace", str(workspace.root))
    assert r.exit_code == 2 and "--allow-remote" in r.stderr and "Traceback" not in r.stderr


def test_serve_remote_prints_a_warning_and_requires_the_token(
    workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from fastapi.testclient import TestClient

    from socialproof.web import app as web_app

    ran: dict[str, Any] = {}
    monkeypatch.setattr("socialproof.listen.check_listen", lambda host, port: None)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: ran.update(app=app, **kw))
    said: list[str] = []
    web_app.serve(workspace, host="0.0.0.0", port=9999, allow_remote=True, announce=said.append)
    assert ran["host"] == "0.0.0.0" and ran["port"] == 9999
    assert said[0].startswith("Warning: listening on 0.0.0.0")
    token = said[1].split("?token=")[1].split()[0]
    assert len(token) >= 24
    with TestClient(ran["app"], base_url="http://192.0.2.9:9999") as c:
        assert c.get("/").status_code == 401
        assert c.get(f"/?token={token}").status_code == 200


def test_openapi_describes_the_json_api(client: Any) -> None:
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    paths = set(r.json()["paths"])
    assert {"/api/kpis", "/api/imports", "/api/jobs/{job_id}"} <= paths
    assert all(p.startswith("/api/") for p in paths)


def test_a_result_page_loads_again_once_its_job_is_done(client: Any) -> None:
    """The audit, analysis and community report pages reloaded themselves every 2 s while
    their job ran, with JavaScript on too (focus and place lost; axe 'meta-refresh'). The
    reload is for browsers without JavaScript; with it, the progress box asks for one
    reload when the job it shows is done, on that job's own page only."""
    import threading

    jobs = client.app_state.jobs
    release = threading.Event()

    def work(job: Any) -> int:
        release.wait(30)
        job.link = f"/audit/jobs/{job.id}"
        return 1

    job = jobs.submit("Audit of instagram", work)
    own = f"http://127.0.0.1:8765/audit/jobs/{job.id}"
    asked = {"HX-Request": "true", "HX-Current-URL": own}
    assert "hx-refresh" not in client.get(f"/jobs/{job.id}", headers=asked).headers
    page = client.get(f"/audit/jobs/{job.id}").text
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert page.count('http-equiv="refresh"') == 1
    release.set()
    jobs.wait(job.id)
    assert client.get(f"/jobs/{job.id}", headers=asked).headers["hx-refresh"] == "true"
    elsewhere = {"HX-Request": "true", "HX-Current-URL": "http://127.0.0.1:8765/jobs"}
    assert "hx-refresh" not in client.get(f"/jobs/{job.id}", headers=elsewhere).headers
