"""Pilot analysis: assemble each variant's data and run the test the metric calls for.

See :mod:`socialproof.campaigns.pilots` for what a pilot is. The unit of
analysis is what varied: posts, ads (when every variant has at least two), or
else ad-days. Proportions (:data:`~socialproof.campaigns.pilots.PROPORTIONS`)
are summed per variant and compared with a two-proportion z-test whose variance
is scaled by the spread between units (quasi-binomial); every other KPI is
computed per unit and compared with Welch's t-test or a seeded percentile
bootstrap. Each variant is compared with A; with more than two variants p-values
are Holm-adjusted and each interval is at the level Holm's step used for it.

Each variant's data comes from :mod:`~socialproof.campaigns.pilot_data`; the
verdicts and explanations are worded by :mod:`~socialproof.campaigns.pilot_wording`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from socialproof.campaigns import stats
from socialproof.campaigns.pilot_data import (
    VariantData,
    check_money,
    check_variants,
    delivery_shares,
    last_day,
    local_today,
    per_unit_data,
    period_rows,
    pooled_note,
    proportion_data,
    resolve_kpi,
    row_day,
)
from socialproof.campaigns.pilot_model import (
    ALIASES,
    PROPORTIONS,
    UNIT_NAME,
    Pilot,
    find,
    metric_name,
    parse_filter,
    read_pilots,
    share_text,
    terms_mask,
)
from socialproof.campaigns.pilot_wording import (
    analysed_text,
    design_text,
    p_phrase,
    proportion_why,
    srm_why_text,
    verdict_text,
)
from socialproof.errors import BadInput, NoData, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from socialproof.metrics.registry import KPI
    from socialproof.workspace.core import Workspace


@dataclass(frozen=True)
class VariantComparison:
    label: str
    result: stats.Comparison
    p_adjusted: float
    significant: bool
    needed_per_variant: int | None  # to detect the pilot's MDE at A's level
    verdict: str
    # Fisher's exact p (Holm-adjusted like p_adjusted) where counts are too small for the
    # z-test; ``significant`` then follows the test named in ``decided_by``
    p_exact: float | None = None
    decided_by: str = ""


@dataclass(frozen=True)
class PilotResult:
    pilot: Pilot
    kpi: KPI
    method: Literal["proportion", "per-unit"]
    test: str
    why: str
    unit: str  # what n counts: impressions, posts, ad-days
    variants: list[VariantData]
    comparisons: list[VariantComparison]
    srm: stats.SRMResult | None  # None: the check does not apply (see srm_why)
    srm_basis: str
    correction: str
    verdict: str
    notes: list[str] = field(default_factory=list)
    samples: list[list[float]] = field(default_factory=list)  # per-unit values, per variant
    analysed: str = ""  # the unit of analysis in words: "Analysed per ad: n = 6 ads (...)"
    design: str = ""  # what the comparison can and cannot show (observational, delivery)
    dispersion: float = 1.0  # quasi-binomial scale of proportions (1: binomial)
    srm_why: str = ""  # why the sample-ratio check does not apply ("" when it ran)

    @property
    def is_percent(self) -> bool:
        return self.kpi.unit == "percent"


def analyse(ws: Workspace, name: str | Pilot, *, seed: int = 0) -> PilotResult:
    """Run the pilot's comparison on the workspace data (see the module doc)."""
    import ibis

    from socialproof.metrics import views
    from socialproof.workspace import engine

    tz = ws.settings.timezone
    with ws.ibis() as con:  # one connection for the whole report
        pilot = name if isinstance(name, Pilot) else find(read_pilots(con), name)
        parsed = [parse_filter(f, pilot.table) for f in pilot.variants]
        if pilot.table not in con.list_tables():
            raise NoData(
                f"The workspace has no {pilot.table} yet.",
                hint="Import an export first: socialproof import FILE.",
            )
        # Ads: raw rows of the period first; double-counted rows (ranges next to daily
        # rows, breakdowns, campaign totals) are tidied among the pilot's own rows below.
        # Posts: the reporting view (followers filled from the daily series) only when the
        # metric is by followers; its join costs time on every query.
        by_followers = pilot.metric == "engagement_rate_followers"
        base = (
            views.view(con, "posts", timezone=tz)
            if by_followers
            else engine.table(con, pilot.table)
        )
        t = period_rows(base, pilot, tz)
        # Each variant's filter becomes a column once: smaller expressions compile faster.
        t = t.mutate(**{f"_m{i}": terms_mask(t, terms) for i, terms in enumerate(parsed)})
        masks = [t[f"_m{i}"] for i in range(len(parsed))]
        counts = check_variants(base, t, masks, pilot, row_day(t, pilot, tz))
        t = t.filter(t._in & ibis.or_(*masks))
        if pilot.table == "ad_stats":
            t = views.tidy_ads(t, days=True)  # samples are ad-days
        variant = ibis.cases(*[(t[f"_m{i}"], i) for i in range(len(parsed))], else_=None)
        t = t.mutate(_variant=variant)
        coverage = {
            c: int(counts[f"cov_{c}"])
            for c in ("reach", "impressions", "views", "followers")
            if f"cov_{c}" in counts
        }
        kpi = resolve_kpi(pilot, coverage)
        notes: list[str] = []
        if pilot.table == "ad_stats":
            partial = int(counts["straddling"])
            if partial:
                notes.append(
                    f"{partial:,} ad rows of these variants cover days both inside and outside "
                    "the period and were left out; export daily rows to include them."
                )
        if len(ALIASES.get(pilot.metric, ())) > 1:
            notes.append(
                f"'{pilot.metric}' is measured as {metric_name(kpi)}: the base with "
                "the most data in these posts."
            )
        check_money(con, t, kpi, pilot)
        samples: list[list[float]] = []
        groups: list[tuple[list[float], list[float]]] = []
        if kpi.name in PROPORTIONS:
            data, groups, unit_name = proportion_data(t, kpi, pilot)
            per_variant = [len(g[0]) for g in groups]
        else:
            data, samples, unit_name = per_unit_data(t, kpi, pilot)
            per_variant = [len(x) for x in samples]
            if kpi.ratio is not None:
                notes.append(pooled_note(t, kpi, kpi.ratio, pilot, unit_name))
        delivery = delivery_shares(t, pilot)
    srm_basis = "posts" if pilot.table == "posts" else data[0][1]
    variants = [d[0] for d in data]
    left_unit = UNIT_NAME[pilot.table] if kpi.name in PROPORTIONS else unit_name
    for v in variants:
        if v.left_out:
            notes.append(
                f"{v.left_out:,} {left_unit} in {v.label} lack the inputs "
                f"of {metric_name(kpi)} and were left out."
            )
        if v.no_base and kpi.ratio is not None:
            cheaper = " and looks cheaper than its totals say" if kpi.unit == "currency" else ""
            amount = v.no_base_numerator
            shown = f"{amount:,.2f}" if kpi.unit == "currency" or amount % 1 else f"{amount:,.0f}"
            notes.append(
                f"{v.no_base:,} {left_unit} in {v.label} had {kpi.ratio.numerator_label} "
                f"({shown} in all) but no {kpi.ratio.denominator_label}, "
                f"so {metric_name(kpi)} has no value for them and they were left out: "
                f"{v.label}'s figure leaves that {kpi.ratio.numerator_label} aside{cheaper}."
            )
        if v.n == 0 or v.value is None:
            raise BadInput(
                f"Variant {v.label} ({v.filter}) has {v.rows:,} rows but none with the inputs of "
                f"{metric_name(kpi)} ({kpi.formula_text}).",
                hint="Choose a metric this data carries (socialproof metrics lists them).",
            )
    srm_why = srm_why_text(pilot, variants, delivery)
    srm = None if srm_why else stats.srm_check([v.allocation for v in variants], pilot.split)
    m = len(variants) - 1
    alpha = 1 - pilot.confidence
    phi, phi_df = 1.0, 0.0
    run: Callable[[int, float], stats.Comparison]
    if kpi.name in PROPORTIONS:
        phi, phi_df = stats.dispersion(groups)
        test = "two-proportion z-test"
        why = proportion_why(
            kpi, unit_name, sum(len(g[0]) for g in groups), phi, phi_df, len(groups)
        )

        def run(i: int, level: float) -> stats.Comparison:
            return stats.two_proportion_test(
                variants[0].successes or 0,
                variants[0].n,
                variants[i].successes or 0,
                variants[i].n,
                confidence=level,
                phi=phi,
                phi_df=phi_df,
            )

    else:
        forced = {"welch": "Welch t-test", "bootstrap": "bootstrap"}.get(pilot.test)
        chosen, why = stats.choose_mean_test(*samples, unit=unit_name)
        if forced is not None and forced != chosen:
            why = f"The pilot asks for the {forced} (chosen when it was created); " + why
            chosen = forced  # type: ignore[assignment]
        test = chosen
        unit_word = {"posts": "post", "ads": "ad", "ad-days": "ad per day"}[unit_name]
        why = f"{kpi.label} is computed per {unit_word} ({kpi.formula_text}). " + why
        mean_test = stats.welch_test if test == "Welch t-test" else None

        def run(i: int, level: float) -> stats.Comparison:
            if mean_test is not None:
                return mean_test(samples[0], samples[i], confidence=level)
            return stats.bootstrap_test(samples[0], samples[i], confidence=level, seed=seed + i - 1)

    # p-values do not depend on the level; each interval is then drawn at the level of
    # Holm's step for its comparison, so it leaves out zero exactly when p (Holm) < alpha.
    first = [run(i, pilot.confidence) for i in range(1, len(variants))]
    adjusted = stats.adjust_pvalues([r.p_value for r in first], method="holm")
    levels = stats.holm_levels([r.p_value for r in first], alpha) if m > 1 else [pilot.confidence]
    raw = [
        r if level == r.confidence else run(i + 1, level)
        for i, (r, level) in enumerate(zip(first, levels, strict=True))
    ]
    correction = (
        "One comparison (B against A): no correction needed."
        if m == 1
        else f"{m} comparisons against A: p-values adjusted with Holm's step-down method. Each "
        "interval is at the confidence level of Holm's step for its comparison ("
        + ", ".join(f"{pilot.display(i + 1)} {share_text(level)}" for i, level in enumerate(levels))
        + f"), so an interval leaves out zero exactly when its adjusted p is below {alpha:.2g}."
    )
    if any(r.adjusted for r in raw):
        notes.append(
            "A variant's rate is 0 % or 100 %, where the Wald interval has no width and the "
            "test would claim certainty, so the interval and the test add one success and one "
            "failure to each variant (Agresti-Caffo); the rates shown are the observed ones."
        )
    flat = [pilot.display(i + 1) for i, r in enumerate(raw) if r.degenerate]
    if flat:
        notes.append(
            f"{', '.join(flat)} against A: every value within each variant is the same, so "
            "the test has no measure of chance (its t would be infinite) and the difference "
            "is not taken as evidence (p = 1). Run the pilot longer, or widen its filter, "
            "until the values vary."
        )
    unit = PROPORTIONS[kpi.name][1].replace("_", " ") if kpi.name in PROPORTIONS else unit_name
    comparisons = []
    for i, (v, r, p_adj) in enumerate(zip(variants[1:], raw, adjusted, strict=True)):
        need = _needed(
            kpi, r, pilot, len(variants), samples if kpi.name not in PROPORTIONS else None, phi
        )
        sig = p_adj < alpha
        comparisons.append(
            VariantComparison(
                v.label,
                r,
                p_adj,
                sig,
                need,
                verdict_text(pilot.display(i + 1), kpi, r, p_adj, sig, need, unit, pilot),
                decided_by=test,
            )
        )
    if kpi.name in PROPORTIONS:
        scaled = phi > 1 and phi_df > 0
        comparisons = _exact_check(comparisons, variants, pilot, kpi, alpha, notes, scaled)
    unbounded = [
        pilot.display(i + 1)
        for i, c in enumerate(comparisons)
        if c.result.lift is not None and c.result.lift_low is None and not c.result.degenerate
    ]
    if unbounded:
        # Fieller's set is unbounded when A's own figure cannot be told from 0: a lift of
        # +1,300 % shown bare read as measured, where any size is as consistent with the data.
        notes.append(
            f"The relative lift of {', '.join(unbounded)} against A has no bounded interval: "
            f"{pilot.display(0)}'s {metric_name(kpi)} cannot be told from 0 at this level, so "
            "the data are consistent with almost any lift; read the difference instead."
        )
    overall = " ".join(c.verdict for c in comparisons)
    today = local_today(tz)
    if pilot.date_to >= today:
        last = last_day(counts.get("last_day"))
        seen = f"data to {last}" if last is not None else "no data yet"
        notes.append(
            f"The pilot runs to {pilot.date_to} and today is {today} ({seen}): this is an "
            "interim look. Its p-values hold for one look at a fixed sample; looking again as "
            f"data arrives and stopping at the first p below {alpha:.2g} finds differences "
            "that are not there far more often than that (peeking). Decide once the period "
            "is over and its data is imported."
        )
        overall = f"Interim look ({seen}; the pilot runs to {pilot.date_to}): " + overall
    if srm is not None and srm.mismatch:
        overall = (
            f"Warning: sample-ratio mismatch ({p_phrase(srm.p_value)}): the variants did not get "
            "the planned share of " + srm_basis + ", so something other than the variant may "
            "differ between them; treat the result with caution. " + overall
        )
    return PilotResult(
        pilot,
        kpi,
        "proportion" if kpi.name in PROPORTIONS else "per-unit",
        test,
        why,
        unit,
        variants,
        comparisons,
        srm,
        srm_basis,
        correction,
        overall,
        notes,
        samples,
        analysed_text(kpi, unit_name, per_variant, pilot),
        design_text(pilot),
        phi if phi_df > 0 else 1.0,
        srm_why,
    )


