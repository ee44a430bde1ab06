from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.portfolio.conftest import PAID, write_study

from socialproof.portfolio.rubric import check_portfolio


def _by_slug(ws: Any) -> dict[str, Any]:
    return {Path(r.file).stem: r for r in check_portfolio(ws)}


def test_good_studies_have_no_errors(portfolio_ws: Any) -> None:
    results = _by_slug(portfolio_ws)
    assert results["spring"].errors == 0, results["spring"].findings
    assert results["coffee"].errors == 0, results["coffee"].findings
    # the CTR outcome has a baseline; nothing is a vanity metric
    assert all(f.rule != "vanity-metric" for f in results["spring"].findings)


def test_paid_work_needs_budget_targeting_and_result(portfolio_ws: Any) -> None:
    text = (
        PAID.replace("budget: {min: 2000, max: 4000, currency: USD}\n", "")
        .replace("targeting: Adults 25-54 interested in hiking; purchasers excluded.\n", "")
        .replace("kpi: cost_per_result\n", "kpi: impressions\n")
        .replace("label: Cost per purchase", "label: Impressions")
    )
    write_study(portfolio_ws, "spring.md", text)
    rules = {f.rule for f in _by_slug(portfolio_ws)["spring"].findings if f.level == "error"}
    assert {"paid-budget", "paid-targeting", "paid-result"} <= rules


def test_vanity_metric_flagged(portfolio_ws: Any) -> None:
    text = PAID.replace(
        "  - label: Store visits\n    value: 310\n    unit: count\n    target: 250\n",
        "  - label: Followers\n    value: 12000\n    unit: count\n",
    )
    write_study(portfolio_ws, "spring.md", text)
    r = _by_slug(portfolio_ws)["spring"]
    vanity = [f for f in r.findings if f.rule == "vanity-metric"]
    assert vanity and vanity[0].level == "warning" and "Followers" in vanity[0].message
    assert r.score == 95


def test_missing_goal_strategy_outcome_are_errors(portfolio_ws: Any) -> None:
    write_study(
        portfolio_ws,
        "thin.md",
        "---\ntitle: Thin\nkind: organic\nrole: x\nclient: y\nperiod: {start: 2026-01-01}\n---\n",
    )
    r = _by_slug(portfolio_ws)["thin"]
    assert {"goal", "strategy", "execution", "outcome"} <= {f.rule for f in r.findings}
    assert r.score == 20


def test_alt_text_and_missing_image(portfolio_ws: Any) -> None:
    text = PAID.replace("    alt: A hiker on a ridge holding the new lightweight tent.\n", "")
    text = text.replace("## Context", "![](assets/hero.png)\n\n## Context")
    write_study(portfolio_ws, "spring.md", text)
    rules = [f.rule for f in _by_slug(portfolio_ws)["spring"].findings]
    assert rules.count("alt-text") == 2
    write_study(portfolio_ws, "spring.md", PAID.replace("assets/hero.png", "assets/nope.png"))
    missing = [f for f in _by_slug(portfolio_ws)["spring"].findings if f.rule == "image-missing"]
    assert missing and "does not exist" in missing[0].message


def test_unknown_campaign_names_known_ones(portfolio_ws: Any) -> None:
    write_study(
        portfolio_ws,
        "spring.md",
        PAID.replace("{campaign: Spring Launch}", "{campaign: Autumn}", 1),
    )
    ev = [f for f in _by_slug(portfolio_ws)["spring"].findings if f.rule == "evidence"]
    assert ev and "No campaign 'Autumn'" in ev[0].message and "Spring Launch" in ev[0].message


def test_personal_data_flagged(portfolio_ws: Any) -> None:
    text = PAID + "\nThanks to jo.bloggs@client.com and +44 20 7946 0958 for the brief.\n"
    write_study(portfolio_ws, "spring.md", text)
    msgs = [
        f.message for f in _by_slug(portfolio_ws)["spring"].findings if f.rule == "personal-data"
    ]
    assert any("jo.bloggs@client.com" in m for m in msgs)
    assert any("7946" in m for m in msgs)


def test_community_work_needs_health_metric(portfolio_ws: Any) -> None:
    write_study(
        portfolio_ws,
        "c.md",
        "---\ntitle: Forum\nkind: community\nrole: CM\nclient: y\n"
        "period: {start: 2026-01-01}\ngoals: [{description: grow}]\nstrategy: s\n"
        "execution: e\noutcomes:\n  - {label: Members, value: 900, target: 800}\n---\n",
    )
    rules = {f.rule for f in _by_slug(portfolio_ws)["c"].findings}
    assert "community-health" in rules


def test_mock_with_real_looking_client_warned(portfolio_ws: Any) -> None:
    write_study(
        portfolio_ws,
        "m.md",
        (portfolio_ws.root / "case-studies" / "coffee.md")
        .read_text()
        .replace("Mock brand (spec work)", "Starbucks"),
    )
    rules = {f.rule for f in _by_slug(portfolio_ws)["m"].findings}
    assert "mock-client" in rules


