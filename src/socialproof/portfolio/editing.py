"""Editing case studies from a face: check a draft, preview it, add evidence, save it.

The same parsing, rubric and evidence rules as ``socialproof portfolio check`` and
``build``: a draft is the whole file text (YAML front matter and Markdown body).
Saving refuses a draft that would not load; adding evidence rewrites the front
matter through the case study model, so what is written always validates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadInput, NotFound, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from socialproof.portfolio.evidence import Figure
    from socialproof.portfolio.rubric import StudyCheck
    from socialproof.workspace import Workspace

FOLDER = "case-studies"
MAX_CHARS = 200_000
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.md$")
EVIDENCE_KINDS = ("kpi", "pilot", "community")


@dataclass
class Review:
    """A draft checked against the rubric, with its figures and the body as HTML."""

    check: StudyCheck | None
    error: str | None
    title: str = ""
    summary: str = ""
    figures: list[Figure] = field(default_factory=list)
    figure_errors: list[str] = field(default_factory=list)
    body_html: str = ""


def study_path(ws: Workspace, name: str) -> Path:
    """The path of a case study file in case-studies/, checked to stay there."""
    name = (name or "").strip()
    if not _NAME.match(name) or ".." in name:
        raise UsageError(
            f"{name!r} is not a case study file name.",
            hint="Use letters, digits and dashes, ending in .md.",
        )
    path = ws.path(f"{FOLDER}/{name}")
    if path.parent != (ws.root / FOLDER).resolve():
        raise BadInput(f"{name} is not in {FOLDER}/.", hint="Pick a case study from the list.")
    return path


def read_study(ws: Workspace, name: str) -> str:
    path = study_path(ws, name)
    if not path.is_file():
        raise NotFound(f"There is no case study {FOLDER}/{name}.", hint="Pick one from the list.")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{FOLDER}/{name} is not UTF-8 text.", hint="Save it as UTF-8.") from None


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_CHARS:
        raise BadInput(
            f"The case study has {len(text):,} characters; socialproof takes up to {MAX_CHARS:,}.",
            hint="Shorten it.",
        )
    return text


def review(ws: Workspace, name: str, text: str) -> Review:
    """Check a draft (rubric score and findings) and render what the site would show."""
    from markdown_it import MarkdownIt

    from socialproof.errors import SocialproofError
    from socialproof.portfolio.casestudy import parse_case_study
    from socialproof.portfolio.evidence import EvidenceResolver
    from socialproof.portfolio.rubric import check_study

    try:
        path = study_path(ws, name)
        loaded = parse_case_study(path, text=_normalise(text))
    except SocialproofError as exc:
        return Review(check=None, error=str(exc))
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    out = Review(
        check=None,
        error=None,
        title=loaded.study.title,
        summary=loaded.study.summary or "",
        body_html=str(md.enable("table").render(loaded.body)),
    )
    with EvidenceResolver(ws) as resolver:
        out.check = check_study(loaded, resolver=resolver)
        for o in loaded.study.outcomes:
            try:
                out.figures.append(resolver.outcome(o, loaded))
            except SocialproofError as exc:
                out.figure_errors.append(f"{o.label}: {exc}")
    return out


def save_study(ws: Workspace, name: str, text: str) -> Path:
    """Write a case study after checking that it loads; atomic."""
    from socialproof.portfolio.casestudy import parse_case_study

    path = study_path(ws, name)
    text = _normalise(text)
    parse_case_study(path, text=text)
    from socialproof.workspace.textfile import replace_text

    try:  # keeps the file's line ends, byte-order mark and permissions
        replace_text(path, text)
    except OSError as exc:
        raise BadInput(
            f"Cannot write {FOLDER}/{name}: {exc.strerror or exc}.",
            hint="Check the folder's permissions.",
        ) from None
    return path


def add_outcome(
    ws: Workspace,
    name: str,
    text: str,
    *,
    kind: str,
    value: str,
    label: str,
    where: str = "",
    since: date | None = None,
    until: date | None = None,
    baseline: float | None = None,
    target: float | None = None,
) -> str:
    """The draft with one more outcome taken from the workspace's evidence.

    ``kind`` is ``kpi`` (``value`` a KPI name, ``where`` filters as
    ``platform=instagram, campaign=Spring``), ``pilot`` (a pilot's name) or
    ``community`` (a community health KPI). The front matter is rewritten from
    the parsed data (comments in it are not kept); the body is untouched.
    """
    import yaml

    from socialproof.portfolio.casestudy import parse_case_study
    from socialproof.portfolio.frontmatter import read_document

    if kind not in EVIDENCE_KINDS:
        raise UsageError(f"Unknown evidence {kind!r}.", hint="Use kpi, pilot or community.")
    if not value.strip():
        raise UsageError(f"Choose a {kind}.", hint="Pick one from the list.")
    if not label.strip():
        raise UsageError("Give the outcome a label.", hint="e.g. Cost per purchase.")
    path = study_path(ws, name)
    text = _normalise(text)
    doc = read_document(path, text=text)
    value = _known(ws, kind, value.strip())
    outcome: dict[str, Any] = {"label": label.strip(), kind: value}
    filters = _where(where)
    if filters:
        if kind == "pilot":
            raise UsageError("A pilot carries its own filters.", hint="Leave the filters empty.")
        outcome["where"] = filters
    if since is not None:
        outcome["since"] = since
    if until is not None:
        outcome["until"] = until
    if baseline is not None:
        outcome["baseline"] = baseline
    if target is not None:
        outcome["target"] = target
    meta = dict(doc.meta)
    meta["outcomes"] = [*list(meta.get("outcomes") or []), outcome]
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=88)
    body = doc.body if doc.body.startswith("\n") else "\n" + doc.body
    new_text = f"---\n{front}---{body}"
    parse_case_study(path, text=new_text)  # what is written always validates
    return new_text


def _known(ws: Workspace, kind: str, value: str) -> str:
    """The KPI, community metric or pilot name, checked against what exists."""
    if kind == "pilot":
        from socialproof.campaigns.pilots import get

        return get(ws, value).name
    choices = evidence_choices(ws)[kind]
    names = [n for n, _ in choices]
    if value.lower() not in names:
        raise UsageError(
            f"Unknown {'community metric' if kind == 'community' else 'KPI'} {value!r}.",
            hint=f"Pick one of: {', '.join(names[:30])}.",
        )
    return value.lower()


def _where(text: str) -> dict[str, str]:
    allowed = ("platform", "account", "campaign", "ad_set", "ad", "format", "label")
    out: dict[str, str] = {}
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        key, sep, val = part.partition("=")
        key = key.strip().lower()
        if not sep or not val.strip() or key not in allowed:
            raise UsageError(
                f"Filter {part!r} is not NAME=VALUE with a known name.",
                hint=f"Names: {', '.join(allowed)}; e.g. platform=instagram, campaign=Spring.",
            )
        out[key] = val.strip()
    return out


def evidence_choices(ws: Workspace) -> dict[str, list[tuple[str, str]]]:
    """What the workspace holds to pick evidence from: KPIs, pilots, community KPIs."""
    from socialproof.errors import SocialproofError
    from socialproof.metrics import registry

    kpis = registry.all_kpis()
    community = [k for k in kpis if {"threads", "messages"} & set(k.tables)]
    other = [k for k in kpis if k not in community]
    try:
        from socialproof.campaigns.pilots import list_pilots

        pilots = [(p.name, p.name) for p in list_pilots(ws)]
    except SocialproofError:
        pilots = []
    return {
        "kpi": [(k.name, f"{k.label} ({k.name})") for k in other],
        "pilot": pilots,
        "community": [(k.name, f"{k.label} ({k.name})") for k in community],
    }


def study_files(ws: Workspace) -> list[str]:
    folder = ws.root / FOLDER
    return sorted(p.name for p in folder.glob("*.md") if p.is_file()) if folder.is_dir() else []


FORM_FIELDS = ("title", "role", "client", "summary", "strategy", "execution", "learnings")


def form_values(ws: Workspace, name: str, text: str) -> dict[str, str]:
    """The case study's main fields as strings, for a form (period as YYYY-MM-DD)."""
    from socialproof.portfolio.casestudy import parse_case_study

    study = parse_case_study(study_path(ws, name), text=_normalise(text)).study
    out = {f: str(getattr(study, f) or "") for f in FORM_FIELDS}
    out["start"] = study.period.start.isoformat()
    out["end"] = study.period.end.isoformat() if study.period.end else ""
    out["goal"] = study.goals[0].description if study.goals else ""
    return out


def update_fields(ws: Workspace, name: str, text: str, values: dict[str, str]) -> str:
    """The draft with its main fields replaced from a form; validated like any save.

    Empty optional fields are removed; the first goal's description is set (a goal is
    added when there is none). Other front matter and the body are kept; comments in
    the front matter are not.
    """
    import yaml

    from socialproof.portfolio.casestudy import parse_case_study
    from socialproof.portfolio.frontmatter import read_document

    path = study_path(ws, name)
    doc = read_document(path, text=_normalise(text))
    meta = dict(doc.meta)
    for key in FORM_FIELDS:
        value = (values.get(key) or "").strip().replace("\r\n", "\n")
        if value:
            meta[key] = value
        elif key in ("summary", "strategy", "execution", "learnings"):
            meta.pop(key, None)
        else:
            meta[key] = ""  # required: the model says which one is missing
    period = dict(meta.get("period") or {})
    for key in ("start", "end"):
        value = (values.get(key) or "").strip()
        if value:
            try:
                period[key] = date.fromisoformat(value)
            except ValueError:
                raise UsageError(
                    f"The period {key} {value!r} is not a date.", hint="Use YYYY-MM-DD."
                ) from None
        elif key == "end":
            period.pop("end", None)
    meta["period"] = period
    goal = (values.get("goal") or "").strip()
    if goal:
        goals = [dict(g) for g in meta.get("goals") or []]
        if goals:
            goals[0]["description"] = goal
        else:
            goals = [{"description": goal}]
        meta["goals"] = goals
    for key in ("title", "role", "client"):
        if not meta.get(key):
            raise UsageError(f"The {key} is required.", hint=f"Fill in the {key}.")
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=88)
    body = doc.body if doc.body.startswith("\n") else "\n" + doc.body
    new_text = f"---\n{front}---{body}"
    parse_case_study(path, text=new_text)
    return new_text
