"""JSON Resume (jsonresume.org schema 1.0.0): export the profile and case studies; import one.

Export: ``basics`` from the profile, ``projects`` from the case studies (with
their outcome figures as highlights, mock work labelled), ``skills`` from the
profile. Import: ``basics`` and ``skills`` become ``profile.yaml`` (only when
there is none yet) and each project or work entry becomes a case study draft
that ``portfolio check`` then guides the person to complete.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadInput
from socialproof.portfolio.casestudy import load_case_studies, slugify
from socialproof.portfolio.evidence import EvidenceResolver
from socialproof.portfolio.person import load_person

if TYPE_CHECKING:
    from pathlib import Path

    from socialproof.workspace import Workspace

SCHEMA = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
TOP_LEVEL = (
    "basics",
    "work",
    "volunteer",
    "education",
    "awards",
    "certificates",
    "publications",
    "skills",
    "languages",
    "interests",
    "references",
    "projects",
    "meta",
)


def export_resume(ws: Workspace) -> dict[str, Any]:
    with EvidenceResolver(ws) as resolver:
        return _export(ws, resolver)


def _export(ws: Workspace, resolver: EvidenceResolver) -> dict[str, Any]:
    person = load_person(ws)
    basics: dict[str, Any] = {"name": person.name}
    if person.headline:
        basics["label"] = person.headline
    if person.email:
        basics["email"] = person.email
    if person.url:
        basics["url"] = person.url
    if person.summary:
        basics["summary"] = person.summary
    if person.location:
        basics["location"] = {"city": person.location}
    if person.links:
        basics["profiles"] = [{"network": link.label, "url": link.url} for link in person.links]
    projects = []
    for loaded in load_case_studies(ws.root / "case-studies"):
        s = loaded.study
        highlights = []
        for o in s.outcomes:
            fig = resolver.outcome(o, loaded)
            text = f"{fig.label}: {fig.display}"
            if fig.versus:
                text += f" ({fig.versus})"
            highlights.append(text)
        project: dict[str, Any] = {
            "name": ("Mock campaign: " if s.is_mock else "") + s.title,
            "description": s.summary or (s.strategy or "").strip().split("\n")[0],
            "highlights": highlights,
            "keywords": [*s.platforms, *s.tags],
            "startDate": s.period.start.isoformat(),
            "roles": [s.role],
            "entity": s.client,
            "type": "mock campaign" if s.is_mock else f"{s.kind} social media",
        }
        if s.period.end:
            project["endDate"] = s.period.end.isoformat()
        projects.append(project)
    resume: dict[str, Any] = {"$schema": SCHEMA, "basics": basics, "projects": projects}
    if person.skills:
        resume["skills"] = [{"name": name} for name in person.skills]
    resume["meta"] = {
        "version": "v1.0.0",
        "lastModified": date.today().isoformat(),
        "generator": "socialproof",
    }
    return resume


def validate_resume(data: Any, *, source: str = "JSON Resume") -> dict[str, Any]:
    """Structural checks against the JSON Resume schema's top level and key types."""
    if not isinstance(data, dict):
        raise BadInput(
            f"{source}: a JSON Resume is an object, not {type(data).__name__}.",
            hint="Export it again from your résumé tool.",
        )
    unknown = [k for k in data if k not in TOP_LEVEL and k != "$schema"]
    if unknown:
        raise BadInput(
            f"{source}: unknown top-level field(s) {', '.join(unknown)}.",
            hint=f"JSON Resume fields are: {', '.join(TOP_LEVEL)}.",
        )
    if "basics" in data and not isinstance(data["basics"], dict):
        raise BadInput(f"{source}: 'basics' must be an object.", hint="Fix the file.")
    profiles = (data.get("basics") or {}).get("profiles")
    if profiles is not None and not isinstance(profiles, list):
        raise BadInput(f"{source}: 'basics.profiles' must be a list.", hint="Fix the file.")
    for key in TOP_LEVEL:
        if key in ("basics", "meta") or key not in data:
            continue
        if not isinstance(data[key], list):
            raise BadInput(f"{source}: '{key}' must be a list.", hint="Fix the file.")
    for key in ("work", "projects"):
        for i, item in enumerate(data.get(key, [])):
            if not isinstance(item, dict):
                raise BadInput(f"{source}: {key}[{i}] must be an object.", hint="Fix the file.")
            for dkey in ("startDate", "endDate"):
                if dkey in item and item[dkey] and not _is_iso(str(item[dkey])):
                    raise BadInput(
                        f"{source}: {key}[{i}].{dkey} {item[dkey]!r} is not a date "
                        "(YYYY, YYYY-MM or YYYY-MM-DD).",
                        hint="Fix the date.",
                    )
    return data


