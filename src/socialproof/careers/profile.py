"""profile.yaml: a person's skills (self-rated, with evidence), platforms, tools,
certifications, location and targets, validated with pydantic.

Skills may be catalogue ids, labels or aliases ("copywriting", "Short-form
video"); a skill the catalogue does not know is kept as free text and
:func:`check_profile` suggests catalogue (and ESCO) matches for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from socialproof.careers.catalogue import Catalogue, load_catalogue
from socialproof.errors import BadInput, FileMissing, UsageError

PROFILE_FILE = "profile.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: List fields that also take one line of comma-separated text ("tools: canva, later").
    _comma_lists: ClassVar[tuple[str, ...]] = ()
    #: List fields that take one text as a list of one ("locations: Denver, CO").
    _one_item_lists: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        # "tools:" with nothing under it is an empty section (YAML reads it as null):
        # it means the default, not "Input should be a valid list".
        # "tools: canva, later" (one line of text where a list goes) is that list.
        if isinstance(data, dict):
            fields = cls.model_fields
            out = {}
            for k, v in data.items():
                if isinstance(k, str) and k not in fields and (key := _key(k)) in fields:
                    if key in data:
                        continue  # "Skills" beside "skills": pydantic names the extra one
                    k = key  # "Skills", "Current role", "salary-min"
                if v is None and k in fields and not fields[k].is_required():
                    continue
                if isinstance(v, str) and k in cls._comma_lists:
                    v = [part.strip() for part in v.split(",") if part.strip()]
                elif isinstance(v, str) and k in cls._one_item_lists:
                    v = [v]
                out[k] = v
            return out
        return data


def _key(text: str) -> str:
    """A key as the profile writes it: lower case, '_' for spaces and hyphens."""
    import re

    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _english_keys() -> dict[str, str]:
    """Translated profile keys (``data/careers/profile_keys.yaml``) -> the English key."""
    import yaml

    from socialproof.market.catalogue import data_file

    raw = yaml.safe_load(data_file("careers", "profile_keys.yaml").read_text("utf-8"))
    return {_key(str(t)): str(en) for en, words in raw["keys"].items() for t in words}


class ProfileSkill(_Strict):
    skill: str = Field(description="Catalogue skill id, label or alias; free text is kept.")
    level: int = Field(
        3, ge=1, le=5, description="Self-rated 1 (aware) .. 3 (can do it unaided) .. 5 (expert)."
    )
    evidence: list[str] = Field(
        default_factory=list,
        description="Links or workspace paths to proof: case studies, posts, reports.",
    )
    note: str = ""

    @field_validator("evidence", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Targets(_Strict):
    _comma_lists = ("roles", "industries")
    _one_item_lists = ("locations",)
    roles: list[str] = Field(default_factory=list, description="Catalogue role ids you aim for.")
    industries: list[str] = Field(default_factory=list, description="e.g. finance, consumer, b2b.")
    locations: list[str] = Field(default_factory=list, description="Cities, countries or 'Remote'.")
    salary_min: float | None = Field(None, ge=0, description="Lowest annual salary you would take.")
    currency: str | None = Field(None, description="Currency of salary_min (USD, GBP, EUR, ...).")


class Profile(_Strict):
    _comma_lists = ("skills", "platforms", "tools", "certifications")
    name: str = ""
    headline: str = ""
    current_role: str | None = Field(None, description="Catalogue role id of your current role.")
    location: str = ""
    open_to_remote: bool = True
    years_experience: float | None = Field(None, ge=0, le=60)
    skills: list[ProfileSkill] = Field(default_factory=list)
    platforms: list[str] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    targets: Targets = Field(default_factory=Targets)

    @field_validator("skills", mode="before")
    @classmethod
    def _short_skills(cls, value: Any) -> Any:
        # "- copywriting" is allowed as shorthand for {skill: copywriting}
        if isinstance(value, list):
            return [{"skill": v} if isinstance(v, str) else v for v in value]
        return value


@dataclass
class ResolvedSkill:
    given: str
    skill_id: str | None  # None: free text the catalogue does not know
    level: int
    evidence: list[str]
    suggestions: list[str] = field(default_factory=list)
    esco_suggestions: list[str] = field(default_factory=list)


@dataclass
class ProfileCheck:
    profile: Profile
    skills: list[ResolvedSkill]
    tools: dict[str, str | None]  # given -> tool id
    platforms: dict[str, str | None]
    certifications: dict[str, str | None]
    problems: list[str] = field(default_factory=list)  # warnings a person should fix

    def skill_levels(self) -> dict[str, ResolvedSkill]:
        """Catalogue skill id -> the person's best entry for it."""
        out: dict[str, ResolvedSkill] = {}
        for s in self.skills:
            if s.skill_id and (s.skill_id not in out or s.level > out[s.skill_id].level):
                out[s.skill_id] = s
        return out

    def has_tool(self, tool_id: str) -> bool:
        return tool_id in {v for v in self.tools.values() if v}

    def has_platform(self, platform_id: str) -> bool:
        return platform_id in {v for v in self.platforms.values() if v}


