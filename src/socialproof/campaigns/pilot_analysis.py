"""Pilot analysis: assemble each variant's data and run the test the metric calls for.

See :mod:`socialproof.campaigns.pilots` for what a pilot is. The unit of
analysis is what varied: posts, ads (when every variant has at least two), or
else ad-days. Proportions (:data:`~socialproof.campaigns.pilots.PROPORTIONS`)
are summed per variant and compared with a two-proportion z-test whose variance
is scaled by the spread between units (quasi-binomial); every other KPI is
computed per unit and compared with Welch's t-test or a seeded percentile
bootstrap. Each variant is compared with A; with more than two variants p-values
are Holm-adjusted and each interval is at the level Holm's step used for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from socialproof.campaigns import stats
from socialproof.campaigns.pilot_model import (
    AD_KEY,
    ALIASES,
    BASE_COLUMN,
    PROPORTIONS,
    UNIT_KEY,
    UNIT_NAME,
    Pilot,
    Term,
    effect_text,
    find,
    level_text,
    metric_name,
    p_text,
    parse_filter,
    read_pilots,
    share_text,
    terms_mask,
)
from socialproof.errors import BadInput, NoData, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    import ibis
    import ibis.expr.types as ir

    from socialproof.metrics.registry import KPI, Ratio
    from socialproof.workspace.core import Workspace


@dataclass(frozen=True)
class VariantData:
    label: str
    filter: str
    rows: int  # posts or ad rows matched in the period
    n: float  # trials (proportions) or usable units (per-post)
    value: float | None  # the metric for the variant as a whole
    successes: float | None = None
    left_out: int = 0  # rows without the metric's inputs
    allocation: float = 0.0  # what the SRM check counts
    # units left out because the ratio's denominator summed to 0 while its numerator did
    # not (an ad that spent without a result): how many, and their numerator's total
    no_base: int = 0
    no_base_numerator: float = 0.0


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


def _period_rows(t: ir.Table, pilot: Pilot, timezone: str) -> ir.Table:
    """Rows touching the period, with ``_in`` true for those wholly inside it.

    Posts are inside or out (published on a local day); ad rows may report a range
    that crosses the period's edges: those are counted and left out.
    """
    import ibis
    import ibis.expr.datatypes as dt

    from socialproof.metrics.ops import local_time

    if pilot.table == "posts":
        day = local_time(t.published_at, timezone).cast(dt.date)
        inside = t.filter(day >= pilot.date_from, day <= pilot.date_to)
        return inside.mutate(_in=ibis.literal(True))
    touching = t.filter(t.date_start <= pilot.date_to, t.date_stop >= pilot.date_from)
    return touching.mutate(
        _in=(touching.date_start >= pilot.date_from) & (touching.date_stop <= pilot.date_to)
    )


def _resolve_kpi(pilot: Pilot, coverage: dict[str, int]) -> KPI:
    from socialproof.metrics import registry

    names = ALIASES.get(pilot.metric, (pilot.metric,))
    fitting = [n for n in names if registry.get(n).applies_to(pilot.table)]
    if len(fitting) > 1:
        fitting.sort(key=lambda n: -coverage.get(BASE_COLUMN.get(n, ""), 0))
    return registry.get(fitting[0], table=pilot.table)


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
        t = _period_rows(base, pilot, tz)
        # Each variant's filter becomes a column once: smaller expressions compile faster.
        t = t.mutate(**{f"_m{i}": terms_mask(t, terms) for i, terms in enumerate(parsed)})
        masks = [t[f"_m{i}"] for i in range(len(parsed))]
        counts = _check_variants(base, t, masks, pilot, _day(t, pilot, tz))
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
        kpi = _resolve_kpi(pilot, coverage)
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
        _check_money(con, t, kpi, pilot)
        samples: list[list[float]] = []
        groups: list[tuple[list[float], list[float]]] = []
        if kpi.name in PROPORTIONS:
            data, groups, unit_name = _proportion_data(t, kpi, pilot)
            per_variant = [len(g[0]) for g in groups]
        else:
            data, samples, unit_name = _per_unit_data(t, kpi, pilot)
            per_variant = [len(x) for x in samples]
            if kpi.ratio is not None:
                notes.append(_pooled_note(t, kpi, kpi.ratio, pilot, unit_name))
        delivery = _delivery_shares(t, pilot)
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
    srm_why = _srm_why(pilot, variants, delivery)
    srm = None if srm_why else stats.srm_check([v.allocation for v in variants], pilot.split)
    m = len(variants) - 1
    alpha = 1 - pilot.confidence
    phi, phi_df = 1.0, 0.0
    run: Callable[[int, float], stats.Comparison]
    if kpi.name in PROPORTIONS:
        phi, phi_df = stats.dispersion(groups)
        test = "two-proportion z-test"
        why = _proportion_why(
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
                _verdict(pilot.display(i + 1), kpi, r, p_adj, sig, need, unit, pilot),
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
    today = _today(tz)
    if pilot.date_to >= today:
        last = _last_day(counts.get("last_day"))
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
            f"Warning: sample-ratio mismatch ({_p(srm.p_value)}): the variants did not get "
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
        _analysed_text(kpi, unit_name, per_variant, pilot),
        _design_text(pilot),
        phi if phi_df > 0 else 1.0,
        srm_why,
    )


def _delivery_shares(t: ir.Table, pilot: Pilot) -> dict[str, list[float]]:
    """Each variant's share of the spend and of the impressions of an ad pilot given a
    planned split ({} otherwise, or for a column with no total)."""
    from socialproof.workspace import engine

    if pilot.table != "ad_stats" or pilot.split is None:
        return {}
    cols = [c for c in ("spend", "impressions") if c in t.columns]
    df = engine.execute(
        t.group_by("_variant").aggregate(**{c: t[c].fill_null(0).sum() for c in cols})
    )
    out: dict[str, list[float]] = {}
    for c in cols:
        sums = {int(r["_variant"]): float(r[c] or 0) for _, r in df.iterrows()}
        total = sum(sums.values())
        if total > 0:
            out[c] = [sums.get(i, 0.0) / total for i in range(len(pilot.variants))]
    return out


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
        + ", ".join(f"{pilot.display(i + 1)} against A {_p(p, alpha)}" for i, p in enumerate(exact))
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
        verdict = _verdict(
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


def _srm_why(
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


def _day(t: ir.Table, pilot: Pilot, timezone: str) -> ir.Value:
    """The day a row counts for: a post's local day of publishing, an ad row's last day."""
    import ibis.expr.datatypes as dt

    from socialproof.metrics.ops import local_time

    if pilot.table == "posts":
        return local_time(t.published_at, timezone).cast(dt.date)
    return t.date_stop


def _check_variants(
    base: ir.Table,
    t: ir.Table,
    masks: list[ir.BooleanValue],
    pilot: Pilot,
    day: ir.Value,
) -> dict[str, Any]:
    """Rows in the period, per variant, overlaps, the last day with data; errors for the
    bad cases."""
    import ibis

    from socialproof.workspace import engine

    inside = t._in
    hits = sum((m.ifelse(1, 0) for m in masks), ibis.literal(0))
    aggs: dict[str, Any] = {
        "total": inside.ifelse(1, 0).sum(),
        "overlap": (inside & (hits >= 2)).ifelse(1, 0).sum(),
        "straddling": (~inside & (hits >= 1)).ifelse(1, 0).sum(),
        "last_day": (inside & (hits >= 1)).ifelse(day, None).max(),
    }
    for i, mk in enumerate(masks):
        aggs[f"n{i}"] = (inside & mk).ifelse(1, 0).sum()
    for c in ("reach", "impressions", "views", "followers"):
        if c in t.columns:
            aggs[f"cov_{c}"] = (inside & (t[c] > 0)).ifelse(1, 0).sum()
    row = engine.execute(t.aggregate(**aggs)).iloc[0].to_dict()
    counts = {
        str(k): (0 if v is None or (isinstance(v, float) and math.isnan(v)) else v)
        for k, v in row.items()
    }
    what = "posts" if pilot.table == "posts" else "ad rows"
    if int(counts["total"]) == 0:
        span = _span(base, pilot)
        if not span:
            raise NoData(
                f"The workspace has no {pilot.table} yet.",
                hint="Import an export first: socialproof import FILE.",
            )
        raise NoData(
            f"No {what} between {pilot.date_from} and {pilot.date_to}.",
            hint=f"The {pilot.table} table covers {span}. Pick a period inside it."
            if span
            else "Import data for the period first.",
        )
    if int(counts["overlap"]) > 0:
        key = "post_id" if pilot.table == "posts" else "ad"
        example = engine.execute(t.filter(inside & (hits >= 2)).select(key).limit(1)).iloc[0, 0]
        raise BadInput(
            f"The variants overlap: {int(counts['overlap']):,} {what} match more than one "
            f"variant (e.g. {key} {str(example)!r}).",
            hint="Make the filters exclusive, e.g. add 'format=reel' to one and "
            "'format=carousel' to the other.",
        )
    for i, (lab, f) in enumerate(zip(pilot.labels, pilot.variants, strict=True)):
        if int(counts[f"n{i}"]) == 0:
            raise BadInput(
                f"Variant {lab} ({f}) matches no {what} between {pilot.date_from} and "
                f"{pilot.date_to}.",
                hint=_seen_values(t.filter(inside), parse_filter(f, pilot.table)),
            )
    return counts


def _today(timezone: str) -> date:
    """Today in the workspace's timezone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(timezone)).date()