def _skill_name(skill: Any) -> str | None:
    """A skill's name: {"name": "Copywriting"}, or a plain "Canva"."""
    value = skill.get("name") if isinstance(skill, dict) else skill
    if isinstance(value, (str, int, float)) and str(value).strip():
        return str(value).strip()
    return None


def _is_iso(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a day that exists ('2024-13-01' does not)."""
    import re

    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text) is None:
        return False
    try:
        date.fromisoformat(_date(text, date.today()))
    except ValueError:
        return False
    return True


def _date(text: str | None, default: date) -> str:
    if not text:
        return default.isoformat()
    parts = str(text).split("-")
    while len(parts) < 3:
        parts.append("01")
    return "-".join(parts[:3])


def write_resume(ws: Workspace, out: Path) -> Path:
    data = export_resume(ws)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out)
    return out


def import_resume(ws: Workspace, path: Path) -> list[Path]:
    """Start a portfolio from a JSON Resume: profile.yaml and case study drafts."""
    import yaml

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise BadInput(f"{path} does not exist.", hint="Check the path.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: not valid JSON ({exc}).", hint="Export it again.") from None
    data = validate_resume(data, source=str(path))
    written: list[Path] = []
    profile = ws.root / "profile.yaml"
    basics = data.get("basics") or {}
    if not profile.exists() and basics:
        links = [
            {"label": p.get("network") or p.get("url"), "url": p.get("url")}
            for p in basics.get("profiles", [])
            if isinstance(p, dict) and p.get("url")
        ]
        doc = {
            k: v
            for k, v in {
                "name": basics.get("name"),
                "headline": basics.get("label"),
                "email": basics.get("email"),
                "summary": basics.get("summary"),
                "links": links or None,
                "skills": [n for n in map(_skill_name, data.get("skills", [])) if n] or None,
            }.items()
            if v
        }
        profile.write_text(
            yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        written.append(profile)
    folder = ws.root / "case-studies"
    folder.mkdir(exist_ok=True)
    today = date.today()
    entries = [("projects", p) for p in data.get("projects", [])] + [
        ("work", w) for w in data.get("work", [])
    ]
    for key, item in entries:
        if key == "work" and not item.get("name") and item.get("company"):
            item = {**item, "name": item["company"]}  # JSON Resume before 1.0: 'company'
        title = str(item.get("name") or item.get("position") or "Untitled")
        if key == "work" and item.get("position") and item.get("name"):
            title = f"{item['position']} at {item['name']}"
        slug = slugify(title)
        target = folder / f"{slug}.md"
        if target.exists():
            continue
        highlights = [str(h) for h in item.get("highlights", []) if str(h).strip()]
        meta = {
            "title": title,
            "kind": "organic",
            "role": str((item.get("roles") or [item.get("position") or "Social media"])[0]),
            "client": str(item.get("entity") or item.get("name") or "confidential"),
            "period": {
                "start": _date(item.get("startDate"), today),
                **({"end": _date(item.get("endDate"), today)} if item.get("endDate") else {}),
            },
            "summary": str(item.get("description") or item.get("summary") or ""),
            "goals": [],
            "outcomes": [],
        }
        body = (
            "## Imported from JSON Resume\n\n" + "\n".join(f"- {h}" for h in highlights) + "\n\n"
            "Complete the goals, strategy, execution and measured outcomes; `socialproof portfolio check` lists what is missing.\n"
        )
        text = (
            "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\n" + body
        )
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
