"""Charts for every face: Vega-Lite specs, and inline SVG drawn from the same data.

One place builds each chart. :func:`line_spec`, :func:`bar_spec`,
:func:`histogram_spec` and :func:`interval_spec` make the Vega-Lite spec (values
on hover, a legend that toggles series, drag to zoom in time; data inlined,
nothing fetched); :func:`line_chart`, :func:`bar_chart`, :func:`histogram` and
:func:`interval_chart` return a :class:`Chart` holding that spec *and* a static
SVG of the same data, so an HTML report works with no JavaScript (readable by
screen readers: ``role="img"`` with a ``<title>`` and ``<desc>``), and the
workbench draws the very spec the report carries with vega-embed. Every chart
also returns its data as rows for a table alternative. All text is escaped
here; callers pass plain strings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html import escape
from itertools import count
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

# Colour-blind-safe palette (Okabe-Ito) with contrast >= 3:1 on white for graphics.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6d00", "#56B4E9", "#000000")
_ids = count(1)


@dataclass
class Chart:
    """An SVG chart plus what a screen reader or a table needs to stand in for it."""

    svg: str
    title: str
    description: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    #: the Vega-Lite spec of the same chart (empty when there is nothing to draw)
    spec: dict[str, Any] = field(default_factory=dict)


def _fmt(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    exp = float(10 ** math.floor(math.log10(v)))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * exp:
            return m * exp
    return 10 * exp


def _frame(width: int, height: int, title: str, description: str, body: str) -> str:
    n = next(_ids)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="chart-t{n} chart-d{n}" '
        f'style="max-width:{width}px;height:auto" font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(description)}</desc>'
        f"{body}</svg>"
    )


# -- Vega-Lite specs (the interactive face of each chart) ------------------------------------

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
NUMBER_FORMAT = ",.4~g"  # d3-format: up to 4 significant digits, thousands separated
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _spec(title: str, rows: list[dict[str, Any]], description: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 240,
        "autosize": {"type": "fit", "contains": "padding"},
        "data": {"values": rows},
        "config": {"range": {"category": list(PALETTE)}, "view": {"stroke": None}},
    }
    if description:
        spec["description"] = description
    return spec


def _number(v: Any) -> float | None:
    """A finite float, or None (JSON has no NaN)."""
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def d3_format(python_format: str) -> str:
    """``"{:,.2f}"`` (a Python format the SVG uses) as the d3 format Vega-Lite takes
    (``",.2f"``); the two share their mini-language for these cases."""
    m = re.fullmatch(r"\{:([^{}]*)\}", python_format)
    return (
        m.group(1)
        if m and re.fullmatch(r"[+\- ]?,?(\.\d+)?[%efgd]?", m.group(1))
        else NUMBER_FORMAT
    )


def date_ticks(rows: list[dict[str, Any]], x: str, most: int = 12) -> list[dict[str, int]]:
    """Axis ticks at the data's own dates (at most ``most``, evenly picked), as Vega-Lite
    DateTime objects: a weekly series gets a tick per week, on its Monday."""
    days = sorted({str(r[x])[:10] for r in rows if r.get(x) is not None})
    if len(days) > most:
        step = -(-len(days) // most)
        days = days[::step]
    out = []
    for d in days:
        try:
            year, month, day = (int(p) for p in d.split("-"))
        except ValueError:
            continue
        out.append({"year": year, "month": month, "date": day})
    return out


def line_spec(
    rows: list[dict[str, Any]],
    *,
    x: str,
    y: str,
    series: str | None = None,
    title: str,
    y_title: str | None = None,
    y_format: str = NUMBER_FORMAT,
    temporal: bool = True,
    x_title: str | None = None,
    series_title: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """A line per ``series`` over ``x`` (rows in long form; ``x_title`` and ``series_title``
    name them on hover, else their field names). Hover shows the values; a click
    on a legend entry shows that series alone; on a time axis, drag zooms and a
    double-click resets."""
    spec = _spec(title, rows, description)
    x_type = "temporal" if temporal else "ordinal"
    encoding: dict[str, Any] = {
        "x": {
            "field": x,
            "type": x_type,
            "title": None,
            **(
                {"axis": {"format": "%d %b", "values": date_ticks(rows, x)}}
                if temporal
                else {"sort": None}
            ),
        },
        "y": {
            "field": y,
            "type": "quantitative",
            "title": y_title or y,
            "axis": {"format": y_format},
        },
        "tooltip": [
            {"field": x, "type": x_type, "title": x_title or x},
            {"field": y, "type": "quantitative", "format": y_format, "title": y_title or y},
        ],
    }
    params: list[dict[str, Any]] = []
    if temporal:
        params.append(
            {"name": "zoom", "select": {"type": "interval", "encodings": ["x"]}, "bind": "scales"}
        )
    if series:
        encoding["color"] = {"field": series, "type": "nominal", "title": None}
        encoding["tooltip"].insert(
            0, {"field": series, "type": "nominal", "title": series_title or series}
        )
        params.append(
            {"name": "pick", "select": {"type": "point", "fields": [series]}, "bind": "legend"}
        )
        encoding["opacity"] = {"condition": {"param": "pick", "value": 1}, "value": 0.15}
    spec["mark"] = {"type": "line", "point": True, "tooltip": True}
    spec["encoding"] = encoding
    if params:
        spec["params"] = params
    return spec


def bar_spec(
    rows: list[dict[str, Any]],
    *,
    label: str,
    value: str,
    title: str,
    value_title: str | None = None,
    value_format: str = NUMBER_FORMAT,
    description: str | None = None,
) -> dict[str, Any]:
    """Horizontal bars of ``value`` per ``label``, in the rows' order (labels of any length
    stay readable), values on hover."""
    spec = _spec(title, rows, description)
    spec["height"] = {"step": 22}
    spec["mark"] = {"type": "bar", "color": PALETTE[0], "tooltip": True}
    spec["encoding"] = {
        "y": {
            "field": label,
            "type": "nominal",
            "sort": None,
            "title": None,
            "axis": {"labelLimit": 180},
        },
        "x": {
            "field": value,
            "type": "quantitative",
            "title": value_title or value,
            "axis": {"format": value_format},
        },
        "tooltip": [
            {"field": label, "type": "nominal", "title": label},
            {
                "field": value,
                "type": "quantitative",
                "format": value_format,
                "title": value_title or value,
            },
        ],
    }
    return spec


def histogram_spec(
    rows: list[dict[str, Any]],
    *,
    title: str,
    x_title: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """Bars over binned values: rows of ``start``, ``end`` and ``count``; hover shows each
    bin's range and count; drag zooms along the values, a double-click resets."""
    spec = _spec(title, rows, description)
    what = x_title or "value"
    spec["mark"] = {"type": "bar", "color": PALETTE[0], "tooltip": True}
    spec["params"] = [
        {"name": "zoom", "select": {"type": "interval", "encodings": ["x"]}, "bind": "scales"}
    ]
    spec["encoding"] = {
        "x": {
            "field": "start",
            "type": "quantitative",
            "bin": {"binned": True},
            "title": what,
            "axis": {"format": NUMBER_FORMAT},
        },
        "x2": {"field": "end"},
        "y": {"field": "count", "type": "quantitative", "title": "count"},
        "tooltip": [
            {"field": "start", "type": "quantitative", "format": NUMBER_FORMAT, "title": "from"},
            {"field": "end", "type": "quantitative", "format": NUMBER_FORMAT, "title": "to"},
            {"field": "count", "type": "quantitative", "title": "count"},
        ],
    }
    return spec


