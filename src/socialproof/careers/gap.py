"""Gap analysis: how well a profile matches a role or a posting, and what is missing.

The match score (0-100) follows what job-market tools do (KNOWLEDGE.md,
"Careers"): Huntr weighs must-have qualifications over nice-to-haves; Jobscan
weighs hard skills most and suggests aiming at 80 %; LinkedIn counts "x of y
skills" and rates similarity by weighted skill overlap. Here:

    score = 100 x sum(w_i x c_i) / sum(w_i)   over everything the target asks for
    w_i   = importance_i (1-5) x 2 if must-have, x 1 if nice-to-have
    c_i   = min(self-rated level, 3) / 3 for skills (3 = can do it unaided);
            1 if the profile lists the tool or platform, else 0

Tools and platforms count with importance 2 (they are learnt fast). Bands,
after Huntr's five: excellent >= 90, strong >= 80 (Jobscan's target), good >= 65,
fair >= 45, low below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.careers.catalogue import Catalogue, Role, load_catalogue

if TYPE_CHECKING:
    from pathlib import Path

    from socialproof.careers.profile import ProfileCheck
    from socialproof.market.extract import PostingFacts
    from socialproof.workspace import Workspace

FORMULA = (
    "score = 100 x sum(w x c) / sum(w); w = importance (1-5) x 2 for must-haves, x 1 for "
    "nice-to-haves (tools and platforms: importance 2); c = min(your level, 3) / 3 for a skill, "
    "1 for a tool or platform you list, 0 when missing. Weighting follows market practice: "
    "must-haves over nice-to-haves (Huntr), hard skills weighted by importance (Jobscan, which "
    "suggests aiming at 80), and an 'x of y' skills count (LinkedIn)."
)
TOOL_IMPORTANCE = 2
FULL_LEVEL = 3


@dataclass
class Requirement:
    kind: str  # skill | tool | platform
    id: str
    label: str
    importance: int
    must: bool
    span: str = ""  # the posting text that asks for it

    @property
    def weight(self) -> float:
        return float(self.importance * (2 if self.must else 1))


@dataclass
class GapItem:
    requirement: Requirement
    credit: float  # 0..1
    level: int | None = None
    evidence: list[str] = field(default_factory=list)
    demand: float | None = None  # share of analysed postings asking for it
    demand_postings: int = 0

    @property
    def shortfall(self) -> float:
        return self.requirement.weight * (1.0 - self.credit)


@dataclass
class GapResult:
    target: str
    target_kind: str  # role | posting
    score: float
    band: str
    must_met: int
    must_total: int
    skills_met: int
    skills_total: int
    matched: list[GapItem]
    missing: list[GapItem]  # missing or below level 3, biggest shortfall first
    formula: str = FORMULA
    demand_basis: str = ""
    notes: list[str] = field(default_factory=list)


def band(score: float) -> str:
    if score >= 90:
        return "excellent"
    if score >= 80:
        return "strong"
    if score >= 65:
        return "good"
    if score >= 45:
        return "fair"
    return "low"


def role_requirements(
    role: Role, cat: Catalogue | None = None, *, industry: str | None = None
) -> list[Requirement]:
    """What a catalogue role asks for, with its industry variant when one is given."""
    cat = cat or load_catalogue()
    reqs = {
        rs.skill: Requirement("skill", rs.skill, cat.skills[rs.skill].label, rs.importance, rs.must)
        for rs in role.skills
    }
    if industry:
        _group, spec = cat.industry_group(industry)
        for sid, imp in spec.get("skills", {}).items():
            if sid in reqs:
                reqs[sid].importance = max(reqs[sid].importance, int(imp))
            else:
                reqs[sid] = Requirement("skill", sid, cat.skills[sid].label, int(imp), False)
    out = list(reqs.values())
    out += [Requirement("tool", t, cat.tools[t].label, TOOL_IMPORTANCE, False) for t in role.tools]
    out += [
        Requirement("platform", p, cat.platforms[p].label, TOOL_IMPORTANCE, False)
        for p in role.platforms[:3]
    ]
    return out


def posting_requirements(facts: PostingFacts, cat: Catalogue | None = None) -> list[Requirement]:
    """What one posting asks for: its skills, tools and platforms as must/nice-to-have.

    Importance comes from the catalogue role the posting maps to (3 for hard,
    2 for soft skills the role does not list); merely "mentioned" items (in the
    company blurb or benefits) are left out.
    """
    cat = cat or load_catalogue()
    role_imp = cat.roles[facts.role_id].skill_map() if facts.role_id else {}
    out: list[Requirement] = []
    for hit in facts.skills:
        if hit.requirement == "mentioned" or hit.kind == "kpi":
            continue
        must = hit.requirement == "must"
        if hit.kind == "skill":
            rs = role_imp.get(hit.id)
            imp = rs.importance if rs else (2 if cat.skills[hit.id].kind == "soft" else 3)
        else:
            imp = TOOL_IMPORTANCE
        out.append(Requirement(hit.kind, hit.id, hit.label, imp, must, hit.span))
    return out


def _credit(req: Requirement, check: ProfileCheck) -> tuple[float, int | None, list[str]]:
    if req.kind == "skill":
        have = check.skill_levels().get(req.id)
        if have is None:
            return 0.0, None, []
        return min(have.level, FULL_LEVEL) / FULL_LEVEL, have.level, have.evidence
    if req.kind == "tool":
        return (1.0 if check.has_tool(req.id) else 0.0), None, []
    return (1.0 if check.has_platform(req.id) else 0.0), None, []


def gap(
    check: ProfileCheck,
    requirements: list[Requirement],
    *,
    target: str,
    target_kind: str,
    demand: dict[tuple[str, str], tuple[float, int]] | None = None,
    demand_basis: str = "",
) -> GapResult:
    """Score a checked profile against requirements; attach market demand to the gaps."""
    items: list[GapItem] = []
    for req in requirements:
        credit, level, evidence = _credit(req, check)
        item = GapItem(req, credit, level, evidence)
        if demand is not None and (req.kind, req.id) in demand:
            item.demand, item.demand_postings = demand[(req.kind, req.id)]
        items.append(item)
    total = sum(i.requirement.weight for i in items)
    got = sum(i.requirement.weight * i.credit for i in items)
    score = round(100.0 * got / total, 1) if total else 0.0
    matched = [i for i in items if i.credit >= 1.0 - 1e-9]
    missing = sorted(
        (i for i in items if i.credit < 1.0 - 1e-9),
        key=lambda i: (-i.shortfall, -(i.demand or 0.0), i.requirement.label),
    )
    musts = [i for i in items if i.requirement.must]
    skills = [i for i in items if i.requirement.kind == "skill"]
    notes = []
    unevidenced = [
        i.requirement.label for i in matched if i.requirement.kind == "skill" and not i.evidence
    ]
    if unevidenced:
        notes.append(
            "Matched without evidence (link a case study in profile.yaml): "
            + ", ".join(unevidenced[:8])
        )
    free = [s.given for s in check.skills if s.skill_id is None]
    if free:
        notes.append("Free-text skills not scored (not in the catalogue): " + ", ".join(free))
    if not requirements:
        notes.append(
            "The target lists no skills, tools or platforms the catalogue knows; nothing to score."
        )
    return GapResult(
        target=target,
        target_kind=target_kind,
        score=score,
        band=band(score),
        must_met=sum(1 for i in musts if i.credit >= 1.0 - 1e-9),
        must_total=len(musts),
        skills_met=sum(1 for i in skills if i.credit >= 1.0 - 1e-9),
        skills_total=len(skills),
        matched=sorted(matched, key=lambda i: -i.requirement.weight),
        missing=missing,
        demand_basis=demand_basis,
        notes=notes,
    )


def _checked_profile(ws: Workspace) -> ProfileCheck:
    from socialproof.careers.profile import check_profile, load_profile, profile_path

    return check_profile(load_profile(profile_path(ws.root)), root=ws.root)


def gap_for_role(ws: Workspace, role: str, *, industry: str | None = None) -> GapResult:
    """The workspace profile against a catalogue role (with market demand when postings exist)."""
    from socialproof.market.aggregate import demand_map

    cat = load_catalogue()
    target = cat.role(role)
    check = _checked_profile(ws)
    demand, basis = demand_map(ws, role=target.id)
    reqs = role_requirements(target, cat, industry=industry)
    label = target.title + (f" ({industry})" if industry else "")
    return gap(
        check, reqs, target=label, target_kind="role", demand=demand or None, demand_basis=basis
    )


def gap_for_posting(ws: Workspace, path: Path) -> GapResult:
    """The workspace profile against one posting file (Markdown/text with front matter)."""
    from socialproof.errors import BadInput
    from socialproof.market.aggregate import demand_map
    from socialproof.market.extract import analyze_posting, read_posting_file

    posting = read_posting_file(path)
    facts = analyze_posting(posting)
    if facts.status == "empty":
        raise BadInput(
            f"{path.name} has no text to analyse.",
            hint="Paste the posting's full text into the file.",
        )
    if facts.status == "unsupported_language":
        raise BadInput(f"{path.name}: {facts.note}.", hint="Use an English version of the posting.")
    reqs = posting_requirements(facts)
    if not reqs:  # scored, it read "0/100 (low)": a verdict on a file that holds no posting
        raise BadInput(
            f"{path.name} names no skill, tool or platform socialproof knows: nothing to match.",
            hint="Check that the file holds the posting's full text (its requirements too).",
        )
    check = _checked_profile(ws)
    demand, basis = demand_map(ws, role=facts.role_id)
    title = facts.title or path.name
    result = gap(
        check,
        reqs,
        target=title + (f" at {facts.company}" if facts.company else ""),
        target_kind="posting",
        demand=demand or None,
        demand_basis=basis,
    )
    if facts.role_id:
        result.notes.insert(
            0,
            f"Read as {facts.role_id} ({facts.seniority or 'level unknown'}; {facts.role_basis}).",
        )
    targets = check.profile.targets
    top = facts.salary_max_annual or facts.salary_min_annual
    if targets.salary_min and top is not None and facts.salary_currency:
        if not targets.currency:  # compared with whatever currency the posting named
            result.notes.append(
                f"Salary is in {facts.salary_currency}; your minimum names no currency: not "
                "compared. Add 'currency:' under 'targets:' in profile.yaml."
            )
        elif targets.currency.strip().upper() != facts.salary_currency:
            result.notes.append(
                f"Salary is in {facts.salary_currency}; your minimum is in {targets.currency}: not compared."
            )
        elif top < targets.salary_min and facts.salary_max_annual is None:
            # 'from £28k' is open above: it does not top out at 28,000
            result.notes.append(
                f"The salary starts at {top:,.0f} a year, below your minimum of "
                f"{targets.salary_min:,.0f}; the posting states no top."
            )
        elif top < targets.salary_min:
            result.notes.append(
                f"The salary tops out at {top:,.0f} a year, below your minimum of {targets.salary_min:,.0f}."
            )
    if facts.salary_status == "stated":
        result.notes.append(_salary_note(facts, posting))
    return result


def _salary_note(facts: PostingFacts, posting: dict[str, Any]) -> str:
    """How the posting's salary reads a year: 'USD 26,000-26,000' said once, and the
    period and hours behind an hourly or daily figure said (a guessed period or a
    40-hour week was not, while the yearly figure was compared with your minimum)."""
    from socialproof.market.salary import parse_salary

    low, high = facts.salary_min_annual, facts.salary_max_annual
    body = str(posting.get("body") or "")
    how = parse_salary(facts.salary_text, context=body[:5000], location=facts.location).note
    if low is None and high is None:  # no period stated, none guessed: no yearly figure
        return f"Salary: {facts.salary_text!r} in {facts.salary_currency or '?'} ({how})."
    if low is not None and high is not None and low != high:
        rng = f"{low:,.0f}-{high:,.0f}"
    elif low is not None and high is None:
        rng = f"from {low:,.0f}"
    elif low is None and high is not None:
        rng = f"up to {high:,.0f}"
    else:
        rng = f"{low or high or 0:,.0f}"
    note = f"Salary: {facts.salary_text!r} = {facts.salary_currency or '?'} {rng} a year"
    why = []
    if facts.salary_period and facts.salary_period != "year":
        pay = {"hour": "hourly", "day": "daily", "week": "weekly", "month": "monthly"}
        pay |= {"fortnight": "fortnightly", "semimonth": "twice-monthly"}
        why.append(f"read as {pay.get(facts.salary_period, facts.salary_period)} pay")
    if facts.salary_period_inferred:
        why.append("the posting names no period: guessed from the amount")
    why.extend(part for part in how.split("; ") if part)
    return note + (f" ({'; '.join(why)})." if why else ".")
