"""Pilot planning: sample size per variant and days needed for a minimum detectable effect.

The baseline, the spread of per-post values and the daily volume come from the
options, or from the most recent data in the workspace when not given: the last
:data:`PLAN_BASELINE_DAYS` days of the table (``baseline_days`` changes the
window, ``use_all`` takes the whole history). When that window holds nothing to
estimate from but older data does, the error says so and how to use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from socialproof.campaigns import stats
from socialproof.campaigns.pilot_model import (
    AD_KEY,
    ALIASES,
    MAX_VARIANTS,
    PROPORTIONS,
    TABLES,
    UNIT_KEY,
    UNIT_NAME,
    check_metric,
    infer_table,
    level_text,
    metric_name,
    parse_fraction,
    parse_rate,
)
from socialproof.errors import UsageError

if TYPE_CHECKING:
    from socialproof.metrics.registry import KPI
    from socialproof.workspace.core import Workspace


#: Days of recent data that set the expected daily volume, and the baseline when not given.
PLAN_VOLUME_DAYS = 28
PLAN_BASELINE_DAYS = 90


@dataclass(frozen=True)
class Plan:
    metric: str
    kpi_label: str
    table: str
    method: Literal["proportion", "per-unit"]
    unit: str  # impressions, posts, ad-days
    kpi_unit: str
    size: stats.SampleSize
    sd: float | None
    daily: float | None  # units per day across the whole pilot
    daily_source: str
    days: int | None
    notes: list[str] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        s = self.size
        return [
            {
                "metric": self.metric,
                "test": "two-proportion z-test" if self.method == "proportion" else "Welch t-test",
                "baseline": s.baseline,
                "target": s.target,
                "alpha": s.alpha,
                "power": s.power,
                "variants": s.variants,
                f"{self.unit} per variant": s.per_variant,
                f"{self.unit} in total": s.total,
                f"{self.unit} per day": None if self.daily is None else round(self.daily, 1),
                "days": self.days,
            }
        ]


def plan(
    ws: Workspace | None,
    metric: str,
    mde: str | float,
    *,
    baseline: str | float | None = None,
    table: str | None = None,
    daily: float | None = None,
    variants: int = 2,
    alpha: float = 0.05,
    power: float = 0.8,
    sd: float | None = None,
    baseline_days: int | None = None,
    use_all: bool = False,
) -> Plan:
    """Sample size per variant (and days, given a daily volume) to detect ``mde``."""
    from socialproof.metrics import registry

    if use_all and baseline_days is not None:
        raise UsageError(
            "Pass either --use-all or --baseline-days, not both.",
            hint="--use-all takes the whole history; --baseline-days N the last N days.",
        )
    if baseline_days is not None and baseline_days < 1:
        raise UsageError(
            f"--baseline-days must be a positive number of days, got {baseline_days}.",
            hint=f"e.g. --baseline-days {PLAN_BASELINE_DAYS * 2}, or --use-all.",
        )
    window_days = None if use_all else (baseline_days or PLAN_BASELINE_DAYS)

    chosen = table or infer_table(metric, [])
    if chosen not in TABLES:
        raise UsageError(f"Unknown table {chosen!r}.", hint=f"Use one of: {', '.join(TABLES)}.")
    stored = check_metric(metric, chosen)
    names = [n for n in ALIASES.get(stored, (stored,)) if registry.get(n).applies_to(chosen)]
    kpi = registry.get(names[0], table=chosen)
    effect, relative = parse_fraction(mde, "minimum detectable effect")
    if daily is not None and not daily > 0:
        raise UsageError(f"--daily must be positive, got {daily:g}.", hint="e.g. --daily 20000.")
    proportion = kpi.name in PROPORTIONS
    unit = PROPORTIONS[kpi.name][1].replace("_", " ") if proportion else UNIT_NAME[chosen]
    notes: list[str] = []
    recent: dict[str, Any] = {}
    if ws is not None and (baseline is None or daily is None or (sd is None and not proportion)):
        recent = _recent(ws, kpi, chosen, window_days)
    source = _source_text(recent, chosen, unit, proportion)
    base_value: float | None = None
    if baseline is not None:
        base_value = parse_rate(baseline)
    elif recent.get("baseline") is not None:
        base_value = float(recent["baseline"])
        notes.append(f"Baseline {level_text(kpi, base_value, 3)} from {source}.")
    if base_value is None:
        raise _missing(
            f"the current level of {metric_name(kpi)}",
            recent,
            chosen,
            unit,
            proportion,
            fallback="Pass --baseline (e.g. 0.012 or 1.2%), or import recent data into the "
            "workspace.",
        )
    if variants > MAX_VARIANTS:
        raise UsageError(f"A pilot takes at most {MAX_VARIANTS} variants.", hint="Use fewer.")
    spread: float | None = None
    if proportion:
        size = stats.sample_size_proportions(
            base_value, effect, relative=relative, alpha=alpha, power=power, variants=variants
        )
        phi = recent.get("phi")
        if phi is not None:
            # The pilot's test scales the binomial variance by the spread between units
            # (see stats.dispersion); the plan needs that many times the trials.
            size = replace(size, per_variant=math.ceil(size.per_variant * phi))
            one = "post" if chosen == "posts" else "ad-day"
            notes.append(
                f"The {unit} of one {one} are not independent trials: in {source} the "
                f"{one}s vary {phi:.1f} times as much as binomial chance allows, so the "
                f"binomial sample size is multiplied by {phi:.1f} (the design effect)."
            )
    else:
        spread = sd if sd is not None else recent.get("sd")
        if spread is None:
            raise _missing(
                f"the standard deviation of {metric_name(kpi)} across single {unit} (it is "
                f"compared per {unit[:-1]})",
                recent,
                chosen,
                unit,
                proportion,
                fallback=f"Run the plan in a workspace holding {unit} with "
                f"{metric_name(kpi)} and it is computed from them, or pass --sd: the "
                f"standard deviation of one value per {unit[:-1]} (e.g. a spreadsheet's "
                "STDEV over past posts).",
            )
        if sd is None:
            notes.append(
                f"Standard deviation per {unit[:-1]} ({spread:.4g}) computed from {source}."
            )
        size = stats.sample_size_means(
            base_value,
            effect,
            float(spread),
            relative=relative,
            alpha=alpha,
            power=power,
            variants=variants,
        )
    if not proportion and chosen == "ad_stats":
        notes.append(
            "Planned per ad-day, as a pilot of one ad per variant is analysed. With two or "
            "more ads per variant the pilot is analysed per ad (each ad over all its days), "
            "and it is the number of ads, not of days, that must reach this size."
        )
    if variants > 2:
        notes.append(
            f"With {variants} variants each comparison with A is planned at alpha "
            f"{alpha / (variants - 1):.3g} (Bonferroni, the worst case of Holm)."
        )
    volume, source = daily, "--daily"
    if volume is None and recent.get("daily"):
        volume = float(recent["daily"])
        source = f"the last {PLAN_VOLUME_DAYS} days of {chosen} in the workspace"
    days = math.ceil(size.total / volume) if volume else None
    if days is None:
        notes.append("Pass --daily N (the pilot's total " + unit + " per day) for a duration.")
    return Plan(
        metric,
        kpi.label,
        chosen,
        "proportion" if proportion else "per-unit",
        unit,
        kpi.unit,
        size,
        spread,
        volume,
        source if volume else "",
        days,
        notes,
    )


def _recent(ws: Workspace, kpi: KPI, table: str, days: int | None) -> dict[str, Any]:
    """Baseline, spread and daily volume from recent data (``days`` None: all of it).

    Also records the window (``last``, ``days``, ``units``) and, when the window holds
    nothing to estimate from, what older data could (``older``: count, first, last).
    """
    from datetime import timedelta

    import ibis.expr.datatypes as dt

    from socialproof.metrics import views
    from socialproof.metrics.ops import local_time
    from socialproof.workspace import engine

    out: dict[str, Any] = {"days": days}
    proportion = kpi.name in PROPORTIONS
    with ws.ibis() as con:
        if engine.is_empty(con, table):
            return out
        t = views.view(con, table, timezone=ws.settings.timezone)
        day = (
            local_time(t.published_at, ws.settings.timezone).cast(dt.date)
            if table == "posts"
            else t.date_start
        )
        last = engine.execute(t.aggregate(hi=day.max())).iloc[0]["hi"]
        if last is None or str(last) in ("NaT", "None"):
            return out
        last_day = last.date() if isinstance(last, datetime) else last
        out["last"] = last_day
        t = t.mutate(_day=day)
        window = t if days is None else t.filter(t._day > last_day - timedelta(days=days))
        short = t.filter(t._day > last_day - timedelta(days=PLAN_VOLUME_DAYS))
        span = engine.execute(short.aggregate(lo=short._day.min())).iloc[0]["lo"]
        lo_day = span.date() if isinstance(span, datetime) else span
        n_days = max(1, min(PLAN_VOLUME_DAYS, (last_day - lo_day).days + 1))
        if proportion:
            num, den = PROPORTIONS[kpi.name]
            total = engine.execute(short.aggregate(v=short[den].sum()))
            # Per unit (post, ad-day): the baseline as a ratio of sums over the same rows,
            # and the dispersion between units that the pilot's test will scale by.
            usable = window.filter(window[num].notnull() & (window[den] > 0))
            units = engine.execute(
                usable.group_by(list(UNIT_KEY[table])).aggregate(
                    s=usable[num].sum(), n=usable[den].sum()
                )
            )
            n_sum = float(units["n"].sum()) if len(units) else 0.0
            out["baseline"] = float(units["s"].sum()) / n_sum if n_sum > 0 else None
            out["units"] = len(units)
            # Days of one ad vary around that ad's own rate (ads differ for real, and a pilot
            # compares each variant around its own rate); posts around the overall rate.
            if table == "ad_stats" and len(units):
                parts = [g for _, g in units.groupby(list(AD_KEY))]
            else:
                parts = [units]
            phi, df = stats.dispersion([(list(g["s"]), list(g["n"])) for g in parts])
            if df > 0 and phi > 1:
                out["phi"] = phi
        else:
            total = engine.execute(short.aggregate(v=short.count()))
            values = _unit_values(window, kpi, table)
            out["units"] = len(values)
            if len(values) > 1 and float(values.std()) > 0:
                out["sd"] = float(values.std())
            # compared per unit: the baseline is the mean per unit, not a total
            out["baseline"] = float(values.mean()) if len(values) else None
        v = _scalar(total)
        out["daily"] = None if v is None else v / n_days
        short_of = out.get("baseline") is None or (not proportion and "sd" not in out)
        if days is not None and short_of:
            older = _usable_span(t, kpi, table)
            # Offer the whole history only when it holds more than the window (and, for a
            # standard deviation, at least two values).
            if older is not None and older[0] > out["units"] and older[0] >= 2 - proportion:
                out["older"] = older
    return out


def _unit_values(t: Any, kpi: KPI, table: str) -> Any:
    """The KPI per unit (post, ad-day) in ``t``, nulls dropped (a pandas Series)."""
    from socialproof.metrics import registry
    from socialproof.workspace import engine

    per_unit = registry.compute(t, [kpi], table=table, by=list(UNIT_KEY[table]))
    return engine.execute(per_unit.select(kpi.name))[kpi.name].dropna()


def _usable_span(t: Any, kpi: KPI, table: str) -> tuple[int, Any, Any] | None:
    """How many units of the whole history carry the KPI, and their first and last day."""
    from socialproof.metrics import registry
    from socialproof.workspace import engine

    if kpi.name in PROPORTIONS:
        num, den = PROPORTIONS[kpi.name]
        usable = t.filter(t[num].notnull() & (t[den] > 0))
        row = engine.execute(
            usable.aggregate(n=usable.count(), lo=usable._day.min(), hi=usable._day.max())
        ).iloc[0]
    else:
        per_unit = registry.compute(
            t, [kpi], table=table, by=list(UNIT_KEY[table]), extra={"_d": t._day.min()}
        )
        ok = per_unit.filter(per_unit[kpi.name].notnull())
        row = engine.execute(ok.aggregate(n=ok.count(), lo=ok._d.min(), hi=ok._d.max())).iloc[0]
    n = int(row["n"] or 0)
    if n == 0:
        return None

    def as_day(v: Any) -> Any:
        return v.date() if isinstance(v, datetime) else v

    return n, as_day(row["lo"]), as_day(row["hi"])


def _rows_word(table: str, unit: str, proportion: bool) -> str:
    if proportion:
        return "posts" if table == "posts" else "ad rows"
    return unit


def _metric_words(what: str) -> str:
    """'the current level of engagement rate (by reach)' -> 'engagement rate (by reach)'."""
    for lead in ("the current level of ", "the standard deviation of "):
        if what.startswith(lead):
            return what[len(lead) :].split(" across ")[0]
    return what


def _source_text(recent: dict[str, Any], table: str, unit: str, proportion: bool) -> str:
    """Where an estimate came from: 'the 40 posts of the last 90 days (to 2026-04-30)'."""
    n = recent.get("units")
    what = _rows_word(table, unit, proportion)
    count = f"the {n:,} {what}" if isinstance(n, int) else f"the {table}"
    if recent.get("days") is None:
        return f"{count} in the workspace (all of its history)"
    return f"{count} of the last {recent['days']} days (to {recent.get('last')})"


def _missing(
    what: str,
    recent: dict[str, Any],
    table: str,
    unit: str,
    proportion: bool,
    *,
    fallback: str,
) -> UsageError:
    """The plan lacks an estimate: say whether older data could give it, and how."""
    older = recent.get("older")
    words = _rows_word(table, unit, proportion)
    if older is None or "last" not in recent:
        return UsageError(f"The plan needs {what}.", hint=fallback)
    n, first, last_usable = older
    days = recent["days"]
    reach_back = (recent["last"] - first).days + 1
    return UsageError(
        f"The plan needs {what}, and the last {days} days of {table} (to {recent['last']}) have "
        f"too little to estimate it from, but the workspace holds {n:,} {words} with "
        f"{_metric_words(what)} from {first} to {last_usable}.",
        hint=f"Add --use-all to estimate it from them (or --baseline-days {reach_back}), or "
        "pass the figure yourself (--baseline, --sd).",
    )


def _float(v: Any) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def _scalar(df: Any) -> float | None:
    v = df.iloc[0, -1]
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)