def _last_day(last: Any) -> date | None:
    import pandas as pd

    if last is None or isinstance(last, int | float) or pd.isna(last):
        return None  # no row (the counts read a missing value as 0)
    return pd.Timestamp(last).date()


def _seen_values(t: ir.Table, terms: tuple[Term, ...]) -> str:
    from socialproof.workspace import engine

    col = terms[0].column
    if col in ("labels", "post_id", "text", "title", "permalink"):
        return "Check the filter's spelling and the period."
    top = engine.execute(t.group_by(col).aggregate(n=t.count()).order_by(t.count().desc()).limit(8))
    values = [str(v) for v in top[col].tolist() if v is not None and str(v) != "nan"]
    return f"Values of {col} in the period: {', '.join(values) or 'none'}."


def _span(base: ir.Table, pilot: Pilot) -> str:
    from socialproof.workspace import engine

    col = base.published_at if pilot.table == "posts" else base.date_start
    row = engine.execute(base.aggregate(lo=col.min(), hi=col.max())).iloc[0]
    if row["lo"] is None or str(row["lo"]) in ("NaT", "None"):
        return ""
    return f"{str(row['lo'])[:10]} to {str(row['hi'])[:10]}"


def _check_money(con: ibis.BaseBackend, t: ir.Table, kpi: KPI, pilot: Pilot) -> None:
    """Currency KPIs need one currency and no negative spend."""
    from socialproof.workspace import engine

    reads_spend = "spend" in kpi.formula_text
    if pilot.table != "ad_stats" or not (kpi.unit == "currency" or reads_spend):
        return
    df = engine.execute(
        t.group_by("_variant").aggregate(
            currencies=t.currency.fill_null("").nunique(),
            currency=t.currency.fill_null("").max(),
            negative=(t.spend < 0).ifelse(1, 0).sum(),
        )
    )
    if int(df["negative"].fillna(0).sum()):
        raise BadInput(
            f"{int(df['negative'].sum()):,} ad rows in the pilot have negative spend.",
            hint="Re-export the ads report; refunds and credits do not belong in delivery rows.",
        )
    currencies = set(df["currency"]) if (df["currencies"] <= 1).all() else {"", "*"}
    if len(currencies) > 1:
        raise BadInput(
            f"The pilot's ads are in more than one currency, so {metric_name(kpi)} cannot be "
            "compared.",
            hint="Add currency=XXX to each variant's filter (or convert the export with a rate "
            "you choose before importing).",
        )


