"""Vega-Lite specs for the workbench's interactive charts (drawn by vega-embed).

The specs follow the reports' charts (``render.charts``): the same colour-blind
safe palette, a title, values on hover, and a legend that toggles series. Data is
inlined; nothing is fetched.
"""

from __future__ import annotations

from typing import Any

from socialproof.render.charts import PALETTE

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def _base(title: str, rows: list[dict[str, Any]], width: int | str) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": width,
        "height": 240,
        "autosize": {"type": "fit", "contains": "padding"},
        "data": {"values": rows},
        "config": {"range": {"category": list(PALETTE)}, "view": {"stroke": None}},
    }


def _ticks(rows: list[dict[str, Any]], x: str, most: int = 12) -> list[dict[str, int]]:
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
    y_format: str = ",.4~g",
    temporal: bool = True,
) -> dict[str, Any]:
    """A line per ``series`` over ``x``; hover shows values; legend click toggles a series;
    drag on the time axis zooms (double-click resets)."""
    spec = _base(title, rows, "container")
    encoding: dict[str, Any] = {
        "x": {
            "field": x,
            "type": "temporal" if temporal else "ordinal",
            "title": None,
            **({"axis": {"format": "%d %b", "values": _ticks(rows, x)}} if temporal else {}),
        },
        "y": {
            "field": y,
            "type": "quantitative",
            "title": y_title or y,
            "axis": {"format": y_format},
        },
        "tooltip": [
            {"field": x, "type": "temporal" if temporal else "ordinal"},
            {"field": y, "type": "quantitative", "format": y_format, "title": y_title or y},
        ],
    }
    params: list[dict[str, Any]] = [
        {"name": "zoom", "select": {"type": "interval", "encodings": ["x"]}, "bind": "scales"}
    ]
    if series:
        encoding["color"] = {"field": series, "type": "nominal", "title": None}
        encoding["tooltip"].insert(0, {"field": series, "type": "nominal"})
        params.append(
            {"name": "pick", "select": {"type": "point", "fields": [series]}, "bind": "legend"}
        )
        encoding["opacity"] = {"condition": {"param": "pick", "value": 1}, "value": 0.15}
    spec["mark"] = {"type": "line", "point": True, "tooltip": True}
    spec["encoding"] = encoding
    spec["params"] = params
    return spec


def bar_spec(
    rows: list[dict[str, Any]],
    *,
    x: str,
    y: str,
    title: str,
    color: str | None = None,
    y_title: str | None = None,
    y_format: str = ",.4~g",
) -> dict[str, Any]:
    """Bars of ``y`` per category ``x`` (sorted by value), values on hover."""
    spec = _base(title, rows, "container")
    encoding: dict[str, Any] = {
        "x": {
            "field": x,
            "type": "nominal",
            "sort": "-y",
            "title": None,
            "axis": {"labelLimit": 140},
        },
        "y": {
            "field": y,
            "type": "quantitative",
            "title": y_title or y,
            "axis": {"format": y_format},
        },
        "tooltip": [
            {"field": x, "type": "nominal"},
            {"field": y, "type": "quantitative", "format": y_format, "title": y_title or y},
        ],
    }
    if color:
        encoding["color"] = {"field": color, "type": "nominal", "title": None}
    else:
        spec["mark"] = {"type": "bar", "color": PALETTE[0]}
    spec.setdefault("mark", {"type": "bar"})
    spec["encoding"] = encoding
    return spec
