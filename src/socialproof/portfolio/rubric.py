"""The rubric: what a strong case study needs, checked per file.

Errors block a good portfolio (missing goal, no measured outcome, an image
without alt text, personal data of third parties); warnings are advice
(a vanity metric with no baseline or target). Each case study gets a score
from 0 to 100: 100 minus 20 per error and 5 per warning.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from socialproof.portfolio.casestudy import LoadedCaseStudy
    from socialproof.portfolio.evidence import EvidenceResolver

Level = Literal["error", "warning"]

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Phone numbers: +44 20 7946 0958, (555) 123-4567, 555-123-4567, 0151 496 0123
_PHONE = re.compile(
    r"(?<![\w/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}(?![\w/-])"
)
_VANITY = {
    "followers",
    "likes",
    "reactions",
    "impressions",
    "views",
    "reach",
    "video_views",
    "followers_gained",
    "posts",
    "interactions",
}
_PAID_RESULT_KPIS = {"roas", "cost_per_result", "cost_per_lead", "cpa", "cost_per_purchase"}
_HEALTH_WORDS = (
    "response",
    "sentiment",
    "active member",
    "resolution",
    "retention",
    "health",
    "reply",
    "moderation",
)
_ALT_BAD_START = re.compile(r"^\s*(image|picture|photo|graphic) of\b", re.I)


@dataclass
class Finding:
    level: Level
    rule: str
    message: str
    file: str
    line: int
    field: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class StudyCheck:
    slug: str
    file: str
    kind: str
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(f.level == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.level == "warning" for f in self.findings)

    @property
    def score(self) -> int:
        return max(0, 100 - 20 * self.errors - 5 * self.warnings)


def check_study(loaded: LoadedCaseStudy, *, resolver: EvidenceResolver | None = None) -> StudyCheck:
    s = loaded.study
    file = str(loaded.path)
    lines = loaded.doc.key_lines
    out: list[Finding] = []

    def add(level: Level, rule: str, message: str, field: str) -> None:
        out.append(Finding(level, rule, message, file, lines.get(field.split(".")[0], 1), field))

    if not s.goals:
        add(
            "error", "goal", "State at least one goal, ideally with a metric and a target.", "goals"
        )
    for i, g in enumerate(s.goals):
        if g.metric and g.target is None:
            add(
                "warning",
                "goal-target",
                f"Goal {i + 1} names a metric but no target.",
                f"goals.{i}",
            )
    if not (s.strategy or "").strip():
        add("error", "strategy", "Describe the strategy: what you planned and why.", "strategy")
    if not (s.execution or "").strip() and not s.creative:
        add("error", "execution", "Describe the execution or show creative samples.", "execution")
    if not s.outcomes:
        add(
            "error",
            "outcome",
            "Add at least one measured outcome (typed or from the workspace).",
            "outcomes",
        )
    for i, o in enumerate(s.outcomes):
        if o.pilot or o.community:
            continue
        metric = (o.kpi or o.label).strip().lower().replace(" ", "_")
        if o.baseline is None and o.target is None:
            vanity = metric in _VANITY or any(
                v in metric for v in ("follower", "like", "impression")
            )
            add(
                "warning",
                "vanity-metric" if vanity else "outcome-compare",
                f"Outcome '{o.label}' has neither a baseline nor a target"
                + (
                    ": on its own it is a vanity metric."
                    if vanity
                    else "; say what it compares with."
                ),
                f"outcomes.{i}",
            )

    if s.kind in ("paid", "mock") or s.budget is not None:
        paid = s.kind == "paid" or (s.kind == "mock" and s.budget is not None)
        if paid:
            if s.budget is None or (s.budget.min is None and s.budget.max is None):
                add(
                    "error",
                    "paid-budget",
                    "Paid work shows a budget range (budget: min/max).",
                    "budget",
                )
            if not (s.targeting or "").strip():
                add(
                    "error",
                    "paid-targeting",
                    "Paid work explains its targeting decisions.",
                    "targeting",
                )
            has_result = any(
                (o.kpi or "").lower() in _PAID_RESULT_KPIS
                or re.search(r"roas|cost per|cpa\b|cpl\b", o.label, re.I)
                for o in s.outcomes
            )
            if not has_result:
                add(
                    "error",
                    "paid-result",
                    "Paid work reports ROAS or cost per result (an outcome with kpi: roas or "
                    "cost_per_result).",
                    "outcomes",
                )
    if s.kind == "community":
        healthy = any(
            o.community
            or any(w in (o.kpi or o.label).lower().replace("_", " ") for w in _HEALTH_WORDS)
            for o in s.outcomes
        )
        if not healthy:
            add(
                "error",
                "community-health",
                "Community work shows a health metric (response time, sentiment, active members).",
                "outcomes",
            )
        for field in ("moderation_guidelines", "growth_strategy"):
            if not (getattr(s, field) or "").strip():
                add(
                    "warning",
                    f"community-{field.replace('_', '-')}",
                    f"Community work usually describes its {field.replace('_', ' ')}.",
                    field,
                )
    if s.kind == "mock":
        client = s.client.lower()
        if not any(w in client for w in ("mock", "spec", "fictional", "concept", "sample")):
            add(
                "warning",
                "mock-client",
                "A mock campaign names a client that looks real; say 'mock' or 'spec' in 'client'.",
                "client",
            )

    for i, c in enumerate(s.creative):
        if c.image:
            if not (c.alt or "").strip():
                add("error", "alt-text", f"Image {c.image} has no alt text.", f"creative.{i}.alt")
            elif _ALT_BAD_START.match(c.alt or ""):
                add(
                    "warning",
                    "alt-text-style",
                    f"Alt text of {c.image} starts with 'image of': describe the content directly.",
                    f"creative.{i}.alt",
                )
            if resolver is not None:
                problem = resolver.check_asset(c.image)
                if problem:
                    add("error", "image-missing", problem, f"creative.{i}.image")
    for img_alt, img_src in re.findall(r"!\[([^\]]*)\]\(([^)\s]+)", loaded.body):
        if not img_alt.strip():
            out.append(
                Finding(
                    "error",
                    "alt-text",
                    f"Image {img_src} in the text has no alt text.",
                    file,
                    loaded.doc.body_line,
                    "body",
                )
            )

    texts = [
        loaded.body,
        s.summary or "",
        s.strategy or "",
        s.execution or "",
        s.learnings or "",
        s.targeting or "",
        s.crisis_responses or "",
        s.moderation_guidelines or "",
    ]
    blob = "\n".join(texts)
    for email in sorted(set(_EMAIL.findall(blob))):
        out.append(
            Finding(
                "error",
                "personal-data",
                f"Remove the e-mail address {email}: no personal data of third parties.",
                file,
                loaded.doc.body_line,
                "body",
            )
        )
    for phone in sorted(set(m.strip() for m in _PHONE.findall(blob))):
        out.append(
            Finding(
                "error",
                "personal-data",
                f"Remove the phone number {phone}: no personal data of third parties.",
                file,
                loaded.doc.body_line,
                "body",
            )
        )

    from socialproof.portfolio.casestudy import placeholders

    held = placeholders(loaded)
    for p in held:
        out.append(
            Finding(
                "error",
                "placeholder",
                f"'{p.field}' still holds the template's placeholder ({_short(p.text)}): "
                "write your own, or delete it; it would be published as a result.",
                file,
                p.line,
                p.field,
            )
        )
    unfinished = {p.field.split(".")[1] for p in held if p.field.startswith("outcomes.")}
    if resolver is not None:
        for i, o in enumerate(s.outcomes):
            if str(i) in unfinished:
                continue  # a placeholder is not evidence to compute
            problem = resolver.check_outcome(o, loaded)
            if problem:
                add("error", "evidence", problem, f"outcomes.{i}")
        for i, ch in enumerate(s.charts):
            problem = resolver.check_chart(ch, loaded)
            if problem:
                add("error", "evidence", problem, f"charts.{i}")
        for claim in _unsupported_claims(loaded, resolver, skip=unfinished):
            line = loaded.doc.body_line if claim.field == "body" else lines.get(claim.field, 1)
            out.append(
                Finding(
                    "error",
                    "unsupported-figure",
                    f"'{claim.written}' in the {claim.field} is not what the evidence gives "
                    f"for {claim.figure}: {claim.shown}. Write the figure the data supports.",
                    file,
                    line,
                    claim.field,
                )
            )
    return StudyCheck(loaded.slug, file, s.kind, out)


def _unsupported_claims(
    loaded: LoadedCaseStudy, resolver: EvidenceResolver, *, skip: set[str]
) -> list[Any]:
    """Numbers the text ties to a computed outcome that the evidence does not give."""
    from socialproof.errors import SocialproofError
    from socialproof.metrics import registry
    from socialproof.portfolio.claims import figure_names, unsupported

    s = loaded.study
    figures = []
    for i, o in enumerate(s.outcomes):
        name = o.kpi or o.community
        if str(i) in skip or name is None:
            continue
        try:
            figure = resolver.outcome(o, loaded)
            kpi_label = registry.get(name).label
        except SocialproofError:
            continue  # reported as an evidence error
        figures.append((figure, figure_names(o.label, kpi_label)))
    if not figures:
        return []
    others = [n for k in registry.all_kpis() for n in figure_names("", k.label)]
    texts = {
        "summary": s.summary or "",
        "learnings": s.learnings or "",
        "body": loaded.body,
    }
    return unsupported(texts, figures, other_names=others)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 50 else text[:49] + "…"


def check_portfolio(ws: Any) -> list[StudyCheck]:
    """Check every case study in the workspace; unreadable files become error findings."""
    from socialproof.portfolio.evidence import EvidenceResolver

    with EvidenceResolver(ws) as resolver:
        return _check_all(ws, resolver)


def _check_all(ws: Any, resolver: EvidenceResolver) -> list[StudyCheck]:
    from socialproof.errors import BadInput
    from socialproof.portfolio.casestudy import parse_case_study

    folder = ws.root / "case-studies"
    results: list[StudyCheck] = []
    slugs: dict[str, str] = {}
    for path in sorted(folder.glob("*.md")):
        try:
            loaded = parse_case_study(path)
        except BadInput as exc:
            text = str(exc)
            line = 1
            head = text.split(":", 2)
            if len(head) > 2 and head[1].isdigit():
                line = int(head[1])
            results.append(
                StudyCheck(
                    path.stem,
                    str(path),
                    "?",
                    [Finding("error", "front-matter", text, str(path), line)],
                )
            )
            continue
        check = check_study(loaded, resolver=resolver)
        if loaded.slug in slugs:
            check.findings.append(
                Finding(
                    "error",
                    "duplicate-slug",
                    f"Same slug '{loaded.slug}' as {slugs[loaded.slug]}: give one a different 'slug:'.",
                    str(path),
                    loaded.doc.key_lines.get("title", 1),
                    "slug",
                )
            )
        slugs.setdefault(loaded.slug, str(path))
        for w in resolver.warnings:
            check.findings.append(Finding("warning", "large-image", w, str(path), 1, "creative"))
        resolver.warnings.clear()
        results.append(check)
    return results
