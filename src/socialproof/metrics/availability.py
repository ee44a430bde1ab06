"""Which KPIs the imported data cannot give, and why, from the columns that hold data.

Exports carry the columns their user chose: an Ads Manager export without "Amount
spent" imports (its reach and clicks are worth having) but cannot give CPM, CPC or
ROAS. Reports say so in one line per missing column, in the export's own words::

    CPM, CPC, ROAS: not in the imported files (no Amount spent column).

:func:`unavailable_notes` works from a set of columns (no database);
:func:`unavailable_kpis` asks the workspace which columns of a table hold any value.
Both are used by the campaign, ads, pacing and creators reports (CLI and web alike).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from socialproof.metrics.registry import KPI

#: Canonical columns named as the platforms' exports name them (what users look for).
COLUMN_WORDS: dict[str, dict[str, str]] = {
    "ad_stats": {
        "spend": "Amount spent",
        "impressions": "Impressions",
        "reach": "Reach",
        "clicks": "Clicks (all)",
        "link_clicks": "Link clicks",
        "results": "Results",
        "purchases": "Purchases",
        "purchase_value": "Purchases conversion value",
        "leads": "Leads",
        "video_views": "ThruPlays (video plays)",
        "video_completions": "Video plays at 100%",
    },
    "posts": {
        "reach": "Reach",
        "impressions": "Impressions",
        "video_views": "Views",
        "link_clicks": "Link clicks",
    },
}


def kpi_inputs(item: KPI, table: str) -> list[tuple[str, ...]]:
    """The inputs a KPI needs, each as the columns any one of which gives it.

    A sum needs its column; a ratio needs its numerator and its denominator (a
    numerator such as 'purchases + leads' is there when either column is). Inputs
    that are not plain columns of ``table`` (a computed 'interactions') are not
    listed: nothing is claimed about them.
    """
    from socialproof.workspace.schema import CANONICAL

    spec = CANONICAL.get(table)
    if spec is None:
        return []
    known = set(spec.columns)
    if item.requires:
        texts = list(item.requires)
    elif item.ratio is not None:
        texts = [item.ratio.numerator_label, item.ratio.denominator_label]
    else:
        match = re.fullmatch(r"sum\((\w+)\)", item.formula_text.strip())
        texts = [match.group(1)] if match else []
    inputs: list[tuple[str, ...]] = []
    for text in texts:
        words = tuple(w for w in re.split(r"\s*\+\s*", text.strip()) if w)
        if words and all(w in known for w in words):
            inputs.append(words)
    return inputs


def _short(item: KPI, others: Sequence[KPI]) -> str:
    short = item.label.split(" (")[0]
    same = sum(1 for k in others if k.label.split(" (")[0] == short)
    return short if same <= 1 else item.label


def lacking_inputs(
    table: str, present: Iterable[str], kpis: Sequence[KPI]
) -> dict[str, tuple[str, ...]]:
    """KPI name -> the columns it needs that hold no value (only KPIs lacking some)."""
    have = set(present)
    missing_by_kpi: dict[str, tuple[str, ...]] = {}
    for item in kpis:
        options = kpi_inputs(item, table)
        lacking = {c for option in options if not have & set(option) for c in option}
        if lacking:
            missing_by_kpi[item.name] = tuple(sorted(lacking))
    return missing_by_kpi


def unavailable_notes(table: str, present: Iterable[str], kpis: Sequence[KPI]) -> list[str]:
    """One note per group of missing columns: the KPIs they take away, in plain words.

    ``present`` are the columns of ``table`` that hold at least one value.
    """
    words = COLUMN_WORDS.get(table, {})
    missing_by_kpi = lacking_inputs(table, present, kpis)
    groups: dict[tuple[str, ...], list[KPI]] = {}
    for item in kpis:
        if item.name in missing_by_kpi:
            groups.setdefault(missing_by_kpi[item.name], []).append(item)
    notes = []
    for columns, items in groups.items():
        names = [words.get(c, c.replace("_", " ")) for c in columns]
        said = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        s = "" if len(names) == 1 else "s"
        listed = ", ".join(_short(k, kpis) for k in items)
        notes.append(f"{listed}: not in the imported files (no {said} column{s}).")
    return notes


def columns_with_data(con: Any, table: str, columns: Iterable[str]) -> set[str]:
    """The columns of ``table`` (in the workspace behind ``con``) holding any value."""
    from socialproof.workspace import engine

    wanted = sorted(set(columns))
    if not wanted or engine.is_empty(con, table):
        return set()
    t = engine.table(con, table)
    wanted = [c for c in wanted if c in t.columns]
    if not wanted:
        return set()
    counts = engine.execute(t.aggregate([t[c].count().name(c) for c in wanted]))
    return {c for c in wanted if int(counts.iloc[0][c] or 0) > 0}


@dataclass(frozen=True)
class Unavailable:
    """What the data in a table cannot give: notes for people and the KPIs concerned."""

    notes: list[str] = field(default_factory=list)
    names: tuple[str, ...] = ()  # KPI names
    labels: tuple[str, ...] = ()  # their labels, as other report notes start

    def about(self, note: str) -> bool:
        """Whether another report note is about one of these KPIs (then it says no more)."""
        return any(note.startswith(f"{label}:") for label in self.labels)


def unavailable_kpis(con: Any, table: str, kpis: Sequence[KPI]) -> Unavailable:
    """:func:`unavailable_notes` for the data in the workspace (``engine.backend`` ``con``)."""
    needed = {c for item in kpis for option in kpi_inputs(item, table) for c in option}
    if not needed:
        return Unavailable()
    from socialproof.workspace import engine

    if engine.is_empty(con, table):
        return Unavailable()
    present = columns_with_data(con, table, needed)
    lacking = lacking_inputs(table, present, kpis)
    return Unavailable(
        unavailable_notes(table, present, kpis),
        tuple(lacking),
        tuple(k.label for k in kpis if k.name in lacking),
    )