def interval_spec(
    rows: list[dict[str, Any]],
    *,
    title: str,
    value_title: str | None = None,
    value_format: str = "+.2f",
    reference: float | None = 0.0,
    description: str | None = None,
) -> dict[str, Any]:
    """Estimates with their intervals (rows of ``label``, ``estimate``, ``low``, ``high``),
    one row each, and a dashed reference line; hover shows the figures."""
    spec = _spec(title, rows, description)
    spec["height"] = {"step": 34}
    what = value_title or "estimate"
    y = {"field": "label", "type": "nominal", "sort": None, "title": None}
    tooltip = [
        {"field": "label", "type": "nominal", "title": "variant"},
        *(
            {"field": f, "type": "quantitative", "format": value_format, "title": name}
            for f, name in (("estimate", what), ("low", "low"), ("high", "high"))
        ),
    ]
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "rule", "color": PALETTE[0], "strokeWidth": 2},
            "encoding": {
                "y": y,
                "x": {
                    "field": "low",
                    "type": "quantitative",
                    "title": what,
                    "axis": {"format": value_format},
                },
                "x2": {"field": "high"},
                "tooltip": tooltip,
            },
        },
        {
            "mark": {"type": "point", "filled": True, "color": PALETTE[1], "size": 80},
            "encoding": {
                "y": y,
                "x": {"field": "estimate", "type": "quantitative"},
                "tooltip": tooltip,
            },
        },
    ]
    if reference is not None:
        layers.append(
            {
                "mark": {"type": "rule", "color": "#555", "strokeDash": [4, 3], "aria": False},
                "encoding": {"x": {"datum": reference, "type": "quantitative"}},
            }
        )
    spec["layer"] = layers
    return spec