def _per_ad(df: Any, pilot: Pilot) -> bool:
    """Ads are the unit when every variant has at least two (``df`` has the ad key)."""
    if pilot.table != "ad_stats":
        return False
    ads = df.drop_duplicates(["_variant", *AD_KEY]).groupby("_variant").size()
    return len(ads) == len(pilot.variants) and int(ads.min()) >= 2


def _proportion_data(
    t: ir.Table, kpi: KPI, pilot: Pilot
) -> tuple[list[tuple[VariantData, str]], list[tuple[list[float], list[float]]], str]:
    """Variant totals and per-unit counts from ONE query at the finest unit (post, ad-day).

    Returns the variants, per variant the successes and trials of each unit of
    analysis (ads when every variant has two or more, else ad-days; posts), and the
    unit's name.
    """
    import ibis

    from socialproof.workspace import engine

    num, den = PROPORTIONS[kpi.name]
    both = t[num].notnull() & t[den].notnull()
    ads = pilot.table == "ad_stats"
    aggs: dict[str, Any] = {
        "rows": t.count(),
        "successes": both.ifelse(t[num], 0).sum(),
        "trials": both.ifelse(t[den], 0).sum(),
        "left_out": (~both).ifelse(1, 0).sum(),
        "negative": ((t[num] < 0) | (t[den] < 0)).ifelse(1, 0).sum(),
        "reach": t.reach.sum() if ads else ibis.literal(0),
        "reach_missing": t.reach.isnull().ifelse(1, 0).sum() if ads else ibis.literal(0),
    }
    key = list(UNIT_KEY[pilot.table])
    df = engine.execute(t.group_by(["_variant", *key]).aggregate(**aggs))
    for c in ("rows", "successes", "trials", "left_out", "negative", "reach", "reach_missing"):
        df[c] = df[c].fillna(0).astype(float)
    if int(df["negative"].sum()):
        raise BadInput(
            f"{int(df['negative'].sum()):,} rows in the pilot have negative {num} or {den}.",
            hint="Check the export; counts cannot be negative.",
        )
    use_reach = ads and int(df["reach_missing"].sum()) == 0
    basis = "reach (summed over rows)" if use_reach else den.replace("_", " ")
    if pilot.table == "posts":
        basis = "posts"
    per_ad = _per_ad(df, pilot)
    unit_name = "ads" if per_ad else UNIT_NAME[pilot.table]
    units = (
        df.groupby(["_variant", *AD_KEY], as_index=False)[["successes", "trials"]].sum()
        if per_ad
        else df
    )
    out = []
    groups: list[tuple[list[float], list[float]]] = []
    cols = ["rows", "successes", "trials", "left_out", "reach"]
    totals: dict[Any, Any] = df.groupby("_variant")[cols].sum().to_dict("index")
    for i, (lab, f) in enumerate(zip(pilot.labels, pilot.variants, strict=True)):
        r = totals.get(i, dict.fromkeys(cols, 0.0))
        rows, trials, succ = int(r["rows"]), float(r["trials"]), float(r["successes"])
        left = int(r["left_out"])
        if pilot.table == "posts":
            alloc = float(rows)
        else:
            alloc = float(r["reach"]) if use_reach else trials
        out.append(
            (
                VariantData(
                    lab, f, rows, trials, succ / trials if trials else None, succ, left, alloc
                ),
                basis,
            )
        )
        mine = units[(units["_variant"] == i) & (units["trials"] > 0)]
        groups.append(([float(v) for v in mine["successes"]], [float(v) for v in mine["trials"]]))
    return out, groups, unit_name


