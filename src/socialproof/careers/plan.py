"""The learning plan: gaps ordered by market demand x importance, each with
concrete next steps (a certification, a portfolio piece, a mock campaign).

priority = shortfall x (demand + 0.05) x (1 + 0.25 per extra target sharing
the gap), where shortfall = importance (x 2 for a must-have) x (1 - your
credit) from the gap analysis, and demand is the share of analysed postings
that ask for the item (for the target role when there are at least 5 such
postings, else all postings). The 0.05 keeps a must-have that no sampled
posting mentions in the plan. Without analysed postings demand falls back to
the catalogue: the item's importance / 5.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from socialproof.careers.catalogue import Catalogue, load_catalogue

if TYPE_CHECKING:
    from socialproof.careers.gap import GapResult
    from socialproof.workspace import Workspace


@dataclass
class PlanStep:
    rank: int
    kind: str
    id: str
    label: str
    must: bool
    your_level: int | None
    shortfall: float
    demand: float
    demand_basis: str
    priority: float
    certification: str = ""
    portfolio_piece: str = ""
    mock_campaign: str = ""
    targets: list[str] = field(default_factory=list)


@dataclass
class LearningPlan:
    targets: list[str]
    basis: str
    steps: list[PlanStep]
    formula: str = (
        "priority = shortfall x (demand + 0.05), x1.25 per extra target sharing the gap; "
        "shortfall = importance (x2 if must-have) x (1 - credit); demand = share of analysed "
        "postings asking for it (or catalogue importance / 5 without postings)"
    )


def build_plan(
    gaps: list[GapResult], *, cat: Catalogue | None = None, limit: int = 12
) -> LearningPlan:
    """Merge the gaps of one or more targets into one ordered plan."""
    cat = cat or load_catalogue()
    merged: dict[tuple[str, str], PlanStep] = {}
    market = any(g.demand_basis for g in gaps)
    for g in gaps:
        for item in g.missing:
            req = item.requirement
            key = (req.kind, req.id)
            if market and item.demand is not None:
                demand, basis = item.demand, g.demand_basis
            elif market:
                demand, basis = 0.0, g.demand_basis + " (not asked for)"
            else:
                demand, basis = req.importance / 5.0, "catalogue importance"
            step = merged.get(key)
            if step is None:
                merged[key] = PlanStep(
                    0,
                    req.kind,
                    req.id,
                    req.label,
                    req.must,
                    item.level,
                    item.shortfall,
                    demand,
                    basis,
                    0.0,
                    targets=[g.target],
                )
            else:
                step.shortfall = max(step.shortfall, item.shortfall)
                step.must = step.must or req.must
                step.demand = max(step.demand, demand)
                step.targets.append(g.target)
    steps = list(merged.values())
    for s in steps:
        # a gap several targets share matters more
        s.priority = round(s.shortfall * (0.05 + s.demand) * (1 + 0.25 * (len(s.targets) - 1)), 3)
        _suggest(s, cat)
    steps.sort(key=lambda s: (-s.priority, s.label))
    for i, s in enumerate(steps[:limit], 1):
        s.rank = i
    basis = (
        gaps[0].demand_basis if market and gaps else "catalogue importance (no analysed postings)"
    )
    return LearningPlan([g.target for g in gaps], basis, steps[:limit])


def _suggest(step: PlanStep, cat: Catalogue) -> None:
    if step.kind == "skill":
        certs = cat.certifications_for(step.id)
        if certs:
            step.certification = "; ".join(
                f"{c.label} ({c.facts.get('issuer')})" for c in certs[:2]
            )
        category = cat.skills[step.id].category
        tips = cat.learning.get(category) or cat.learning.get("strategy", {})
        step.portfolio_piece = tips.get("portfolio", "")
        step.mock_campaign = tips.get("mock", "")
    elif step.kind == "tool":
        step.mock_campaign = (
            f"Use {step.label} on a mock campaign (most offer free trials or academies)."
        )
        step.portfolio_piece = f"Mention {step.label} in the case study where you used it."
    else:
        step.mock_campaign = (
            f"Run a 30-day test on {step.label}: post natively, track its key metrics."
        )
        step.portfolio_piece = f"Add a {step.label} example with its results to your portfolio."


def plan_for_workspace(
    ws: Workspace, *, roles: list[str] | None = None, limit: int = 12
) -> LearningPlan:
    """A plan for the profile's target roles (or the roles given)."""
    from socialproof.careers.gap import gap_for_role
    from socialproof.careers.profile import load_profile, profile_path
    from socialproof.errors import UsageError

    profile = load_profile(profile_path(ws.root))
    targets = roles or profile.targets.roles
    if not targets:
        raise UsageError(
            "No target role to plan for.",
            hint="Add targets: roles: [ROLE] to profile.yaml, or pass --role ROLE.",
        )
    industry = profile.targets.industries[0] if profile.targets.industries else None
    gaps = [gap_for_role(ws, r, industry=industry) for r in targets]
    return build_plan(gaps, limit=limit)
