"""Audit, pilots and settings pages."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import make_client

DATA = Path(__file__).resolve().parents[1] / "data" / "web"


@pytest.fixture
def posts_client(workspace: Any) -> Any:
    from socialproof.ingest.importer import import_paths

    (s,) = import_paths(workspace, [DATA / "instagram_posts_small.csv"])
    assert s.status == "imported", s.error
    with make_client(workspace) as c:
        yield c


def test_audit_runs_as_a_job_and_shows_the_report(posts_client: Any) -> None:
    page = posts_client.get("/audit").text
    assert '<option value="instagram">' in page
    r = posts_client.post(
        "/audit",
        data={"csrf_token": posts_client.csrf, "platform": "instagram"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    job = posts_client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1], 120)
    assert job.state == "done", job.error
    report = posts_client.get(r.headers["location"]).text
    assert "Instagram · acme.home" in report


def test_audit_refuses_a_reversed_period_and_a_get_starts_nothing(posts_client: Any) -> None:
    r = posts_client.post(
        "/audit",
        data={"csrf_token": posts_client.csrf, "since": "2026-05-01", "until": "2026-01-01"},
    )
    assert r.status_code == 422 and "is after" in r.text
    posts_client.get("/audit", params={"platform": "instagram"})
    assert posts_client.app_state.jobs.all() == []


def test_audit_page_and_html_report_hold_the_same_chart_specs(
    posts_client: Any, cli: Any, tmp_path: Path
) -> None:
    from tests.render.test_charts import specs_in

    ws = posts_client.app_state.ws
    r = posts_client.post(
        "/audit",
        data={"csrf_token": posts_client.csrf, "platform": "instagram"},
        follow_redirects=False,
    )
    job = posts_client.app_state.jobs.wait(r.headers["location"].rsplit("/", 1)[1], 120)
    assert job.state == "done", job.error
    page = posts_client.get(r.headers["location"]).text
    out = tmp_path / "audit.html"
    done = cli("audit", "--platform", "instagram", "--html", str(out), "--workspace", str(ws.root))
    assert done.exit_code == 0, done
    web, report = specs_in(page), specs_in(out.read_text(encoding="utf-8"))
    assert web and web == report
    titles = [s["title"] for s in web]
    assert any("by format" in t for t in titles), titles
    assert all(s["mark"]["tooltip"] for s in web if "mark" in s)  # values on hover
    # the chart libraries load after the first paint (app.js), not from the page's head
    assert '<script src="/static/app.js" defer></script>' in page
    assert "/static/vendor/vega" not in page


def test_pilot_page_and_html_report_hold_the_same_chart_specs(
    posts_client: Any, cli: Any, tmp_path: Path
) -> None:
    from tests.render.test_charts import specs_in

    from socialproof.campaigns.pilots import create, define

    ws = posts_client.app_state.ws
    pilot = define(
        "Reels or carousels",
        "engagement_rate_reach",
        ["format=carousel", "format=reel"],
        "2026-01-01",
        "2026-03-31",
    )
    create(ws, pilot)
    page = posts_client.get("/pilots/Reels%20or%20carousels").text
    out = tmp_path / "pilot.html"
    done = cli("pilot", "report", pilot.name, "--html", str(out), "--workspace", str(ws.root))
    assert done.exit_code == 0, done
    web, report = specs_in(page), specs_in(out.read_text(encoding="utf-8"))
    assert web and web == report
    assert any("layer" in s for s in web)  # the effect with its interval


def test_create_a_pilot_then_read_it(posts_client: Any) -> None:
    form = {
        "csrf_token": posts_client.csrf,
        "name": "Carousels <vs> reels",
        "metric": "engagement_rate_reach",
        "a": "format=carousel",
        "b": "format=reel",
        "date_from": "2026-01-01",
        "date_to": "2026-03-31",
    }
    r = posts_client.post("/pilots", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    page = posts_client.get(r.headers["location"]).text
    assert "Pilot: Carousels &lt;vs&gt; reels" in page and "<vs>" not in page
    assert "Pilot &#39;Carousels &lt;vs&gt; reels&#39; created." in page
    assert "Carousels &lt;vs&gt; reels" in posts_client.get("/pilots").text
    # the same name twice is refused with the library's message, nothing else changes
    again = posts_client.post("/pilots", data=form)
    assert again.status_code == 422 and "already exists" in again.text
    assert "or delete that pilot from its page." in again.text
    assert "socialproof pilot delete" not in again.text


def test_delete_a_pilot_from_its_page(posts_client: Any) -> None:
    """'socialproof pilot delete' had no button: a pilot made by mistake stayed for good.
    A name with a slash ('</b>', 'A/B test') was created, then its page answered 404."""
    form = {
        "csrf_token": posts_client.csrf,
        "name": "Short <b>test</b>",
        "metric": "engagement_rate_reach",
        "a": "format=carousel",
        "b": "format=reel",
        "date_from": "2026-01-01",
        "date_to": "2026-03-31",
    }
    where = posts_client.post("/pilots", data=form, follow_redirects=False).headers["location"]
    page = posts_client.get(where).text
    assert 'action="/pilots/delete"' in page and "Delete this pilot" in page
    assert 'name="name" value="Short &lt;b&gt;test&lt;/b&gt;"' in page
    forged = posts_client.post("/pilots/delete", data={"name": "Short <b>test</b>"})
    assert forged.status_code == 403
    assert posts_client.get(where).status_code == 200
    r = posts_client.post(
        "/pilots/delete", data={"csrf_token": posts_client.csrf, "name": "Short <b>test</b>"}
    )
    assert r.status_code == 200 and r.url.path == "/pilots"
    assert "Deleted pilot &#39;Short &lt;b&gt;test&lt;/b&gt;&#39;" in r.text
    assert '<a href="/pilots/Short' not in r.text  # not listed
    assert posts_client.get(where).status_code == 404
    r = posts_client.post(
        "/pilots/delete", data={"csrf_token": posts_client.csrf, "name": "Short <b>test</b>"}
    )
    assert "No pilot" in r.text or "no pilot" in r.text


def test_create_a_pilot_with_every_option_of_the_cli(posts_client: Any) -> None:
    from socialproof.campaigns.pilots import get

    page = posts_client.get("/pilots").text
    for name in ("d", "table", "split", "confidence", "test", "names", "note", "mde"):
        assert f'name="{name}"' in page
    form = {
        "csrf_token": posts_client.csrf,
        "name": "Four formats",
        "metric": "engagement_rate_reach",
        "a": "format=carousel",
        "b": "format=reel",
        "c": "format=image",
        "d": "format=video",
        "date_from": "2026-01-01",
        "date_to": "2026-03-31",
        "table": "posts",
        "split": "40,20,20,20",
        "confidence": "0.9",
        "test": "bootstrap",
    }
    r = posts_client.post("/pilots", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    pilot = get(posts_client.app_state.ws, "Four formats")
    assert pilot.variants[3] == "format=video" and pilot.table == "posts"
    assert pilot.split == (40.0, 20.0, 20.0, 20.0)  # shares as typed
    assert (pilot.confidence, pilot.test) == (0.9, "bootstrap")
    for change, words in (
        ({"confidence": "high"}, "Confidence level: &#39;high&#39; is not a number"),
        ({"test": "coin"}, "coin"),
        ({"split": "50,50"}, "split"),
        ({"mde": "5"}, "would mean a 500 % change"),  # 5 % meant: it read 500 %
    ):
        r = posts_client.post("/pilots", data={**form, "name": "Again", **change})
        assert r.status_code == 422 and words in r.text, (change, r.text[:300])
        assert "<details open>" in r.text  # the options typed are shown, not hidden


def test_pilot_form_with_missing_fields_keeps_input_and_marks_fields(posts_client: Any) -> None:
    from socialproof.campaigns.pilots import list_pilots

    r = posts_client.post(
        "/pilots", data={"csrf_token": posts_client.csrf, "name": "Half", "b": "format=reel"}
    )
    assert r.status_code == 422
    assert "Please fill in: Metric, Variant A, First day, Last day." in r.text
    assert (
        'id="a" name="a" value="" aria-describedby="filter-help" required aria-invalid="true"'
        in r.text
    )
    assert 'value="Half"' in r.text
    r = posts_client.post(
        "/pilots",
        data={
            "csrf_token": posts_client.csrf,
            "name": "Bad",
            "metric": "engagement_rate_reach",
            "a": "colour=red",
            "b": "format=reel",
            "date_from": "2026-01-01",
            "date_to": "2026-03-31",
        },
    )
    assert r.status_code == 422 and "no column &#39;colour&#39;" in r.text
    assert list_pilots(posts_client.app_state.ws) == []


def test_plan_a_pilot(posts_client: Any) -> None:
    r = posts_client.get(
        "/pilots/plan",
        params={"metric": "engagement_rate_reach", "mde": "20%", "baseline": "5%", "daily": "1000"},
    )
    assert r.status_code == 200
    line = re.search(r"<p>(To move [^<]*)</p>", r.text)
    assert line is not None and "per variant" in line.group(1)
    r = posts_client.get("/pilots/plan", params={"metric": "engagement_rate_reach", "mde": "lots"})
    assert r.status_code == 422 and "minimum detectable effect" in r.text
    r = posts_client.get("/pilots/plan", params={"metric": "engagement_rate_reach", "mde": "5"})
    assert r.status_code == 422 and "Write 5% for 5 percent" in r.text
    assert 'id="mde" name="mde" value="5" aria-invalid="true"' in r.text
    assert posts_client.get("/pilots/nobody").status_code == 404


def test_plan_a_pilot_has_every_option_of_the_cli(posts_client: Any) -> None:
    page = posts_client.get("/pilots/plan").text
    for name in ("metric", "mde", "baseline", "daily", "variants", "alpha", "power", "sd"):
        assert f'name="{name}"' in page
    for name in ("table", "baseline_days"):
        assert f'name="{name}"' in page
    assert 'name="history" value="all"' in page  # --use-all
    base = {"metric": "engagement_rate_reach", "mde": "20%", "daily": "2"}
    everything = posts_client.get("/pilots/plan", params=base | {"history": "all"}).text
    assert "(all of its history)" in everything
    recent = posts_client.get("/pilots/plan", params=base | {"baseline_days": "30"}).text
    assert "of the last 30 days" in recent and "all of its history" not in recent
    # all history wins over a days figure left in the form (the radio picks one)
    both = posts_client.get("/pilots/plan", params=base | {"history": "all", "baseline_days": "30"})
    assert both.status_code == 200 and "(all of its history)" in both.text


def test_plan_options_change_the_plan_and_bad_ones_are_named(posts_client: Any) -> None:
    base = {"metric": "engagement_rate_reach", "mde": "20%", "baseline": "5%", "daily": "2"}
    lines = re.compile(r"<p>(To move [^<]*)</p>")

    def plan_line(**extra: str) -> str:
        r = posts_client.get("/pilots/plan", params=base | extra)
        assert r.status_code == 200, r.text
        m = lines.search(r.text)
        assert m is not None
        return m.group(1)

    strict = plan_line(alpha="0.01", power="0.9")
    loose = plan_line(alpha="0.10", power="0.5")
    assert strict != loose
    assert plan_line(sd="0.001") != plan_line(sd="0.1")
    r = posts_client.get("/pilots/plan", params=base | {"alpha": "1.5"})
    assert r.status_code == 422 and "alpha must be between 0 and 1" in r.text
    assert 'id="alpha" name="alpha" value="1.5" aria-invalid="true"' in r.text
    assert "<details open>" in r.text  # the bad field is not hidden
    r = posts_client.get("/pilots/plan", params=base | {"baseline_days": "ninety"})
    assert (
        r.status_code == 400 and "Days of history: &#39;ninety&#39; is not a whole number" in r.text
    )
    assert 'name="baseline_days" value="ninety" aria-invalid="true"' in r.text
    r = posts_client.get("/pilots/plan", params=base | {"table": "planets"})
    assert r.status_code in (400, 422) and "Unknown table" in r.text


def test_settings_round_trip_and_validation(client: Any, workspace: Any) -> None:
    from socialproof.workspace import Workspace

    page = client.get("/settings").text
    for name in ("owner", "currency", "timezone", "industry", "brand.handles", "voice.tone"):
        assert f'name="{name}"' in page
    form = {
        "csrf_token": client.csrf,
        "owner": "Dana <Lee>",
        "currency": "eur",
        "timezone": "Europe/Berlin",
        "industry": "finance",
        "brand.handles": "@acme\nAcmeHelp",
        "brand.accounts": "instagram = acme",
        "business_hours.weekdays": "0,1,2",
        "community.sla_hours": "12",
    }
    r = client.post("/settings", data=form, follow_redirects=True)
    assert r.status_code == 200 and "Settings saved" in r.text
    assert 'value="Dana &lt;Lee&gt;"' in r.text
    saved = Workspace.open(workspace.root).settings
    assert (saved.owner, saved.currency, saved.industry) == ("Dana <Lee>", "EUR", "finance")
    assert saved.brand.handles == ["@acme", "AcmeHelp"] and saved.brand.accounts == {
        "instagram": "acme"
    }
    assert saved.business_hours.weekdays == [0, 1, 2] and saved.community.sla_hours == 12
    before = (workspace.root / "socialproof.toml").read_text()
    for field, value, words in (
        ("timezone", "Mars/Olympus", "unknown timezone"),
        ("community.sla_hours", "-3", "greater than 0"),
        ("business_hours.weekdays", "mon", "weekdays as numbers"),
        ("brand.accounts", "instagram acme", "is not &#39;name = value&#39;"),
    ):
        r = client.post("/settings", data={**form, field: value})
        assert r.status_code == 422 and words in r.text, (field, r.text[:300])
        assert 'aria-invalid="true"' in r.text
        assert (workspace.root / "socialproof.toml").read_text() == before  # untouched
    r = client.post("/settings", data={**form, "csrf_token": "forged"})
    assert r.status_code == 403
    assert (workspace.root / "socialproof.toml").read_text() == before


def test_settings_edit_approval_tiers(client: Any, workspace: Any) -> None:
    from socialproof.content.approvals import tiers_for
    from socialproof.workspace import Workspace

    page = client.get("/settings").text
    # no tiers configured: two empty rows to fill, the defaults apply
    assert 'name="approvals.tiers.0.name" value=""' in page
    assert 'name="approvals.tiers.1.roles" value=""' in page
    form = {
        "csrf_token": client.csrf,
        "approvals.tiers.0.name": "",
        "approvals.tiers.0.roles": "",
        "approvals.tiers.0.mode": "any",
        "approvals.tiers.1.name": "Brand review",
        "approvals.tiers.1.roles": "editor, social lead",
        "approvals.tiers.1.mode": "all",
    }
    r = client.post("/settings", data=form, follow_redirects=True)
    assert r.status_code == 200 and "Settings saved" in r.text
    saved = Workspace.open(workspace.root)
    tiers = saved.settings.approvals.tiers
    assert tiers is not None and [(t.name, t.roles, t.mode) for t in tiers] == [
        ("Brand review", ["editor", "social lead"], "all")
    ]
    assert [t.name for t in tiers_for(saved)] == ["Brand review"]  # the approvals rule uses it
    assert "[[approvals.tiers]]" in (workspace.root / "socialproof.toml").read_text()
    # the saved tier is the first row now, with two blank rows to add more
    assert 'name="approvals.tiers.0.name" value="Brand review"' in r.text
    assert 'name="approvals.tiers.2.name" value=""' in r.text
    before = (workspace.root / "socialproof.toml").read_text()
    bad_rows = (
        ({"approvals.tiers.1.name": ""}, "Approval tier 2, name: a tier needs a name", "1.name"),
        (
            {"approvals.tiers.1.roles": " , "},
            "Approval tier 2, roles: a tier needs at least",
            "1.roles",
        ),
        ({"approvals.tiers.1.mode": "sometimes"}, "Approval tier 2, mode:", "1.mode"),
        (
            {"approvals.tiers.0.name": "brand REVIEW", "approvals.tiers.0.roles": "legal"},
            "Approval tiers: two tiers are named",
            "",
        ),
    )
    for change, words, field in bad_rows:
        r = client.post("/settings", data={**form, **change})
        assert r.status_code == 422 and words in r.text.replace("&#39;", "'"), (
            change,
            r.text[:400],
        )
        if field:
            assert f'name="approvals.tiers.{field}"' in r.text
            marked = re.search(rf'name="approvals\.tiers\.{re.escape(field)}"[^>]*>', r.text)
            assert marked is not None and 'aria-invalid="true"' in marked.group(0)
        assert (workspace.root / "socialproof.toml").read_text() == before  # untouched
    # clearing every row goes back to the default tiers
    cleared = {k: ("" if not k.endswith("mode") else "any") for k in form if k != "csrf_token"}
    r = client.post("/settings", data={**cleared, "csrf_token": client.csrf}, follow_redirects=True)
    assert r.status_code == 200
    assert Workspace.open(workspace.root).settings.approvals.tiers is None
    assert "tiers" not in (workspace.root / "socialproof.toml").read_text()


def test_serving_analyses_the_pilots_before_their_pages_are_visited(workspace: Any) -> None:
    from socialproof.campaigns import pilots
    from socialproof.campaigns.pilots import create, define
    from socialproof.ingest.importer import import_paths

    (s,) = import_paths(workspace, [DATA / "instagram_posts_small.csv"])
    assert s.status == "imported", s.error
    pilot = define(
        "Reels or carousels",
        "engagement_rate_reach",
        ["format=carousel", "format=reel"],
        "2026-01-01",
        "2026-03-31",
    )
    create(workspace, pilot)
    with make_client(workspace, warm=True) as c:
        for job in c.app_state.jobs.all():
            assert c.app_state.jobs.wait(job.id, 120).state == "done", (job.title, job.error)
        assert any(j.title == "Analysing the pilots" for j in c.app_state.jobs.all())
        # The cache keys results on the database file's size and time, which DuckDB's
        # checkpoint of an earlier job's writes may change after the pilots job ran (when
        # the checkpoint happens depends on which connections are open, so under load it
        # sometimes came after): warm again as the job does, for the file as it is now.
        from socialproof.web.pages.audit import warm

        warm(c.app_state.ws, c.app_state.cache)
        calls: list[object] = []
        original = pilots.analyse
        pilots.analyse = lambda *a, **k: calls.append(a) or original(*a, **k)  # type: ignore[assignment]
        try:
            page = c.get("/pilots/Reels%20or%20carousels")
            assert page.status_code == 200 and "Reels or carousels" in page.text
            assert calls == []  # analysed by the start-up job
            c.app_state.ws.settings.timezone = "Asia/Tokyo"  # other settings: analysed again
            assert c.get("/pilots/Reels%20or%20carousels").status_code == 200
            assert len(calls) == 1
        finally:
            pilots.analyse = original  # type: ignore[assignment]


def test_a_pilot_named_with_a_slash_has_its_page(posts_client: Any) -> None:
    """'A/B test: reels' was created, then its page (and the list's link) answered 404."""
    form = {
        "csrf_token": posts_client.csrf,
        "name": "A/B test: reels",
        "metric": "engagement_rate_reach",
        "a": "format=carousel",
        "b": "format=reel",
        "date_from": "2026-01-01",
        "date_to": "2026-03-31",
    }
    where = posts_client.post("/pilots", data=form, follow_redirects=False).headers["location"]
    assert where == "/pilots/A%2FB%20test%3A%20reels"
    page = posts_client.get(where)
    assert page.status_code == 200 and "Pilot: A/B test: reels" in page.text
    link = re.search(
        r'<a href="(/pilots/A[^"]*)">A/B test: reels</a>', posts_client.get("/pilots").text
    )
    assert link and posts_client.get(unescape(link.group(1))).status_code == 200
    assert "Plan a pilot" in posts_client.get("/pilots/plan").text  # still the plan page


def _without_stamp(text: str) -> str:
    """The report without its time stamp and with its charts' ids (a counter) as one."""
    return re.sub(r"chart-([td])\d+", r"chart-\1", re.sub(r"<footer>.*?</footer>", "", text))


def test_the_audit_downloads_as_the_html_file_the_cli_writes(
    posts_client: Any, cli: Any, tmp_path: Path
) -> None:
    """'socialproof audit --html' had no browser equivalent: a finished audit's page gave
    no file to send a client."""
    ws = posts_client.app_state.ws
    r = posts_client.post(
        "/audit",
        data={"csrf_token": posts_client.csrf, "platform": "instagram"},
        follow_redirects=False,
    )
    where = r.headers["location"]
    job = posts_client.app_state.jobs.wait(where.rsplit("/", 1)[1], 120)
    assert job.state == "done", job.error
    assert f'href="{where}/audit.html" download' in posts_client.get(where).text
    got = posts_client.get(where + "/audit.html")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    assert got.headers["content-disposition"] == 'attachment; filename="audit.html"'
    out = tmp_path / "audit.html"
    done = cli("audit", "--platform", "instagram", "--html", str(out), "--workspace", str(ws.root))
    assert done.exit_code == 0, done
    assert _without_stamp(got.text) == _without_stamp(out.read_text(encoding="utf-8"))
    assert "Instagram · acme.home" in got.text
    assert posts_client.get("/audit/jobs/nope/audit.html").status_code == 404
