"""Figures written in a case study's text, checked against the figures from the evidence.

A summary that says "ROAS of 4.5×" while the workspace computes 2.95× would put a
number in front of a client that the evidence does not support. For each outcome
computed from the workspace, the text is searched for its names (the outcome's label,
the KPI's label and abbreviation); a number written after a name, up to the end of the
clause or the next figure's name, in that figure's unit (a % for a rate, × for a
ratio, ...), must be the figure, its baseline, its target or its change, as rounded
where it is written. A % written about a figure that is not a rate is read as its
change against the baseline. Numbers in other units, and figures without a
baseline for a % change, are left alone: only a number the text ties to a figure is
checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialproof.portfolio.evidence import Figure

#: A written number: sign, digits with thousands separators, decimals, then its unit.
#: A decimal comma ("11,6 %", "4,5×", "1.234,56 €") is read as the decimal point it is
#: (the number was cut at the comma and went unchecked); ",ddd" stays a thousands group,
#: and digits grouped by spaces ("1 234,56") are not read in part.
_NUMBER = re.compile(
    r"(?P<cur>[$€£¥₹]\s?)?(?<![\w.,])(?<!\d[ \u00a0\u202f])(?P<num>[-+−]?\d{1,3}(?:\.\d{3})+,\d+(?![\d.,])|"
    r"[-+−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+−]?\d+,\d{1,2}(?![\d.,])|[-+−]?\d+(?:\.\d+)?)"
    r"(?P<unit>\s?(?:%|percentage points?\b|percent\b|per cent\b|pp\b|×|x\b|k\b|m\b|million\b|"
    r"s\b|secs?\b|seconds?\b|mins?\b|minutes?\b|h\b|hrs?\b|hours?\b|days?\b))?",
    re.I,
)
#: Figures' abbreviations a text may use beside the KPIs' own names: where one starts,
#: the words about the figure before it end.
ABBREVIATIONS = ("CPA", "CPL", "CPC", "CPM", "CPV", "CPI", "CTR", "ROAS", "ROI", "AOV", "ER", "VTR")
#: Where a clause ends: a sentence's end, a semicolon, a line break.
_CLAUSE_END = re.compile(r"[.!?](?:\s|$)|[;\n]")
_MULTIPLIERS = {"k": 1e3, "m": 1e6, "million": 1e6}
_SECONDS = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "min": 60, "mins": 60}
_SECONDS |= {"minute": 60, "minutes": 60, "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600}
_SECONDS |= {"hours": 3600, "day": 86400, "days": 86400}


@dataclass
class Claim:
    """A number in the text that the evidence does not give."""

    field: str  # summary, body, ...
    figure: str  # the outcome's label
    written: str  # the words as written, for the message
    shown: str  # what the evidence gives, for the message


def figure_names(label: str, kpi_label: str | None) -> list[str]:
    """The names a text may use for a figure: its label, the KPI's label and abbreviation."""
    names = {label.strip()}
    if kpi_label:
        outer, _, inner = kpi_label.partition("(")
        names.add(outer.strip())
        inner = inner.rstrip(")").strip()
        if len(inner) >= 5 and not inner.startswith("by ") and not any(c.isdigit() for c in inner):
            names.add(inner)
    return sorted((n for n in names if len(n) >= 3), key=len, reverse=True)


def unsupported(
    texts: dict[str, str], figures: list[tuple[Figure, list[str]]], *, other_names: list[str]
) -> list[Claim]:
    """The numbers ``texts`` tie to a figure that match none of its values. A name is read
    whole ("response rate within the SLA" is not "response rate"); a number written after a
    name two figures share counts when it is either's."""
    by_name: dict[str, list[Figure]] = {}
    for fig, names in figures:
        if fig.computed and isinstance(fig.value, (int, float)):
            for name in names:
                by_name.setdefault(_norm(name), []).append(fig)
    if not by_name:
        return []
    every = set(by_name) | {_norm(n) for n in (*other_names, *ABBREVIATIONS)}
    any_name = _names_re(sorted(every, key=len, reverse=True))
    out: list[Claim] = []
    for field, text in texts.items():
        for hit in any_name.finditer(text):
            figs = by_name.get(_norm(hit.group(0)))
            if not figs:
                continue
            clause = _clause_after(text, hit.end(), any_name)
            for m in _NUMBER.finditer(clause):
                verdicts = [_supported(m, fig) for fig in figs]
                if False in verdicts and True not in verdicts:
                    fig = figs[0]
                    shown = fig.display + (f" ({fig.versus})" if fig.versus else "")
                    written = f"{hit.group(0)} … {m.group(0).strip()}"
                    out.append(Claim(field, fig.label, written, shown))
    return out


