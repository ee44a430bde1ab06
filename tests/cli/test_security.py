"""Security: user text never becomes markup, CSV never becomes formulas, paths stay inside.

Each HTML output is generated from hostile user text (``<script>``, event-handler
attributes, ``javascript:`` links, a ``</script>`` that would close JSON-LD) and parsed:
no script except JSON-LD, no ``on*`` attribute, no ``javascript:`` URL.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).parents[2] / "src" / "socialproof" / "data" / "samples"

EVIL = (
    '<script>alert(1)</script><img src=x onerror="alert(2)">'
    '<a href="javascript:alert(3)">x</a></script><script>alert(4)</script>'
)
EVIL_URL = "javascript:alert(5)"
FORMULAS = ('=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(1)")


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if (
            tag in ("script",)
            # data blocks (chart specs, structured data) never run; an injected "</script>"
            # inside one would end it and show up as markup below
            and a.get("type", "").lower() not in ("application/ld+json", "application/json")
            and not _packaged_script(a)
        ):
            self.problems.append(f"<script {a}>")
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}>")
        for k, v in a.items():
            if k.startswith("on"):
                self.problems.append(f"<{tag} {k}=...>")
            if "".join(v.split()).lower().startswith(("javascript:", "vbscript:")):
                self.problems.append(f"<{tag} {k}={v!r}>")
            if k == "src" and "".join(v.split()).lower().startswith("data:text/html"):
                self.problems.append(f"<{tag} {k}=data:text/html>")


def assert_safe_html(path: Path) -> None:
    assert path.is_file(), path
    scan = _Scan()
    scan.feed(path.read_text(encoding="utf-8"))
    scan.close()
    assert not scan.problems, (path, scan.problems)


def ok(r: Any) -> None:
    assert r.exit_code == 0, r
    assert "Traceback" not in r.stdout + r.stderr


def refused(r: Any) -> None:
    assert r.exit_code in (1, 2), r
    assert "Traceback" not in r.stdout + r.stderr
    assert "Error: unexpected" not in r.stderr, r
    assert any(line.startswith("Error: ") for line in r.stderr.splitlines()), r


# ---------------------------------------------------------------- hostile fixtures


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]], str]:
    raw = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    return rows[0], rows[1:], raw


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def evil_instagram(tmp: Path) -> Path:
    header, rows, _ = _csv_rows(SAMPLES / "instagram_posts.csv")
    text, link = header.index("Description"), header.index("Permalink")
    labels = header.index("Custom labels")
    for i, row in enumerate(rows):
        row[text] = f"{FORMULAS[i % len(FORMULAS)]} {EVIL}" if i % 2 else f"{EVIL} post {i}"
        if i % 3 == 0:
            row[link] = EVIL_URL
        row[labels] = FORMULAS[i % len(FORMULAS)]
    return _write_csv(tmp / "instagram_posts.csv", header, rows)


def evil_ads(tmp: Path) -> Path:
    header, rows, _ = _csv_rows(SAMPLES / "meta_ads_daily.csv")
    name = header.index("Campaign name")
    ad = header.index("Ad name")
    names: dict[str, str] = {}
    for row in rows:
        if not row or not row[name] or row[name].startswith(("Total", "Results")):
            continue
        original = row[name]
        names.setdefault(original, f"{FORMULAS[len(names) % len(FORMULAS)]} {EVIL}")
        row[name] = names[original]
        row[ad] = f"{EVIL} {row[ad]}"
    return _write_csv(tmp / "meta_ads_daily.csv", header, rows)


def evil_conversations(tmp: Path) -> Path:
    header, rows, _ = _csv_rows(SAMPLES / "conversations.csv")
    text = header.index("text")
    rows = rows[:120]
    for i, row in enumerate(rows):
        row[text] = f"{row[text]} {EVIL}" if i % 2 == 0 else f"{FORMULAS[i % 4]} {row[text]}"
    return _write_csv(tmp / "conversations.csv", header, rows)


@pytest.fixture
def ws(workspace: Any) -> Path:
    return Path(workspace.root)


# ---------------------------------------------------------------- HTML outputs


def test_audit_html_escapes_post_text(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ok(cli("import", str(evil_instagram(tmp_path)), "--account", "acme", cwd=ws))
    out = tmp_path / "audit.html"
    ok(cli("audit", "--platform", "instagram", "--html", str(out), cwd=ws))
    assert_safe_html(out)
    assert "&lt;script&gt;" in out.read_text(encoding="utf-8")  # shown, as text


def test_pilot_html_escapes_names(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ok(cli("import", str(evil_instagram(tmp_path)), "--account", "acme", cwd=ws))
    name = "<script>alert(1)</script><b onclick=x>"
    r = cli(
        "pilot", "new", name, "--metric", "engagement_rate",
        "--a", "platform=instagram,format=carousel", "--b", "platform=instagram,format=reel",
        "--names", "<b onmouseover=alert(1)>A</b>,<script>alert(2)</script>",
        "--from", "2026-01-05", "--to", "2026-04-04", "--note", EVIL,
        cwd=ws,
    )  # fmt: skip
    ok(r)
    out = tmp_path / "pilot.html"
    ok(cli("pilot", "report", name, "--html", str(out), cwd=ws))
    assert_safe_html(out)


def test_community_html_escapes_messages(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ok(cli("import", str(evil_conversations(tmp_path)), cwd=ws))
    out = tmp_path / "community.html"
    ok(cli("community", "report", "--html", str(out), cwd=ws))
    assert_safe_html(out)


def _evil_post(folder: Path, name: str = "2026-12-07-evil.md") -> Path:
    path = folder / name
    path.write_text(
        "---\n"
        f"title: '{EVIL}'\n"
        "platform: instagram\n"
        "publish_at: 2026-12-07 09:00 Europe/Berlin\n"
        f"pillar: '{EVIL}'\n"
        f"campaign: '{EVIL}'\n"
        f"author: '{EVIL}'\n"
        "---\n"
        f"Hello {EVIL} and [a link]({EVIL_URL}) and {EVIL_URL}\n",
        encoding="utf-8",
    )
    return path


def test_calendar_html_escapes_post_fields(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _evil_post(ws / "content")
    out = tmp_path / "calendar.html"
    r = cli("calendar", "--start", "2026-12-01", "--month", "--include-uncleared",
            "--html", str(out), cwd=ws)  # fmt: skip
    ok(r)
    assert_safe_html(out)


def _evil_case_study(folder: Path, *, image: str = "assets/x.png", link: str = EVIL_URL) -> Path:
    path = folder / "evil.md"
    path.write_text(
        "---\n"
        f"title: '{EVIL}'\n"
        "kind: mock\n"
        f"role: '{EVIL}'\n"
        f"client: '{EVIL}'\n"
        "industry: consumer\n"
        "platforms: [instagram]\n"
        "period: {start: 2026-02-01, end: 2026-02-28}\n"
        f"summary: '{EVIL}'\n"
        "goals:\n"
        f"  - description: '{EVIL}'\n"
        "    metric: reach\n"
        "    target: 1000\n"
        f"strategy: '{EVIL}'\n"
        f"execution: '{EVIL}'\n"
        "outcomes:\n"
        f"  - label: '{EVIL}'\n"
        "    value: 900\n"
        "    unit: count\n"
        "    target: 1000\n"
        "creative:\n"
        f"  - link: '{link}'\n"
        f"    label: '{EVIL}'\n"
        f"  - image: '{image}'\n"
        f"    alt: '{EVIL}'\n"
        "---\n\n"
        f"Body {EVIL} [click]({EVIL_URL}) <a href='{EVIL_URL}'>raw</a>\n",
        encoding="utf-8",
    )
    return path


def test_portfolio_site_escapes_case_study_fields(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (ws / "case-studies" / "assets").mkdir(parents=True, exist_ok=True)
    shutil.copy2(_png(tmp_path), ws / "case-studies" / "assets" / "x.png")
    _evil_case_study(ws / "case-studies", image="case-studies/assets/x.png")
    site = tmp_path / "site"
    r = cli("portfolio", "build", "--out", str(site), cwd=ws)
    if r.exit_code != 0:  # the rubric may refuse a javascript: link; then say so in one line
        refused(r)
        return
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        assert_safe_html(page)


def test_market_html_escapes_posting_fields(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    posting = tmp_path / "evil-posting.md"
    body = (SAMPLES / "careers" / "postings" / "content-creator-brightpath.md").read_text(
        encoding="utf-8"
    )
    body = body.replace("title: Content Creator (Short-Form Video)", f"title: '{EVIL}'")
    body = body.replace("company: Brightpath Learning", f"company: '{EVIL}'")
    body = body.replace("location: Austin, TX", f"location: '{EVIL}'")
    posting.write_text(body + f"\n- {EVIL}\n", encoding="utf-8")
    ok(cli("jobs", "import", str(posting), cwd=ws))
    out = tmp_path / "market.html"
    ok(cli("market", "report", "--html", str(out), cwd=ws))
    assert_safe_html(out)


# ---------------------------------------------------------------- CSV


def _packaged_script(attrs: dict[str, str]) -> bool:
    """The workbench's own scripts: served from the package's /static/, with no inline code."""
    src = "".join(attrs.get("src", "").split())
    return src.startswith("/static/") and ".." not in src and "//" not in src[1:]


def _assert_no_formula(text: str) -> None:
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 1, text[:300]
    for row in rows:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # only plain numbers may start with a sign


def test_csv_reports_neutralise_formulas(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ok(
        cli(
            "import",
            str(evil_instagram(tmp_path)),
            str(evil_ads(tmp_path)),
            "--account",
            "acme",
            cwd=ws,
        )
    )
    r = cli("report", "posts", "--platform", "instagram", "--format", "csv", cwd=ws)
    ok(r)
    assert "HYPERLINK" in r.stdout or "SUM(1)" in r.stdout or "<script>" in r.stdout
    _assert_no_formula(r.stdout)
    r = cli("report", "campaigns", "--format", "csv", cwd=ws)
    ok(r)
    assert "alert" in r.stdout  # campaign names are in the output
    _assert_no_formula(r.stdout)
    out = tmp_path / "campaigns.csv"
    ok(cli("report", "campaigns", "--format", "csv", "--output", str(out), cwd=ws))
    _assert_no_formula(out.read_text(encoding="utf-8"))


def test_csv_community_queue_neutralises_formulas(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ok(cli("import", str(evil_conversations(tmp_path)), cwd=ws))
    r = cli("community", "threads", "--format", "csv", cwd=ws)
    ok(r)
    _assert_no_formula(r.stdout)


# ---------------------------------------------------------------- paths


def _png(tmp: Path) -> Path:
    import base64

    path = tmp / "pixel.png"
    path.write_bytes(
        base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
            "60e6kgAAAABJRU5ErkJggg=="
        )
    )
    return path


@pytest.mark.parametrize("image", ["../../etc/passwd", "/etc/passwd", "case-studies/escape.png"])
def test_case_study_image_outside_workspace_is_refused(  # type: ignore[no-untyped-def]
    cli, ws: Path, tmp_path: Path, image: str
) -> None:
    outside = _png(tmp_path)
    (ws / "case-studies" / "escape.png").symlink_to(outside)  # a link out of the workspace
    _evil_case_study(ws / "case-studies", image=image, link="https://example.com/post")
    site = tmp_path / "site"
    r = cli("portfolio", "build", "--out", str(site), cwd=ws)
    refused(r)
    assert "outside" in r.stderr
    copied = [p for p in site.rglob("*") if p.is_file() and p.suffix in ("", ".png")]
    assert not [p for p in copied if p.read_bytes() == outside.read_bytes()]
    assert not [p for p in copied if p.name == "passwd"]
    r = cli("portfolio", "check", cwd=ws)
    assert r.exit_code == 1, r
    assert "outside" in r.stdout + r.stderr and "Traceback" not in r.stdout + r.stderr


@pytest.mark.parametrize("asset", ["../../etc/passwd", "/etc/passwd", "content/escape.png"])
def test_content_asset_outside_workspace_is_refused(  # type: ignore[no-untyped-def]
    cli, ws: Path, tmp_path: Path, asset: str
) -> None:
    (ws / "content" / "escape.png").symlink_to(_png(tmp_path))
    post = ws / "content" / "2026-12-07-assets.md"
    post.write_text(
        "---\ntitle: Assets\nplatform: instagram\npublish_at: 2026-12-07 09:00 UTC\n"
        f"assets:\n  - image: '{asset}'\n    alt: A cup of coffee on a table.\n---\n"
        "A short post about coffee.\n",
        encoding="utf-8",
    )
    r = cli("lint", str(post), cwd=ws)
    refused(r)
    assert "outside" in r.stderr


def test_zip_import_with_parent_members_is_refused(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / "inner" / "export.zip"
    archive.parent.mkdir()
    data = (SAMPLES / "instagram_posts.csv").read_bytes()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../escaped.csv", data)
        z.writestr("/abs-escaped.csv", data)
    r = cli("import", str(archive), cwd=ws)
    assert "Traceback" not in r.stdout + r.stderr
    assert "Error: unexpected" not in r.stderr
    assert not (tmp_path / "escaped.csv").exists()
    assert not list(tmp_path.rglob("escaped.csv"))
    assert not Path("/abs-escaped.csv").exists()
    assert r.exit_code != 0 or "refus" in (r.stdout + r.stderr).lower(), r


# ---------------------------------------------------------------- web


def test_servers_default_to_localhost() -> None:
    import inspect

    from socialproof.cli import portfolio_cmds, web_cmds
    from socialproof.portfolio import preview
    from socialproof.web import app

    assert inspect.signature(web_cmds.serve).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(app.serve).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(portfolio_cmds.preview).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(preview.make_server).parameters["host"].default == "127.0.0.1"


def test_serve_binds_localhost_by_default(cli, ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app: Any, **kwargs: Any) -> None:
        seen.update(kwargs)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    ok(cli("serve", "--port", "0", cwd=ws))
    assert seen["host"] == "127.0.0.1"


def test_web_pages_escape_user_text_and_refuse_bad_values(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from socialproof.web.app import create_app
    from socialproof.workspace import Workspace

    files = (evil_instagram(tmp_path), evil_ads(tmp_path), evil_conversations(tmp_path))
    ok(cli("import", *map(str, files), "--account", "acme", cwd=ws))
    app = create_app(Workspace.open(ws))
    client = TestClient(app, base_url="http://127.0.0.1:8765", raise_server_exceptions=False)
    csrf = app.state.guard.csrf_token
    pages = ("/", "/dashboard", "/campaigns", "/posts?platform=instagram", "/audit", "/community")
    for url in (*pages, "/import", "/content"):
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        page = tmp_path / "page.html"
        page.write_text(r.text, encoding="utf-8")
        assert_safe_html(page)
    # the post editor lints a draft as it is typed: the draft's text comes back escaped
    draft = f"---\ntitle: x\nplatform: instagram\n---\n{EVIL}\n"
    r = client.post("/content/edit/evil.md/lint", data={"text": draft, "csrf_token": csrf})
    assert r.status_code == 200, r.text[:300]
    page.write_text(r.text, encoding="utf-8")
    assert_safe_html(page)
    for url in (
        "/posts?top=-5",
        "/posts?top=abc",
        "/posts?platform=%3Cscript%3E",
        "/campaigns?period=xml",
        "/campaigns?by=%3Cscript%3E",
        "/audit?platform=myspace",
        "/api/report/posts?top=-5",
        "/api/report/campaigns?since=2026-13-45",
    ):
        r = client.get(url)
        assert r.status_code < 500, (url, r.status_code, r.text[:300])
        if r.headers.get("content-type", "").startswith("text/html"):
            page.write_text(r.text, encoding="utf-8")
            assert_safe_html(page)
    r = client.post(
        "/content/edit/..%2F..%2Fetc%2Fpasswd/lint", data={"text": "x", "csrf_token": csrf}
    )
    assert r.status_code < 500, r.text[:300]
    assert "root:" not in r.text


def test_web_app_refuses_foreign_host_headers(ws: Path) -> None:
    from fastapi.testclient import TestClient

    from socialproof.web.app import create_app
    from socialproof.workspace import Workspace

    app = create_app(Workspace.open(ws), allowed_hosts=["127.0.0.1", "localhost"])
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400  # DNS rebinding


def test_calendar_ics_keeps_one_event_per_post(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    post = ws / "content" / "2026-12-07-ics.md"
    post.write_text(
        '---\ntitle: "Evil\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT\\r\\nSUMMARY:injected"\n'
        "platform: instagram\npublish_at: 2026-12-07 09:00 UTC\n---\nText.\n",
        encoding="utf-8",
    )
    out = tmp_path / "plan.ics"
    ok(cli("calendar", "--start", "2026-12-01", "--include-uncleared", "--ics", str(out), cwd=ws))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines.count("BEGIN:VEVENT") == 1, lines
    assert "SUMMARY:injected" not in lines


def test_csv_exports_of_user_text_neutralise_formulas(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    post = ws / "content" / "2026-12-07-formula.md"
    post.write_text(
        "---\ntitle: '=HYPERLINK(\"http://x\")'\nplatform: instagram\n"
        "publish_at: 2026-12-07 09:00 UTC\npillar: '+cmd'\ncampaign: '@SUM(1)'\n"
        "author: Sam\n---\n=1+2 text that starts a formula\n",
        encoding="utf-8",
    )
    r = cli("calendar", "--start", "2026-12-01", "--month", "--include-uncleared", "--export", "buffer",
            cwd=ws)  # fmt: skip
    ok(r)
    # Buffer's bulk upload is an upload format, not a spreadsheet: the post goes out exactly
    # as written (no leading apostrophe); the export notes the cell instead.
    assert "=1+2 text that starts a formula" in r.stdout
    assert "'=1+2" not in r.stdout
    r = cli("approve", str(post), "--as", "=cmd|' /C calc'!A0", "--role", "reviewer", cwd=ws)
    ok(r)
    r = cli("approvals", "log", "--format", "csv", cwd=ws)
    ok(r)
    _assert_no_formula(r.stdout)
    assert "cmd|" in r.stdout
    named = tmp_path / "=1+1.csv"
    shutil.copy2(SAMPLES / "instagram_posts.csv", named)
    ok(cli("import", str(named), cwd=ws))
    r = cli("imports", "--format", "csv", cwd=ws)
    ok(r)
    _assert_no_formula(r.stdout)


@pytest.mark.parametrize("folder", ["content", "case-studies"])
def test_workspace_files_linking_outside_are_refused(  # type: ignore[no-untyped-def]
    cli, ws: Path, tmp_path: Path, folder: str
) -> None:
    if folder == "content":
        target = tmp_path / "secret.md"
        target.write_text(
            "---\nplatform: instagram\npublish_at: 2026-12-07 09:00 UTC\ntitle: SECRETLEAK\n"
            "---\nSECRETLEAK\n",
            encoding="utf-8",
        )
        (ws / "content" / "leak.md").symlink_to(target)
        r = cli("calendar", "--start", "2026-12-01", "--month", "--include-uncleared", cwd=ws)
    else:
        target = tmp_path / "study.md"
        shutil.copy2(SAMPLES / "case-studies" / "mock-cold-brew.md", target)
        (ws / "case-studies" / "leak.md").symlink_to(target)
        r = cli("portfolio", "build", "--out", str(tmp_path / "site"), cwd=ws)
    refused(r)
    assert "outside" in r.stderr
    assert "SECRETLEAK" not in r.stdout


def test_portfolio_build_never_replaces_a_folder_it_did_not_build(
    cli, ws: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    shutil.copy2(SAMPLES / "case-studies" / "mock-cold-brew.md", ws / "case-studies")
    site = tmp_path / "site"
    ok(cli("portfolio", "build", "--out", str(site), cwd=ws))
    ok(cli("portfolio", "build", "--out", str(site), cwd=ws))  # its own site: rebuilt
    mine = tmp_path / "my-website"
    (mine / ".git").mkdir(parents=True)
    (mine / "index.html").write_text("<p>my own page</p>", encoding="utf-8")
    (mine / "notes.md").write_text("keep me", encoding="utf-8")
    r = cli("portfolio", "build", "--out", str(mine), cwd=ws)
    refused(r)
    assert (mine / ".git").is_dir() and (mine / "notes.md").read_text(encoding="utf-8") == "keep me"
    assert (mine / "index.html").read_text(encoding="utf-8") == "<p>my own page</p>"


def test_zip_bomb_is_refused(cli, ws: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("posts.csv", b"Post ID,Description\n" + b"0" * 30_000_000)
    r = cli("import", str(archive), cwd=ws)
    refused(r)
    assert not [p for p in ws.rglob("*") if p.is_file() and p.stat().st_size > 10_000_000]


@pytest.mark.parametrize(
    "image", ["http://127.0.0.1:9/x.png", "file:///etc/hostname", "/etc/hostname", "../../x.png"]
)
def test_case_study_body_images_stay_local(cli, ws: Path, tmp_path: Path, image: str) -> None:  # type: ignore[no-untyped-def]
    study = ws / "case-studies" / "mock-cold-brew.md"
    shutil.copy2(SAMPLES / "case-studies" / study.name, study)
    with study.open("a", encoding="utf-8") as fh:
        fh.write(f"\n![a chart]({image})\n")
    site = tmp_path / "site"
    r = cli("portfolio", "build", "--out", str(site), cwd=ws)
    if r.exit_code == 0:  # markdown-it leaves a file: link as text: fine, if nothing was copied
        page = (site / "cold-brew-launch-concept.html").read_text(encoding="utf-8")
        assert f'src="{image}"' not in page
        secret = Path("/etc/hostname").read_bytes() if Path("/etc/hostname").exists() else None
        assert not [f for f in site.rglob("*") if f.is_file() and f.read_bytes() == secret]
    else:
        refused(r)
