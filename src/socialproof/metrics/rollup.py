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

from typing import TYPE_CHECKING, Any

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

    # a floor count exists only over posts (see ``registry.detail_exprs``)
    details = [c for item in kpis for c in detail_columns(item) if c in frame.columns]
    counts = [*details, *sums]
    keys = list(by)
    # Plain numpy over a few hundred rows: a pandas groupby costs far more in overhead.
    columns = {k: frame[k].to_numpy(dtype=object) for k in keys}
    tuples = list(zip(*(columns[k] for k in keys), strict=True)) if keys else [()] * len(frame)
    groups = sorted(set(tuples), key=_order)
    index = {g: i for i, g in enumerate(groups)}
    gid = np.fromiter((index[t] for t in tuples), dtype=np.int64, count=len(tuples))
    n = len(groups)
    out: dict[str, object] = {k: [g[i] for g in groups] for i, k in enumerate(keys)}

    def total(col: str) -> np.ndarray:
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64")
        known = ~np.isnan(values)
        summed = np.bincount(gid, weights=np.where(known, values, 0.0), minlength=n)
        seen = np.bincount(gid, weights=known.astype("float64"), minlength=n)
        return np.where(seen > 0, summed, np.nan)

    with np.errstate(divide="ignore", invalid="ignore"):
        for item in kpis:
            if item.ratio is not None:
                num, den = total(item.name + NUM), total(item.name + DEN)
                value = num / np.where(den == 0, np.nan, den)
                out[item.name] = value if item.ratio.scale == 1.0 else value * item.ratio.scale
            else:
                out[item.name] = total(item.name + SUM)
    for c in counts:
        values = pd.to_numeric(frame[c], errors="coerce").fillna(0).to_numpy(dtype="float64")
        out[c] = np.rint(np.bincount(gid, weights=values, minlength=n)).astype("int64")
    for c, pick in [*((c, min) for c in mins), *((c, max) for c in maxs)]:
        found: list[list[Any]] = [[] for _ in range(n)]
        for g, v in zip(gid, frame[c].to_numpy(dtype=object), strict=True):
            if v is not None and v == v:
                found[g].append(v)
        out[c] = [pick(vs) if vs else None for vs in found]
    return pd.DataFrame(out, index=range(n))


def _order(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """Sort key of a group: unknown values last, as the engine orders NULLs."""
    return tuple((v is None or v != v, "" if v is None or v != v else v) for v in key)
