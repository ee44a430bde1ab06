"""Figures written in a case study's text are checked against the evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.portfolio.conftest import PAID, write_study

from socialproof.portfolio.claims import figure_names, unsupported
from socialproof.portfolio.evidence import Figure
from socialproof.portfolio.rubric import check_portfolio


def _claims(ws: Any) -> list[str]:
    found = {Path(r.file).stem: r for r in check_portfolio(ws)}["spring"].findings
    return [f.message for f in found if f.rule == "unsupported-figure"]


# The fixture's data: cost per purchase 30.00 (90 spent a day for 3 purchases; baseline
# 26, target 20), link CTR 1.00 % (18 link clicks in 1,800 impressions; baseline 0.9 %).
@pytest.mark.parametrize(
    ("summary", "wrong"),
    [
        ("Cut cost per purchase to $18.", ["'cost per purchase … $18'"]),
        ("Link CTR reached 2.5 %.", ["'CTR … 2.5 %'"]),
        (
            "The link click-through rate rose 40 % on the baseline.",
            ["'link click-through rate … 40 %'"],
        ),
        # the figure, its baseline, target and change, as rounded where written
        ("Cost per purchase was 30.00 against 26 before (a 20 target).", []),
        ("Cost per purchase: $30, up 15 % on the baseline.", []),
        ("Link CTR of 1.0 %, up 11 % on the 0.9 % baseline; cost per purchase $30.", []),
        # numbers that are not the figure's kind, or belong to the next figure named
        ("CTR held over 4 weeks in 2026 on a $2,000 budget.", []),
        ("CTR 1 %, cost per purchase 30.", []),
    ],
)
def test_text_figures_the_evidence_does_not_give(portfolio_ws: Any, summary: str, wrong) -> None:
    text = PAID.replace(
        "summary: Lowered cost per purchase for the spring range.", f"summary: {summary!r}"
    )
    write_study(portfolio_ws, "spring.md", text)
    claims = _claims(portfolio_ws)
    assert len(claims) == len(wrong), claims
    for message, words in zip(claims, wrong, strict=True):
        assert words in message and "in the summary" in message


def test_body_and_learnings_are_read_and_lines_named(portfolio_ws: Any) -> None:
    text = (
        PAID.replace(
            "learnings: Short hooks beat long demos.", "learnings: Cost per purchase fell to 12.40."
        )
        + "\nWe lifted the link CTR to 3 %.\n"
    )
    write_study(portfolio_ws, "spring.md", text)
    found = {Path(r.file).stem: r for r in check_portfolio(portfolio_ws)}["spring"].findings
    claims = [f for f in found if f.rule == "unsupported-figure"]
    assert sorted(f.field for f in claims) == ["body", "learnings"]
    assert all(f.level == "error" for f in claims)
    body = next(f for f in claims if f.field == "body")
    assert "30.00" not in body.message and "1.00 %" in body.message
    assert body.line > text.count("\n", 0, text.index("---\n", 4))


def test_a_longer_name_is_its_own_figure() -> None:
    rate = Figure("Response rate", 0.862, "percent", True, "data", baseline=0.7)
    sla = Figure("Response rate within the SLA", 0.696, "percent", True, "data", target=0.9)
    figures = [
        (rate, figure_names("Response rate", "Response rate")),
        (sla, figure_names("Response rate within the SLA", "Response rate within SLA")),
    ]
    ok = "The response rate within the SLA reached 69.6 %, the response rate 86 %."
    assert unsupported({"body": ok}, figures, other_names=[]) == []
    wrong = unsupported({"body": "The response rate hit 95 %."}, figures, other_names=[])
    assert [(c.figure, c.written) for c in wrong] == [("Response rate", "response rate … 95 %")]


def test_typed_figures_are_not_checked() -> None:
    typed = Figure("Store visits", 310, "count", False, "typed by hand")
    text = {"summary": "Store visits rose to 9,000."}
    assert unsupported(text, [(typed, ["Store visits"])], other_names=[]) == []


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        # a decimal comma was cut at the comma: '45,6 %' went unchecked
        ("The engagement rate reached 45,6 %.", ["engagement rate … 45,6 %"]),
        ("The engagement rate reached 11,6 %, about 12 % in round figures.", []),
        ("ROAS 4,5×.", ["ROAS … 4,5×"]),
        ("ROAS 2,95×.", []),
        ("Cost per result €1.934,56.", ["Cost per result … €1.934,56"]),
        ("Cost per result €1.234,56.", []),
        ("Cost per result €1,234.56.", []),
        # digits grouped by spaces are not read in part ('234,56' of '1 234,56')
        ("Cost per result 1 234,56 €.", []),
        ("Cost per result 1\u202f234,56 €.", []),
        # 'percentage points' went unchecked as a number without a unit
        ("The engagement rate rose 1.6 percentage points.", []),
        (
            "The engagement rate rose 45 percentage points.",
            ["engagement rate … 45 percentage points"],
        ),
    ],
)
def test_numbers_with_a_decimal_comma_are_checked(text: str, wrong: list[str]) -> None:
    figures = [
        (
            Figure("Engagement rate", 0.116, "percent", True, "data", baseline=0.1),
            figure_names("Engagement rate", "Engagement rate (by reach)"),
        ),
        (Figure("ROAS", 2.95, "ratio", True, "data"), ["ROAS"]),
        (
            Figure("Cost per result", 1234.56, "currency", True, "data", baseline=1500.0),
            figure_names("Cost per result", "Cost per result"),
        ),
    ]
    found = unsupported({"summary": text}, figures, other_names=[])
    assert [c.written for c in found] == wrong


def test_a_target_missed_by_less_than_the_shown_rounding_says_by_how_much() -> None:
    """'12.0 % (target 12.0 %; target not met)' read as a contradiction in front of a
    client: 11.996 % rounds to the target it misses."""
    close = Figure(
        "Engagement rate", 0.11996, "percent", True, "data", target=0.12, better="higher"
    )
    assert close.versus == "target 12.0 %; target not met (11.996 % against 12 %)"
    ratio = Figure("ROAS", 2.996, "ratio", True, "data", target=3.0, better="higher")
    assert ratio.versus == "target 3.00×; target not met (2.996× against 3×)"
    met = Figure("Engagement rate", 0.12, "percent", True, "data", target=0.12, better="higher")
    assert met.versus == "target 12.0 %; target met"
    clear = Figure("Cost per result", 31.0, "currency", True, "data", target=20.0, better="lower")
    assert clear.versus == "target 20.00; target not met"


@pytest.mark.parametrize(
    ("value", "baseline", "unit", "versus"),
    [
        # 1.75 % against 1.00 %: 0.75 points, 0.75 / 1.00 = 75 % (it read '+75% vs baseline')
        (0.0175, 0.01, "percent", "baseline 1.00 %; +0.75 pts, +75 % vs baseline"),
        # 1.002 % against 1.000 %: 0.002 points, 0.002 / 1 = 0.2 % (it read '+0% vs baseline')
        (0.01002, 0.01, "percent", "baseline 1.00 %; +<0.01 pts, +0.2 % vs baseline"),
        # from 0 %: no relative change, the points alone (it read nothing)
        (0.012, 0.0, "percent", "baseline 0.00 %; +1.20 pts vs baseline"),
        (1750.0, 1000.0, "count", "baseline 1,000; +75 % vs baseline"),
        (10.03, 10.0, "currency", "baseline 10.00; +0.3 % vs baseline"),  # 0.03 / 10
        (8.0, 10.0, "currency", "baseline 10.00; -20 % vs baseline"),
        (5.0, 0.0, "count", "baseline 0"),  # relative to 0 is undefined
    ],
)
def test_a_change_against_the_baseline_is_in_points_for_a_percentage(
    value: float, baseline: float, unit: str, versus: str
) -> None:
    assert Figure("Figure", value, unit, True, "data", baseline=baseline).versus == versus