TEMPLATE = """\
# Your socialproof career profile. 'socialproof profile check' validates it;
# 'socialproof gap --role ROLE' and 'socialproof plan' use it.
# Skills: catalogue ids or names ('socialproof roles show ROLE' lists them);
# anything else is kept as free text. level: 1 aware, 3 can do it unaided, 5 expert.
# evidence: links or workspace paths (case-studies/*.md) that prove the skill.
name: Your Name
headline: Social Media Specialist
current_role: social-media-specialist
location: Manchester, UK
open_to_remote: true
years_experience: 3
skills:
  - {skill: copywriting, level: 4, evidence: [case-studies/spring-launch.md]}
  - {skill: content-calendar, level: 4}
  - {skill: short-form-video, level: 3}
  - {skill: social-analytics, level: 3}
  - {skill: community-management, level: 3}
  - {skill: communication, level: 4}
platforms: [instagram, tiktok, linkedin]
tools: [canva, hootsuite, meta-business-suite]
certifications: [hootsuite-social-marketing]
targets:
  roles: [social-media-manager]
  industries: [consumer]
  locations: [Remote]
  salary_min: 40000
  currency: GBP
"""


def init_profile(root: Path, *, force: bool = False) -> Path:
    path = Path(root) / PROFILE_FILE
    if path.exists() and not force:
        raise UsageError(f"{path} already exists.", hint="Edit it, or pass --force to start over.")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(TEMPLATE, encoding="utf-8")
    tmp.replace(path)
    return path


