"""Pilot results for people: terminal lines, display tables and the HTML report."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from socialproof.campaigns.pilot_model import (
    effect_text,
    level_text,
    metric_name,
    p_text,
    share_text,
)

if TYPE_CHECKING:
    from pathlib import Path

    from socialproof.campaigns.pilot_analysis import PilotResult
    from socialproof.campaigns.pilot_plan import Plan
    from socialproof.render.html import Report


def _d(res: PilotResult) -> int:
    widths = [
        (c.result.diff_high - c.result.diff_low) * (100 if res.is_percent else 1)
        for c in res.comparisons
    ]
    width = min((w for w in widths if w > 0), default=0.0)
    # nor may a wide interval round a difference itself away ('−0')
    diffs = [abs(c.result.diff) * (100 if res.is_percent else 1) for c in res.comparisons]
    width = min([width, *(x for x in diffs if x > 0)]) if width > 0 else width
    if width <= 0 or math.isnan(width) or math.isinf(width):
        return 2
    return max(1, min(6, 1 - math.floor(math.log10(width))))


def _pct(v: float | None) -> str:
    if v is None or math.isnan(v) or math.isinf(v):
        return "—"
    return f"{v * 100:+.1f} %".replace("-", "−")


def display_rows(res: PilotResult) -> list[dict[str, Any]]:
    """One row per variant with formatted effect, interval, lift and p-value."""
    d = _d(res)
    pts = " pts" if res.is_percent else ""
    levels = {c.result.confidence for c in res.comparisons} or {res.pilot.confidence}
    one_level = len(levels) == 1
    # Holm's step-down gives each comparison its own level: then each row names it.
    ci_head = _level(next(iter(levels))) + " CI" if one_level else "CI (level)"
    by_label = {c.label: c for c in res.comparisons}
    rows = []
    for i, v in enumerate(res.variants):
        c = by_label.get(v.label)
        row: dict[str, Any] = {
            "variant": res.pilot.display(i),
            "filter": v.filter,
            res.unit: int(v.n),
            ("rate" if res.method == "proportion" else "mean per " + res.unit.rstrip("s")): (
                "—" if v.value is None else level_text(res.kpi, v.value, d)
            ),
            "vs A": "control",
            ci_head: "",
            "lift": "",
            "p (Holm)" if len(res.comparisons) > 1 else "p": "",
        }
        if c is not None:
            r = c.result
            row["vs A"] = effect_text(res.kpi, r.diff, d, signed=True) + pts
            row[ci_head] = (
                f"{effect_text(res.kpi, r.diff_low, d, signed=True)} to "
                f"{effect_text(res.kpi, r.diff_high, d, signed=True)}"
            ) + ("" if one_level else f" ({_level(r.confidence)})")
            row["lift"] = _pct(r.lift) + (
                f" ({_pct(r.lift_low)} to {_pct(r.lift_high)})"
                if r.lift_low is not None and r.lift_high is not None
                else " (interval unbounded)"
                if r.lift is not None and not r.degenerate
                else ""
            )
            alpha = 1 - res.pilot.confidence
            p = p_text(c.p_adjusted, alpha)
            if c.p_exact is not None:  # Fisher's exact test decides (see the notes)
                exact = p_text(c.p_exact, alpha)
                p = (
                    f"{exact} (Fisher)"
                    if c.decided_by == "Fisher's exact test"
                    else (f"{p}; Fisher {exact}")
                )
            row["p (Holm)" if len(res.comparisons) > 1 else "p"] = p
        rows.append(row)
    return rows


def _level(confidence: float) -> str:
    """``95 %``, ``97.5 %``, ``98.3 %``."""
    return share_text(confidence)


def _srm_line(res: PilotResult) -> str:
    s = res.srm
    if s is None:
        return res.srm_why
    shares = " : ".join(share_text(p) for p in s.planned)
    observed = " : ".join(f"{o:,.0f}" for o in s.observed)
    state = "MISMATCH" if s.mismatch else "ok"
    how = {
        "exact": " (p from the exact binomial test: a count expected below 5 makes the "
        "chi-square's p too small)",
        "simulated": " (p from 20,000 seeded multinomial draws: a count expected below 5 "
        "makes the chi-square's p too small)",
    }.get(s.method, "")
    return (
        f"Sample-ratio check ({res.srm_basis}): {observed} against a planned {shares}; "
        f"chi-square {s.chi2:,.2f}, {_srm_p(s.p_value)}{how} → {state} (flagged below "
        "p = 0.001)."
    )


def _srm_p(p: float) -> str:
    """``p = 0.0042``; below 0.0001 ``p < 0.0001`` (a p-value that underflows is not 0)."""
    return "p < 0.0001" if p < 0.0001 else f"p = {p:.2g}"


def summary_lines(res: PilotResult) -> list[str]:
    """The verdict, the test and why, the SRM check and notes, as plain lines."""
    p = res.pilot
    lines = [
        "",
        f"Metric: {res.kpi.label} ({res.kpi.formula_text}) on {p.table}, "
        f"{p.date_from} to {p.date_to}.",
        *([res.analysed] if res.analysed else []),
        f"Test: {res.test}. {res.why}",
        res.correction,
        _srm_line(res),
        *([res.design] if res.design else []),
        *res.notes,
        "",
        "Verdict: " + res.verdict,
    ]
    return lines


def plan_lines(plan: Plan) -> list[str]:
    s = plan.size
    lines = [
        "",
        f"To move {plan.kpi_label} from {level_text_plain(plan, s.baseline)} to "
        f"{level_text_plain(plan, s.target)} with {share_text(s.power)} power at alpha {s.alpha:g} (two-sided): "
        f"~{s.per_variant:,} {plan.unit} per variant ({s.total:,} in total).",
    ]
    if plan.days is not None and plan.daily:
        lines.append(
            f"At {plan.daily:,.{1 if plan.daily < 10 else 0}f} {plan.unit} a day ({plan.daily_source}) that takes about "
            f"{plan.days} day{'s' if plan.days != 1 else ''}"
            + (f" (~{math.ceil(plan.days / 7)} weeks)." if plan.days > 13 else ".")
        )
    lines.extend(plan.notes)
    return lines


def level_text_plain(plan: Plan, value: float) -> str:
    if plan.kpi_unit == "percent":
        return f"{value * 100:.3g} %"
    return f"{value:.4g}"


# -- HTML -----------------------------------------------------------------------------------


def build_report(res: PilotResult) -> Report:
    """The pilot as an accessible, self-contained HTML report (shared shell and charts)."""
    from socialproof.render import charts
    from socialproof.render.html import Report

    p = res.pilot
    rep = Report(
        title=f"Pilot: {p.name}",
        subtitle=f"{res.kpi.label} on {p.table}, {p.date_from} to {p.date_to}; "
        f"{len(res.variants)} variants.",
    )
    sec = rep.section("Verdict")
    if res.srm is not None and res.srm.mismatch:
        rep.paragraph(
            sec,
            "Sample-ratio mismatch: the variants did not get the planned share of "
            f"{res.srm_basis} ({_srm_p(res.srm.p_value)}). Treat the result with caution.",
            kind="warn",
        )
    for c in res.comparisons:
        rep.paragraph(sec, c.verdict, kind="" if c.significant else "")
    if res.design:
        rep.paragraph(sec, res.design)
    d = _d(res)
    items = [
        (
            f"{res.pilot.display(i)}: {metric_name(res.kpi)}",
            "—" if v.value is None else level_text(res.kpi, v.value, d),
        )
        for i, v in enumerate(res.variants)
    ]
    rep.kpis(sec, items)

    sec = rep.section("Effect against A")
    scale = 100 if res.is_percent else 1
    unit = "percentage points" if res.is_percent else res.kpi.unit
    fmt = "{:+." + str(d) + "f}"
    levels = {c.result.confidence for c in res.comparisons} or {p.confidence}
    conf_words = (
        f"{_level(next(iter(levels)))} intervals"
        if len(levels) == 1
        else "intervals at the level of Holm's step for each"
    )
    chart = charts.interval_chart(
        [f"{res.pilot.display(i + 1)} − A" for i in range(len(res.comparisons))],
        [c.result.diff * scale for c in res.comparisons],
        [c.result.diff_low * scale for c in res.comparisons],
        [c.result.diff_high * scale for c in res.comparisons],
        title=f"Difference in {metric_name(res.kpi)} against A, with {conf_words}",
        value_label=f"difference ({unit})",
        value_format=fmt,
    )
    rep.chart(
        sec,
        chart,
        caption="Dots are the estimated differences; bars their intervals. "
        "An interval that crosses the dashed zero line is compatible with no effect.",
    )
    rep.table(sec, display_rows(res), caption=f"{res.kpi.label} by variant")
    values = [v.value or 0.0 for v in res.variants]
    rep.chart(
        sec,
        charts.bar_chart(
            [res.pilot.display(i) for i in range(len(res.variants))],
            [x * scale for x in values],
            title=f"{res.kpi.label} by variant",
            value_label=("%" if res.is_percent else res.kpi.unit)
            + ("" if res.method == "proportion" else f" (mean per {res.unit.rstrip('s')})"),
            value_format="{:,." + str(d) + "f}",
        ),
    )

    if res.samples:
        sec = rep.section("Distribution per " + res.unit.rstrip("s"))
        rep.paragraph(
            sec,
            f"How {metric_name(res.kpi)} spreads across single {res.unit} in each variant: "
            "the test compares the means; a long tail is why a bootstrap may be used.",
        )
        for i, values in enumerate(res.samples):
            label = res.pilot.display(i)
            rep.chart(
                sec,
                charts.histogram(
                    [v * scale for v in values],
                    title=f"{label}: {metric_name(res.kpi)} per {res.unit.rstrip('s')}",
                    bins=min(20, max(5, len(values) // 3)),
                    x_label=("%" if res.is_percent else res.kpi.unit),
                ),
            )

    sec = rep.section("Method")
    if res.analysed:
        rep.paragraph(sec, res.analysed)
    rep.paragraph(sec, f"Test: {res.test}. {res.why}")
    rep.paragraph(sec, res.correction)
    srm = res.srm
    rep.paragraph(sec, _srm_line(res), kind="warn" if srm is not None and srm.mismatch else "")
    if srm is not None:
        rep.table(
            sec,
            [
                {
                    "variant": v.label,
                    f"observed {res.srm_basis}": int(o) if float(o).is_integer() else o,
                    "expected": e,
                    "planned share": share_text(s),
                }
                for v, o, e, s in zip(
                    res.variants, srm.observed, srm.expected, srm.planned, strict=True
                )
            ],
            caption="Allocation against the planned split",
        )
    if res.notes:
        rep.bullets(sec, res.notes)

    sec = rep.section("Definition")
    rep.table(
        sec,
        [
            {"item": "Metric", "value": f"{res.kpi.label}: {res.kpi.formula_text}"},
            {"item": "Source of the definition", "value": res.kpi.source},
            {"item": "Table", "value": p.table},
            {"item": "Period", "value": f"{p.date_from} to {p.date_to}"},
            *[
                {"item": f"Variant {lab}", "value": f}
                for lab, f in zip(p.labels, p.variants, strict=True)
            ],
            {"item": "Minimum detectable effect", "value": f"{share_text(p.mde)} (relative)"},
            {"item": "Confidence", "value": share_text(p.confidence)},
            *([{"item": "Note", "value": p.note}] if p.note else []),
        ],
        caption="How this pilot was defined",
    )
    return rep


def write_html(res: PilotResult, path: Path) -> Path:
    from socialproof.errors import UsageError

    try:
        return build_report(res).write(path)
    except OSError as exc:
        raise UsageError(
            f"Cannot write the HTML report to {path}: {exc.strerror or exc}.",
            hint="Choose a folder that exists and that you can write to.",
        ) from None