#: The z-test's normal approximation wants at least this many successes and failures in
#: each variant (the textbook n p >= 5 and n (1 - p) >= 5).
MIN_EXPECTED_COUNT = 5


def _exact_check(
    comparisons: list[VariantComparison],
    variants: list[VariantData],
    pilot: Pilot,
    kpi: KPI,
    alpha: float,
    notes: list[str],
    scaled: bool = False,
) -> list[VariantComparison]:
    """Fisher's exact test where a variant has fewer than 5 successes or failures: the
    z-test's p is then too small (1 link click of 5,000 against 7: p = 0.034, Fisher's
    0.070). The exact test decides (``significant``, the verdict and the machine formats
    follow it and name it); where the z-test was scaled for the spread between units, which
    Fisher's test knows nothing of, a difference is significant only when both tests find
    it. A note gives the exact p-values, Holm-adjusted like the z-test's."""
    from scipy.stats import fisher_exact

    counts = [(v.successes or 0.0, v.n) for v in variants]
    if not all(float(x).is_integer() and float(n).is_integer() for x, n in counts):
        return comparisons
    small = [
        pilot.display(i) for i, (x, n) in enumerate(counts) if min(x, n - x) < MIN_EXPECTED_COUNT
    ]
    if not small:
        return comparisons
    x_a, n_a = (round(v) for v in counts[0])
    raw = [
        float(fisher_exact([[x_a, n_a - x_a], [round(x), round(n - x)]])[1]) for x, n in counts[1:]
    ]
    exact = stats.adjust_pvalues(raw, method="holm")
    what = PROPORTIONS[kpi.name][0].replace("_", " ")
    decider = (
        "Fisher's exact test and the z-test scaled for the spread between units"
        if scaled
        else "Fisher's exact test"
    )
    notes.append(
        f"{', '.join(small)} {'has' if len(small) == 1 else 'have'} fewer than "
        f"{MIN_EXPECTED_COUNT} {what} (or {MIN_EXPECTED_COUNT} {PROPORTIONS[kpi.name][1]} "
        "without one), where the z-test's normal approximation gives too small a p; Fisher's "
        "exact test gives "
        + ", ".join(
            f"{pilot.display(i + 1)} against A {p_phrase(p, alpha)}" for i, p in enumerate(exact)
        )
        + (" (Holm-adjusted)" if len(exact) > 1 else "")
        + (
            ", and the verdicts follow it."
            if not scaled
            else ". It knows nothing of the spread between units the z-test is scaled for, so "
            "a difference counts as significant only when both tests find it."
        )
    )
    unit = PROPORTIONS[kpi.name][1].replace("_", " ")
    out = []
    for i, (c, p) in enumerate(zip(comparisons, exact, strict=True)):
        sig = p < alpha and (c.significant or not scaled)
        # the p shown is the deciding test's: Fisher's, or with a scaled z-test the one
        # that finds no difference where the two disagree (the z-test's where they agree)
        by_fisher = not scaled or (c.significant and not p < alpha)
        verdict = verdict_text(
            pilot.display(i + 1),
            kpi,
            c.result,
            p if by_fisher else c.p_adjusted,
            sig,
            c.needed_per_variant,
            unit,
            pilot,
            exact="Fisher's exact test" if by_fisher else "",
            what=what,
        )
        out.append(replace(c, significant=sig, verdict=verdict, p_exact=p, decided_by=decider))
    return out