# -- the charts reports and pages show ------------------------------------------------------


def line_chart(
    x_labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str,
    y_label: str = "",
    description: str | None = None,
    width: int = 640,
    height: int = 260,
    marks: Sequence[str] | None = None,
) -> Chart:
    """One or more lines over shared x labels (dates, weeks). ``marks`` gives a sign per x
    label ('≤', '≥' or '') for points whose figure is a bound: drawn above the point, put
    before its figure in the table and shown on hover."""
    marks = [str(m or "") for m in marks] if marks is not None else [""] * len(x_labels)
    left, right, top, bottom = 56, 16, 16, 48
    pw, ph = width - left - right, height - top - bottom
    values = [v for s in series.values() for v in s if v is not None and not math.isnan(v)]
    lo = min(0.0, min(values)) if values else 0.0
    hi = _nice_max(max(values)) if values else 1.0
    n = max(len(x_labels), 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (pw * i / (n - 1) if n > 1 else pw / 2)
        y = top + ph - (v - lo) / ((hi - lo) or 1) * ph
        return x, y

    parts = [_axes(left, top, pw, ph, lo, hi, y_label)]
    step = max(1, math.ceil(n / 8))
    for i in range(0, len(x_labels), step):
        x, _ = xy(i, lo)
        parts.append(
            f'<text x="{x:.1f}" y="{top + ph + 16}" text-anchor="middle" fill="#333">'
            f"{escape(str(x_labels[i]))}</text>"
        )
    for k, (_name, vals) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        segs: list[list[str]] = [[]]
        for i, v in enumerate(vals):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                segs.append([])
                continue
            x, y = xy(i, v)
            segs[-1].append(f"{x:.1f},{y:.1f}")
            if i < len(marks) and marks[i]:
                parts.append(
                    f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle" fill="{colour}">'
                    f"{escape(marks[i])}</text>"
                )
        dash = "" if k == 0 else f' stroke-dasharray="{3 + 2 * k},3"'
        for seg in segs:
            if len(seg) > 1:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{" ".join(seg)}"/>'
                )
            elif len(seg) == 1:
                cx, cy = seg[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
    parts.append(_legend(list(series), left, height - 12))
    rows = [
        [
            str(x_labels[i]),
            *[_marked(marks, i, s[i]) if i < len(s) else "—" for s in series.values()],
        ]
        for i in range(len(x_labels))
    ]
    desc = description or _summarise(series, x_labels, y_label)
    return Chart(
        _frame(width, height, title, desc, "".join(parts)),
        title,
        desc,
        ["", *series.keys()],
        rows,
        line_chart_spec(
            x_labels, series, title=title, y_label=y_label, description=desc, marks=marks
        ),
    )


def _marked(marks: Sequence[str], i: int, v: float | None) -> str:
    """A table cell: the figure, after its bound's sign when it has one."""
    shown = _fmt(v)  # type: ignore[arg-type]
    return f"{marks[i]} {shown}" if i < len(marks) and marks[i] and shown != "—" else shown


def line_chart_spec(
    x_labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str,
    y_label: str = "",
    description: str | None = None,
    marks: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The Vega-Lite spec of :func:`line_chart`: the series in long form, on a time axis
    when every label is a date; a point's bound sign (``marks``) shows on hover."""
    temporal = bool(x_labels) and all(_ISO_DAY.match(str(lab)) for lab in x_labels)
    signs = list(marks or [])
    signs += [""] * (len(x_labels) - len(signs))
    data = [
        {
            "x": str(lab)[:10] if temporal else str(lab),
            "series": name,
            "value": v,
            **({"bound": sign} if any(signs) else {}),
        }
        for name, vals in series.items()
        for lab, raw, sign in zip(x_labels, vals, signs, strict=False)
        if (v := _number(raw)) is not None
    ]
    spec = line_spec(
        data,
        x="x",
        y="value",
        series="series" if len(series) > 1 else None,
        title=title,
        y_title=y_label or "value",
        temporal=temporal,
        x_title="date" if temporal else "period",
        series_title="series",
        description=description,
    )
    if any(signs):
        spec["encoding"]["tooltip"].append({"field": "bound", "type": "nominal", "title": "bound"})
    return spec


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    value_label: str = "",
    description: str | None = None,
    width: int = 640,
    bar_height: int = 22,
    value_format: str = "{:,.2f}",
) -> Chart:
    """Horizontal bars (readable labels of any length)."""
    label_w = min(220, 8 + 7 * max((len(str(lab)) for lab in labels), default=4))
    left, right, top = label_w, 70, 8
    height = top + bar_height * len(labels) + 24
    pw = width - left - right
    clean = [
        0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values
    ]
    hi = _nice_max(max(clean)) if clean and max(clean) > 0 else 1.0
    parts = []
    for i, (lab, v) in enumerate(zip(labels, clean, strict=True)):
        y = top + i * bar_height
        w = max(0.0, pw * v / hi)
        shown = str(lab) if len(str(lab)) <= 30 else str(lab)[:29] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y + bar_height * 0.65:.1f}" text-anchor="end" fill="#222">'
            f"{escape(shown)}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{bar_height - 6}" fill="{PALETTE[0]}"/>'
            f'<text x="{left + w + 4:.1f}" y="{y + bar_height * 0.65:.1f}" fill="#222">'
            f"{escape(value_format.format(v))}</text>"
        )
    if value_label:
        parts.append(f'<text x="{left}" y="{height - 6}" fill="#333">{escape(value_label)}</text>')
    rows = [[str(lab), value_format.format(v)] for lab, v in zip(labels, clean, strict=True)]
    if description is None:
        if clean:
            top_i = max(range(len(clean)), key=lambda i: clean[i])
            description = (
                f"{len(clean)} bars of {value_label or 'value'}; highest {labels[top_i]} "
                f"at {value_format.format(clean[top_i])}."
            )
        else:
            description = "No data."
    spec = bar_spec(
        [{"label": str(lab), "value": _number(v)} for lab, v in zip(labels, clean, strict=True)],
        label="label",
        value="value",
        title=title,
        value_title=value_label or "value",
        value_format=d3_format(value_format),
        description=description,
    )
    return Chart(
        _frame(width, height, title, description, "".join(parts)),
        title,
        description,
        ["", value_label or "value"],
        rows,
        spec,
    )


