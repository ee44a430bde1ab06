"""Pilot data: the rows of a pilot's period, the checks on its variants and each
variant's data for the test (summed counts for proportions, per-unit values otherwise).

See :mod:`socialproof.campaigns.pilot_analysis`, which runs the test on them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialproof.campaigns.pilot_model import (
    AD_KEY,
    ALIASES,
    BASE_COLUMN,
    PROPORTIONS,
    UNIT_KEY,
    UNIT_NAME,
    Pilot,
    Term,
    level_text,
    metric_name,
    parse_filter,
)
from socialproof.errors import BadInput, NoData

if TYPE_CHECKING:
    from datetime import date

    import ibis
    import ibis.expr.types as ir

    from socialproof.metrics.registry import KPI, Ratio


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


def period_rows(t: ir.Table, pilot: Pilot, timezone: str) -> ir.Table:
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


def resolve_kpi(pilot: Pilot, coverage: dict[str, int]) -> KPI:
    from socialproof.metrics import registry

    names = ALIASES.get(pilot.metric, (pilot.metric,))
    fitting = [n for n in names if registry.get(n).applies_to(pilot.table)]
    if len(fitting) > 1:
        fitting.sort(key=lambda n: -coverage.get(BASE_COLUMN.get(n, ""), 0))
    return registry.get(fitting[0], table=pilot.table)


def delivery_shares(t: ir.Table, pilot: Pilot) -> dict[str, list[float]]:
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


def row_day(t: ir.Table, pilot: Pilot, timezone: str) -> ir.Value:
    """The day a row counts for: a post's local day of publishing, an ad row's last day."""
    import ibis.expr.datatypes as dt

    from socialproof.metrics.ops import local_time

    if pilot.table == "posts":
        return local_time(t.published_at, timezone).cast(dt.date)
    return t.date_stop


def check_variants(
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


def local_today(timezone: str) -> date:
    """Today in the workspace's timezone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(timezone)).date()


def last_day(last: Any) -> date | None:
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


def check_money(con: ibis.BaseBackend, t: ir.Table, kpi: KPI, pilot: Pilot) -> None:
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


def proportion_data(
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


def per_unit_data(
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


def pooled_note(t: ir.Table, kpi: KPI, ratio: Ratio, pilot: Pilot, unit_name: str) -> str:
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
