"""A role's page: 'roles show --industry', 'gap --role --industry' and 'paths --depth --to'
in the browser."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from tests.web.conftest import LiveServer, make_client
from tests.web.workbench_samples import axe_violations, open_page

# An invented profile: a coordinator with copywriting and community skills, nothing of a
# regulated industry's.
_PROFILE = """\
name: Robin Test
current_role: social-media-coordinator
skills:
  - {skill: copywriting, level: 4}
  - {skill: community-management, level: 4}
  - {skill: content-calendar, level: 3}
"""
ROLE = "/career/roles/social-media-coordinator"


@pytest.fixture
def client(workspace: Any) -> Any:
    (workspace.root / "profile.yaml").write_text(_PROFILE, encoding="utf-8")
    with make_client(workspace) as c:
        yield c


def _field(page: str, name: str) -> str:
    found = re.search(rf'<(?:input|select)[^>]*id="{name}"[^>]*>', page)
    assert found is not None, page
    return found.group(0)


def _missing(page: str) -> str:
    found = re.search(r"Missing or below level 3: (.*?)\.</p>", page)
    assert found is not None, page
    return html.unescape(found.group(1))


def test_an_industry_adds_its_variant_to_the_role_and_the_match(client: Any) -> None:
    """'roles show --industry' and 'gap --role --industry' had no field: the page showed the
    role and the match as for no industry, so a finance job's compliance skills were never
    asked of the person."""
    plain = client.get(ROLE)
    assert plain.status_code == 200 and "aria-invalid" not in plain.text
    assert "Regulatory compliance" not in _missing(plain.text)
    finance = client.get(ROLE, params={"industry": "finance"})
    assert finance.status_code == 200
    assert "In Regulated industries (finance, health, legal, public sector)" in finance.text
    assert "Route every post and reply through documented compliance review" in finance.text
    assert "Your match in finance" in finance.text
    # the regulated variant asks for regulatory compliance (5) and approval workflows (5)
    missing = _missing(finance.text)
    assert "Regulatory compliance" in missing and "Approval workflows" in missing
    assert '<option value="finance" selected>' in finance.text


def test_steps_ahead_and_a_route_to_a_role(client: Any) -> None:
    """'paths --depth' and '--to' had no field: the page showed two steps ahead and no
    route to a role further away."""

    def moves(page: str) -> int:
        part = page.split("<h2>Where it leads", 1)[1].split("</ul>", 1)[0]
        return part.count("<li>")

    one = client.get(ROLE, params={"depth": "1"}).text
    three = client.get(ROLE, params={"depth": "3"}).text
    assert "Where it leads (1 step ahead)" in one and moves(one) < moves(three)
    route = client.get(ROLE, params={"to": "Head of Social"})
    heading = "Route to Head of Social / Director of Digital Strategy</h2>"
    assert route.status_code == 200 and heading in route.text
    steps = route.text.split(heading, 1)[1].split("</ol>", 1)[0]
    # coordinator -> specialist -> manager -> senior manager -> head of social
    assert re.findall(r'href="/career/roles/([^"]+)"', steps) == [
        "social-media-specialist",
        "social-media-manager",
        "senior-social-media-manager",
        "head-of-social",
    ]
    same = client.get(ROLE, params={"to": "social-media-coordinator"}).text
    assert "there is no step to take" in same
    back = client.get("/career/roles/head-of-social", params={"to": "social-media-coordinator"})
    text = html.unescape(back.text)
    assert back.status_code == 200 and "No career path from head-of-social" in text
    assert "socialproof paths" not in text and "aria-invalid" not in back.text


@pytest.mark.parametrize(
    ("params", "field", "says"),
    [
        ({"industry": "<b>mining"}, "industry", "Unknown industry '<b>mining'."),
        ({"depth": "0"}, "depth", "Steps ahead must be from 1 to 5, not 0."),
        ({"depth": "6"}, "depth", "Steps ahead must be from 1 to 5, not 6."),
        ({"depth": "two"}, "depth", "Steps ahead must be a whole number, not 'two'."),
        ({"to": "astronaut"}, "to", "No role called 'astronaut' in the catalogue."),
    ],
)
def test_a_refused_choice_is_kept_and_marked(
    client: Any, params: dict[str, str], field: str, says: str
) -> None:
    r = client.get(ROLE, params=params)
    assert r.status_code == 422, r.text
    text = html.unescape(r.text)
    assert says in text and "--" not in text.split("<main", 1)[1].split("</main>")[0]
    assert "<b>mining" not in r.text
    assert 'aria-invalid="true"' in _field(r.text, field)
    assert all(
        "aria-invalid" not in _field(r.text, f) for f in ("industry", "depth", "to") if f != field
    )
    if field == "industry":
        assert '<option value="&lt;b&gt;mining" selected>' in r.text
    else:
        assert f'value="{params[field]}"' in _field(r.text, field)
    assert "Where it leads" in r.text  # the rest of the page stays


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_role_choices_with_the_keyboard(browser: Any, workspace: Any, width: int) -> None:
    (workspace.root / "profile.yaml").write_text(_PROFILE, encoding="utf-8")
    server = LiveServer(workspace).start()
    page = open_page(browser, server.url + ROLE, width=width, for_axe=True)
    try:
        assert axe_violations(page) == []
        page.locator("#depth").fill("9")
        page.locator("#depth").press("Enter")
        page.get_by_text("Steps ahead must be from 1 to 5, not 9.").wait_for()
        assert page.locator("#depth").get_attribute("aria-invalid") == "true"
        assert page.locator("#depth").input_value() == "9"
        assert axe_violations(page) == []
        page.locator("#depth").fill("")
        page.locator("#industry").select_option("finance")
        page.locator("#to").fill("head-of-social")
        page.locator("#to").press("Enter")
        page.wait_for_url(re.compile(r"to=head-of-social"))
        page.get_by_role("heading", name="Route to Head of Social / Director").wait_for()
        page.get_by_role("heading", name="Your match in finance").wait_for()
        assert axe_violations(page) == []
    finally:
        page.context.close()
        server.stop()
