"""Posting facts: role, level, skills with spans and must/nice, salary, location, industry."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialproof.errors import BadInput, FileMissing
from socialproof.market.extract import analyze_posting, detect_language, read_posting_file

DATA = Path(__file__).parents[1] / "data" / "careers"


def _facts(name: str):  # type: ignore[no-untyped-def]
    return analyze_posting(read_posting_file(DATA / name))


def test_regulated_senior_manager_posting() -> None:
    f = _facts("regulated_manager.md")
    assert f.status == "ok"
    assert f.role_id == "senior-social-media-manager" and f.role_basis == "title"
    assert f.seniority == "senior"
    assert (f.years_min, f.years_max) == (6.0, None)
    assert f.degree == "bachelor" and f.degree_requirement == "required"
    assert (f.salary_currency, f.salary_min_annual, f.salary_max_annual) == ("USD", 95_000, 115_000)
    assert f.salary_text == "$95,000 - $115,000/year"
    assert f.industry == "finance" and f.industry_group == "regulated" and f.regulated
    assert any("FINRA" in duty for duty in f.compliance_duties)
    assert f.employment_type == "full-time"
    req = {(h.kind, h.id): h.requirement for h in f.skills}
    assert req[("skill", "team-leadership")] == "must"
    assert req[("skill", "paid-social")] == "nice"  # under "Nice to have"
    assert req[("skill", "video-production")] == "nice"
    assert req[("tool", "hootsuite")] == "must"
    assert ("platform", "linkedin") in req and ("platform", "youtube") in req


def test_every_item_carries_its_supporting_span() -> None:
    post = read_posting_file(DATA / "regulated_manager.md")
    f = analyze_posting(post)
    text = f"{post['title']}\n{post['body']}"
    assert f.skills
    for hit in f.skills:
        assert text[hit.start : hit.end] == hit.span
        assert hit.span.lower() in hit.evidence.lower()
    compliance = next(h for h in f.skills if h.id == "regulatory-compliance")
    assert "ensure compliance with legal requirements" in compliance.esco  # ESCO label link


def test_competitive_salary_is_unknown_and_no_degree_is_said() -> None:
    f = _facts("competitive.md")
    assert f.salary_status == "unknown" and f.salary_min_annual is None
    assert f.degree_requirement == "not required"
    assert f.role_id == "social-media-coordinator" and f.seniority == "entry"
    assert (f.years_min, f.years_max) == (1.0, 2.0)
    canva = next(h for h in f.skills if h.id == "canva")
    assert canva.requirement == "nice"  # "Canva skills are a plus"


def test_posting_with_no_text_is_reported_not_guessed() -> None:
    f = _facts("empty.md")
    assert f.status == "empty"
    assert f.skills == [] and f.role_id is None
    assert "no text" in f.note


def test_posting_in_another_language_is_not_supported_yet() -> None:
    f = _facts("spanish.md")
    assert f.status == "unsupported_language" and f.language == "es"
    assert "not supported yet" in f.note
    assert f.skills == [] and f.role_id is None and f.seniority is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Wir suchen eine Person für unser Team, die Erfahrung mit sozialen Medien und der Community hat.",
            "de",
        ),
        (
            "Nous recherchons un community manager pour notre équipe avec une expérience des réseaux sociaux.",
            "fr",
        ),
        (
            "We are looking for a community manager with experience in social media for our team.",
            "en",
        ),
        ("Community manager", "en"),
    ],
)
def test_language_detection(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_remote_hybrid_onsite_and_title_only() -> None:
    base = {"posting_id": "x", "title": "Social Media Specialist"}
    assert (
        analyze_posting({**base, "body": "This is a fully remote role."}).remote_policy == "remote"
    )
    assert (
        analyze_posting({**base, "body": "Hybrid: two days a week in the office."}).remote_policy
        == "hybrid"
    )
    assert (
        analyze_posting({**base, "body": "This role is on-site in Leeds."}).remote_policy
        == "onsite"
    )
    only_title = analyze_posting({**base, "body": ""})
    assert only_title.status == "ok" and only_title.role_id == "social-media-specialist"
    assert "title only" in only_title.note


def test_role_from_skills_when_the_title_says_little() -> None:
    body = (
        "Requirements:\n- Run paid social campaigns in Meta Ads Manager\n- Audience targeting and "
        "lookalike audiences\n- Campaign optimization and A/B testing\n- Budget management\n"
        "- Strong analytical skills"
    )
    f = analyze_posting({"posting_id": "y", "title": "Growth Ninja", "body": body})
    assert f.role_id == "paid-social-specialist"
    assert f.role_basis.startswith("skills")


def test_seniority_words_in_titles() -> None:
    for title, level in [
        ("Junior Copywriter", "entry"),
        ("Head of Social", "lead"),
        ("Social Media Intern", "intern"),
        ("VP, Social Media", "executive"),
        ("Sr. Community Manager", "senior"),
        ("Snr Social Media Executive", "senior"),
        ("Social Media Executive (Jnr)", "entry"),
    ]:
        assert (
            analyze_posting({"posting_id": "z", "title": title, "body": "Write posts."}).seniority
            == level
        )


def test_read_posting_file_errors(tmp_path: Path) -> None:
    with pytest.raises(FileMissing):
        read_posting_file(tmp_path / "nope.md")
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    with pytest.raises(BadInput, match="front matter"):
        read_posting_file(bad)
    plain = tmp_path / "plain.md"
    plain.write_text("# Community Manager\nGrow our Discord community.\n", encoding="utf-8")
    post = read_posting_file(plain)
    assert post["title"] == "Community Manager" and post["posting_id"] == "plain"


def test_company_blurb_is_context_not_a_requirement() -> None:
    body = (
        "## About Acme\nWe are a marketplace for creators and influencers.\n\n"
        "## Requirements\n- Copywriting\n- Reporting to the Head of Marketing\n"
    )
    f = analyze_posting({"posting_id": "c", "title": "Social Media Specialist", "body": body})
    req = {h.id: h.requirement for h in f.skills}
    assert req["influencer-marketing"] == "mentioned"
    assert req["copywriting"] == "must"
    assert "social-analytics" not in req  # "reporting to" is a reporting line, not a skill


@settings(max_examples=60, deadline=None)
@given(title=st.text(max_size=40), body=st.text(max_size=400))
def test_any_posting_text_is_analysed_without_error(title: str, body: str) -> None:
    f = analyze_posting({"posting_id": "h", "title": title, "body": body})
    assert f.status in {"ok", "empty", "unsupported_language"}
    text = f"{f.title}\n{body}" if f.title else body
    for hit in f.skills:
        assert text[hit.start : hit.end] == hit.span


def test_windows_line_endings_and_odd_unicode() -> None:
    body = "Requirements:\r\n- Copywriting and TikTok\r\n- İstanbul office, café culture\r\n"
    f = analyze_posting({"posting_id": "u", "title": "Copywriter", "body": body})
    ids = {h.id for h in f.skills}
    assert {"copywriting", "tiktok"} <= ids


def test_toml_front_matter_and_html_postings(tmp_path: Path) -> None:
    page = tmp_path / "job.html"
    page.write_text(
        '+++\ntitle = "Community Manager"\ncompany = "Acme &amp; Co"\nsalary = "£30k–£35k"\n+++\n'
        "<p>About the role</p><h2>Requirements</h2><ul><li>Moderation of our Discord</li></ul>"
        "<h2>Nice to have</h2><ul><li>Experience with Zendesk</li></ul>",
        encoding="utf-8",
    )
    post = read_posting_file(page)
    assert post["title"] == "Community Manager" and post["salary_text"] == "£30k–£35k"
    f = analyze_posting(post)
    req = {h.id: h.requirement for h in f.skills}
    assert req["moderation"] == "must" and req["discourse"] == "nice"
    assert "<" not in f.skills[0].evidence


def test_html_pasted_into_a_markdown_posting_is_read_as_text(tmp_path: Path) -> None:
    # gap --posting job.md with the board's HTML pasted in: the salary range was read as
    # '£35k' alone because '&ndash;' stayed an entity.
    page = tmp_path / "job.md"
    page.write_text(
        "Social Media Manager<p>Salary: &pound;35k&ndash;&pound;40k per year.</p>"
        "<h2>Requirements</h2><ul><li>Moderation of our Discord</li></ul>",
        encoding="utf-8",
    )
    post = read_posting_file(page)
    assert "<" not in post["body"] and "£35k–£40k" in post["body"]
    f = analyze_posting(post)
    assert (f.salary_min_annual, f.salary_max_annual) == (35_000, 40_000)
    assert {h.id: h.requirement for h in f.skills}["moderation"] == "must"


def test_bare_section_lines_from_stripped_html() -> None:
    body = (
        "We make games.\n\nResponsibilities\nModeration of our Discord.\n\nNice to have\n"
        "Experience with Zendesk\n\nBenefits\nFlexible hours"
    )
    f = analyze_posting({"posting_id": "b", "title": "Community Manager", "body": body})
    req = {h.id: h.requirement for h in f.skills}
    assert req["moderation"] == "must" and req["discourse"] == "nice"
    assert req["adaptability"] == "mentioned"  # "Flexible hours" is a benefit


def _posting(body: str, **extra: str) -> dict[str, str]:
    return {"title": "Social Media Coordinator", "company": "Acme", "body": body, **extra}


@pytest.mark.parametrize(
    ("body", "policy"),
    [
        ("This is not a remote position. You will work on-site in our Leeds studio.", "onsite"),
        ("This role is not remote: we work in-office five days a week.", "onsite"),
        ("Remote work is not available for this role; it is office-based in Austin.", "onsite"),
        ("Non-remote role, based on-site in Lyon.", "onsite"),
        ("We are not hybrid: the role is fully remote.", "remote"),
        (
            "You will support our remote community of creators from our London office (on-site).",
            "onsite",
        ),
        ("Occasional remote days are fine, but the role is primarily on-site.", "onsite"),
        ("This is a remote position; the team meets in person twice a year.", "remote"),
    ],
)
def test_remote_policy_reads_negation_and_precedence(body: str, policy: str) -> None:
    assert analyze_posting(_posting(body)).remote_policy == policy


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (
            "You will manage freelance creators and our agency partners. This is a full-time role.",
            "full-time",
        ),
        ("Brief freelancers and review contractor invoices. Full-time, permanent.", "full-time"),
        ("Negotiate influencer contract terms. Job type: full-time.", "full-time"),
        ("Mentor our social media interns. Full-time position.", "full-time"),
        ("This is a freelance role for 10 hours a week.", "freelance"),
        ("A six-month fixed-term contract, full-time hours.", "contract"),
        ("Summer internship, full-time for 12 weeks.", "internship"),
    ],
)
def test_employment_type_is_the_job_not_the_people_it_manages(body: str, kind: str) -> None:
    assert analyze_posting(_posting(body)).employment_type == kind


@pytest.mark.parametrize(
    ("body", "years"),
    [
        ("You bring 2 or more years of experience in social media.", (2.0, None)),
        ("At least 3 years or more of agency experience.", (3.0, None)),
        ("We look for 2 years in an agency and 4 years of in-house experience.", (4.0, None)),
        ("Experience: you have managed brand channels for 12 years, ideally.", (12.0, None)),
        ("Minimum of two (2) years of professional social media experience.", (2.0, None)),
        ("Founded 25 years ago; we need 3 years of experience managing channels.", (3.0, None)),
        ("3-5 years of experience in community management.", (3.0, 5.0)),
    ],
)
def test_years_of_experience_finds_the_stated_figure(
    body: str, years: tuple[float, float | None]
) -> None:
    f = analyze_posting(_posting(body))
    assert (f.years_min, f.years_max) == years


@pytest.mark.parametrize(
    ("title", "level"),
    [
        # "Associate" is a step below the role's own level, not below entry
        ("Associate Social Media Manager", "mid"),
        ("Associate Content Strategist", "entry"),
        ("Social Media Associate", "entry"),
        ("Marketing Associate", "entry"),
        ("Senior Associate, Social Media", "senior"),
        ("Associate Director, Social Media", "lead"),
        # a coordinator is entry level, whichever role the word belongs to
        ("Community Coordinator", "entry"),
        ("Influencer Coordinator", "entry"),
        ("Senior Community Coordinator", "senior"),
        # a director of art is a role; a director of social is a level
        ("Art Director", None),
        ("Senior Art Director", "senior"),
        ("Director of Social Media", "lead"),
        ("Managing Director", "executive"),
        # numbered levels, at the end or before punctuation
        ("Social Media Specialist I (Remote)", "entry"),
        ("Social Media Manager II", "mid"),
        ("Community Manager, Level 2", "mid"),
        ("Social Media Specialist III", "senior"),
        ("Social Media Manager, EMEA - 2 positions", "senior"),
        ("Community Manager - Web 3", "mid"),
        # words that look like levels and are not
        ("Lead Generation Specialist", None),
        ("Staff Writer", None),
        ("Internal Communications Manager", "lead"),
        ("Executive Assistant to the CMO", "entry"),
        ("Lead, Social Media", "senior"),
        ("Head of Social", "lead"),
        ("Principal Content Strategist", "senior"),
    ],
)
def test_seniority_as_titles_are_written(title: str, level: str | None) -> None:
    body = "We are hiring. Help our brand grow."
    facts = analyze_posting({"posting_id": "t", "title": title, "body": body})
    assert facts.seniority == level, facts.seniority_basis


def test_an_assistant_to_someone_is_not_read_as_their_role() -> None:
    facts = analyze_posting(
        {"posting_id": "t", "title": "Executive Assistant to the CMO", "body": "Diaries."}
    )
    assert facts.role_id != "marketing-manager"


def test_a_remote_location_before_a_community_title_is_remote() -> None:
    """Location, title and body are read apart: 'Remote' + 'Community Coordinator' is not
    the phrase 'remote community'."""
    row = {
        "posting_id": "r",
        "title": "Community Coordinator",
        "location": "Remote",
        "body": "Moderate our Discord.",
    }
    assert analyze_posting(row).remote_policy == "remote"
    row = {"posting_id": "s", "title": "Community Manager", "location": "London"}
    row["body"] = "Grow our remote community of members."
    assert analyze_posting(row).remote_policy == "unknown"


def test_headings_that_start_with_an_emoji_and_more_nice_to_have_cues() -> None:
    """'✅ Must have' / '⭐ Nice to have' were not headings, so every skill under them was
    a must-have; 'would be nice' and 'an advantage' were not nice-to-have cues."""

    def levels(body: str) -> dict[str, str]:
        facts = analyze_posting(
            {"posting_id": "e", "title": "Social Media Specialist", "body": body}
        )
        return {h.id: h.requirement for h in facts.skills}

    found = levels("✅ Must have\n• Copywriting\n\n⭐️ Nice to have\n• Photography\n")
    assert (found["copywriting"], found["photography"]) == ("must", "nice")
    found = levels("You must write copy. Photography would be nice. Canva is an advantage.")
    assert (found["copywriting"], found["photography"], found["canva"]) == ("must", "nice", "nice")
    found = levels("• Photography\n• Copywriting\n")  # bullets are items, not headings
    assert found["photography"] == "must"
    found = levels("You must give our brand an advantage on TikTok with copywriting.")
    assert found["copywriting"] == "must"  # 'an advantage' alone is not 'is an advantage'


def test_a_bilingual_posting_that_opens_in_french_is_analysed_in_english() -> None:
    """Only the first 1,500 characters were read: a Canadian posting with its long French
    version first was 'French, not supported' and left out of the market."""
    fr = (
        "Nous recherchons un coordonnateur des médias sociaux pour rejoindre notre équipe à "
        "Montréal. Vous publierez du contenu sur nos comptes et vous répondrez aux "
        "commentaires avec nos clients dans les deux langues. "
    )
    en = (
        "We are looking for a Social Media Coordinator to join our team. You will plan and "
        "publish content on Instagram and TikTok and report on the results with the team. "
        "You have experience with Canva and you can work with our partners. "
    )
    body = fr * 10 + "\n\nEnglish version:\n\n" + en * 3
    assert len(fr * 10) > 1500
    facts = analyze_posting({"posting_id": "b", "title": "Coordinateur", "body": body})
    assert facts.status == "ok" and "canva" in {h.id for h in facts.skills}
    only_french = analyze_posting({"posting_id": "f", "title": "Coordinateur", "body": fr * 10})
    assert only_french.status == "unsupported_language"
