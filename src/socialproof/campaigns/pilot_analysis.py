"""Pilot analysis: assemble each variant's data and run the test the metric calls for.

See :mod:`socialproof.campaigns.pilots` for what a pilot is. Proportions
(:data:`~socialproof.campaigns.pilots.PROPORTIONS`) are summed per variant and
compared with a two-proportion z-test; every other KPI is computed per post (or
per ad and day) and compared with Welch's t-test or a seeded bootstrap. Each
variant is compared with A; with more than two variants p-values are
Holm-adjusted and intervals Bonferroni-adjusted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from socialproof.campaigns import stats
from socialproof.campaigns.pilots import (
    _BASE_COLUMN,
    _UNIT_KEY,
    _UNIT_NAME,
    ALIASES,
    PROPORTIONS,
    Pilot,
    Term,
    _mask,
    effect_text,
    find,
    level_text,
    metric_name,
    parse_filter,
    read_pilots,
)
from socialproof.errors import BadInput, NoData, UsageError

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

    from socialproof.metrics.registry import KPI
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


@dataclass(frozen=True)
class VariantComparison:
    label: str
    result: stats.Comparison
    p_adjusted: float
    significant: bool
    needed_per_variant: int | None  # to detect the pilot's MDE at A's level
    verdict: str


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
    srm: stats.SRMResult
    srm_basis: str
    correction: str
    verdict: str
    notes: list[str] = field(default_factory=list)
    samples: list[list[float]] = field(default_factory=list)  # per-unit values, per variant

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

    from socialproof.metrics._ops import local_time

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
        fitting.sort(key=lambda n: -coverage.get(_BASE_COLUMN.get(n, ""), 0))
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
        t = t.mutate(**{f"_m{i}": _mask(t, terms) for i, terms in enumerate(parsed)})
        masks = [t[f"_m{i}"] for i in range(len(parsed))]
        counts = _check_variants(base, t, masks, pilot)
        t = t.filter(t._in & ibis.or_(*masks))
        if pilot.table == "ad_stats":
            t = views.tidy_ads(t)
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
        if kpi.name in PROPORTIONS:
            data = _proportion_data(t, kpi, pilot)
        else:
            data, samples = _per_unit_data(t, kpi, pilot)
    srm_basis = "posts" if pilot.table == "posts" else data[0][1]
    variants = [d[0] for d in data]
    for v in variants:
        if v.left_out:
            notes.append(
                f"{v.left_out:,} {_UNIT_NAME[pilot.table]} in {v.label} lack the inputs "
                f"of {metric_name(kpi)} and were left out."
            )
        if v.n == 0 or v.value is None:
            raise BadInput(
                f"Variant {v.label} ({v.filter}) has {v.rows:,} rows but none with the inputs of "
                f"{metric_name(kpi)} ({kpi.formula_text}).",
                hint="Choose a metric this data carries (socialproof metrics lists them).",
            )
    srm = stats.srm_check([v.allocation for v in variants], pilot.split)
    m = len(variants) - 1
    alpha = 1 - pilot.confidence
    conf_each = 1 - alpha / m
    if kpi.name in PROPORTIONS:
        test, why = (
            "two-proportion z-test",
            (
                f"{kpi.label} is a proportion of {PROPORTIONS[kpi.name][1].replace('_', ' ')}, so the "
                f"counts are summed per variant and compared with a two-proportion z-test "
                f"(pooled standard error; Wald interval for the difference, log interval for the "
                f"lift)."
            ),
        )
        raw = [
            stats.two_proportion_test(
                variants[0].successes or 0,
                variants[0].n,
                v.successes or 0,
                v.n,
                confidence=conf_each,
            )
            for v in variants[1:]
        ]
    else:
        forced = {"welch": "Welch t-test", "bootstrap": "bootstrap"}.get(pilot.test)
        chosen, why = stats.choose_mean_test(*samples)
        if forced is not None and forced != chosen:
            why = f"The pilot asks for the {forced} (chosen when it was created); " + why
            chosen = forced  # type: ignore[assignment]
        test = chosen
        unit_word = "post" if pilot.table == "posts" else "ad per day"
        why = f"{kpi.label} is computed per {unit_word} ({kpi.formula_text}). " + why
        if test == "Welch t-test":
            raw = [stats.welch_test(samples[0], s, confidence=conf_each) for s in samples[1:]]
        else:
            raw = [
                stats.bootstrap_test(samples[0], s, confidence=conf_each, seed=seed + i)
                for i, s in enumerate(samples[1:])
            ]
    adjusted = stats.adjust_pvalues([r.p_value for r in raw], method="holm")
    correction = (
        "One comparison (B against A): no correction needed."
        if m == 1
        else f"{m} comparisons against A: p-values adjusted with Holm's step-down method; "
        f"intervals at {conf_each:.1%} each (Bonferroni) so all {m} hold together at "
        f"{pilot.confidence:.0%}."
    )
    unit = (
        PROPORTIONS[kpi.name][1].replace("_", " ")
        if kpi.name in PROPORTIONS
        else _UNIT_NAME[pilot.table]
    )
    comparisons = []
    for i, (v, r, p_adj) in enumerate(zip(variants[1:], raw, adjusted, strict=True)):
        need = _needed(
            kpi, r, pilot, len(variants), samples if kpi.name not in PROPORTIONS else None
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
            )
        )
    overall = " ".join(c.verdict for c in comparisons)
    if srm.mismatch:
        overall = (
            f"Warning: sample-ratio mismatch ({_p(srm.p_value)}): the variants did not get "
            "the planned share of " + srm_basis + ", so something other than the variant may "
            "differ between them; treat the result with caution"
            + (
                " (ads in one ad set are not split evenly unless the platform ran them as an "
                "A/B test; pass --split if the plan was uneven). "
                if pilot.table == "ad_stats"
                else ". "
            )
            + overall
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
    )


def _check_variants(
    base: ir.Table, t: ir.Table, masks: list[ir.BooleanValue], pilot: Pilot
) -> dict[str, Any]:
    """Rows in the period, per variant, overlaps; errors for the bad cases."""
    import ibis

    from socialproof.workspace import engine

    inside = t._in
    hits = sum((m.ifelse(1, 0) for m in masks), ibis.literal(0))
    aggs: dict[str, Any] = {
        "total": inside.ifelse(1, 0).sum(),
        "overlap": (inside & (hits >= 2)).ifelse(1, 0).sum(),
        "straddling": (~inside & (hits >= 1)).ifelse(1, 0).sum(),
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


def _proportion_data(t: ir.Table, kpi: KPI, pilot: Pilot) -> list[tuple[VariantData, str]]:
    import ibis

    from socialproof.workspace import engine

    num, den = PROPORTIONS[kpi.name]
    both = t[num].notnull() & t[den].notnull()
    alloc_col = "reach" if pilot.table == "ad_stats" else None
    aggs: dict[str, Any] = {
        "rows": t.count(),
        "successes": both.ifelse(t[num], 0).sum(),
        "trials": both.ifelse(t[den], 0).sum(),
        "left_out": (~both).ifelse(1, 0).sum(),
        "negative": ((t[num] < 0) | (t[den] < 0)).ifelse(1, 0).sum(),
        "reach": t.reach.sum() if alloc_col else ibis.literal(0),
        "reach_missing": t.reach.isnull().ifelse(1, 0).sum() if alloc_col else ibis.literal(0),
    }
    df = engine.execute(t.group_by("_variant").aggregate(**aggs).order_by("_variant"))
    if int(df["negative"].fillna(0).sum()):
        raise BadInput(
            f"{int(df['negative'].sum()):,} rows in the pilot have negative {num} or {den}.",
            hint="Check the export; counts cannot be negative.",
        )
    use_reach = pilot.table == "ad_stats" and int(df["reach_missing"].fillna(0).sum()) == 0
    basis = "reach (summed over rows)" if use_reach else den.replace("_", " ")
    if pilot.table == "posts":
        basis = "posts"
    out = []
    for _, r in df.iterrows():
        i = int(r["_variant"])
        trials, succ = float(r["trials"] or 0), float(r["successes"] or 0)
        alloc = (
            float(r["rows"])
            if pilot.table == "posts"
            else float(r["reach"] if use_reach else trials)
        )
        out.append(
            (
                VariantData(
                    pilot.labels[i],
                    pilot.variants[i],
                    int(r["rows"]),
                    trials,
                    succ / trials if trials else None,
                    succ,
                    int(r["left_out"]),
                    alloc,
                ),
                basis,
            )
        )
    return out


def _per_unit_data(
    t: ir.Table, kpi: KPI, pilot: Pilot
) -> tuple[list[tuple[VariantData, str]], list[list[float]]]:
    from socialproof.metrics import registry
    from socialproof.workspace import engine

    key = list(_UNIT_KEY[pilot.table])
    per_unit = registry.compute(t, [kpi], table=pilot.table, by=["_variant", *key])
    df = engine.execute(per_unit.select("_variant", kpi.name))
    out, samples = [], []
    for i, (lab, f) in enumerate(zip(pilot.labels, pilot.variants, strict=True)):
        values = df.loc[df["_variant"] == i, kpi.name]
        rows = int(len(values))
        clean = [float(v) for v in values.dropna().tolist() if not math.isinf(float(v))]
        value = sum(clean) / len(clean) if clean else None  # the mean the test compares
        out.append(
            (
                VariantData(
                    lab, f, rows, float(len(clean)), value, None, rows - len(clean), float(rows)
                ),
                _UNIT_NAME[pilot.table],
            )
        )
        samples.append(clean)
        if len(clean) < 2:
            raise BadInput(
                f"Variant {lab} ({f}) has {len(clean)} {_UNIT_NAME[pilot.table]} with "
                f"{metric_name(kpi)}; a comparison needs at least 2.",
                hint="Widen the period or the filter.",
            )
    return out, samples


def _needed(
    kpi: KPI, r: stats.Comparison, pilot: Pilot, k: int, samples: list[list[float]] | None
) -> int | None:
    """Units per variant to detect the pilot's MDE at A's level (None when undefined)."""
    try:
        if samples is None:
            if not 0 < r.value_a < 1:
                return None
            return stats.sample_size_proportions(
                r.value_a, pilot.mde, variants=k, alpha=1 - pilot.confidence
            ).per_variant
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


def _p(p: float) -> str:
    """``p < 0.001`` or ``p = 0.042``."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


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
) -> str:
    width = (r.diff_high - r.diff_low) * (100 if kpi.unit == "percent" else 1)
    d = _decimals(width)
    pts = " points" if kpi.unit == "percent" else ""
    name = metric_name(kpi)
    conf = f"{r.confidence:.1%}".replace(".0%", "%").replace("%", " %")
    control = pilot.display(0)
    levels = (
        f"{level_text(kpi, r.value_a, d)} in {control} → {level_text(kpi, r.value_b, d)} in {label}"
    )
    if sig:
        verb = "raised" if r.diff > 0 else "lowered"
        lo, hi = sorted((abs(r.diff_low), abs(r.diff_high)))
        return (
            f"{label} {verb} {name} by {effect_text(kpi, abs(r.diff), d)}{pts} ({levels}), "
            f"{conf} CI {effect_text(kpi, lo, d)}–{effect_text(kpi, hi, d)}{pts}; "
            f"enough data ({_p(p_adj)})."
        )
    diff = (
        f"{label} vs {control}: {effect_text(kpi, r.diff, d, signed=True)}{pts} ({levels}), "
        f"{conf} CI "
        f"{effect_text(kpi, r.diff_low, d, signed=True)} to "
        f"{effect_text(kpi, r.diff_high, d, signed=True)}{pts}, {_p(p_adj)}"
    )
    n_now = min(r.n_a, r.n_b)
    if need is not None and n_now < need:
        more = need - n_now
        return (
            f"Not enough data: {diff}. The difference could be chance; need ~{_round_up(more):,} "
            f"more {unit} per variant to detect a {pilot.mde:.0%} change."
        )
    if need is not None:
        return (
            f"No clear difference: {diff}. There was enough data to detect a {pilot.mde:.0%} "
            "change, so any real effect is likely smaller than that."
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
            "lift": None,
            "p_value": None,
            "p_holm": None,
            "verdict": "control",
        }
        if c is not None:
            row.update(
                diff_vs_a=c.result.diff,
                ci_low=c.result.diff_low,
                ci_high=c.result.diff_high,
                lift=c.result.lift,
                p_value=c.result.p_value,
                p_holm=c.p_adjusted,
                verdict=c.verdict,
            )
        rows.append(row)
    return rows
