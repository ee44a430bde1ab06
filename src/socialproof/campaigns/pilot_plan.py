"""Pilot planning: sample size per variant and days needed for a minimum detectable effect.

The baseline, the spread of per-post values and the daily volume come from the
options, or from the most recent data in the workspace when not given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from socialproof.campaigns import stats
from socialproof.campaigns.pilots import (
    _UNIT_KEY,
    _UNIT_NAME,
    ALIASES,
    MAX_VARIANTS,
    PROPORTIONS,
    TABLES,
    _infer_table,
    check_metric,
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
) -> Plan:
    """Sample size per variant (and days, given a daily volume) to detect ``mde``."""
    from socialproof.metrics import registry

    chosen = table or _infer_table(metric, [])
    if chosen not in TABLES:
        raise UsageError(f"Unknown table {chosen!r}.", hint=f"Use one of: {', '.join(TABLES)}.")
    stored = check_metric(metric, chosen)
    names = [n for n in ALIASES.get(stored, (stored,)) if registry.get(n).applies_to(chosen)]
    kpi = registry.get(names[0], table=chosen)
    effect, relative = parse_fraction(mde, "minimum detectable effect")
    if daily is not None and not daily > 0:
        raise UsageError(f"--daily must be positive, got {daily:g}.", hint="e.g. --daily 20000.")
    proportion = kpi.name in PROPORTIONS
    unit = PROPORTIONS[kpi.name][1].replace("_", " ") if proportion else _UNIT_NAME[chosen]
    notes: list[str] = []
    recent: dict[str, Any] = {}
    if ws is not None and (baseline is None or daily is None or (sd is None and not proportion)):
        recent = _recent(ws, kpi, chosen)
    base_value: float | None = None
    if baseline is not None:
        base_value = parse_rate(baseline)
    elif recent.get("baseline") is not None:
        base_value = float(recent["baseline"])
        notes.append(
            f"Baseline {level_text(kpi, base_value, 3)} from the last "
            f"{PLAN_BASELINE_DAYS} days of {chosen} in the workspace."
        )
    if base_value is None:
        raise UsageError(
            f"The plan needs the current level of {metric_name(kpi)}.",
            hint="Pass --baseline (e.g. 0.012 or 1.2%), or import recent data into the workspace.",
        )
    if variants > MAX_VARIANTS:
        raise UsageError(f"A pilot takes at most {MAX_VARIANTS} variants.", hint="Use fewer.")
    spread: float | None = None
    if proportion:
        size = stats.sample_size_proportions(
            base_value, effect, relative=relative, alpha=alpha, power=power, variants=variants
        )
    else:
        spread = sd if sd is not None else recent.get("sd")
        if spread is None:
            raise UsageError(
                f"{kpi.label} is compared per {unit[:-1]}, so the plan needs its standard "
                "deviation.",
                hint="Pass --sd, or import recent posts so it can be estimated.",
            )
        if sd is None:
            notes.append(
                f"Standard deviation per {unit[:-1]} ({spread:.4g}) from the last "
                f"{PLAN_BASELINE_DAYS} days in the workspace."
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


def _recent(ws: Workspace, kpi: KPI, table: str) -> dict[str, Any]:
    """Baseline, spread and daily volume from the most recent data in the workspace."""
    from datetime import timedelta

    import ibis.expr.datatypes as dt

    from socialproof.metrics import registry, views
    from socialproof.metrics._ops import local_time
    from socialproof.workspace import engine

    out: dict[str, Any] = {}
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
        t = t.mutate(_day=day)
        window = t.filter(t._day > last_day - timedelta(days=PLAN_BASELINE_DAYS))
        out["baseline"] = _scalar(engine.execute(registry.compute(window, [kpi], table=table)))
        short = t.filter(t._day > last_day - timedelta(days=PLAN_VOLUME_DAYS))
        span = engine.execute(short.aggregate(lo=short._day.min())).iloc[0]["lo"]
        lo_day = span.date() if isinstance(span, datetime) else span
        n_days = max(1, min(PLAN_VOLUME_DAYS, (last_day - lo_day).days + 1))
        if kpi.name in PROPORTIONS:
            total = engine.execute(short.aggregate(v=short[PROPORTIONS[kpi.name][1]].sum()))
        else:
            total = engine.execute(short.aggregate(v=short.count()))
            per_unit = registry.compute(window, [kpi], table=table, by=list(_UNIT_KEY[table]))
            values = engine.execute(per_unit.select(kpi.name))[kpi.name].dropna()
            if len(values) > 1 and float(values.std()) > 0:
                out["sd"] = float(values.std())
            if len(values):  # compared per unit: the baseline is the mean per unit, not a total
                out["baseline"] = float(values.mean())
        v = _scalar(total)
        out["daily"] = None if v is None else v / n_days
    return out


def _scalar(df: Any) -> float | None:
    v = df.iloc[0, -1]
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)
