"""The packaged catalogue: every role the issue names, complete and attributed."""

from __future__ import annotations

import pytest

from socialproof.careers.catalogue import load_catalogue
from socialproof.errors import NotFound

REQUIRED_ROLES = [
    "social-media-coordinator",
    "social-media-specialist",
    "social-media-manager",
    "senior-social-media-manager",
    "head-of-social",
    "community-manager",
    "content-strategist",
    "content-creator",
    "copywriter",
    "paid-social-specialist",
    "social-media-analyst",
    "platform-specialist",
    "influencer-partnerships-manager",
]


@pytest.mark.parametrize("role_id", REQUIRED_ROLES)
def test_each_required_role_is_complete(role_id: str) -> None:
    cat = load_catalogue()
    role = cat.roles[role_id]
    assert role.responsibilities and role.summary
    kinds = {cat.skills[s.skill].kind for s in role.skills}
    assert kinds == {"hard", "soft"}
    assert all(1 <= s.importance <= 5 for s in role.skills)
    assert any(s.must for s in role.skills)
    assert role.tools and role.kpis and role.platforms
    assert role.seniority in {lvl["id"] for lvl in cat.seniority_levels}
    assert role.onet and all(code in cat.onet for code in role.onet)
    assert role.esco and all(label in cat.esco_occupations for label in role.esco)
    assert all(t in cat.tools for t in role.tools)
    assert all(k in cat.kpis for k in role.kpis)


def test_links_carry_their_sources_and_licences() -> None:
    cat = load_catalogue()
    assert cat.sources["onet"]["licence"] == "CC BY 4.0"
    assert "European Commission" in cat.sources["esco"]["attribution"]
    assert cat.onet["11-2032.00"]["title"] == "Public Relations Managers"
    assert cat.esco_occupations["online community manager"]["uri"].startswith(
        "http://data.europa.eu/esco/"
    )
    assert all(s.source for s in cat.skills.values())
    import json
    from importlib import resources

    raw = json.loads(
        resources.files("socialproof").joinpath("data/careers/catalogue.json").read_text("utf-8")
    )
    for key in (
        "skills",
        "roles",
        "tools",
        "platforms",
        "kpis",
        "industries",
        "certifications",
        "paths",
    ):
        assert all(item.get("source") and item.get("as_of") for item in raw[key]), key
    for key in ("onet", "esco_occupations"):
        assert all(f["source"] and f["as_of"] for f in raw[key].values()), key
    attribution = " ".join(cat.attribution())
    assert "O*NET" in attribution and "ESCO" in attribution


def test_emerging_skills_and_industry_variants() -> None:
    cat = load_catalogue()
    assert cat.skills["data-privacy"].emerging and cat.skills["accessibility"].emerging
    assert set(cat.industry_groups) == {"regulated", "consumer", "b2b"}
    group, spec = cat.industry_group("finance")
    assert group == "regulated"
    assert "regulatory-compliance" in spec["skills"] and "approval-workflows" in spec["skills"]
    assert cat.industry_group("consumer")[1]["skills"]["ab-testing"] >= 4
    assert "thought-leadership" in cat.industry_group("b2b")[1]["skills"]
    with pytest.raises(NotFound, match="Unknown industry"):
        cat.industry_group("space mining")


def test_kpis_use_registry_names_where_they_exist() -> None:
    from socialproof.metrics.registry import all_kpis

    registry = {k.name for k in all_kpis()}
    cat = load_catalogue()
    linked = [name for kpi in cat.kpis.values() for name in kpi.facts.get("registry", [])]
    assert len(linked) >= 10
    assert set(linked) <= registry


def test_certifications_name_their_issuer() -> None:
    cat = load_catalogue()
    assert len(cat.certifications) >= 10
    assert all(c.facts.get("issuer") for c in cat.certifications.values())
    assert cat.certifications_for("paid-social")


def test_platform_facts_come_from_the_shared_file_when_it_has_them() -> None:
    cat = load_catalogue()
    tiktok = cat.platform_facts("tiktok")
    assert tiktok["formats"] and tiktok["ad_formats"] and tiktok["key_metrics"]
    assert "platforms.yaml" in tiktok["source"] and tiktok["limits"]
    discord = cat.platform_facts("discord")  # not in the shared file: curated facts
    assert discord["formats"] and discord["source"] == "socialproof curated"
    with pytest.raises(NotFound):
        cat.platform_facts("myspace")


def test_unknown_role_suggests_the_closest() -> None:
    cat = load_catalogue()
    assert cat.role("Community Manager").id == "community-manager"
    assert cat.role("tiktok specialist").id == "platform-specialist"
    with pytest.raises(NotFound, match="Did you mean community-manager"):
        cat.role("comunity manger")


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Associate Social Media Manager", "social-media-manager"),  # a role within a title
        ("Social Media Manager (EMEA)", "social-media-manager"),
        ("Lead, Community Manager", "community-manager"),
        ("SMM", "social-media-manager"),  # initials
        ("PSS", "paid-social-specialist"),
    ],
)
def test_a_title_suggests_the_role_it_names_first(name: str, first: str) -> None:
    cat = load_catalogue()
    with pytest.raises(NotFound) as err:
        cat.role(name)
    assert f"Did you mean {first}" in err.value.hint
    assert cat.suggest_roles(name)[0] == first


def test_an_empty_role_asks_for_one() -> None:
    with pytest.raises(NotFound, match="No role was given"):
        load_catalogue().role("  ")


def test_skill_lookup_and_suggestions() -> None:
    cat = load_catalogue()
    skill = cat.skill("Short form video")
    assert skill is not None and skill.id == "short-form-video"
    assert cat.skill("Mixology") is None
    assert "copywriting" in cat.suggest_skills("copywritting")