def _per_unit_data(
    t: ir.Table, kpi: KPI, pilot: Pilot
) -> tuple[list[tuple[VariantData, str]], list[list[float]], str]:
    """The KPI per unit of analysis, per variant: posts; ads when every variant has two or
    more (each ad's KPI over all its days); else ad-days."""
    from socialproof.metrics import registry
    from socialproof.workspace import engine

    key = list(UNIT_KEY[pilot.table])
    per_unit = registry.compute(t, [kpi], table=pilot.table, by=["_variant", *key])
    df = engine.execute(per_unit.select("_variant", *key, kpi.name))
    unit_name = UNIT_NAME[pilot.table]
    if _per_ad(df, pilot):
        unit_name = "ads"
        key = list(AD_KEY)
        per_ad = registry.compute(t, [kpi], table=pilot.table, by=["_variant", *AD_KEY])
        df = engine.execute(per_ad.select("_variant", kpi.name))
    no_base = _no_base_units(t, kpi, key)
    out, samples = [], []
    for i, (lab, f) in enumerate(zip(pilot.labels, pilot.variants, strict=True)):
        values = df.loc[df["_variant"] == i, kpi.name]
        rows = int(len(values))
        clean = [float(v) for v in values.dropna().tolist() if not math.isinf(float(v))]
        value = sum(clean) / len(clean) if clean else None  # the mean the test compares
        zero, spent = no_base.get(i, (0, 0.0))
        out.append(
            (
                VariantData(
                    lab,
                    f,
                    rows,
                    float(len(clean)),
                    value,
                    None,
                    rows - len(clean) - zero,
                    float(rows),
                    zero,
                    spent,
                ),
                unit_name,
            )
        )
        samples.append(clean)
        if len(clean) < 2:
            raise BadInput(
                f"Variant {lab} ({f}) has {len(clean)} {unit_name} with "
                f"{metric_name(kpi)}; a comparison needs at least 2.",
                hint="Widen the period or the filter.",
            )
    return out, samples, unit_name


