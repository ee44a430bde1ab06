"""render.charts: every chart carries one Vega-Lite spec, built from the SVG's own data."""

from __future__ import annotations

import json
import math
from html.parser import HTMLParser
from typing import Any

from socialproof.render import charts
from socialproof.render.html import chart_html


class _Specs(HTMLParser):
    """The data-spec attributes of a page, parsed (the HTML parser unescapes them)."""

    def __init__(self) -> None:
        super().__init__()
        self.specs: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("data-spec"):
            self.specs.append(json.loads(str(found["data-spec"])))


def specs_in(html: str) -> list[dict[str, Any]]:
    parser = _Specs()
    parser.feed(html)
    return parser.specs


def test_a_dated_line_chart_is_on_a_time_axis_with_zoom_legend_toggle_and_tooltips() -> None:
    chart = charts.line_chart(
        ["2026-03-02", "2026-03-09", "2026-03-16"],
        {"Paid": [1.0, None, 3.5], "Organic": [2.0, float("nan"), 4.0]},
        title="Reach by week",
        y_label="reach",
    )
    spec = chart.spec
    assert spec["$schema"].endswith("vega-lite/v6.json")
    # long form, gaps left out (JSON has no NaN), in the series' order
    assert spec["data"]["values"] == [
        {"x": "2026-03-02", "series": "Paid", "value": 1.0},
        {"x": "2026-03-16", "series": "Paid", "value": 3.5},
        {"x": "2026-03-02", "series": "Organic", "value": 2.0},
        {"x": "2026-03-16", "series": "Organic", "value": 4.0},
    ]
    enc = spec["encoding"]
    assert enc["x"]["type"] == "temporal" and enc["y"]["title"] == "reach"
    binds = {p["name"]: p.get("bind") for p in spec["params"]}
    assert binds == {"zoom": "scales", "pick": "legend"}
    assert [t["field"] for t in enc["tooltip"]] == ["series", "x", "value"]
    assert enc["x"]["axis"]["values"][0] == {"year": 2026, "month": 3, "date": 2}


def test_a_line_over_labels_that_are_not_dates_keeps_their_order_and_has_no_zoom() -> None:
    chart = charts.line_chart(["Week 10", "Week 2"], {"posts": [4, 7]}, title="Posts")
    spec = chart.spec
    assert spec["encoding"]["x"] == {"field": "x", "type": "ordinal", "title": None, "sort": None}
    assert "params" not in spec  # one series: no legend; not time: nothing to zoom
    assert [r["x"] for r in spec["data"]["values"]] == ["Week 10", "Week 2"]


def test_bars_histogram_and_intervals_carry_their_data_and_formats() -> None:
    bars = charts.bar_chart(
        ["reel", "carousel"], [2.5, None], title="Rate", value_format="{:,.1f}"
    ).spec
    assert bars["data"]["values"] == [
        {"label": "reel", "value": 2.5},
        {"label": "carousel", "value": 0.0},  # drawn as 0, as the SVG draws it
    ]
    assert bars["encoding"]["x"]["axis"]["format"] == ",.1f"
    assert bars["encoding"]["y"]["sort"] is None  # the caller's order
    hist = charts.histogram([1, 2, 2, 3, 10], title="Hours", bins=3, x_label="hours").spec
    counts = [r["count"] for r in hist["data"]["values"]]
    assert counts == [4, 0, 1]
    assert hist["data"]["values"][0]["start"] == 1 and hist["data"]["values"][-1]["end"] == 10
    ivl = charts.interval_chart(
        ["B vs A"], [0.4], [0.1], [0.7], title="Effect", value_format="{:+.1%}"
    ).spec
    assert ivl["data"]["values"] == [{"label": "B vs A", "estimate": 0.4, "low": 0.1, "high": 0.7}]
    assert ivl["layer"][-1]["encoding"]["x"] == {"datum": 0.0, "type": "quantitative"}
    assert ivl["layer"][0]["encoding"]["x"]["axis"]["format"] == "+.1%"
    assert charts.histogram([], title="Nothing").spec == {}


def test_d3_format_takes_what_the_svg_formats_use_and_falls_back_otherwise() -> None:
    assert charts.d3_format("{:,.2f}") == ",.2f"
    assert charts.d3_format("{:+.2f}") == "+.2f"
    assert charts.d3_format("{:.0%}") == ".0%"
    assert charts.d3_format("{} posts") == charts.NUMBER_FORMAT
    assert charts.d3_format("{:%Y}") == charts.NUMBER_FORMAT


def test_the_report_figure_carries_the_spec_escaped_beside_the_svg() -> None:
    chart = charts.bar_chart(
        ['<script>alert("x")</script>', "a & b"], [1.0, math.pi], title="Title <b>"
    )
    html = chart_html(chart)
    assert "<script" not in html and "<b>" not in html
    assert specs_in(html) == [chart.spec]
    assert html.index("<svg") > html.index('class="vega-chart"')  # the SVG is the fallback
    assert 'data-label="Title &lt;b&gt;"' in html
    # a chart with nothing to draw has no spec and stays a plain figure
    assert "data-spec" not in chart_html(charts.histogram([], title="Nothing"))