def _norm(name: str) -> str:
    return re.sub(r"[\s-]+", " ", name.strip().lower())


def _names_re(names: list[str]) -> re.Pattern[str]:
    alts = "|".join(r"[\s-]+".join(re.escape(w) for w in n.split(" ")) for n in names)
    return re.compile(r"(?<!\w)(?:" + alts + r")(?!\w)", re.I)


def _clause_after(text: str, start: int, any_name: re.Pattern[str]) -> str:
    """The words after a figure's name up to the end of the clause or the next name."""
    rest = text[start : start + 120]
    end = _CLAUSE_END.search(rest)
    if end is not None:
        rest = rest[: end.start()]
    other = any_name.search(rest)
    return rest[: other.start()] if other is not None else rest


def _supported(m: re.Match[str], fig: Figure) -> bool | None:
    """True when the number is one of the figure's values as written, False when it is a
    figure of its unit that matches none, None when it is not the figure's kind of number."""
    raw = m.group("num").replace("−", "-")
    if re.fullmatch(r"[-+]?\d{1,3}(?:\.\d{3})+,\d+|[-+]?\d+,\d{1,2}", raw):
        raw = raw.replace(".", "").replace(",", ".")  # a decimal comma
    else:
        raw = raw.replace(",", "")
    number = float(raw)
    decimals = len(raw.partition(".")[2])
    unit = (m.group("unit") or "").strip().lower()
    if unit.startswith("percentage point"):  # "rose 1.6 percentage points" went unchecked
        unit = "pp"
    value = float(fig.value)  # type: ignore[arg-type]
    candidates: list[float] = []
    percent = unit in ("%", "percent", "per cent")
    if m.group("cur") and fig.unit != "currency":
        return None  # an amount: another figure's
    if fig.unit == "percent":
        if not percent and unit != "pp":
            return None
        scale = 100.0
        candidates = [v * scale for v in (value, fig.baseline, fig.target) if v is not None]
        if fig.baseline is not None:  # "up 0.2 points", or "up 19 %" relative
            candidates.append(abs(value - fig.baseline) * 100)
            if fig.baseline:
                candidates.append(abs(value - fig.baseline) / abs(fig.baseline) * 100)
    elif percent:
        if fig.baseline is None or not fig.baseline:
            return None  # a change with nothing to compare with: not checked
        candidates = [abs(value - fig.baseline) / abs(fig.baseline) * 100]
    elif fig.unit == "ratio":
        if unit not in ("×", "x") and not decimals:
            return None
        candidates = [v for v in (value, fig.baseline, fig.target) if v is not None]
    elif fig.unit == "currency":
        if not m.group("cur") and not decimals and unit not in _MULTIPLIERS:
            return None
        number *= _MULTIPLIERS.get(unit, 1)
        candidates = [v for v in (value, fig.baseline, fig.target) if v is not None]
        if fig.baseline is not None:
            candidates.append(abs(value - fig.baseline))
    elif fig.unit in ("seconds", "hours"):
        if unit not in _SECONDS:
            return None
        number *= _SECONDS[unit] / (3600 if fig.unit == "hours" else 1)
        decimals = 0 if unit in ("s", "sec", "secs", "second", "seconds") else decimals
        candidates = [v for v in (value, fig.baseline, fig.target) if v is not None]
        # "4.2 h" is rounded in hours: allow half of the written unit
        step = _SECONDS[unit] / (3600 if fig.unit == "hours" else 1) * 10**-decimals
        return any(abs(number - c) <= step / 2 + abs(c) * 0.02 for c in candidates)
    elif fig.unit == "count":
        if unit not in _MULTIPLIERS and "," not in m.group("num") and abs(number) < 1000:
            return None
        if not unit and not decimals and 1900 <= number <= 2100:
            return None  # a year
        step = _MULTIPLIERS.get(unit, 1) * 10**-decimals
        number *= _MULTIPLIERS.get(unit, 1)
        candidates = [v for v in (value, fig.baseline, fig.target) if v is not None]
        if fig.baseline is not None:
            candidates.append(abs(value - fig.baseline))
        return any(abs(abs(number) - c) <= step / 2 + abs(c) * 0.02 for c in candidates)
    else:
        return None
    step = 10**-decimals
    return any(abs(abs(number) - abs(c)) <= step / 2 + abs(c) * 0.02 for c in candidates)