def _needed(
    kpi: KPI,
    r: stats.Comparison,
    pilot: Pilot,
    k: int,
    samples: list[list[float]] | None,
    phi: float = 1.0,
) -> int | None:
    """Units per variant to detect the pilot's MDE at A's level (None when undefined).

    For proportions the binomial figure is multiplied by the dispersion (the design
    effect of impressions that come in clusters).
    """
    try:
        if samples is None:
            if not 0 < r.value_a < 1:
                return None
            n = stats.sample_size_proportions(
                r.value_a, pilot.mde, variants=k, alpha=1 - pilot.confidence
            ).per_variant
            return math.ceil(n * max(1.0, phi))
        import numpy as np

        sds = [float(np.std(s, ddof=1)) for s in samples if len(s) > 1]
        sd = math.sqrt(sum(v * v for v in sds) / len(sds)) if sds else 0.0
        if r.value_a == 0 or sd == 0:
            return None
        return stats.sample_size_means(
            abs(r.value_a), pilot.mde, sd, variants=k, alpha=1 - pilot.confidence
        ).per_variant
    except UsageError:
        return None


def result_rows(res: PilotResult) -> list[dict[str, Any]]:
    """One row per variant (A first) for tables and machine formats."""
    rows: list[dict[str, Any]] = []
    by_label = {c.label: c for c in res.comparisons}
    for v in res.variants:
        c = by_label.get(v.label)
        row: dict[str, Any] = {
            "variant": v.label,
            "filter": v.filter,
            res.unit: _whole(v.n),
            **({"successes": _whole(v.successes)} if res.method == "proportion" else {}),
            res.kpi.name: v.value,
            "diff_vs_a": None,
            "ci_low": None,
            "ci_high": None,
            "ci_level": None,
            "lift": None,
            "p_value": None,
            "p_holm": None,
            "p_exact": None,
            "significant": None,
            "decided_by": None,
            "verdict": "control",
        }
        if c is not None:
            row.update(
                diff_vs_a=c.result.diff,
                ci_low=c.result.diff_low,
                ci_high=c.result.diff_high,
                ci_level=c.result.confidence,
                lift=c.result.lift,
                p_value=c.result.p_value,
                p_holm=c.p_adjusted,
                p_exact=c.p_exact,
                significant=c.significant,
                decided_by=c.decided_by,
                verdict=c.verdict,
            )
        rows.append(row)
    return rows


def _whole(count: float | None) -> float | int | None:
    """A count as a whole number where it is one (JSON's 28, CSV's 28, not 28.0)."""
    if isinstance(count, float) and count.is_integer():
        return int(count)
    return count
