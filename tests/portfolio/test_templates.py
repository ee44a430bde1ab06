"""A new case study is a template to edit, never a result: placeholders block publishing."""

from __future__ import annotations

from typing import Any

import pytest

from socialproof.errors import BadInput
from socialproof.portfolio.casestudy import load_case_studies, new_case_study, placeholders
from socialproof.portfolio.rubric import check_portfolio

# what 'portfolio new' wrote before placeholders were marked: a made-up outcome
OLD_TEMPLATE = """\
---
title: Spring launch on TikTok
kind: organic
role: Social media manager
client: confidential
period:
  start: 2026-03-01
  end: 2026-03-31
summary: One or two sentences on the problem and the result.
goals:
  - description: Grow qualified traffic from short-form video
    metric: ctr_link
    target: 0.012
    baseline: 0.008
strategy: |
  What you planned and why: audience, message, channels, formats.
execution: |
  What you did: content pillars, cadence, creative tests, community work.
outcomes:
  - label: Purchases attributed
    value: 120
    unit: count
    target: 100
    note: From the client's shop dashboard.
learnings: |
  What worked, what you would change next time.
---

## Context

Tell the story: the situation, the constraints, the team.
"""


def _by_slug(ws: Any, slug: str) -> Any:
    return next(r for r in check_portfolio(ws) if r.slug == slug)


@pytest.mark.parametrize("kind", ["paid", "organic", "community", "mock"])
def test_new_case_study_makes_up_no_result_and_fails_the_check(
    kind: str, portfolio_ws: Any
) -> None:
    path = new_case_study(portfolio_ws.root / "case-studies", "My new work", kind)
    text = path.read_text(encoding="utf-8")
    assert "120" not in text and "Purchases attributed" not in text
    assert "target met" not in text
    check = _by_slug(portfolio_ws, "my-new-work")
    rules = {f.rule for f in check.findings if f.level == "error"}
    assert "placeholder" in rules
    assert check.score < 100
    with pytest.raises(BadInput, match="placeholder"):
        load_case_studies(portfolio_ws.root / "case-studies")


def test_old_template_text_is_caught_too(portfolio_ws: Any) -> None:
    (portfolio_ws.root / "case-studies" / "old.md").write_text(OLD_TEMPLATE, encoding="utf-8")
    check = _by_slug(portfolio_ws, "spring-launch-on-tiktok")
    found = [f for f in check.findings if f.rule == "placeholder"]
    fields = {f.field.split(".")[0] for f in found}
    assert {"summary", "strategy", "execution", "outcomes", "learnings", "body"} <= fields
    assert check.score < 60


def test_edited_case_study_has_no_placeholders(portfolio_ws: Any) -> None:
    from socialproof.portfolio.casestudy import parse_case_study

    for path in sorted((portfolio_ws.root / "case-studies").glob("*.md")):
        assert placeholders(parse_case_study(path)) == []


def test_new_paid_case_study_points_at_a_campaign_the_workspace_holds(
    cli: Any, portfolio_ws: Any
) -> None:
    r = cli("portfolio", "new", "Spring work", "--kind", "paid", cwd=portfolio_ws.root)
    assert r.exit_code == 0, r
    text = (portfolio_ws.root / "case-studies" / "spring-work.md").read_text(encoding="utf-8")
    assert 'campaign: "Spring Launch"' in text
    assert "start: 2026-03-01" in text and "end: 2026-03-31" in text
    check = _by_slug(portfolio_ws, "spring-work")
    assert not [f for f in check.findings if f.rule == "evidence"], check.findings
    r = cli("portfolio", "build", cwd=portfolio_ws.root)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: ") and "placeholder" in r.stderr
    assert "spring-work.md" in r.stderr
    assert not (portfolio_ws.root / "site" / "spring-work.html").exists()


def test_new_case_study_without_data_leaves_the_evidence_to_choose(
    cli: Any, workspace: Any
) -> None:
    r = cli("portfolio", "new", "Launch", "--kind", "paid", cwd=workspace.root)
    assert r.exit_code == 0, r
    text = (workspace.root / "case-studies" / "launch.md").read_text(encoding="utf-8")
    assert "TODO" in text
    r = cli("portfolio", "check", cwd=workspace.root)
    assert r.exit_code == 1
    assert "placeholder" in r.stdout


def test_unknown_filter_value_never_lists_nan(portfolio_ws: Any, insert: Any) -> None:
    from datetime import date

    insert(
        "ad_stats",
        [
            {
                "platform": "facebook",
                "account": "",
                "campaign": None,
                "ad_set": "Broad",
                "ad": "C",
                "date_start": date(2026, 3, 2),
                "date_stop": date(2026, 3, 2),
                "breakdown": "",
                "currency": "USD",
                "spend": 1.0,
                "impressions": 10,
            }
        ],
    )
    from tests.portfolio.conftest import PAID

    typo = PAID.replace("Spring Launch", "Sprng Launch").replace(
        "title: Spring launch on Meta", "title: Typo in the campaign"
    )
    (portfolio_ws.root / "case-studies" / "typo.md").write_text(typo, encoding="utf-8")
    messages = [f.message for r in check_portfolio(portfolio_ws) for f in r.findings]
    wrong = [m for m in messages if "Sprng Launch" in m]
    assert wrong, messages
    assert all("nan" not in m.lower() for m in wrong), wrong
    assert any("Known: Spring Launch" in m for m in wrong), wrong
