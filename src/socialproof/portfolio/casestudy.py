"""Case studies: YAML front matter + Markdown body in ``case-studies/*.md``.

Fields are declared once here (with help texts) and validated; every error
names the file, the line, the field and the fix, and suggests the closest
field name for a typo.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from socialproof.errors import BadInput
from socialproof.portfolio.frontmatter import Document, read_document

if TYPE_CHECKING:
    from pathlib import Path

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
        description="Filters for the KPI: platform, account, campaign, ad_set, ad, format, label.",
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


def parse_case_study(path: Path, *, text: str | None = None) -> LoadedCaseStudy:
    """Read and validate one case study file."""
    doc = read_document(path, text=text)
    try:
        study = CaseStudy.model_validate(doc.meta)
    except ValidationError as exc:
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


def load_case_studies(folder: Path) -> list[LoadedCaseStudy]:
    """Every ``*.md`` in ``folder``, sorted newest period first; duplicate slugs refused."""
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
    return studies


TEMPLATE = """---
title: {title}
kind: {kind}
role: Social media manager
client: {client}
industry: consumer
platforms: [instagram, tiktok]
period:
  start: {start}
  end: {end}
summary: One or two sentences on the problem and the result.
goals:
  - description: Grow qualified traffic from short-form video
    metric: ctr_link
    target: 0.012
    baseline: 0.008
strategy: |
  What you planned and why: audience, message, channels, formats.
execution: |
  What you did: content pillars, cadence, creative tests, community work.
creative:
  - image: assets/example.png
    alt: Describe what the image shows and any text in it.
    caption: Hero creative for the launch week.
outcomes:
  - label: Link click-through rate
    kpi: ctr_link            # computed from the workspace's imported data
    where: {{campaign: "{campaign}"}}
    baseline: 0.008
    target: 0.012
  - label: Purchases attributed
    value: 120               # typed by hand: say where it comes from
    unit: count
    target: 100
    note: From the client's shop dashboard.
{paid_outcome}{paid}learnings: |
  What worked, what you would change next time.
---

## Context

Tell the story: the situation, the constraints, the team.

## What I did

Walk through the decisions and the work.

## Results

Say what changed, against the baseline and the target.
"""

PAID_OUTCOME = """  - label: Cost per result
    kpi: cost_per_result
    where: {{campaign: "{campaign}"}}
    baseline: 15.0
    target: 12.0
"""

PAID_BLOCK = """budget:
  min: 5000
  max: 10000
  currency: USD
targeting: |
  Audiences, lookalikes, exclusions, placements, and why.
"""

COMMUNITY_BLOCK = """moderation_guidelines: |
  The rules you wrote and how they were enforced.
crisis_responses: |
  Incidents handled, how fast, with what outcome.
growth_strategy: |
  How the community grew and stayed healthy.
"""


def new_case_study(folder: Path, title: str, kind: str) -> Path:
    """Write a complete case study template; refuses to overwrite."""
    if kind not in ("paid", "organic", "community", "mock"):
        raise BadInput(f"Unknown kind {kind!r}.", hint="Use paid, organic, community or mock.")
    folder.mkdir(parents=True, exist_ok=True)
    slug = slugify(title)
    path = folder / f"{slug}.md"
    if path.exists():
        raise BadInput(f"{path} already exists.", hint="Choose another title or edit that file.")
    today = date.today()
    extra = (
        PAID_BLOCK if kind in ("paid", "mock") else COMMUNITY_BLOCK if kind == "community" else ""
    )
    text = TEMPLATE.format(
        title=_yaml_str(title),
        kind=kind,
        client="Mock brand (spec work)" if kind == "mock" else "confidential",
        start=today.replace(day=1).isoformat(),
        end=today.isoformat(),
        campaign=title.replace('"', "'"),
        paid=extra,
        paid_outcome=PAID_OUTCOME.format(campaign=title.replace('"', "'"))
        if kind in ("paid", "mock")
        else "",
    )
    path.write_text(text, encoding="utf-8")
    return path


def _yaml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)
