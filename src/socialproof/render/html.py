"""The self-contained, accessible HTML report shell every report shares.

A :class:`Report` is a title plus sections; each section holds paragraphs,
tables, charts (with a table alternative) or trusted HTML built by this
package. Everything a user typed is escaped on the way in. The page has no
scripts and no external requests, works offline and prints cleanly; each chart
is an SVG that carries its Vega-Lite spec (``data-spec``), which the workbench
draws interactively.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from socialproof.render.charts import Chart

CSS = """
:root{--fg:#1a1a1a;--muted:#4a4a4a;--bg:#fff;--line:#d0d0d0;--accent:#005a9c;--warn:#8a4b00;--bad:#a4000f;--good:#1b6e20}
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;outline:3px solid var(--accent)}
header,main,footer{max-width:960px;margin:0 auto;padding:16px}
header{border-bottom:1px solid var(--line)}
h1{font-size:1.8rem;margin:.2em 0}h2{font-size:1.35rem;margin-top:1.6em;border-bottom:1px solid var(--line);padding-bottom:.2em}
h3{font-size:1.1rem}
p.sub,footer{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border-bottom:1px solid var(--line);padding:.35em .5em;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}figcaption{color:var(--muted);font-size:.9rem}
details{margin:.4em 0}summary{cursor:pointer;color:var(--accent)}
.kpis{display:flex;flex-wrap:wrap;gap:12px;padding:0;list-style:none}
.kpis li{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:140px}
.kpis .v{font-size:1.4rem;font-weight:700;display:block}
.note{border-left:4px solid var(--accent);padding:.3em .8em;background:#f3f7fb}
.warn{border-left-color:var(--warn);background:#fff7ec}
.bad{color:var(--bad)}.good{color:var(--good)}
a{color:var(--accent)}
a:focus,summary:focus{outline:3px solid var(--accent);outline-offset:2px}
@media print{.skip,details>summary{display:none}details{display:block}a{color:inherit}header,main,footer{max-width:none}}
"""


def _cell(value: Any, shown: Callable[[Any], str] | None = None) -> tuple[str, bool]:
    from socialproof.render.tables import format_number
    from socialproof.render.tables import plain as plain_value

    plain = plain_value(value)
    numeric = isinstance(plain, (int, float)) and not isinstance(plain, bool)
    return escape((shown or format_number)(plain)), numeric


def table_html(
    data: pd.DataFrame | list[dict[str, Any]], *, caption: str, max_rows: int | None = None
) -> str:
    """An accessible table (caption, column headers with scope) from rows or a DataFrame."""
    from socialproof.render.tables import column_format, records

    columns, rows = records(data)
    if max_rows is not None:
        rows = rows[:max_rows]
    shown = {c: column_format(str(c), [r.get(c) for r in rows]) for c in columns}
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in columns)
    body = []
    for row in rows:
        cells = []
        for i, c in enumerate(columns):
            text, numeric = _cell(row.get(c), shown[c])
            cls = ' class="num"' if numeric else ""
            cells.append(f'<th scope="row"{cls}>{text}</th>' if i == 0 else f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not rows:
        body.append(f'<tr><td colspan="{max(1, len(columns))}">No rows.</td></tr>')
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def chart_html(chart: Chart, *, caption: str | None = None) -> str:
    """A figure with the SVG, a caption, and the data as a table behind a disclosure."""
    alt = ""
    if chart.rows:
        head = "".join(f'<th scope="col">{escape(c)}</th>' for c in chart.columns)
        rows = "".join(
            "<tr>"
            + "".join(
                (
                    f'<th scope="row">{escape(v)}</th>'
                    if i == 0
                    else f'<td class="num">{escape(v)}</td>'
                )
                for i, v in enumerate(r)
            )
            + "</tr>"
            for r in chart.rows
        )
        alt = (
            f"<details><summary>Data for “{escape(chart.title)}”</summary><table>"
            f"<caption>{escape(chart.title)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table></details>"
        )
    cap = escape(caption or chart.description)
    if not chart.spec:
        return f"<figure>{chart.svg}<figcaption>{cap}</figcaption>{alt}</figure>"
    # The chart's Vega-Lite spec rides along in an attribute (no script runs here): the
    # workbench draws it with vega-embed in place of the SVG, which stays the fallback.
    return (
        f'<figure class="chart"><div class="vega-chart" data-label="{escape(chart.title)}" '
        f'data-spec="{escape(spec_json(chart.spec))}">{chart.svg}</div>'
        f"<figcaption>{cap}</figcaption>{alt}</figure>"
    )


def spec_json(spec: dict[str, Any]) -> str:
    """A chart spec as compact JSON (no NaN: JSON has none), the same text on every face."""
    import json

    return json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@dataclass
class Section:
    heading: str
    parts: list[str] = field(default_factory=list)  # trusted HTML fragments

    @property
    def anchor(self) -> str:
        return "".join(ch if ch.isalnum() else "-" for ch in self.heading.lower()).strip("-")


@dataclass
class Report:
    """An HTML report: add sections, then :meth:`render` or :meth:`write`."""

    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)
    lang: str = "en"

    def section(self, heading: str) -> Section:
        sec = Section(heading)
        self.sections.append(sec)
        return sec

    def paragraph(self, section: Section, text: str, *, kind: str = "") -> None:
        cls = f' class="note {kind}"' if kind else ""
        section.parts.append(f"<p{cls}>{escape(text)}</p>")

    def bullets(self, section: Section, items: list[str]) -> None:
        section.parts.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")

    def kpis(self, section: Section, items: list[tuple[str, str]]) -> None:
        section.parts.append(
            '<ul class="kpis">'
            + "".join(f'<li><span class="v">{escape(v)}</span>{escape(k)}</li>' for k, v in items)
            + "</ul>"
        )

    def table(
        self,
        section: Section,
        data: pd.DataFrame | list[dict[str, Any]],
        *,
        caption: str,
        max_rows: int | None = None,
    ) -> None:
        section.parts.append(table_html(data, caption=caption, max_rows=max_rows))

    def chart(self, section: Section, chart: Chart, *, caption: str | None = None) -> None:
        section.parts.append(chart_html(chart, caption=caption))

    def render(self) -> str:
        toc = "".join(
            f'<li><a href="#{s.anchor}">{escape(s.heading)}</a></li>' for s in self.sections
        )
        body = "".join(
            f'<section aria-labelledby="{s.anchor}"><h2 id="{s.anchor}">{escape(s.heading)}</h2>'
            f"{''.join(s.parts)}</section>"
            for s in self.sections
        )
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        sub = f'<p class="sub">{escape(self.subtitle)}</p>' if self.subtitle else ""
        nav = f'<nav aria-label="Contents"><ul>{toc}</ul></nav>' if len(self.sections) > 2 else ""
        return (
            f'<!DOCTYPE html><html lang="{escape(self.lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(self.title)}</title><style>{CSS}</style></head><body>"
            '<a class="skip" href="#main">Skip to content</a>'
            f"<header><h1>{escape(self.title)}</h1>{sub}{nav}</header>"
            f'<main id="main">{body}</main>'
            f"<footer>Made with socialproof {escape(__version__)} on {stamp}.</footer>"
            "</body></html>"
        )

    def write(self, path: Path) -> Path:
        from socialproof.render.tables import write_atomic

        text = self.render()
        return write_atomic(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
