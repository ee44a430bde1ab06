"""Who the portfolio is about: read from the workspace's ``profile.yaml``.

The careers profile (``socialproof profile init``) is the one place a person
describes themselves; the portfolio reads the fields it shows and ignores the
rest. Without a profile, the workspace owner's name is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadInput

if TYPE_CHECKING:
    from socialproof.workspace import Workspace


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Person:
    name: str
    headline: str = ""
    summary: str = ""
    email: str = ""
    location: str = ""
    url: str = ""
    links: list[Link] = field(default_factory=list)
    target_roles: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)


_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _safe_url(url: str) -> str:
    return url if url.lower().startswith(_SAFE_SCHEMES) else ""


def person_from_mapping(data: dict[str, Any], *, fallback_name: str = "") -> Person:
    basics = data.get("basics") if isinstance(data.get("basics"), dict) else data
    assert isinstance(basics, dict)
    links: list[Link] = []
    raw_links = basics.get("links") or basics.get("profiles") or []
    if isinstance(raw_links, dict):
        raw_links = [{"label": k, "url": v} for k, v in raw_links.items()]
    for item in raw_links if isinstance(raw_links, list) else []:
        if isinstance(item, dict):
            url = _safe_url(_str(item.get("url")))
            label = _str(item.get("label") or item.get("network") or item.get("name") or url)
            if url:
                links.append(Link(label, url))
    roles = data.get("target_roles") or data.get("targets") or basics.get("target_roles") or []
    if isinstance(roles, dict):
        roles = roles.get("roles") or []
    target_roles = [
        _str(r.get("title") or r.get("role") or r) if isinstance(r, dict) else _str(r)
        for r in (roles if isinstance(roles, list) else [roles])
    ]
    skills_raw = data.get("skills") or []
    skills = [
        _str(s.get("name") or s.get("id")) if isinstance(s, dict) else _str(s)
        for s in (skills_raw if isinstance(skills_raw, list) else [])
    ]
    location = basics.get("location")
    if isinstance(location, dict):
        location = ", ".join(
            _str(v)
            for v in (location.get("city"), location.get("region"), location.get("countryCode"))
            if v
        )
    return Person(
        name=_str(basics.get("name")) or fallback_name or "Your name",
        headline=_str(basics.get("headline") or basics.get("label")),
        summary=_str(basics.get("summary")),
        email=_str(basics.get("email")),
        location=_str(location),
        url=_safe_url(_str(basics.get("url") or basics.get("website"))),
        links=links,
        target_roles=[r for r in target_roles if r],
        skills=[s for s in skills if s][:30],
    )


def load_person(ws: Workspace) -> Person:
    import yaml

    path = ws.root / "profile.yaml"
    if not path.exists():
        return Person(name=ws.settings.owner or "Your name")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        raise BadInput(f"{path}: invalid YAML: {exc}.", hint="Fix profile.yaml.") from None
    if not isinstance(data, dict):
        raise BadInput(f"{path} must be a mapping of fields.", hint="Fix profile.yaml.")
    return person_from_mapping(data, fallback_name=ws.settings.owner)
