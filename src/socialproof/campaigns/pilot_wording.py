"""Pilot wording: verdicts, p-values and the sentences that say why a test was chosen,
what was analysed and what the design can show.

See :mod:`socialproof.campaigns.pilot_analysis`, which builds the result they describe.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from socialproof.campaigns.pilot_model import (
    PROPORTIONS,
    Pilot,
    effect_text,
    level_text,
    metric_name,
    p_text,
    share_text,
)

if TYPE_CHECKING:
    from socialproof.campaigns import stats
    from socialproof.campaigns.pilot_data import VariantData
    from socialproof.metrics.registry import KPI


def srm_why_text(
    pilot: Pilot, variants: list[VariantData], shares: dict[str, list[float]] | None = None
) -> str:
    """Why the sample-ratio check does not apply to this pilot ('' when it does).

    The check (a chi-square of the counts against the planned split) asks whether chance
    alone could have split randomised units this unevenly, so it needs units assigned at
    random: posts the user assigned by a planned split (a coin flip, a shuffled calendar).
    Posts with no planned split were chosen, not drawn. Ads exports carry no assignment
    counts: summed reach counts a person once per row, impressions follow delivery and
    the number of ads was chosen, so a chi-square on them flags almost every ad pilot.
    """
    if pilot.table == "posts":
        if pilot.split is not None:
            return ""
        counts = ", ".join(f"{v.allocation:,.0f} in {v.label}" for v in variants)
        return (
            f"Sample-ratio check: does not apply. The posts were not assigned to the variants "
            f"at random, so how many fell in each ({counts}) was chosen, not drawn by chance; "
            "give the planned split (--split) only when posts were assigned at random with "
            "those shares."
        )
    if pilot.split is not None:
        # A platform split test divides the audience (and the budget as set) by the plan,
        # but the export carries no cell sizes: what it has is shown against the plan.
        total = sum(pilot.split)
        planned = ", ".join(
            f"{v.label} {share_text(s / total)}" for v, s in zip(variants, pilot.split, strict=True)
        )
        seen = "; ".join(
            f"{col} "
            + ", ".join(f"{v.label} {x * 100:.1f} %" for v, x in zip(variants, xs, strict=True))
            for col, xs in (shares or {}).items()
        )
        return (
            "Sample-ratio check: no chi-square for ads. A platform split test divides the "
            "audience at random (and the budget as set) by the planned split, but ads exports "
            "carry no cell's audience size: impressions and reach follow delivery (a cheaper "
            "cost per impression buys more of them) and summed reach counts a person once per "
            "row, so a chi-square on them would flag differences in delivery, not in "
            f"assignment. Planned: {planned}"
            + (f"; observed shares of {seen}" if seen else "")
            + ". A share of spend far from its planned share means the budget did not split "
            "as planned; compare the cells' sizes in the platform's test results."
        )
    return (
        "Sample-ratio check: does not apply. It needs how many people were assigned at "
        "random to each variant, which ads exports do not carry: summed reach counts a "
        "person once per row, impressions follow what the platform delivered and the "
        "number of ads was chosen, so none of them is an assignment count. For a platform "
        "split test (A/B test), compare its cells' sizes in the platform's test results."
    )


def p_phrase(p: float, alpha: float | None = None) -> str:
    """``p < 0.001`` or ``p = 0.042`` (``p = 0.0499`` below an alpha of 0.05)."""
    text = p_text(p, alpha)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def _decimals(width: float) -> int:
    if width <= 0 or math.isnan(width) or math.isinf(width):
        return 2
    return max(0, min(6, 1 - math.floor(math.log10(width))))


def verdict_text(
    label: str,
    kpi: KPI,
    r: stats.Comparison,
    p_adj: float,
    sig: bool,
    need: int | None,
    unit: str,
    pilot: Pilot,
    *,
    exact: str = "",
    what: str = "",
) -> str:
    """The verdict of one comparison; ``exact`` names the test that decided when it is
    not the one that drew the interval (Fisher's exact test on few ``what``): its p is
    shown, and the interval only where it agrees with the decision."""
    scale = 100 if kpi.unit == "percent" else 1
    d = _decimals((r.diff_high - r.diff_low) * scale)
    if r.diff:  # a wide interval must not round the difference itself away ('−0')
        d = max(d, _decimals(abs(r.diff) * scale))
    pts = " points" if kpi.unit == "percent" else ""
    name = metric_name(kpi)
    mean = ""
    if r.test != "two-proportion z-test":  # per unit: the means the test compares
        one = {"posts": "post", "ads": "ad", "ad-days": "ad-day"}.get(unit, unit)
        name = f"mean {name} per {one}"
        mean = f"mean per {one} "
    conf = share_text(r.confidence)
    shown_p = p_phrase(p_adj, 1 - pilot.confidence)  # never '0.050' for a p below 0.05
    if len(pilot.variants) > 2:  # the adjusted p, as the table's 'p (Holm)' column
        shown_p = "Holm-adjusted " + shown_p
    if exact:
        shown_p += f" by {exact}, the test for so few {what}"
    control = pilot.display(0)
    levels = (
        f"{level_text(kpi, r.value_a, d)} in {control} → {level_text(kpi, r.value_b, d)} in {label}"
    )
    ci = (
        f"{conf} CI {effect_text(kpi, r.diff_low, d, signed=True)} to "
        f"{effect_text(kpi, r.diff_high, d, signed=True)}{pts}"
    )
    aside = bool(exact) and (r.diff_low > 0 or r.diff_high < 0) != sig
    if aside:
        # the z-test's interval says the opposite of the test that decides: not shown as if
        # it backed the verdict
        ci = f"the z-test's {conf} interval left aside (unreliable with so few {what})"
    if sig:
        # A comparison, not a cause: posts were not randomised, ads were delivered to
        # different people (see the design note). The interval keeps its signs.
        word = "higher" if r.diff > 0 else "lower"
        return (
            f"{label} had a {word} {name} than {control}, by "
            f"{effect_text(kpi, abs(r.diff), d)}{pts} ({levels}), {ci}; "
            f"a difference this large would be unlikely by chance alone ({shown_p}), though "
            "not impossible."
        )
    diff = (
        f"{label} vs {control}: {effect_text(kpi, r.diff, d, signed=True)}{pts} "
        f"({mean}{levels}), {ci}, {shown_p}"
    )
    n_now = min(r.n_a, r.n_b)
    if need is not None and n_now < need:
        more = need - n_now
        return (
            f"Not enough data: {diff}. The difference could be chance; need ~{_round_up(more):,} "
            f"more {unit} per variant to detect a {share_text(pilot.mde)} relative change "
            "with 80 % power."
        )
    if aside:
        return f"No clear difference: {diff}; treat the difference as a first indication."
    if need is not None:
        # Enough data by the plan's arithmetic is not evidence of no effect (a power figure
        # after the fact says nothing about this sample): only the interval can rule the
        # smallest change worth finding out.
        delta = pilot.mde * abs(r.value_a)
        size = f"a {share_text(pilot.mde)} relative change ({effect_text(kpi, delta, d)}{pts})"
        if -delta < r.diff_low and r.diff_high < delta:
            return (
                f"No clear difference: {diff}. The interval rules out {size} either way, so "
                "any real effect is likely smaller than that."
            )
        return (
            f"No clear difference: {diff}. The interval still allows {size}, so an effect "
            "of that size is not ruled out; more data would narrow it."
        )
    return f"No clear difference: {diff}."


def _round_up(n: float) -> int:
    """Round a count up to two significant figures (~12,000 rather than 11,873)."""
    if n <= 100:
        return math.ceil(n)
    mag = 10 ** (math.floor(math.log10(n)) - 1)
    return int(math.ceil(n / mag) * mag)


def proportion_why(
    kpi: KPI, unit_name: str, units: int, phi: float, df: float, variants: int
) -> str:
    trials = PROPORTIONS[kpi.name][1].replace("_", " ")
    one = {"posts": "post", "ads": "ad", "ad-days": "ad-day"}[unit_name]
    head = (
        f"{kpi.label} is a proportion of {trials}, so the counts are summed per variant and "
        "compared with a two-proportion z-test (Wald: the interval for the difference is the "
        "one the test inverts; Fieller's interval for the lift). "
    )
    if df <= 0 and units > variants:  # stats.dispersion: a variant's rate is 0 or 1
        return head + (
            f"A variant's rate is 0 % or 100 %, so the spread between {unit_name} cannot be "
            f"measured around it, and every {trials[:-1]} is treated as an independent trial: "
            "the interval may be too narrow."
        )
    if df <= 0:
        return head + (
            f"With one {one} per variant the spread between {unit_name} cannot be estimated, so "
            f"every {trials[:-1]} is treated as an independent trial: the interval may be too "
            "narrow."
        )
    if phi > 1:
        return head + (
            f"{trials.capitalize()} of one {one} are not independent trials: the {units} "
            f"{unit_name} vary {phi:.1f} times as much as binomial chance allows, so the "
            f"variance is scaled by that dispersion (quasi-binomial, t with {df:g} degrees of "
            "freedom)."
        )
    return head + (
        f"The {units} {unit_name} vary no more than binomial chance allows (dispersion "
        f"{phi:.2f}), so no extra spread is added."
    )


def analysed_text(kpi: KPI, unit_name: str, per_variant: list[int], pilot: Pilot) -> str:
    counts = ", ".join(f"{n:,} in {lab}" for n, lab in zip(per_variant, pilot.labels, strict=True))
    total = sum(per_variant)
    if kpi.name in PROPORTIONS:
        summed = f"{PROPORTIONS[kpi.name][0].replace('_', ' ')} and " + (
            f"{PROPORTIONS[kpi.name][1].replace('_', ' ')} summed per variant; "
        )
    else:
        summed = ""
    if unit_name == "posts":
        return f"Analysed per post: {summed}n = {total:,} posts ({counts})."
    if unit_name == "ads":
        return (
            f"Analysed per ad: {summed}n = {total:,} ads ({counts}); the ad is what varied, so "
            "the days of one ad are not counted as separate samples."
        )
    return (
        f"Analysed per ad-day: {summed}n = {total:,} ad-days ({counts}). A variant has fewer "
        "than two ads, so the days of each ad are the samples: the result describes these ads "
        "in this period, and days of one ad are not independent, so treat the interval as "
        "approximate."
    )


def design_text(pilot: Pilot) -> str:
    if pilot.table == "posts":
        return (
            "Observational comparison: posts were not assigned to the variants at random, so a "
            "difference may come from topic, timing or audience as well as from the variant."
        )
    return (
        "Ads are compared as the platform delivered them: unless they ran as a platform A/B "
        "test (split test), each reached different people, so a difference is not proof "
        "that the ad caused it."
    )