def load_profile(path: Path) -> Profile:
    import yaml

    if not path.is_file():
        raise FileMissing(
            f"No profile at {path}.", hint="Run 'socialproof profile init' to create one."
        )
    from socialproof.workspace.textfile import yaml_alias_line

    try:
        text = path.read_text(encoding="utf-8")
        alias = yaml_alias_line(text) if "*" in text else None
        if alias is not None:  # nested aliases stand for billions of values
            raise BadInput(
                f"{path.name}:{alias}: reuses a value through an alias ('*name').",
                hint="Write the value out; anchors and aliases (&name, *name) are not read.",
            )
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise BadInput(
            f"{path.name} is not valid YAML{line}.", hint="Fix the indentation or quoting there."
        ) from None
    except UnicodeDecodeError:
        raise BadInput(f"{path.name} is not UTF-8 text.", hint="Save it as UTF-8.") from None
    except BadInput:
        raise
    except ValueError as exc:  # YAML that parses but holds an impossible date (2026-02-30)
        raise BadInput(
            f"{path.name}: {exc}.", hint="Fix the date (YYYY-MM-DD) or quote it as text."
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadInput(
            f"{path.name} must be a mapping of keys (name, skills, ...).",
            hint="See 'socialproof profile init' for the layout.",
        )
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        _unknown_keys(path, exc)
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise BadInput(
            f"{path.name}: {loc}: {first['msg']} ({len(exc.errors())} problem(s) in all).",
            hint="Fix it; 'socialproof profile init --force' shows a valid example.",
        ) from None


def _unknown_keys(path: Path, exc: ValidationError) -> None:
    """One error naming every key the profile does not know, with the English key for a
    translated one ("habilidades" is "skills")."""
    extra = [e for e in exc.errors() if e["type"] == "extra_forbidden"]
    if not extra:
        return
    english = _english_keys()
    renames, unknown = [], []
    for e in extra:
        where = ".".join(str(p) for p in e["loc"])
        key = str(e["loc"][-1])
        if english.get(_key(key)):
            renames.append(f"'{where}' as '{english[_key(key)]}'")
        else:
            unknown.append(f"'{where}'")
    parts = []
    if renames:
        parts.append("profile keys are in English: write " + ", ".join(renames))
    if unknown:
        parts.append(f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    raise BadInput(
        f"{path.name}: {'; '.join(parts)}.",
        hint="Keys: name, headline, current_role, location, open_to_remote, years_experience, "
        "skills, platforms, tools, certifications, targets (roles, industries, locations, "
        "salary_min, currency); 'socialproof profile init --force' shows an example.",
    )


def _resolve(names: list[str], table: dict[str, Any]) -> dict[str, str | None]:
    index: dict[str, str] = {}
    for item_id, item in table.items():
        index[item_id] = item_id
        index[item.label.lower()] = item_id
        for alias in item.aliases:
            index.setdefault(alias.lower(), item_id)
    return {
        n: index.get(n.strip().lower()) or index.get(n.strip().lower().replace(" ", "-"))
        for n in names
    }


def check_profile(
    profile: Profile, *, root: Path | None = None, cat: Catalogue | None = None, esco: bool = True
) -> ProfileCheck:
    """Resolve names against the catalogue; unknown ones get suggestions, never dropped."""
    cat = cat or load_catalogue()
    problems: list[str] = []
    resolved: list[ResolvedSkill] = []
    unknown: list[ResolvedSkill] = []
    for ps in profile.skills:
        skill = cat.skill(ps.skill)
        item = ResolvedSkill(ps.skill, skill.id if skill else None, ps.level, list(ps.evidence))
        if skill is None:
            item.suggestions = cat.suggest_skills(ps.skill)
            unknown.append(item)
        resolved.append(item)
        for ev in ps.evidence:
            if root is None or ev.startswith(("http://", "https://")):
                continue
            target = (root / ev).resolve()
            inside = root.resolve() in target.parents
            if not inside or not target.exists():
                problems.append(
                    f"skill {ps.skill!r}: evidence {ev!r} is not a file in the workspace"
                    + ("" if inside else " (it points outside it)")
                    + "."
                )
    if unknown and esco:
        from socialproof.market.skills import esco_linker

        linker = esco_linker()
        ranked = linker.rank([u.given for u in unknown], k=3)
        for u, hits in zip(unknown, ranked, strict=True):
            u.esco_suggestions = [label for label, score in hits if score >= linker.min_score]
    for u in unknown:
        other = next(
            (
                (kind, found)
                for kind, table in (("platform", cat.platforms), ("tool", cat.tools))
                if (found := _resolve([u.given], table)[u.given]) is not None
            ),
            None,
        )
        if other is not None:  # "Instagram" under skills: never matched, and the
            kind, found = other  # suggestions were unrelated skills
            problems.append(
                f"skill {u.given!r} is a {kind} ({found}): list it under '{kind}s:' so "
                f"roles and postings asking for it match; as a skill it is kept as free text."
            )
            continue
        hint = f" Did you mean {', '.join(u.suggestions)}?" if u.suggestions else ""
        problems.append(f"skill {u.given!r} is not in the catalogue; kept as free text.{hint}")
    tools = _resolve(profile.tools, cat.tools)
    platforms = _resolve(profile.platforms, cat.platforms)
    certs = _resolve(profile.certifications, cat.certifications)
    for kind, table in (("tool", tools), ("platform", platforms), ("certification", certs)):
        problems.extend(
            f"{kind} {k!r} is not in the catalogue; kept as free text."
            for k, v in table.items()
            if v is None
        )
    for role in [*profile.targets.roles, *([profile.current_role] if profile.current_role else [])]:
        if role not in cat.roles:
            close = cat.suggest_roles(role)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            problems.append(f"role {role!r} is not in the catalogue.{hint}")
    for ind in profile.targets.industries:
        if ind not in cat.industries and ind not in cat.industry_groups:
            problems.append(
                f"industry {ind!r} is not in the catalogue (use {', '.join(sorted(cat.industries))})."
            )
    return ProfileCheck(profile, resolved, tools, platforms, certs, problems)


def profile_path(root: Path) -> Path:
    return Path(root) / PROFILE_FILE