def _pooled_note(t: ir.Table, kpi: KPI, ratio: Ratio, pilot: Pilot, unit_name: str) -> str:
    """The variants' own figure (a ratio of sums) beside the means per unit the test compares.

    A mean of per-ad CPCs weighs a small ad like a large one, so it differs from the CPC
    of the variant's ads taken together, the figure a campaign report or Ads Manager gives.
    """
    from socialproof.metrics import registry
    from socialproof.workspace import engine

    df = engine.execute(registry.compute(t, [kpi], table=pilot.table, by=["_variant"]))
    pooled = {int(r["_variant"]): r[kpi.name] for _, r in df.iterrows()}
    one = {"posts": "post", "ads": "ad", "ad-days": "ad-day"}.get(unit_name, unit_name)
    figures = ", ".join(
        f"{pilot.display(i)} "
        + (
            "—"
            if pooled.get(i) is None or pooled[i] != pooled[i]
            else level_text(kpi, pooled[i], 2)
        )
        for i in range(len(pilot.variants))
    )
    return (
        f"The test compares the mean {metric_name(kpi)} per {one}, every {one} weighing the "
        f"same. Over all their {ratio.numerator_label.replace('_', ' ')} and "
        f"{ratio.denominator_label.replace('_', ' ')} the variants' own "
        f"{metric_name(kpi)} ({kpi.formula_text}), as a campaign report gives it: {figures}."
    )


def _no_base_units(t: ir.Table, kpi: KPI, key: list[str]) -> dict[int, tuple[int, float]]:
    """Per variant: units whose ratio has a numerator but a denominator of 0, and that total.

    Such a unit (an ad that spent 200 without a result) has no per-unit value, so the
    per-unit test leaves it out; the report must say so, since leaving it out makes the
    variant look better than its totals.
    """
    from socialproof.workspace import engine

    if kpi.ratio is None:
        return {}
    num, den, both = kpi.ratio.parts(t)
    per = t.group_by(["_variant", *key]).aggregate(
        _num=both.ifelse(num, None).sum(), _den=both.ifelse(den, None).sum()
    )
    hit = per.filter((per._den == 0) & (per._num > 0))
    df = engine.execute(hit.group_by("_variant").aggregate(n=hit.count(), total=hit._num.sum()))
    return {int(r["_variant"]): (int(r["n"]), float(r["total"])) for _, r in df.iterrows()}


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


# -- words --------------------------------------------------------------------------------


def _p(p: float, alpha: float | None = None) -> str:
    """``p < 0.001`` or ``p = 0.042`` (``p = 0.0499`` below an alpha of 0.05)."""
    text = p_text(p, alpha)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def _decimals(width: float) -> int:
    if width <= 0 or math.isnan(width) or math.isinf(width):
        return 2
    return max(0, min(6, 1 - math.floor(math.log10(width))))


def _verdict(
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
    shown_p = _p(p_adj, 1 - pilot.confidence)  # never '0.050' for a p below 0.05
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


def result_rows(res: PilotResult) -> list[dict[str, Any]]:
    """One row per variant (A first) for tables and machine formats."""
    rows: list[dict[str, Any]] = []
    by_label = {c.label: c for c in res.comparisons}
    for v in res.variants:
        c = by_label.get(v.label)
        row: dict[str, Any] = {
            "variant": v.label,
            "filter": v.filter,
            res.unit: v.n,
            **({"successes": v.successes} if res.method == "proportion" else {}),
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


def _proportion_why(
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


def _analysed_text(kpi: KPI, unit_name: str, per_variant: list[int], pilot: Pilot) -> str:
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


def _design_text(pilot: Pilot) -> str:
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