def histogram(
    values: Sequence[float],
    *,
    title: str,
    bins: int = 20,
    x_label: str = "",
    description: str | None = None,
    width: int = 640,
    height: int = 240,
) -> Chart:
    """A histogram of a distribution (response times, engagement rates)."""
    vals = [float(v) for v in values if v is not None and not math.isnan(v)]
    left, right, top, bottom = 56, 16, 16, 40
    pw, ph = width - left - right, height - top - bottom
    if not vals:
        return Chart(_frame(width, height, title, "No data.", ""), title, "No data.")
    lo, hi = min(vals), max(vals)
    if hi == lo:
        hi = lo + 1
    edges = [lo + (hi - lo) * i / bins for i in range(bins + 1)]
    counts = [0] * bins
    for v in vals:
        counts[min(bins - 1, int((v - lo) / (hi - lo) * bins))] += 1
    cmax = _nice_max(max(counts))
    parts = [_axes(left, top, pw, ph, 0, cmax, "count")]
    bw = pw / bins
    for i, c in enumerate(counts):
        h = ph * c / cmax
        parts.append(
            f'<rect x="{left + i * bw + 1:.1f}" y="{top + ph - h:.1f}" width="{bw - 2:.1f}" '
            f'height="{h:.1f}" fill="{PALETTE[0]}"/>'
        )
    for i in (0, bins // 2, bins):
        parts.append(
            f'<text x="{left + i * bw:.1f}" y="{top + ph + 16}" text-anchor="middle" fill="#333">'
            f"{escape(_fmt(edges[i]))}</text>"
        )
    if x_label:
        parts.append(
            f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle" fill="#333">'
            f"{escape(x_label)}</text>"
        )
    srt = sorted(vals)
    med = srt[len(srt) // 2]
    desc = description or (
        f"Distribution of {len(vals)} values of {x_label or 'the measure'}, from {_fmt(lo)} "
        f"to {_fmt(max(vals))}; median {_fmt(med)}."
    )
    rows = [[f"{_fmt(edges[i])}–{_fmt(edges[i + 1])}", str(counts[i])] for i in range(bins)]
    spec = histogram_spec(
        [{"start": edges[i], "end": edges[i + 1], "count": counts[i]} for i in range(bins)],
        title=title,
        x_title=x_label or None,
        description=desc,
    )
    return Chart(
        _frame(width, height, title, desc, "".join(parts)),
        title,
        desc,
        [x_label or "bin", "count"],
        rows,
        spec,
    )


def _axes(left: float, top: float, pw: float, ph: float, lo: float, hi: float, label: str) -> str:
    parts = [
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#555"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#555"/>',
    ]
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        y = top + ph - ph * i / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">{escape(_fmt(v))}</text>'
        )
    if label:
        parts.append(
            f'<text x="12" y="{top + ph / 2:.1f}" transform="rotate(-90 12 {top + ph / 2:.1f})" '
            f'text-anchor="middle" fill="#333">{escape(label)}</text>'
        )
    return "".join(parts)


def _legend(names: list[str], x: float, y: float) -> str:
    if len(names) < 2:
        return ""
    parts = []
    for k, name in enumerate(names):
        colour = PALETTE[k % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 9}" width="12" height="4" fill="{colour}"/>'
            f'<text x="{x + 16:.1f}" y="{y}" fill="#222">{escape(name)}</text>'
        )
        x += 28 + 7 * len(name)
    return "".join(parts)


