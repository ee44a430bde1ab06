"""KPIs from partial sums: aggregate once at a fine grain, add up coarser groups later.

Every registered KPI the reports show is a sum, or a ratio of two sums taken over
the same rows (:mod:`socialproof.metrics.registry`). Its *parts* (the sum; or the
numerator and denominator summed over the rows where both are known) and its
detail counts therefore add up: grouped once in the engine by a fine grain (say
platform, account and day), the parts of any set of those groups (a date range, a
week, a whole platform) sum to the parts of the rows themselves, and the KPI is
computed from them exactly as :func:`~socialproof.metrics.registry.compute` computes
it on the rows. A dashboard can then answer any date range from a small table in
memory instead of scanning and compiling a report again.

:func:`parts` builds the fine-grained Ibis aggregate; :func:`combine` adds parts up
per group and computes the KPIs (with the same detail columns, so
:func:`socialproof.metrics.notes.split_details` turns them into the same notes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialproof.errors import UsageError
from socialproof.metrics.registry import detail_columns, detail_exprs

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    import ibis.expr.types as ir
    import pandas as pd

    from socialproof.metrics.registry import KPI

SUM = "__sum"
NUM = "__num"
DEN = "__den"


def can_roll_up(item: KPI) -> bool:
    """True for a KPI whose value follows from summed parts (a sum or a ratio of sums)."""
    return item.ratio is not None or item.summand is not None


def part_columns(item: KPI) -> tuple[str, ...]:
    """The names :func:`part_exprs` gives ``item``'s parts."""
    if item.ratio is not None:
        return (item.name + NUM, item.name + DEN)
    if item.summand is not None:
        return (item.name + SUM,)
    raise UsageError(
        f"KPI {item.name!r} is not a sum or a ratio of sums, so it cannot be added up from "
        "partial sums.",
        hint="Compute it on the rows with metrics.registry.compute.",
    )


def part_exprs(item: KPI, t: ir.Table) -> dict[str, ir.Scalar]:
    """``item``'s additive parts as aggregates over ``t`` (see the module docs)."""
    names = part_columns(item)
    if item.ratio is not None:
        num, den, both = item.ratio.parts(t)
        return {names[0]: both.ifelse(num, None).sum(), names[1]: both.ifelse(den, None).sum()}
    assert item.summand is not None
    return {names[0]: item.summand(t).sum()}


def parts(
    t: ir.Table,
    kpis: Iterable[KPI],
    keys: Sequence[ir.Value],
    *,
    extra: Mapping[str, ir.Scalar] | None = None,
) -> ir.Table:
    """``t`` grouped by ``keys`` with every KPI's parts and detail counts (and ``extra``)."""
    aggs: dict[str, ir.Scalar] = {}
    for item in kpis:
        aggs |= part_exprs(item, t)
        aggs |= detail_exprs(item, t)
    aggs |= dict(extra or {})
    return t.group_by(list(keys)).aggregate(**aggs)


def combine(
    frame: pd.DataFrame,
    kpis: Sequence[KPI],
    by: Sequence[str],
    *,
    sums: Sequence[str] = (),
    mins: Sequence[str] = (),
    maxs: Sequence[str] = (),
) -> pd.DataFrame:
    """Add up the parts of ``frame`` per ``by`` and compute each KPI from them.

    Columns out: ``by``, then each KPI (NULL where its sum is unknown or its
    denominator is 0 or unknown, as in the engine), then its detail counts, then the
    ``sums``, ``mins`` and ``maxs`` of other columns (e.g. checks). Rows come out
    ordered by ``by``. An empty ``by`` gives one row over the whole frame (none when
    the frame is empty).
    """
    import numpy as np
    import pandas as pd

    details = [c for item in kpis for c in detail_columns(item)]
    part_cols = [c for item in kpis for c in part_columns(item)]
    counts = [*details, *sums]
    keys = list(by)
    work = pd.DataFrame(frame[part_cols].astype("float64"), index=frame.index)
    known = work.notna()
    known.columns = ["known:" + c for c in part_cols]
    work = pd.concat(
        [
            frame[keys],
            work,
            known,
            frame[counts].fillna(0).astype("int64"),
            frame[list(mins)],
            frame[list(maxs)].add_prefix("max:"),
        ],
        axis=1,
    )
    summed = [*part_cols, *known.columns, *counts]
    if keys:
        g = work.groupby(keys, sort=True, dropna=False)
        grouped = pd.concat(
            [g[summed].sum(), g[list(mins)].min(), g[["max:" + c for c in maxs]].max()], axis=1
        ).reset_index()
    elif len(work):
        row = {**work[summed].sum().to_dict()}
        row |= {c: work[c].min() for c in mins} | {"max:" + c: work["max:" + c].max() for c in maxs}
        grouped = pd.DataFrame([row])
    else:
        grouped = pd.DataFrame(columns=[*summed, *mins, *("max:" + c for c in maxs)])
    out: dict[str, object] = {k: grouped[k].to_numpy() for k in keys}

    def total(col: str) -> np.ndarray:
        values = grouped[col].to_numpy(dtype="float64")
        return np.where(grouped["known:" + col].to_numpy(dtype="float64") > 0, values, np.nan)

    with np.errstate(divide="ignore", invalid="ignore"):
        for item in kpis:
            if item.ratio is not None:
                num, den = total(item.name + NUM), total(item.name + DEN)
                value = num / np.where(den == 0, np.nan, den)
                out[item.name] = value if item.ratio.scale == 1.0 else value * item.ratio.scale
            else:
                out[item.name] = total(item.name + SUM)
    for c in counts:
        out[c] = grouped[c].to_numpy(dtype="int64")
    for c in mins:
        out[c] = grouped[c].to_numpy()
    for c in maxs:
        out[c] = grouped["max:" + c].to_numpy()
    return pd.DataFrame(out)
