"""A change between two figures in words, as every face shows it.

The dashboard's cards and the portfolio's outcomes both print how far a figure moved
from an earlier one; a percentage moves in points first, so one wording serves both.
"""

from __future__ import annotations


def change(current: float | None, before: float | None) -> float | None:
    """Relative change from ``before`` to ``current`` (0.1 = +10 %); None when undefined."""
    if current is None or before is None or before == 0:
        return None
    return (current - before) / abs(before)


def change_text(value: float | None, old: float | None, unit: str) -> tuple[str, int]:
    """The change from ``old`` to ``value`` in words, and its sign (0: none or unknown).

    Relative ('+50 %'), with a decimal under 10 % and '<0.1 %' rather than a '+0 %' that
    still reads better or worse. A percentage changes in points first ('+0.50 pts,
    +50 %'), so 1.00 % → 1.50 % cannot read as fifty points; from 0 % only the points.
    """
    if value is None or old is None:
        return "", 0
    sign = (value > old) - (value < old)
    delta = change(value, old)
    rel = ""
    if delta is not None:
        pct = abs(delta) * 100
        shown = f"{pct:.0f}" if pct >= 9.5 else f"{pct:.1f}"
        if sign and float(shown) == 0:
            shown = "<0.1"
        rel = f"{'+' if sign > 0 else '-'}{shown} %" if sign else "0 %"
    if unit != "percent":
        return rel, sign
    points = f"{(value - old) * 100:+.2f} pts" if sign else "0.00 pts"
    if sign and abs(value - old) * 100 < 0.005:
        points = f"{'+' if sign > 0 else '-'}<0.01 pts"
    return (f"{points}, {rel}" if rel else points), sign
