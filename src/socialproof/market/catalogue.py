"""The careers catalogue: roles, skills, tools, platforms, KPIs, certifications,
industries and career paths, loaded from packaged data.

The data is built by ``scripts/build_careers_catalogue.py`` from O*NET 29.2
(CC BY 4.0), ESCO v1.2 (European Commission, reuse with attribution) and
curated facts (``scripts/careers_curated.yaml``). Platform limits, formats and
metrics come from the shared ``data/platforms.yaml`` where it knows the
platform, so the linter and the catalogue never disagree.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from socialproof.errors import NotFound

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

REGULATED_GROUP = "regulated"


@dataclass(frozen=True)
class Skill:
    id: str
    label: str
    kind: str  # hard | soft
    category: str
    aliases: tuple[str, ...]
    esco: tuple[dict[str, str | None], ...]
    emerging: bool = False
    source: str = "curated"

    @property
    def esco_labels(self) -> list[str]:
        return [str(e["label"]) for e in self.esco]


@dataclass(frozen=True)
class RoleSkill:
    skill: str
    importance: int  # 1..5
    must: bool


@dataclass(frozen=True)
class Role:
    id: str
    title: str
    family: str
    seniority: str
    aliases: tuple[str, ...]
    summary: str
    responsibilities: tuple[str, ...]
    skills: tuple[RoleSkill, ...]
    tools: tuple[str, ...]
    kpis: tuple[str, ...]
    platforms: tuple[str, ...]
    onet: tuple[str, ...]
    esco: tuple[str, ...]
    adjacent: bool = False
    source: str = "curated"

    def skill_map(self) -> dict[str, RoleSkill]:
        return {s.skill: s for s in self.skills}


@dataclass(frozen=True)
class Item:
    """A tool, platform, KPI, industry or certification: an id, a label and facts."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class PathEdge:
    source: str
    target: str
    kind: str  # progression | lateral | transition
    years: str
    adds: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Catalogue:
    as_of: str
    sources: dict[str, dict[str, Any]]
    skills: dict[str, Skill]
    roles: dict[str, Role]
    tools: dict[str, Item]
    platforms: dict[str, Item]
    kpis: dict[str, Item]
    certifications: dict[str, Item]
    industries: dict[str, Item]
    industry_groups: dict[str, dict[str, Any]]
    seniority_levels: tuple[dict[str, Any], ...]
    paths: tuple[PathEdge, ...]
    onet: dict[str, dict[str, Any]]
    esco_occupations: dict[str, dict[str, Any]]
    learning: dict[str, dict[str, str]] = field(default_factory=dict)

    # -- look-ups with suggestions ------------------------------------------------

    def role(self, name: str) -> Role:
        """A role by id, title or alias; NotFound suggests the closest ones."""
        key = _slug(name)
        if key in self.roles:
            return self.roles[key]
        low = name.strip().lower()
        for role in self.roles.values():
            if low == role.title.lower() or low in role.aliases:
                return role
        if not low:
            raise NotFound(
                "No role was given.", hint="Pass a role; 'socialproof roles' lists them."
            )
        close = self.suggest_roles(name)
        hint = f"Did you mean {', '.join(close)}? " if close else ""
        raise NotFound(
            f"No role called {name!r} in the catalogue.",
            hint=hint + "'socialproof roles' lists them all.",
        )

    def suggest_roles(self, name: str, n: int = 3) -> list[str]:
        """The closest roles: first one whose name the text holds as words ("Associate Social
        Media Manager" holds "social media manager") or spells by its initials ("SMM"), then
        the closest spellings."""
        names = self._role_names()
        words = " " + re.sub(r"[^a-z0-9&]+", " ", name.lower()).strip() + " "
        within = sorted(
            (
                k
                for k in names
                if len(k) > 3 and " " + re.sub(r"[^a-z0-9&]+", " ", k) + " " in words
            ),
            key=len,
            reverse=True,
        )
        letters = re.sub(r"[^a-z]", "", name.lower())
        initials = [k for k in names if " " in k and len(letters) >= 2 and letters == _initials(k)]
        out: list[str] = []
        for rid in [names[k] for k in (*within, *initials)] + _closest(name, names, n):
            if rid not in out:
                out.append(rid)
        return out[:n]

    def _role_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for role in self.roles.values():
            names[role.id] = role.id
            names[role.title.lower()] = role.id
            for alias in role.aliases:
                names.setdefault(alias, role.id)
        return names

    def skill(self, name: str) -> Skill | None:
        """A skill by id, label or alias (case-insensitive), or None."""
        key = _slug(name)
        if key in self.skills:
            return self.skills[key]
        return self._skill_index().get(name.strip().lower())

    def suggest_skills(self, name: str, n: int = 3) -> list[str]:
        names = {k: v.id for k, v in self._skill_index().items()}
        return _closest(name, names, n)

    def _skill_index(self) -> dict[str, Skill]:
        return _skill_index(self)

    def roles_for_industry(self, industry: str | None) -> list[Role]:
        """Roles in catalogue order; an industry only validates and adds its variant."""
        if industry is not None:
            self.industry_group(industry)
        return list(self.roles.values())

    def industry_group(self, industry: str) -> tuple[str, dict[str, Any]]:
        """The group (regulated/consumer/b2b) and its variant facts for an industry or group."""
        key = industry.strip().lower()
        if key in self.industry_groups:
            return key, self.industry_groups[key]
        if key in self.industries:
            group = str(self.industries[key].facts["group"])
            return group, self.industry_groups[group]
        options = sorted({*self.industries, *self.industry_groups})
        raise NotFound(
            f"Unknown industry {industry!r}.",
            hint=f"Use one of: {', '.join(options)}.",
        )

    def platform_facts(self, platform: str) -> dict[str, Any]:
        """Formats, ad formats, key metrics and limits for a platform.

        ``data/platforms.yaml`` (shared with the post linter) wins where it has
        the platform; the catalogue's own curated facts fill the rest.
        """
        item = self.platforms.get(platform)
        if item is None:
            raise NotFound(
                f"Unknown platform {platform!r}.",
                hint=f"Use one of: {', '.join(sorted(self.platforms))}.",
            )
        facts: dict[str, Any] = {
            "id": item.id,
            "name": item.label,
            "formats": item.facts.get("formats", []),
            "ad_formats": item.facts.get("ad_formats", []),
            "key_metrics": item.facts.get("key_metrics", []),
            "limits": {},
            "source": "socialproof curated",
        }
        shared = _shared_platforms().get(platform)
        if shared:
            for key in ("formats", "ad_formats", "key_metrics"):
                value = shared.get(key)
                if isinstance(value, dict) and value.get("value"):
                    facts[key] = list(value["value"])
            limits = shared.get("limits") or {}
            facts["limits"] = {k: v.get("value") for k, v in limits.items() if isinstance(v, dict)}
            facts["source"] = "data/platforms.yaml (shared with the post linter)"
        return facts

    def certifications_for(self, skill_id: str) -> list[Item]:
        return [c for c in self.certifications.values() if skill_id in c.facts.get("skills", [])]

    def seniority_rank(self, level: str) -> int:
        for lvl in self.seniority_levels:
            if lvl["id"] == level:
                return int(lvl["rank"])
        return 2

    def attribution(self) -> list[str]:
        return [
            str(src.get("attribution") or f"{src['name']} ({src['licence']})")
            for src in self.sources.values()
        ]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")