def test_broken_file_becomes_finding_not_crash(portfolio_ws: Any) -> None:
    write_study(portfolio_ws, "broken.md", "no front matter here")
    r = _by_slug(portfolio_ws)["broken"]
    assert r.errors == 1 and r.findings[0].rule == "front-matter"


def test_large_image_warns(portfolio_ws: Any) -> None:
    big = portfolio_ws.root / "case-studies" / "assets" / "hero.png"
    big.write_bytes(big.read_bytes() + b"\0" * (10 * 1024 * 1024 + 1))
    r = _by_slug(portfolio_ws)["spring"]
    assert any(f.rule == "large-image" and f.level == "warning" for f in r.findings)


def test_evidence_with_no_rows_in_the_period_is_an_error_and_left_out_of_the_site(
    portfolio_ws: Any,
) -> None:
    from socialproof.portfolio.site import build_site

    # the campaign exists, but not in 2025: every computed figure would read n/a
    text = PAID.replace(
        "{start: 2026-03-01, end: 2026-03-31}", "{start: 2025-03-01, end: 2025-03-31}"
    )
    write_study(portfolio_ws, "spring.md", text)
    r = _by_slug(portfolio_ws)["spring"]
    evidence = [f.message for f in r.findings if f.rule == "evidence"]
    assert len(evidence) == 3, r.findings
    assert any("'Cost per purchase' has no value" in m and "2025-03-01" in m for m in evidence)
    assert any("'Link click-through rate' has no value" in m for m in evidence)
    assert any(m.startswith("The chart of CTR") and "no data" in m for m in evidence)
    result = build_site(portfolio_ws)  # drew an empty chart before: IndexError
    assert any("'Cost per purchase' has no data" in w for w in result.warnings)
    assert any("is left out" in w for w in result.warnings)
    page = (result.out / "spring-launch-on-meta.html").read_text(encoding="utf-8")
    assert "<svg" not in page


def test_targets_follow_the_direction_of_the_figure(portfolio_ws: Any) -> None:
    from socialproof.portfolio.casestudy import parse_case_study
    from socialproof.portfolio.evidence import EvidenceResolver

    # the fixture's cost per purchase is 30 (90 spent a day for 3 purchases)
    text = PAID.replace("    baseline: 26\n    target: 20\n", "    target: 35\n", 1).replace(
        "  - label: Store visits\n    value: 310\n    unit: count\n    target: 250\n",
        "  - label: Planned cost per lead\n    value: 1.8\n    unit: currency\n    target: 2\n"
        "  - label: Planned reach\n    value: 180\n    unit: count\n    target: 200\n",
    )
    path = write_study(portfolio_ws, "spring.md", text)
    loaded = parse_case_study(path)
    with EvidenceResolver(portfolio_ws) as resolver:
        shown = {o.label: resolver.outcome(o, loaded).versus for o in loaded.study.outcomes}
    assert shown["Cost per purchase"] == "target 35.00; target met"  # lower is better
    assert shown["Planned cost per lead"] == "target 2.00; target met"
    assert shown["Planned reach"] == "target 200; target not met"


def test_a_campaign_billed_in_two_currencies_is_not_added_up(
    portfolio_ws: Any, insert: Any
) -> None:
    """Another account runs a campaign of the same name, billed in EUR: its spend was
    added to the USD spend as one amount (cost per purchase 30 -> 31.67)."""
    from datetime import date

    from socialproof.portfolio.casestudy import load_case_studies
    from socialproof.portfolio.evidence import EvidenceResolver

    insert(
        "ad_stats",
        [
            {
                "platform": "facebook",
                "account": "acme-eu",
                "campaign": "Spring Launch",
                "ad_set": "EU",
                "ad": "C",
                "date_start": date(2026, 3, 2),
                "date_stop": date(2026, 3, 2),
                "breakdown": "",
                "currency": "EUR",
                "spend": 100.0,
                "impressions": 1000,
                "link_clicks": 10,
                "results": 2,
            }
        ],
    )
    r = _by_slug(portfolio_ws)["spring"]
    mixed = [f.message for f in r.findings if f.rule == "evidence"]
    assert any(
        "Cost per result (campaign: Spring Launch) would add amounts in 2 currencies (EUR, USD)"
        in m
        and "currency: EUR" in m
        for m in mixed
    ), mixed
    assert not any("CTR" in m for m in mixed)  # a rate of clicks is not money
    write_study(
        portfolio_ws,
        "spring.md",
        PAID.replace("{campaign: Spring Launch}", "{campaign: Spring Launch, currency: USD}"),
    )
    assert not [f for f in _by_slug(portfolio_ws)["spring"].findings if f.rule == "evidence"]
    studies = load_case_studies(portfolio_ws.root / "case-studies")
    for batched in (True, False):
        with EvidenceResolver(portfolio_ws) as resolver:
            if batched:
                resolver.prefetch(studies)
            spring = next(s for s in studies if s.path.name == "spring.md")
            cost = resolver.outcome(spring.study.outcomes[0], spring)
            assert cost.value == 30.0 and cost.display == "30.00 USD"
