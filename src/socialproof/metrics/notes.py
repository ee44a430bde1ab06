"""What a KPI table cannot say in its cells: rows left out, figures that are bounds.

:func:`socialproof.metrics.registry.compute` with ``details=True`` adds row
counts after the KPIs; :func:`split_details` takes them off again and turns
them into notes for people ("3 rows without reach left out") and, for figures
built on a sum of reach, a ``<kpi>_bound`` column ("lower" or "upper" where the
figure is a bound, null where it is exact). Where posts whose reach is a floor (the
largest day of an export by day) are among a group's rows, a rate by reach is an upper
bound, and reach a lower bound when it is that one post's (a sum over several posts
mixing floors is neither: a note says so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialproof.metrics.registry import (
    ROWS_FLOOR,
    ROWS_LEFT_OUT,
    ROWS_NO_BASE,
    ROWS_USED,
    detail_columns,
    reach_role,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

    from socialproof.metrics.registry import KPI

BOUND = "_bound"
SIGN = {"lower": "≥", "upper": "≤"}


def _rows(n: int) -> str:
    return f"{n:,} row{'s' if n != 1 else ''}"


def left_out_note(item: KPI, used: int, no_base: int, no_numerator: int) -> str:
    """One sentence: which rows a ratio left out and over how many rows it summed."""
    assert item.ratio is not None
    parts = []
    if no_base:
        parts.append(f"{_rows(no_base)} without {item.ratio.denominator_label}")
    if no_numerator:
        parts.append(f"{_rows(no_numerator)} without {item.ratio.numerator_label}")
    return (
        f"{item.label}: {' and '.join(parts)} left out; {item.ratio.numerator_label} and "
        f"{item.ratio.denominator_label} are both summed over the same {_rows(used)}."
    )


def bound_note(item: KPI, bounded: int | None = None, total: int | None = None) -> str:
    """Why a figure built on summed reach is a bound, and how to get the exact one."""
    kind = item.summed_reach
    what = "a lower" if kind == "lower" else "an upper"
    where = f" in {bounded} of {_rows(total)}" if bounded is not None and total is not None else ""
    return (
        f"{item.label} is {what} bound ({SIGN[kind]}){where}: reach "
        "was summed over several days, ads or posts, and a person reached in more than one of "
        "them counts each time. Only a reach figure for the whole span and group (a "
        "reporting-range row) gives the exact value."
    )


def split_details(frame: pd.DataFrame, kpis: Iterable[KPI]) -> tuple[pd.DataFrame, list[str]]:
    """Drop the detail columns; return the frame (with ``<kpi>_bound`` columns) and notes."""
    notes: list[str] = []
    frame = frame.copy()
    present = set(frame.columns)
    dropped: list[str] = []
    floor_groups: list[tuple[KPI, int]] = []
    for item in kpis:
        cols = [c for c in detail_columns(item) if c in present]
        if not cols:
            continue
        used = frame[item.name + ROWS_USED].fillna(0).astype("int64")
        if item.ratio is not None:
            left = int(frame[item.name + ROWS_LEFT_OUT].fillna(0).sum())
            no_base = int(frame[item.name + ROWS_NO_BASE].fillna(0).sum())
            if left:
                notes.append(left_out_note(item, int(used.sum()), no_base, left - no_base))
        bounds: list[str | None] = [None] * len(frame)
        if item.summed_reach:
            bounds = [item.summed_reach if n > 1 else None for n in used]
        role = reach_role(item)
        if role and item.name + ROWS_FLOOR in present:
            floors = frame[item.name + ROWS_FLOOR].fillna(0).astype("int64")
            for i, (n, f) in enumerate(zip(used, floors, strict=True)):
                if f > 0:  # a single floor is a bound; summed with others, no bound
                    bounds[i] = role if role == "upper" or n == 1 else None
            if bool((floors > 0).any()):
                floor_groups.append((item, int((floors > 0).sum())))
        summed = sum(b is not None and b == item.summed_reach for b in bounds)
        if item.summed_reach and summed:
            notes.append(bound_note(item, summed, len(frame)))
        if item.summed_reach or item.name + ROWS_FLOOR in present:
            frame[item.name + BOUND] = bounds
        dropped.extend(cols)
    if floor_groups:
        notes.append(floor_note(floor_groups, len(frame)))
    return frame.drop(columns=dropped), notes  # one drop: each costs a copy


def floor_note(found: list[tuple[KPI, int]], total: int) -> str:
    """The note on groups holding posts whose reach is their largest day's."""
    groups = max(g for _, g in found)
    text = (
        f"{groups:,} of {_rows(total)} hold{'s' if groups == 1 else ''} posts whose reach is "
        f"the largest day's of an export by day, a lower bound ({SIGN['lower']}) of the "
        "reach over all their days"
    )
    rates = [k.label for k, _ in found if reach_role(k) == "upper"]
    lows = [k.label for k, _ in found if reach_role(k) == "lower"]
    if rates:
        text += (
            f": there {' and '.join(rates)} "
            f"{'is an upper bound' if len(rates) == 1 else 'are upper bounds'} ({SIGN['upper']})"
        )
    if lows:
        text += (
            f"{';' if rates else ':'} {' and '.join(lows)} is marked {SIGN['lower']} where it "
            "is one such post's; added up with other posts' it is neither a lower nor an "
            "upper bound and is not marked"
        )
    return text + ". A lifetime export of the posts gives their exact reach."


def mark_bounds(frame: pd.DataFrame, kpis: Iterable[KPI]) -> pd.DataFrame:
    """For people: a bound figure shown as "≥ 1.85" and the ``_bound`` columns dropped.

    Call it last (after any scaling of the values): the marked cells become text.
    """
    from socialproof.render.tables import format_number

    frame = frame.copy()
    for item in kpis:
        col = item.name + BOUND
        if col not in frame.columns:
            continue
        target = next((c for c in frame.columns if c.split(" ")[0] == item.name), None)
        marks = [b if isinstance(b, str) and b in SIGN else None for b in frame[col]]
        if target is not None and any(marks):
            frame[target] = [
                f"{SIGN[b]} {format_number(v)}" if b else v
                for v, b in zip(frame[target], marks, strict=True)
            ]
        frame = frame.drop(columns=[col])
    return frame