def _closest(name: str, names: dict[str, str], n: int) -> list[str]:
    query = name.strip().lower()
    hits = difflib.get_close_matches(query, list(names), n=n * 4, cutoff=0.5)
    # Substring matches count too ("tiktok" -> platform-specialist via its alias).
    hits += [k for k in names if query and (query in k or k in query) and len(k) > 2]
    out: list[str] = []
    for hit in hits:
        target = names[hit]
        if target not in out:
            out.append(target)
    return out[:n]


def _initials(text: str) -> str:
    return "".join(w[0] for w in re.findall(r"[a-z]+", text.lower()))


def _suggest_hint(name: str, names: dict[str, str], command: str) -> str:
    close = _closest(name, names, 3)
    if close:
        return f"Did you mean {', '.join(close)}? '{command}' lists them all."
    return f"'{command}' lists them all."


@cache
def _skill_index(cat: Catalogue) -> dict[str, Skill]:
    index: dict[str, Skill] = {}
    for skill in cat.skills.values():
        index.setdefault(skill.label.lower(), skill)
        for alias in skill.aliases:
            index.setdefault(alias.lower(), skill)
        for esco in skill.esco_labels:
            index.setdefault(esco.lower(), skill)
    return index


def data_file(*parts: str) -> Traversable:
    node = resources.files("socialproof").joinpath("data")
    for part in parts:
        node = node.joinpath(part)
    return node


