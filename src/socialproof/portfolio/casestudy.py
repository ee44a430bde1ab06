"""Case studies: YAML front matter + Markdown body in ``case-studies/*.md``.

Fields are declared once here (with help texts) and validated; every error
names the file, the line, the field and the fix, and suggests the closest
field name for a typo.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from socialproof.errors import BadInput
from socialproof.portfolio.frontmatter import Document, read_document

if TYPE_CHECKING:
    from pathlib import Path

    from socialproof.portfolio.starter import Suggestion

Kind = Literal["paid", "organic", "community", "mock"]
Unit = Literal["count", "percent", "currency", "ratio", "seconds", "hours", "text"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Period(_Model):
    start: date = Field(description="First day of the work.")
    end: date | None = Field(None, description="Last day (empty while ongoing).")

    @model_validator(mode="after")
    def _order(self) -> Period:
        if self.end is not None and self.end < self.start:
            raise ValueError("period end is before its start")
        return self


class Goal(_Model):
    description: str = Field(description="What the work set out to do, in a sentence.")
    metric: str | None = Field(
        None, description="KPI the goal is measured by (see 'socialproof metrics')."
    )
    target: float | None = Field(None, description="Target value of the metric.")
    baseline: float | None = Field(None, description="Where the metric stood before.")


class Creative(_Model):
    image: str | None = Field(None, description="Image path inside the workspace.")
    alt: str | None = Field(None, description="Alt text for the image (required for images).")
    caption: str | None = Field(None, description="Caption shown under the sample.")
    link: str | None = Field(
        None, description="Link to the live post or a video (embeds are links)."
    )
    label: str | None = Field(None, description="Text of the link.")

    @model_validator(mode="after")
    def _one_thing(self) -> Creative:
        if not self.image and not self.link:
            raise ValueError("a creative sample needs an image or a link")
        return self


class Outcome(_Model):
    label: str = Field(description="What was measured, for people ('Cost per purchase').")
    value: float | str | None = Field(None, description="A figure typed by hand.")
    unit: Unit | None = Field(None, description="Unit of a typed figure.")
    kpi: str | None = Field(None, description="KPI computed from the workspace's imported data.")
    where: dict[str, str] = Field(
        default_factory=dict,
        description="Filters for the KPI: platform, account, campaign, ad_set, ad, format, labels, "
        "currency.",
    )
    since: date | None = Field(
        None, description="Start of the measured period (default: period.start)."
    )
    until: date | None = Field(
        None, description="End of the measured period (default: period.end)."
    )
    pilot: str | None = Field(None, description="A pilot in the workspace whose result this is.")
    community: str | None = Field(
        None, description="A community health metric computed from messages."
    )
    baseline: float | None = Field(None, description="Value before, to compare with.")
    target: float | None = Field(None, description="Value aimed for.")
    note: str | None = Field(None, description="Context for the figure.")

    @model_validator(mode="after")
    def _one_source(self) -> Outcome:
        sources = [s for s in (self.value is not None, self.kpi, self.pilot, self.community) if s]
        if len(sources) != 1:
            raise ValueError(
                "an outcome needs exactly one of: value (typed), kpi (from the workspace), "
                "pilot, community"
            )
        return self

    @property
    def computed(self) -> bool:
        return self.value is None


class Chart(_Model):
    kpi: str = Field(description="KPI to chart over the period.")
    where: dict[str, str] = Field(default_factory=dict, description="Filters, as for outcomes.")
    period: Literal["day", "week", "month"] = Field("week", description="Bucket size.")
    title: str | None = Field(None, description="Chart title.")
    since: date | None = Field(None, description="Start (default: period.start).")
    until: date | None = Field(None, description="End (default: period.end).")


class Budget(_Model):
    min: float | None = Field(None, ge=0, description="Lower end of the budget range.")
    max: float | None = Field(None, ge=0, description="Upper end of the budget range.")
    currency: str = Field("USD", description="ISO 4217 currency.")


class CaseStudy(_Model):
    """One case study's front matter."""

    title: str = Field(description="Title of the case study.")
    slug: str | None = Field(None, description="URL name (default: from the title).")
    kind: Kind = Field(description="paid, organic, community or mock (a spec campaign).")
    role: str = Field(description="Your role in the work.")
    client: str = Field(description="Client or organisation, or 'confidential'.")
    industry: str | None = Field(None, description="Industry of the client.")
    platforms: list[str] = Field(default_factory=list, description="Platforms used.")
    period: Period = Field(description="When the work ran: start, end.")
    summary: str | None = Field(None, description="One or two sentences for the home page.")
    featured: bool = Field(True, description="Show on the home page under selected work.")
    goals: list[Goal] = Field(
        default_factory=list, description="Goals, each with a metric and target."
    )
    strategy: str | None = Field(None, description="The plan and why.")
    execution: str | None = Field(None, description="What was done.")
    creative: list[Creative] = Field(default_factory=list, description="Creative samples.")
    outcomes: list[Outcome] = Field(default_factory=list, description="Measured results.")
    charts: list[Chart] = Field(
        default_factory=list, description="Charts of a KPI over the period."
    )
    budget: Budget | None = Field(None, description="Budget range (paid work).")
    targeting: str | None = Field(None, description="Targeting decisions (paid work).")
    learnings: str | None = Field(None, description="What you learned, what you would change.")
    moderation_guidelines: str | None = Field(None, description="Community work: moderation rules.")
    crisis_responses: str | None = Field(None, description="Community work: crises handled.")
    growth_strategy: str | None = Field(None, description="Community work: how it grew.")
    tags: list[str] = Field(default_factory=list, description="Free tags (skills, formats).")

    @field_validator("title", "role", "client")
    @classmethod
    def _has_text(cls, value: str) -> str:
        # a blank title is a page without a heading, a link without words
        if not value.strip():
            raise ValueError("it is empty; write it")
        return value

    @field_validator("platforms", "tags", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @property
    def is_mock(self) -> bool:
        return self.kind == "mock"

    def slug_or_default(self) -> str:
        return self.slug or slugify(self.title)


FIELDS = tuple(CaseStudy.model_fields)


def slugify(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    slug = slug[:80].rstrip("-")  # file names and URLs stay short
    return slug or "case-study"


class LoadedCaseStudy:
    """A validated case study with where it came from."""

    def __init__(self, doc: Document, study: CaseStudy) -> None:
        self.doc = doc
        self.study = study
        self.slug = study.slug_or_default()

    @property
    def path(self) -> Path:
        return self.doc.path

    @property
    def body(self) -> str:
        return self.doc.body


def _nested_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names valid at ``loc`` (for typo suggestions in nested mappings)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        candidates = [ann, *args]
        nxt = None
        for c in candidates:
            inner = getattr(c, "__args__", ())
            for x in (c, *inner):
                if isinstance(x, type) and issubclass(x, BaseModel):
                    nxt = x
        if nxt is None:
            return []
        current = nxt
    return list(getattr(current, "model_fields", {}))


def _english_keys() -> dict[str, str]:
    """Translated case study keys (``data/portfolio/casestudy_keys.yaml``) -> English."""
    from importlib.resources import files

    import yaml

    raw = (
        files("socialproof").joinpath("data", "portfolio", "casestudy_keys.yaml").read_text("utf-8")
    )
    keys = yaml.safe_load(raw)["keys"]
    return {_key(str(t)): str(en) for en, words in keys.items() for t in words}


def _key(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _translated_keys(path: Path, doc: Document, exc: ValidationError) -> None:
    """One error naming every key written in another language with its English key: a
    case study in Spanish failed on 'missing required field title' beside its 'titulo:',
    then on each key in turn."""
    english = _english_keys()
    renames = []
    for e in exc.errors():
        key = str(e["loc"][-1]) if e["loc"] else ""
        if e["type"] == "extra_forbidden" and _key(key) in english:
            where = ".".join(str(p) for p in e["loc"])
            renames.append(f"'{where}' as '{english[_key(key)]}'")
    if renames:
        line = min(
            (doc.key_lines.get(str(e["loc"][0]), 2) for e in exc.errors() if e["loc"]), default=2
        )
        raise BadInput(
            f"{path}:{line}: case study keys are in English: write {', '.join(renames)}.",
            hint="'socialproof portfolio new' writes a complete template with every key.",
        )


def parse_case_study(path: Path, *, text: str | None = None) -> LoadedCaseStudy:
    """Read and validate one case study file."""
    doc = read_document(path, text=text)
    try:
        study = CaseStudy.model_validate(doc.meta)
    except ValidationError as exc:
        _translated_keys(path, doc, exc)
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        top = str(loc[0]) if loc else ""
        line = doc.key_lines.get(top, 2)
        where = ".".join(str(p) for p in loc) or "(front matter)"
        if err["type"] == "extra_forbidden":
            valid = _nested_fields(CaseStudy, loc)
            close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.6)
            hint = f"Did you mean '{close[0]}'?" if close else f"Valid fields: {', '.join(valid)}."
            raise BadInput(f"{path}:{line}: unknown field '{where}'.", hint=hint) from None
        if err["type"] == "missing":
            raise BadInput(
                f"{path}:{line}: missing required field '{where}'.",
                hint=f"Add '{loc[-1]}: ...' to the front matter ('socialproof portfolio new' "
                "writes a complete template).",
            ) from None
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise BadInput(f"{path}:{line}: field '{where}': {msg}.", hint="Fix the value.") from None
    return LoadedCaseStudy(doc, study)


def load_case_studies(folder: Path, *, publish: bool = True) -> list[LoadedCaseStudy]:
    """Every ``*.md`` in ``folder``, sorted newest period first; duplicate slugs refused.

    Loading is for publishing (site, PDF, JSON Resume) unless ``publish`` is false:
    a case study that still holds template placeholders is then refused.
    """
    paths = [p for p in sorted(folder.glob("*.md")) if p.is_file()]
    base = folder.resolve()
    for p in paths:
        if base not in p.resolve().parents:  # a link out of the folder: its text would be published
            raise BadInput(
                f"{p} links to {p.resolve()}, outside {folder}.",
                hint="Copy the case study into the folder instead of linking to it.",
            )
    studies = [parse_case_study(p) for p in paths]
    seen: dict[str, Path] = {}
    for s in studies:
        if s.slug in seen:
            raise BadInput(
                f"{s.path} and {seen[s.slug]} have the same slug '{s.slug}'.",
                hint="Give one of them a different 'slug:' or title.",
            )
        seen[s.slug] = s.path
    studies.sort(key=lambda s: (s.study.period.start, s.study.title), reverse=True)
    if publish:
        refuse_placeholders(studies)
    return studies


# Placeholders: every text the template asks the user to write starts with TODO, and no
# figure is made up. Until each is edited or deleted, 'portfolio check' reports an error
# per placeholder and nothing is published (site, PDF, JSON Resume).
TODO = "TODO"

TEMPLATE = """---
title: {title}
kind: {kind}
role: "TODO: your role in the work"
client: {client}
platforms: [{platforms}]
period:
  start: {start}
  end: {end}
summary: "TODO: one or two sentences on the problem and the result"
goals:
  - description: "TODO: what the work set out to do, in a sentence"
    metric: {metric}
    # baseline: where the metric stood before; target: the value aimed for
strategy: |
  TODO: what you planned and why: audience, message, channels, formats.
execution: |
  TODO: what you did: content pillars, cadence, creative tests, community work.
outcomes:
{outcomes}{paid}learnings: |
  TODO: what worked, what you would change next time.
---

## Context

TODO: tell the story: the situation, the constraints, the team.

## What I did

TODO: walk through the decisions and the work.

## Results

TODO: say what changed, against the baseline and the target.
"""

KPI_OUTCOME = """  - label: {label}
    kpi: {kpi}  # computed from the workspace's imported data
    where: {where}
    # baseline: the value before; target: the value aimed for
"""

COMMUNITY_OUTCOME = """  - label: {label}
    community: {community}  # computed from the workspace's messages
    # baseline: the value before; target: the value aimed for
"""

CHOOSE_OUTCOME = """  - label: "TODO: what was measured"
    kpi: "TODO: a KPI from 'socialproof metrics'"
    where: {{{key}: "TODO: {choose}"}}
"""

TYPED_OUTCOME = """  - label: "TODO: what was measured"
    value: "TODO: the figure"
    unit: count
    note: "TODO: where the figure comes from"
"""

PAID_BLOCK = """budget:
  currency: {currency}
  # min: lower end of the budget range; max: upper end
targeting: |
  TODO: audiences, lookalikes, exclusions, placements, and why.
"""

COMMUNITY_BLOCK = """moderation_guidelines: |
  TODO: the rules you wrote and how they were enforced.
crisis_responses: |
  TODO: incidents handled, how fast, with what outcome.
growth_strategy: |
  TODO: how the community grew and stayed healthy.
"""

# What earlier versions of the template said: a case study still holding one of these
# is a template, not a result ("Purchases attributed: 120" was made up).
LEGACY_TEMPLATE_TEXT = frozenset(
    {
        "One or two sentences on the problem and the result.",
        "Grow qualified traffic from short-form video",
        "What you planned and why: audience, message, channels, formats.",
        "What you did: content pillars, cadence, creative tests, community work.",
        "assets/example.png",
        "Describe what the image shows and any text in it.",
        "Hero creative for the launch week.",
        "Audiences, lookalikes, exclusions, placements, and why.",
        "The rules you wrote and how they were enforced.",
        "Incidents handled, how fast, with what outcome.",
        "How the community grew and stayed healthy.",
        "What worked, what you would change next time.",
        "Tell the story: the situation, the constraints, the team.",
        "Walk through the decisions and the work.",
        "Say what changed, against the baseline and the target.",
    }
)


def new_case_study(
    folder: Path, title: str, kind: str, *, evidence: Suggestion | None = None
) -> Path:
    """Write a case study template; refuses to overwrite.

    Its outcome points at ``evidence`` (something the workspace holds, see
    :mod:`socialproof.portfolio.starter`) or is left for the user to choose; no
    figure is made up, and every text to write is a placeholder until edited.
    """
    if kind not in ("paid", "organic", "community", "mock"):
        raise BadInput(f"Unknown kind {kind!r}.", hint="Use paid, organic, community or mock.")
    if not title.strip():
        raise BadInput("The case study needs a title.", hint='e.g. "Spring launch on TikTok".')
    folder.mkdir(parents=True, exist_ok=True)
    slug = slugify(title)
    path = folder / f"{slug}.md"
    own_slug = None
    if slug == "case-study" and slugify(title + " x") == "x":
        # A title with no Latin letters or digits ("日本語のキャンペーン") has no name of its
        # own: take the next free one and write it as the slug, so a second such title
        # neither fails here nor shares the first one's page.
        n = 1
        while path.exists():
            n += 1
            own_slug = f"case-study-{n}"
            path = folder / f"{own_slug}.md"
    if path.exists():
        raise BadInput(f"{path} already exists.", hint="Choose another title or edit that file.")
    today = date.today()
    start = (evidence.start if evidence else None) or today.replace(day=1)
    end = (evidence.end if evidence else None) or today
    text = TEMPLATE.format(
        title=_yaml_str(title),
        kind=kind,
        client='"Mock brand (spec work)"' if kind == "mock" else "confidential",
        platforms=", ".join(_yaml_str(p) for p in (evidence.platforms if evidence else ())),
        start=start.isoformat(),
        end=end.isoformat(),
        metric=(
            evidence.kpi or evidence.community
            if evidence
            else _yaml_str("TODO: a KPI from 'socialproof metrics'")
        ),
        outcomes=_outcomes(kind, evidence),
        paid=(
            PAID_BLOCK.format(currency="USD")
            if kind in ("paid", "mock")
            else COMMUNITY_BLOCK
            if kind == "community"
            else ""
        ),
    )
    if own_slug is not None:
        line = f"title: {_yaml_str(title)}\n"
        text = text.replace(line, f"{line}slug: {own_slug}\n", 1)
    path.write_text(text, encoding="utf-8")
    return path


def _outcomes(kind: str, evidence: Suggestion | None) -> str:
    if evidence is None:
        if kind == "mock":
            return TYPED_OUTCOME
        if kind == "community":
            return COMMUNITY_OUTCOME.format(
                label="Response rate", community="response_rate"
            ).replace("computed from the workspace's messages", "import messages first")
        key, choose = (
            ("campaign", "a campaign from 'socialproof report campaigns'")
            if kind == "paid"
            else ("platform", "a platform from 'socialproof report posts --group-by platform'")
        )
        return CHOOSE_OUTCOME.format(key=key, choose=choose)
    if evidence.community:
        return COMMUNITY_OUTCOME.format(label=evidence.label, community=evidence.community)
    where = "{" + ", ".join(f"{k}: {_yaml_str(v)}" for k, v in evidence.where.items()) + "}"
    out = ""
    for label, kpi in ((evidence.label, evidence.kpi), *evidence.extra):
        out += KPI_OUTCOME.format(label=label, kpi=kpi, where=where)
    if evidence.others:
        out += (
            f"    # other {evidence.what}s in the workspace: " + "; ".join(evidence.others) + "\n"
        )
    return out


@dataclass(frozen=True)
class Placeholder:
    field: str  # dotted path in the front matter, or 'body'
    line: int
    text: str


def placeholders(loaded: LoadedCaseStudy) -> list[Placeholder]:
    """Template text still in a case study: TODO markers and earlier templates' text."""
    found: list[Placeholder] = []
    lines = loaded.doc.key_lines

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{where}.{k}" if where else str(k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}.{i}")
        elif isinstance(value, str) and _is_placeholder(value):
            found.append(Placeholder(where, lines.get(where.split(".")[0], 1), value.strip()))

    walk(loaded.doc.meta, "")
    for i, o in enumerate(loaded.study.outcomes):  # the old template's made-up result
        if o.label == "Purchases attributed" and o.value in (120, 120.0, "120"):
            found.append(Placeholder(f"outcomes.{i}", lines.get("outcomes", 1), o.label))
    for n, line in enumerate(loaded.body.splitlines()):
        if _is_placeholder(line):
            found.append(Placeholder("body", loaded.doc.body_line + n, line.strip()))
    return found


def _is_placeholder(text: str) -> bool:
    stripped = text.strip()
    if stripped.startswith(TODO):
        return True
    return any(line.strip() in LEGACY_TEMPLATE_TEXT for line in stripped.splitlines() if line)


def refuse_placeholders(studies: list[LoadedCaseStudy]) -> None:
    """Publishing stops at the first case study that still holds template text."""
    for s in studies:
        found = placeholders(s)
        if found:
            first = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            raise BadInput(
                f"{s.path}:{first.line}: '{first.field}' is still a template placeholder "
                f"({_short(first.text)}){more}; it would be published as a result.",
                hint="Write your own text and figures (or delete the placeholder), then run "
                "'socialproof portfolio check'.",
            )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 50 else text[:49] + "…"


def _yaml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)
