"""A pilot's page: 'socialproof pilot report --seed --html' in the browser."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import LiveServer, make_client
from tests.web.workbench_samples import axe_violations, open_page

NAME = "Reels <or> carousels"
WHERE = "/pilots/Reels%20%3Cor%3E%20carousels"


_HEADER = (
    "Post ID,Account ID,Account username,Account name,Description,Duration (sec),Publish time,"
    "Permalink,Post type,Data comment,Date,Views,Reach,Likes,Shares,Follows,Comments,Saves,"
    "Custom labels\n"
)


def _posts_csv(tmp: Path) -> Path:
    """Twenty invented posts in January 2026, carousels and reels taking turns, each
    with its own reach and likes (engagement rates between 1 % and 12 %)."""
    rows = []
    for i in range(20):
        kind = "IG carousel" if i % 2 else "IG reel"
        reach = 800 + 137 * i
        likes = reach * (1 + (i * 7) % 12) // 100
        rows.append(
            f"{6100 + i},900001,bakery.demo,Bakery Demo,Post {i},0,01/{i + 2:02d}/2026 10:00,"
            f"https://www.instagram.com/p/P{i}/,{kind},,Lifetime,{reach + 100},{reach},{likes},"
            "0,0,0,0,\n"
        )
    path = tmp / "posts.csv"
    path.write_text(_HEADER + "".join(rows), encoding="utf-8")
    return path


def _bootstrap_pilot(ws: Any) -> None:
    from socialproof.campaigns.pilots import create, define
    from socialproof.ingest.importer import import_paths

    (s,) = import_paths(ws, [_posts_csv(ws.root.parent)])
    assert s.status == "imported", s.error
    pilot = define(
        NAME,
        "engagement_rate_reach",
        ["format=carousel", "format=reel"],
        "2026-01-01",
        "2026-03-31",
        test="bootstrap",
    )
    create(ws, pilot)


@pytest.fixture
def pilot_client(workspace: Any) -> Any:
    _bootstrap_pilot(workspace)
    with make_client(workspace) as c:
        yield c


def _report(text: str) -> str:
    """The report without its time stamp and with its charts' ids (a counter) as one."""
    text = text.split('<div class="report', 1)[-1] if "<main" in text else text
    return re.sub(r"chart-([td])\d+", r"chart-\1", re.sub(r"<footer>.*?</footer>", "", text))


def _interval_rows(text: str) -> list[str]:
    return [r for r in re.findall(r"<tr>.*?</tr>", text, re.S) if "%" in r]


def test_the_seed_reseeds_the_bootstrap_and_the_report_downloads(
    pilot_client: Any, cli: Any, tmp_path: Path
) -> None:
    """'pilot report --seed' and '--html' had no browser equivalent: the page always drew
    the bootstrap with seed 0 and gave no file to send a client."""
    ws = pilot_client.app_state.ws
    first = pilot_client.get(WHERE)
    assert first.status_code == 200, first.text[first.text.find("<main") :][:1500]
    assert 'id="seed"' in first.text and "aria-invalid" not in first.text
    assert f'href="{WHERE}?download=html" download' in first.text
    seeded = pilot_client.get(WHERE, params={"seed": "7"})
    assert seeded.status_code == 200 and 'value="7"' in seeded.text
    assert f'href="{WHERE}?seed=7&amp;download=html" download' in seeded.text
    got = pilot_client.get(WHERE, params={"seed": "7", "download": "html"})
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    assert got.headers["content-disposition"] == 'attachment; filename="pilot.html"'
    for seed in ("0", "7"):
        out = tmp_path / f"pilot-{seed}.html"
        done = cli(
            "pilot", "report", NAME, "--seed", seed, "--html", str(out), "--workspace", str(ws.root)
        )
        assert done.exit_code == 0, done
        written = out.read_text(encoding="utf-8")
        web = pilot_client.get(WHERE, params={"seed": seed, "download": "html"}).text
        assert _report(web) == _report(written)
    # another seed draws other resamples: the bootstrap's interval moves
    zero = (tmp_path / "pilot-0.html").read_text(encoding="utf-8")
    seven = (tmp_path / "pilot-7.html").read_text(encoding="utf-8")
    assert _interval_rows(zero) != _interval_rows(seven)
    assert "Reels &lt;or&gt; carousels" in got.text and "<or>" not in got.text
    assert pilot_client.get(WHERE, params={"download": "pdf"}).status_code == 422


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("-1", "The seed must be 0 or more and below 2**63, not -1."),
        ("seven", "The seed must be a whole number, not 'seven'."),
        ("1.5", "The seed must be a whole number, not '1.5'."),
        ("99999999999999999999", "The seed must be 0 or more and below 2**63"),
    ],
)
def test_a_refused_seed_is_kept_and_marked(pilot_client: Any, typed: str, says: str) -> None:
    r = pilot_client.get(WHERE, params={"seed": typed})
    assert r.status_code == 422, r.text
    assert says in html.unescape(r.text) and "--seed" not in r.text
    field = re.search(r'<input[^>]*id="seed"[^>]*>', r.text)
    assert field is not None and 'aria-invalid="true"' in field.group(0)
    assert f'value="{typed}"' in field.group(0)
    assert "download=html" not in r.text  # no report, no file of it


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_the_seed_with_the_keyboard(browser: Any, workspace: Any, width: int) -> None:
    _bootstrap_pilot(workspace)
    server = LiveServer(workspace).start()
    page = open_page(browser, server.url + WHERE, width=width, for_axe=True)
    try:
        page.locator("#seed").fill("minus one")
        page.locator("#seed").press("Enter")
        page.get_by_text("The seed must be a whole number, not 'minus one'.").wait_for()
        assert page.locator("#seed").get_attribute("aria-invalid") == "true"
        assert page.locator("#seed").input_value() == "minus one"
        assert axe_violations(page) == []
        page.locator("#seed").fill("7")
        page.locator("#seed").press("Enter")
        page.wait_for_url(re.compile(r"seed=7"))
        assert page.locator("#seed").get_attribute("aria-invalid") is None
        with page.expect_download() as info:
            page.get_by_role("link", name="Download the report as an HTML file").click()
        assert info.value.suggested_filename == "pilot.html"
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()