def _summarise(series: dict[str, Sequence[float | None]], x: Sequence[str], y_label: str) -> str:
    bits = []
    for name, vals in series.items():
        clean = [(i, v) for i, v in enumerate(vals) if v is not None and not math.isnan(v)]
        if not clean:
            continue
        first, last = clean[0], clean[-1]
        peak = max(clean, key=lambda p: p[1])
        bits.append(
            f"{name}: from {_fmt(first[1])} ({x[first[0]]}) to {_fmt(last[1])} ({x[last[0]]}), "
            f"peak {_fmt(peak[1])} ({x[peak[0]]})"
        )
    what = y_label or "value"
    return f"{what} over {len(x)} points. " + "; ".join(bits) + "." if bits else "No data."


def interval_chart(
    labels: Sequence[str],
    estimates: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    title: str,
    value_label: str = "",
    description: str | None = None,
    reference: float | None = 0.0,
    width: int = 640,
    row_height: int = 34,
    value_format: str = "{:+.2f}",
) -> Chart:
    """Estimates with intervals (a forest plot), one row each, and a reference line (0)."""
    label_w = min(220, 8 + 7 * max((len(str(lab)) for lab in labels), default=4))
    left, right, top = label_w, 24, 8
    height = top + row_height * len(labels) + 34
    pw = width - left - right
    points = [v for v in (*lows, *highs, *estimates) if v is not None and not math.isnan(v)]
    if reference is not None:
        points.append(reference)
    lo, hi = (min(points), max(points)) if points else (0.0, 1.0)
    pad = (hi - lo) * 0.08 or 1.0
    lo, hi = lo - pad, hi + pad

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * pw

    parts = []
    if reference is not None:
        rx = x(reference)
        parts.append(
            f'<line x1="{rx:.1f}" y1="{top}" x2="{rx:.1f}" y2="{top + row_height * len(labels)}" '
            'stroke="#555" stroke-dasharray="4,3"/>'
        )
    for i, (lab, est, l_, h_) in enumerate(zip(labels, estimates, lows, highs, strict=True)):
        y = top + i * row_height + row_height / 2
        shown = str(lab) if len(str(lab)) <= 30 else str(lab)[:29] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#222">{escape(shown)}</text>'
            f'<line x1="{x(l_):.1f}" y1="{y:.1f}" x2="{x(h_):.1f}" y2="{y:.1f}" '
            f'stroke="{PALETTE[0]}" stroke-width="2"/>'
            f'<line x1="{x(l_):.1f}" y1="{y - 6:.1f}" x2="{x(l_):.1f}" y2="{y + 6:.1f}" '
            f'stroke="{PALETTE[0]}" stroke-width="2"/>'
            f'<line x1="{x(h_):.1f}" y1="{y - 6:.1f}" x2="{x(h_):.1f}" y2="{y + 6:.1f}" '
            f'stroke="{PALETTE[0]}" stroke-width="2"/>'
            f'<circle cx="{x(est):.1f}" cy="{y:.1f}" r="5" fill="{PALETTE[1]}"/>'
        )
    axis_y = top + row_height * len(labels) + 14
    for v in (lo + pad, (lo + hi) / 2, hi - pad):
        parts.append(
            f'<text x="{x(v):.1f}" y="{axis_y}" text-anchor="middle" fill="#333">'
            f"{escape(value_format.format(v))}</text>"
        )
    if value_label:
        parts.append(
            f'<text x="{left + pw / 2:.1f}" y="{height - 4}" text-anchor="middle" fill="#333">'
            f"{escape(value_label)}</text>"
        )
    rows = [
        [str(lab), value_format.format(e), value_format.format(l_), value_format.format(h_)]
        for lab, e, l_, h_ in zip(labels, estimates, lows, highs, strict=True)
    ]
    if description is None:
        description = (
            "; ".join(
                f"{lab}: {value_format.format(e)} (from {value_format.format(l_)} to "
                f"{value_format.format(h_)})"
                for lab, e, l_, h_ in zip(labels, estimates, lows, highs, strict=True)
            )
            or "No data."
        )
    spec = interval_spec(
        [
            {"label": str(lab), "estimate": _number(e), "low": _number(l_), "high": _number(h_)}
            for lab, e, l_, h_ in zip(labels, estimates, lows, highs, strict=True)
        ],
        title=title,
        value_title=value_label or None,
        value_format=d3_format(value_format),
        reference=reference,
        description=description,
    )
    return Chart(
        _frame(width, height, title, description, "".join(parts)),
        title,
        description,
        ["", value_label or "estimate", "low", "high"],
        rows,
        spec,
    )
