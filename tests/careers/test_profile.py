"""profile.yaml: validation, free-text skills kept with suggestions, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialproof.careers.profile import (
    Profile,
    check_profile,
    init_profile,
    load_profile,
    profile_path,
)
from socialproof.errors import BadInput, FileMissing, UsageError


def test_init_writes_a_valid_profile(tmp_path: Path) -> None:
    path = init_profile(tmp_path)
    profile = load_profile(path)
    check = check_profile(profile, root=tmp_path, esco=False)
    assert all(s.skill_id for s in check.skills)
    assert check.profile.targets.roles == ["social-media-manager"]
    with pytest.raises(UsageError, match="already exists"):
        init_profile(tmp_path)
    init_profile(tmp_path, force=True)


def test_unknown_skill_is_kept_with_suggestions(tmp_path: Path) -> None:
    profile = Profile.model_validate(
        {
            "skills": [
                {"skill": "copywritting", "level": 3},
                {"skill": "Underwater basket weaving", "level": 2},
                "Short form video",
            ]
        }
    )
    check = check_profile(profile)
    by_given = {s.given: s for s in check.skills}
    assert by_given["copywritting"].skill_id is None
    assert "copywriting" in by_given["copywritting"].suggestions
    assert by_given["Underwater basket weaving"].skill_id is None  # kept, not dropped
    assert by_given["Short form video"].skill_id == "short-form-video"
    assert by_given["Short form video"].level == 3
    assert any("copywritting" in p and "free text" in p for p in check.problems)
    assert isinstance(by_given["copywritting"].esco_suggestions, list)


def test_unknown_tools_roles_and_missing_evidence_are_warned(tmp_path: Path) -> None:
    profile = Profile.model_validate(
        {
            "skills": [{"skill": "copywriting", "evidence": "case-studies/missing.md"}],
            "tools": ["Canva", "Quill 3000"],
            "targets": {"roles": ["socal media manager"]},
        }
    )
    check = check_profile(profile, root=tmp_path, esco=False)
    assert check.tools == {"Canva": "canva", "Quill 3000": None}
    text = " ".join(check.problems)
    assert "Quill 3000" in text and "missing.md" in text
    assert "Did you mean social-media-manager" in text


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("skills: [copywriting\n", "not valid YAML"),
        ("- a\n- b\n", "must be a mapping"),
        ("skills:\n  - {skill: copywriting, level: 9}\n", "skills.0.level"),
        ("colour: blue\n", "colour"),
    ],
)
def test_bad_profiles_give_one_line_errors(tmp_path: Path, content: str, match: str) -> None:
    path = profile_path(tmp_path)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput, match=match):
        load_profile(path)


def test_empty_sections_read_as_empty_not_as_errors(tmp_path: Path) -> None:
    # A template filled in part leaves "tools:" with nothing under it, which YAML reads
    # as null; that was refused with "tools: Input should be a valid list".
    path = profile_path(tmp_path)
    path.write_text(
        "name: Ana\nheadline:\nskills:\n  - {skill: copywriting, level: 4, evidence:}\n"
        "platforms:\ntools:\ncertifications:\ntargets:\n",
        encoding="utf-8",
    )
    profile = load_profile(path)
    assert profile.name == "Ana" and profile.headline == ""
    assert profile.platforms == [] and profile.tools == [] and profile.certifications == []
    assert profile.targets.roles == [] and profile.skills[0].evidence == []
    path.write_text("targets:\n  roles:\n  salary_min:\n", encoding="utf-8")
    assert load_profile(path).targets.roles == []
    path.write_text("skills:\n  - {skill:, level: 3}\n", encoding="utf-8")
    with pytest.raises(BadInput, match="skills.0.skill"):  # a required value stays required
        load_profile(path)


def test_a_platform_or_tool_listed_as_a_skill_is_pointed_to_its_section(tmp_path: Path) -> None:
    # "Instagram" under skills was never matched against postings asking for Instagram,
    # and the suggestions offered were unrelated skills.
    profile = Profile.model_validate({"skills": ["Instagram", "Hootsuite", "Basket weaving"]})
    problems = check_profile(profile, root=tmp_path, esco=False).problems
    assert problems[0].startswith("skill 'Instagram' is a platform (instagram): list it under")
    assert "'platforms:'" in problems[0] and "Did you mean" not in problems[0]
    assert problems[1].startswith("skill 'Hootsuite' is a tool (hootsuite): list it under")
    assert problems[2].startswith("skill 'Basket weaving' is not in the catalogue")


def test_a_line_of_text_where_a_list_goes_is_read_as_that_list(tmp_path: Path) -> None:
    # "tools: canva, later" was refused with "tools: Input should be a valid list".
    path = profile_path(tmp_path)
    path.write_text(
        "skills: copywriting, Short-form video\ntools: canva, later\nplatforms: instagram\n"
        "targets:\n  roles: social-media-manager, copywriter\n  locations: Denver, CO\n",
        encoding="utf-8",
    )
    profile = load_profile(path)
    assert [s.skill for s in profile.skills] == ["copywriting", "Short-form video"]
    assert profile.tools == ["canva", "later"] and profile.platforms == ["instagram"]
    assert profile.targets.roles == ["social-media-manager", "copywriter"]
    assert profile.targets.locations == ["Denver, CO"]  # one place, its comma kept


def test_missing_profile(tmp_path: Path) -> None:
    with pytest.raises(FileMissing, match="profile init"):
        load_profile(profile_path(tmp_path))


def test_free_text_skills_get_esco_suggestions_only_when_close() -> None:
    profile = Profile.model_validate({"skills": ["social media marketing techniques", "Mixology"]})
    check = check_profile(profile)
    by_given = {s.given: s for s in check.skills}
    assert by_given["social media marketing techniques"].skill_id is None
    assert (
        "social media marketing techniques"
        in by_given["social media marketing techniques"].esco_suggestions
    )
    assert by_given["Mixology"].esco_suggestions == []  # nothing close: no noise


def test_profile_with_impossible_date_names_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from socialproof.careers.profile import load_profile
    from socialproof.errors import BadInput

    path = tmp_path / "profile.yaml"
    path.write_text("name: Sam\nupdated: 2026-02-30\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"profile\.yaml: .*day is out of range"):
        load_profile(path)


def test_translated_keys_are_named_with_their_english_key(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(
        "nombre: Ana García\nhabilidades:\n  - copywriting\nFähigkeiten: [canva]\n"
        "outils: [canva]\nobjetivos:\n  roles: [community-manager]\ncolour: blue\n",
        encoding="utf-8",
    )
    with pytest.raises(BadInput) as err:
        load_profile(path)
    message = str(err.value)
    for words in (
        "'nombre' as 'name'",
        "'habilidades' as 'skills'",
        "'Fähigkeiten' as 'skills'",
        "'outils' as 'tools'",
        "'objetivos' as 'targets'",
        "unknown key 'colour'",
    ):
        assert words in message
    assert "\n" not in message
    # nested keys too, once the outer ones are English
    path.write_text(
        "skills:\n  - {habilidad: copywriting, nivel: 4}\ntargets:\n  salario_minimo: 30000\n",
        encoding="utf-8",
    )
    with pytest.raises(BadInput) as err:
        load_profile(path)
    message = str(err.value)
    for words in (
        "'skills.0.habilidad' as 'skill'",
        "'skills.0.nivel' as 'level'",
        "'targets.salario_minimo' as 'salary_min'",
    ):
        assert words in message


def test_keys_in_another_case_or_with_spaces_are_read(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(
        "Name: Jo\nCurrent role: social-media-specialist\nSkills:\n  - {Skill: copywriting, "
        "Level: 4}\nTargets:\n  Salary-min: 40000\n  Currency: GBP\n",
        encoding="utf-8",
    )
    profile = load_profile(path)
    assert profile.name == "Jo" and profile.current_role == "social-media-specialist"
    assert profile.skills[0].skill == "copywriting" and profile.skills[0].level == 4
    assert profile.targets.salary_min == 40000 and profile.targets.currency == "GBP"


def test_evidence_outside_the_workspace_is_named(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "case-studies").mkdir(parents=True)
    (root / "case-studies" / "a.md").write_text("x", encoding="utf-8")
    (tmp_path / "private.pdf").write_text("x", encoding="utf-8")  # exists, but outside
    path = root / "profile.yaml"
    path.write_text(
        "skills:\n  - {skill: copywriting, evidence: [case-studies/a.md, ../private.pdf, "
        f"{tmp_path / 'private.pdf'}]}}\n",
        encoding="utf-8",
    )
    problems = check_profile(load_profile(path), root=root, esco=False).problems
    outside = [p for p in problems if "points outside it" in p]
    assert len(outside) == 2 and "'../private.pdf'" in outside[0]
    assert not any("case-studies/a.md" in p for p in problems)