@cache
def _shared_platforms() -> dict[str, dict[str, Any]]:
    try:
        text = data_file("platforms.yaml").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return {}
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return {}
    platforms = data.get("platforms") if isinstance(data, dict) else None
    return platforms if isinstance(platforms, dict) else {}


def _items(rows: list[dict[str, Any]], label_key: str = "label") -> dict[str, Item]:
    out: dict[str, Item] = {}
    for row in rows:
        facts = {k: v for k, v in row.items() if k not in ("id", label_key, "aliases")}
        out[row["id"]] = Item(row["id"], row[label_key], tuple(row.get("aliases", [])), facts)
    return out


@cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue (loaded once per process)."""
    raw = json.loads(data_file("careers", "catalogue.json").read_text("utf-8"))
    return catalogue_from_dict(raw)


def catalogue_from_dict(raw: dict[str, Any]) -> Catalogue:
    skills = {
        s["id"]: Skill(
            s["id"],
            s["label"],
            s["kind"],
            s["category"],
            tuple(s.get("aliases", [])),
            tuple(s.get("esco", [])),
            bool(s.get("emerging", False)),
            s.get("source", "curated"),
        )
        for s in raw["skills"]
    }
    roles = {
        r["id"]: Role(
            id=r["id"],
            title=r["title"],
            family=r["family"],
            seniority=r["seniority"],
            aliases=tuple(a.lower() for a in r.get("aliases", [])),
            summary=r.get("summary", ""),
            responsibilities=tuple(r.get("responsibilities", [])),
            skills=tuple(
                RoleSkill(sid, int(v["importance"]), bool(v.get("must", False)))
                for sid, v in r["skills"].items()
            ),
            tools=tuple(r.get("tools", [])),
            kpis=tuple(r.get("kpis", [])),
            platforms=tuple(r.get("platforms", [])),
            onet=tuple(r.get("onet", [])),
            esco=tuple(r.get("esco", [])),
            adjacent=bool(r.get("adjacent", False)),
        )
        for r in raw["roles"]
    }
    paths = tuple(
        PathEdge(p["from"], p["to"], p["kind"], str(p.get("years", "")), tuple(p.get("adds", [])))
        for p in raw["paths"]
    )
    return Catalogue(
        as_of=raw["as_of"],
        sources=raw["sources"],
        skills=skills,
        roles=roles,
        tools=_items(raw["tools"]),
        platforms=_items(raw["platforms"]),
        kpis=_items(raw["kpis"]),
        certifications=_items(raw["certifications"]),
        industries=_items(raw["industries"]),
        industry_groups=raw["industry_groups"],
        seniority_levels=tuple(raw["seniority_levels"]),
        paths=paths,
        onet=raw["onet"],
        esco_occupations=raw["esco_occupations"],
        learning=raw.get("learning", {}),
    )
