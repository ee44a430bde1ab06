"""The match score and the learning plan: weights as documented, computed by hand here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.careers.catalogue import load_catalogue
from socialproof.careers.gap import (
    Requirement,
    band,
    gap,
    gap_for_posting,
    gap_for_role,
    posting_requirements,
    role_requirements,
)
from socialproof.careers.plan import build_plan, plan_for_workspace
from socialproof.careers.profile import Profile, check_profile
from socialproof.errors import BadInput, UsageError
from socialproof.market.extract import analyze_posting, read_posting_file

DATA = Path(__file__).parents[1] / "data" / "careers"


def _check(skills: list[dict[str, Any]], tools: list[str] | None = None) -> Any:
    return check_profile(
        Profile.model_validate({"skills": skills, "tools": tools or []}), esco=False
    )


REQS = [
    Requirement("skill", "copywriting", "Copywriting", 5, True),  # w = 10
    Requirement("skill", "paid-social", "Paid social", 3, False),  # w = 3
    Requirement("skill", "seo", "SEO", 2, True),  # w = 4
    Requirement("tool", "canva", "Canva", 2, False),  # w = 2
]


def test_score_follows_the_documented_formula() -> None:
    check = _check(
        [{"skill": "copywriting", "level": 5}, {"skill": "paid social", "level": 1}],
        tools=["Canva"],
    )
    result = gap(check, REQS, target="t", target_kind="role")
    expected = 100 * (10 * 1 + 3 * (1 / 3) + 4 * 0 + 2 * 1) / (10 + 3 + 4 + 2)
    assert result.score == pytest.approx(round(expected, 1))
    assert (result.must_met, result.must_total) == (1, 2)
    assert (result.skills_met, result.skills_total) == (1, 3)
    assert [i.requirement.id for i in result.missing] == [
        "seo",
        "paid-social",
    ]  # biggest shortfall first
    assert "must-haves" in result.formula and "Jobscan" in result.formula


def test_must_haves_weigh_more_than_nice_to_haves() -> None:
    only_must = gap(_check([{"skill": "seo", "level": 3}]), REQS, target="t", target_kind="role")
    only_nice = gap(
        _check([{"skill": "paid-social", "level": 3}]), REQS, target="t", target_kind="role"
    )
    assert only_must.score > only_nice.score  # SEO has the lower importance but is a must-have


def test_full_and_empty_profiles() -> None:
    everything = _check(
        [{"skill": s, "level": 3} for s in ("copywriting", "paid-social", "seo")], ["canva"]
    )
    assert gap(everything, REQS, target="t", target_kind="role").score == 100
    assert gap(_check([]), REQS, target="t", target_kind="role").score == 0
    assert gap(_check([]), [], target="t", target_kind="role").notes


@pytest.mark.parametrize(
    ("score", "name"), [(95, "excellent"), (80, "strong"), (70, "good"), (50, "fair"), (10, "low")]
)
def test_bands(score: float, name: str) -> None:
    assert band(score) == name


def test_industry_variant_adds_compliance_skills() -> None:
    role = load_catalogue().role("social-media-manager")
    plain = {r.id for r in role_requirements(role)}
    finance = {r.id: r for r in role_requirements(role, industry="finance")}
    assert "regulatory-compliance" not in plain
    assert finance["regulatory-compliance"].importance == 5


def test_posting_requirements_skip_mere_mentions_and_keep_spans() -> None:
    facts = analyze_posting(read_posting_file(DATA / "regulated_manager.md"))
    reqs = {r.id: r for r in posting_requirements(facts)}
    assert reqs["team-leadership"].must and not reqs["paid-social"].must
    assert reqs["team-leadership"].span


def test_plan_orders_by_shortfall_times_demand() -> None:
    check = _check([])
    demand = {
        ("skill", "copywriting"): (0.1, 1),
        ("skill", "seo"): (0.9, 9),
        ("skill", "paid-social"): (0.5, 5),
        ("tool", "canva"): (0.2, 2),
    }
    result = gap(
        check, REQS, target="t", target_kind="role", demand=demand, demand_basis="10 postings"
    )
    plan = build_plan([result])
    # priority = shortfall x (0.05 + demand):
    # seo 4 x .95 = 3.8 > paid social 3 x .55 = 1.65 > copywriting 10 x .15 = 1.5 > canva 2 x .25
    assert [s.id for s in plan.steps] == ["seo", "paid-social", "copywriting", "canva"]
    seo = plan.steps[0]
    assert seo.certification and seo.portfolio_piece and seo.mock_campaign
    assert plan.basis == "10 postings"


def test_plan_without_postings_uses_catalogue_importance() -> None:
    result = gap(_check([]), REQS, target="t", target_kind="role")
    plan = build_plan([result])
    assert plan.steps[0].id == "copywriting"
    assert plan.steps[0].demand_basis == "catalogue importance"


def _workspace_with_profile(workspace: Any, **extra: Any) -> Any:
    import yaml

    data = {
        "skills": [
            {"skill": "copywriting", "level": 4, "evidence": ["https://example.com/a"]},
            {"skill": "content-calendar", "level": 3},
        ],
        "tools": ["canva"],
        "platforms": ["instagram"],
        **extra,
    }
    (workspace.root / "profile.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return workspace


def test_gap_for_role_and_posting(workspace: Any) -> None:
    ws = _workspace_with_profile(workspace)
    role = gap_for_role(ws, "social-media-coordinator")
    assert 0 < role.score < 100 and role.demand_basis == ""
    matched = {i.requirement.id: i for i in role.matched}
    assert matched["copywriting"].evidence == ["https://example.com/a"]
    posting = gap_for_posting(ws, DATA / "competitive.md")
    assert posting.target.startswith("Social Media Coordinator at Brightside Foods")
    assert any(i.requirement.id == "copywriting" for i in posting.matched)
    with pytest.raises(BadInput, match="not supported yet"):
        gap_for_posting(ws, DATA / "spanish.md")
    with pytest.raises(BadInput, match="no text"):
        gap_for_posting(ws, DATA / "empty.md")


def test_a_posting_with_nothing_to_match_is_an_error_not_a_low_score(
    workspace: Any, tmp_path: Path
) -> None:
    # A file holding no posting (the wrong file, a cover letter) was scored "0/100 (low)".
    ws = _workspace_with_profile(workspace)
    note = tmp_path / "letter.md"
    note.write_text("Dear Sir or Madam,\n\nThank you for your time.\n", encoding="utf-8")
    with pytest.raises(BadInput, match="letter.md names no skill, tool or platform"):
        gap_for_posting(ws, note)


def test_plan_for_workspace_needs_a_target(workspace: Any) -> None:
    ws = _workspace_with_profile(workspace)
    with pytest.raises(UsageError, match="No target role"):
        plan_for_workspace(ws)
    plan = plan_for_workspace(ws, roles=["copywriter", "content-strategist"])
    assert plan.steps and plan.steps[0].rank == 1
    shared = [s for s in plan.steps if len(s.targets) == 2]
    assert shared  # gaps both targets share are merged


def test_posting_salary_below_the_profile_minimum_is_noted(workspace: Any) -> None:
    ws = _workspace_with_profile(workspace, targets={"salary_min": 120000, "currency": "USD"})
    result = gap_for_posting(ws, DATA / "regulated_manager.md")  # $95,000 - $115,000/year
    assert any("below your minimum of 120,000" in n for n in result.notes)
    ws = _workspace_with_profile(workspace, targets={"salary_min": 50000, "currency": "GBP"})
    result = gap_for_posting(ws, DATA / "regulated_manager.md")
    assert any("not compared" in n for n in result.notes)


def test_a_minimum_without_a_currency_is_not_compared_with_any_currency(
    workspace: Any, tmp_path: Path
) -> None:
    """A profile minimum of 60,000 with no currency was compared with a salary in any
    currency: '£30k-35k' read 'below your minimum', ¥5,000,000 passed."""
    ws = _workspace_with_profile(workspace, targets={"salary_min": 60000})
    posting = tmp_path / "uk.md"
    posting.write_text(
        "---\ntitle: Social Media Executive\nsalary: £30k-35k DOE\n---\n"
        "Requirements:\n- Copywriting and Canva\n",
        encoding="utf-8",
    )
    notes = gap_for_posting(ws, posting).notes
    assert not any("below your minimum" in n for n in notes)
    assert (
        "Salary is in GBP; your minimum names no currency: not compared. Add 'currency:' "
        "under 'targets:' in profile.yaml." in notes
    )
    assert "Salary: '£30k-35k DOE' = GBP 30,000-35,000 a year." in notes


def test_an_open_ended_salary_does_not_top_out_at_its_start(workspace: Any, tmp_path: Path) -> None:
    """'from £28k' read 'The salary tops out at 28,000 a year': it starts there."""
    ws = _workspace_with_profile(workspace, targets={"salary_min": 30000, "currency": "GBP"})
    posting = tmp_path / "p.md"
    posting.write_text(
        "---\ntitle: Social Media Executive\nsalary: from £28k\n---\n"
        "Requirements:\n- Copywriting and Canva\n",
        encoding="utf-8",
    )
    notes = gap_for_posting(ws, posting).notes
    assert not any("tops out" in n for n in notes)
    assert (
        "The salary starts at 28,000 a year, below your minimum of 30,000; the posting states "
        "no top." in notes
    )
    posting.write_text(posting.read_text(encoding="utf-8").replace("from £28k", "up to £28k"))
    assert "The salary tops out at 28,000 a year, below your minimum of 30,000." in (
        gap_for_posting(ws, posting).notes
    )


@pytest.mark.parametrize(
    ("salary", "said"),
    [
        (
            "$25/hr",
            "USD 52,000 a year (read as hourly pay; no hours stated: a 40-hour week, 52 weeks a year, assumed).",
        ),
        (
            "$25/hr, 20 hours per week",
            "USD 26,000 a year (read as hourly pay; annualised over the stated 20 hours per week).",
        ),
        (
            "£350 per day",
            "GBP 91,000 a year (read as daily pay; no days stated: 260 working days a year assumed).",
        ),
        (
            "€3,000",
            "EUR 36,000 a year (read as monthly pay; the posting names no period: guessed from the amount).",
        ),
        ("up to £35k", "GBP up to 35,000 a year."),
        ("$2,000 bi-weekly", "USD 52,000 a year (read as fortnightly pay)."),  # 2,000 x 26
    ],
)
def test_the_salary_note_says_how_a_figure_became_a_year(
    workspace: Any, tmp_path: Path, salary: str, said: str
) -> None:
    """'$25/hr' read 'USD 52,000-52,000 a year', with nothing of the 40-hour week assumed
    or a period guessed from the amount, while that figure was held against the minimum."""
    ws = _workspace_with_profile(workspace)
    posting = tmp_path / "p.md"
    posting.write_text(
        f"---\ntitle: Social Media Assistant\nsalary: {salary}\n---\n"
        "You'll need: copywriting, Canva, community management.\n",
        encoding="utf-8",
    )
    notes = gap_for_posting(ws, posting).notes
    assert f"Salary: {salary!r} = {said}" in notes, notes


def test_a_posting_in_a_table_file_is_read_as_jobs_import_reads_it(
    workspace: Any, tmp_path: Path
) -> None:
    """A CSV or JSON posting was read as raw text: its header and JSON keys were part of
    the 'posting', its company and salary unread."""
    import json

    ws = _workspace_with_profile(workspace, targets={"salary_min": 40000, "currency": "GBP"})
    csv_file = tmp_path / "board.csv"
    csv_file.write_text(
        "Job Title,Company Name,Salary,Job Description\n"
        'Copywriter,Acme,"£30,000 - £34,000 a year","Write captions for Instagram. Canva."\n',
        encoding="utf-8",
    )
    result = gap_for_posting(ws, csv_file)
    assert result.target.startswith("Copywriter at Acme")
    assert any("below your minimum of 40,000" in n for n in result.notes)
    page = tmp_path / "posting.json"
    page.write_text(
        json.dumps(
            {
                "title": "Community Coordinator",
                "hiringOrganization": {"name": "Beta"},
                "baseSalary": {"currency": "GBP", "value": {"minValue": 41000, "unitText": "YEAR"}},
                "description": "Moderate our Instagram comments. Canva for graphics.",
            }
        ),
        encoding="utf-8",
    )
    result = gap_for_posting(ws, page)
    assert result.target.startswith("Community Coordinator at Beta")
    assert not any("below your minimum" in n for n in result.notes)
    many = tmp_path / "many.csv"
    many.write_text(
        "title,company,body\nA,X,Write captions.\nB,Y,Write captions.\n", encoding="utf-8"
    )
    with pytest.raises(BadInput, match="many.csv holds 2 postings; --posting compares one"):
        gap_for_posting(ws, many)


def test_nested_front_matter_of_a_posting_is_read(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text(
        "---\ntitle: Content Strategist\ncompany: {name: Zeta}\n"
        "salary: {min: 50000, max: 60000, currency: EUR}\n---\n## Requirements\n- Canva\n",
        encoding="utf-8",
    )
    row = read_posting_file(path)
    assert (row["company"], row["salary_text"]) == ("Zeta", "EUR 50,000 - 60,000")
    assert row["body"].startswith("## Requirements")
    untitled = tmp_path / "u.md"  # no title in the front matter: the heading names it
    untitled.write_text("---\ncompany: Zeta\n---\n# Copywriter\nWrite.\n", encoding="utf-8")
    assert read_posting_file(untitled)["title"] == "Copywriter"


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_a_posting_saved_in_a_windows_encoding_is_read(
    workspace: Any, tmp_path: Path, encoding: str
) -> None:
    """A posting saved as UTF-16 (Notepad's 'Unicode') was read as Latin-1 and named 'no
    skill socialproof knows'; one in Windows-1252 failed on its '€' as a YAML error."""
    ws = _workspace_with_profile(workspace)
    posting = tmp_path / "p.md"
    text = (
        "---\ntitle: Social Media Manager\nsalary: €30k-35k\n---\n"
        "Requirements: copywriting, Canva, community management. Café culture.\n"
    )
    posting.write_bytes(text.encode(encoding))
    result = gap_for_posting(ws, posting)
    assert result.target == "Social Media Manager"
    assert "Salary: '€30k-35k' = EUR 30,000-35,000 a year." in result.notes
    assert any(i.requirement.id == "copywriting" for i in result.matched)


def test_a_salary_with_no_period_its_size_cannot_tell_is_not_compared(
    workspace: Any, tmp_path: Path
) -> None:
    """'INR 25,000' (a month's pay in India) was read at the dollar's scale as a year's:
    25,000 a year, below a minimum of 300,000. It is not annualised, so not compared."""
    ws = _workspace_with_profile(workspace, targets={"salary_min": 300000, "currency": "INR"})
    posting = tmp_path / "p.md"
    posting.write_text(
        "---\ntitle: Social Media Executive\nsalary: INR 25,000\n---\n"
        "You'll need: copywriting, Canva, community management.\n",
        encoding="utf-8",
    )
    notes = gap_for_posting(ws, posting).notes
    assert not any("below your minimum" in n for n in notes), notes
    assert (
        "Salary: 'INR 25,000' in INR (no pay period stated, and the size of an amount in INR "
        "does not tell it: not annualised)."
    ) in notes
