"""What a KPI table cannot say in its cells: rows left out, figures that are bounds.

:func:`socialproof.metrics.registry.compute` with ``details=True`` adds row
counts after the KPIs; :func:`split_details` takes them off again and turns
them into notes for people ("3 rows without reach left out") and, for figures
built on a sum of reach, a ``<kpi>_bound`` column ("lower" or "upper" where the
figure is a bound, null where it is exact).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialproof.metrics.registry import ROWS_LEFT_OUT, ROWS_NO_BASE, ROWS_USED, detail_columns

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
        if item.summed_reach:
            mask = used > 1
            frame[item.name + BOUND] = [item.summed_reach if m else None for m in mask]
            if bool(mask.any()):
                notes.append(bound_note(item, int(mask.sum()), len(frame)))
        dropped.extend(cols)
    return frame.drop(columns=dropped), notes  # one drop: each costs a copy


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
