"""One role of the catalogue as plain data: what 'roles show --json' prints and the role
page downloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialproof.careers.catalogue import Catalogue


def role_data(cat: Catalogue, role: str, industry: str | None = None) -> dict[str, Any]:
    """The role ``role`` (an id or a title) with its skills, tools, KPIs, platforms, the
    O*NET and ESCO occupations, certifications, sources and, with ``industry``, that
    industry's variant (NotFound, naming what exists, when either is unknown)."""
    r = cat.role(role)
    variant = cat.industry_group(industry) if industry else None
    return {
        "id": r.id,
        "title": r.title,
        "family": r.family,
        "seniority": r.seniority,
        "summary": r.summary,
        "responsibilities": list(r.responsibilities),
        "skills": [
            {
                "id": s.skill,
                "label": cat.skills[s.skill].label,
                "kind": cat.skills[s.skill].kind,
                "importance": s.importance,
                "must": s.must,
                "esco": cat.skills[s.skill].esco_labels,
            }
            for s in r.skills
        ],
        "tools": list(r.tools),
        "kpis": list(r.kpis),
        "platforms": [cat.platform_facts(p) for p in r.platforms],
        "onet": [cat.onet[c] for c in r.onet],
        "esco": [cat.esco_occupations[e] for e in r.esco],
        "industry_variant": variant[1] if variant else None,
        "certifications": sorted({c.id for s in r.skills for c in cat.certifications_for(s.skill)}),
        "sources": cat.attribution(),
    }
