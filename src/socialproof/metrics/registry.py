"""The KPI registry: every KPI defined once, with its formula, unit, base and source.

A :class:`KPI` is a ratio of sums (or a plain sum) written as an Ibis
expression over the canonical columns of the tables it applies to, so it
aggregates correctly at any grouping: ``ctr_link`` is
``sum(link_clicks) / sum(impressions)`` whether the group is one ad on one day
or a whole platform over a year. Division by zero gives NULL.

Register a KPI with :func:`register` or the :func:`kpi` decorator, from any
module::

    from socialproof.metrics.registry import KPI, kpi, register

    @kpi("response_rate", "Response rate", unit="percent", better="higher",
         tables=("threads",), formula_text="sum(answered) / count()", source="...")
    def response_rate(t):
        return safe_div(t.answered.sum(), t.count())

Built-in KPIs live in ``metrics/kpis.py``; other socialproof modules listed in
:data:`BUILTIN_MODULES` register theirs when imported; third-party packages
declare an entry point in the group ``socialproof.kpis`` whose object is a
callable returning KPIs (or a module that registers them on import).

Ratios are declared as a :class:`Ratio` (a per-row numerator and denominator)
with :func:`ratio_kpi`: the registry then sums both over the SAME rows, those
where both are known, so a row without reach can never add its interactions to
an engagement rate by reach; ``compute(..., details=True)`` adds, per KPI, the
rows used and the rows left out (see :func:`detail_columns`).

Units: ``count``, ``currency`` (in the rows' currency), ``seconds``,
``ratio`` (a plain ratio such as frequency or ROAS, 2.5 = 2.5x) and
``percent`` (stored as a fraction, 0.05, and shown as 5 %).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from socialproof.errors import UsageError

if TYPE_CHECKING:
    import ibis.expr.types as ir

Unit = Literal["ratio", "percent", "currency", "count", "seconds"]
Better = Literal["higher", "lower", "neutral"]
Bound = Literal["", "lower", "upper"]
Formula = Callable[["ir.Table"], "ir.Scalar"]
RowExpr = Callable[["ir.Table"], "ir.NumericValue"]

UNITS: tuple[str, ...] = ("ratio", "percent", "currency", "count", "seconds")
BETTER: tuple[str, ...] = ("higher", "lower", "neutral")
ENTRY_POINT_GROUP = "socialproof.kpis"
#: socialproof modules that register KPIs on import (missing ones are skipped).
BUILTIN_MODULES: tuple[str, ...] = (
    "socialproof.metrics.kpis",
    "socialproof.community.kpis",
)


@dataclass(frozen=True)
class Ratio:
    """A ratio KPI's parts: per-row numerator and denominator, named for people.

    The KPI is ``sum(numerator) / sum(denominator) * scale`` over the rows where
    both are known; rows where only one is known are left out and counted.
    """

    numerator: RowExpr
    denominator: RowExpr
    numerator_label: str  # e.g. "interactions"
    denominator_label: str  # e.g. "reach"
    scale: float = 1.0

    def parts(self, t: ir.Table) -> tuple[ir.NumericValue, ir.NumericValue, ir.BooleanValue]:
        """(numerator, denominator, both known) as row expressions over ``t``."""
        num = self.numerator(t)
        den = self.denominator(t)
        return num, den, num.notnull() & den.notnull()

    def formula(self, t: ir.Table) -> ir.Scalar:
        from socialproof.metrics.ops import safe_div

        num, den, both = self.parts(t)
        value = safe_div(both.ifelse(num, None).sum(), both.ifelse(den, None).sum())
        return value if self.scale == 1.0 else value * self.scale


@dataclass(frozen=True)
class KPI:
    """One key performance indicator.

    ``formula`` takes an Ibis table (a canonical table, or its view from
    :mod:`socialproof.metrics.views`) and returns an aggregate scalar
    expression; it must be a ratio of sums (or a sum, a count) so it is correct
    at every grouping.
    """

    name: str
    label: str
    formula: Formula
    formula_text: str
    unit: Unit
    better: Better
    tables: tuple[str, ...]
    source: str
    base: str = ""  # the denominator named for people, e.g. "reach" for engagement rates
    description: str = ""
    requires: tuple[str, ...] = field(default=())  # columns the formula reads
    ratio: Ratio | None = None  # set for ratio KPIs (see ratio_kpi)
    #: What the figure is when it sums reach over more than one row: unique people
    #: reached do not add up across days, ads or posts, so a summed reach is an upper
    #: bound of the people reached, and impressions ÷ summed reach a lower bound of
    #: frequency. "" when the figure does not depend on reach being unique.
    summed_reach: Bound = ""
    #: The per-row quantity a plain sum adds up (for explain and the bound check).
    summand: RowExpr | None = None
    #: A KPI of a series (an account's follower counts): ``formula`` is right over one
    #: series only. Over a group holding several (a platform with two accounts),
    #: :func:`compute` takes ``series_parts`` per series (grouped by these columns too)
    #: and ``series_total`` adds those parts up (it reads them through its argument).
    series: tuple[str, ...] = ()
    series_parts: Callable[[ir.Table], dict[str, ir.Scalar]] | None = None
    series_total: Callable[[Callable[[str], ir.Value]], ir.Scalar] | None = None

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise ValueError(f"KPI name {self.name!r} must be a lower-case identifier")
        if self.unit not in UNITS:
            raise ValueError(f"KPI {self.name}: unit must be one of {UNITS}")
        if self.better not in BETTER:
            raise ValueError(f"KPI {self.name}: better must be one of {BETTER}")
        if not self.tables:
            raise ValueError(f"KPI {self.name}: name at least one table it applies to")
        if self.summed_reach not in ("", "lower", "upper"):
            raise ValueError(f"KPI {self.name}: summed_reach must be '', 'lower' or 'upper'")
        if bool(self.series) != (self.series_parts is not None) or bool(self.series) != (
            self.series_total is not None
        ):
            raise ValueError(f"KPI {self.name}: series, series_parts and series_total go together")

    def applies_to(self, table: str) -> bool:
        return table in self.tables

    def expr(self, t: ir.Table) -> ir.Scalar:
        """The aggregate expression over ``t``, named after the KPI."""
        return self.formula(t).name(self.name)


_REGISTRY: dict[str, KPI] = {}
_loaded = False


def register(item: KPI, *, replace: bool = False) -> KPI:
    """Add a KPI; a second KPI with the same name is an error unless ``replace``."""
    existing = _REGISTRY.get(item.name)
    if existing is not None and not replace and existing != item:
        raise ValueError(f"A KPI named {item.name!r} is already registered")
    _REGISTRY[item.name] = item
    return item


def kpi(
    name: str,
    label: str,
    *,
    formula_text: str,
    unit: Unit,
    better: Better,
    tables: Sequence[str],
    source: str,
    base: str = "",
    description: str = "",
    requires: Sequence[str] = (),
    summed_reach: Bound = "",
    summand: RowExpr | None = None,
    series: Sequence[str] = (),
    series_parts: Callable[[ir.Table], dict[str, ir.Scalar]] | None = None,
    series_total: Callable[[Callable[[str], ir.Value]], ir.Scalar] | None = None,
) -> Callable[[Formula], Formula]:
    """Decorator form of :func:`register`: the decorated function is the formula.

    For a ratio use :func:`ratio_kpi`, which sums both parts over the same rows.
    """

    def wrap(fn: Formula) -> Formula:
        register(
            KPI(
                name=name,
                label=label,
                formula=fn,
                formula_text=formula_text,
                unit=unit,
                better=better,
                tables=tuple(tables),
                source=source,
                base=base,
                description=description or (fn.__doc__ or "").strip(),
                requires=tuple(requires),
                summed_reach=summed_reach,
                summand=summand,
                series=tuple(series),
                series_parts=series_parts,
                series_total=series_total,
            )
        )
        return fn

    return wrap


def ratio_kpi(
    name: str,
    label: str,
    *,
    numerator: RowExpr,
    denominator: RowExpr,
    numerator_label: str,
    denominator_label: str,
    unit: Unit,
    better: Better,
    tables: Sequence[str],
    source: str,
    scale: float = 1.0,
    formula_text: str = "",
    base: str = "",
    description: str = "",
    summed_reach: Bound = "",
) -> KPI:
    """Register ``sum(numerator) / sum(denominator) * scale`` over rows where both are known."""
    parts = Ratio(numerator, denominator, numerator_label, denominator_label, scale)
    times = f" × {scale:g}" if scale != 1.0 else ""
    return register(
        KPI(
            name=name,
            label=label,
            formula=parts.formula,
            formula_text=formula_text
            or f"sum({numerator_label}) / sum({denominator_label}){times}",
            unit=unit,
            better=better,
            tables=tuple(tables),
            source=source,
            base=base or denominator_label,
            description=description,
            ratio=parts,
            summed_reach=summed_reach,
        )
    )


#: Suffixes of the columns ``compute(..., details=True)`` adds per KPI.
ROWS_USED = "_rows_used"
ROWS_LEFT_OUT = "_rows_left_out"
ROWS_NO_BASE = "_rows_no_base"
#: rows used whose reach is a floor (the posts view's ``_reach_floor``: a post's largest
#: day of an export by day), for KPIs that read reach (:func:`reach_role`)
ROWS_FLOOR = "_rows_floor"
_FLOOR_COLUMN = "_reach_floor"


def reach_role(item: KPI) -> Bound:
    """What ``item`` becomes where a row's reach is a floor (lower than the real reach):
    ``lower`` for reach itself and a ratio over reach's numerator, ``upper`` for a rate
    by reach, "" when reach plays no part."""
    if item.ratio is not None:
        if item.ratio.denominator_label == "reach":
            return "upper"
        return "lower" if item.ratio.numerator_label == "reach" else ""
    return "lower" if item.name == "reach" else ""


def detail_exprs(item: KPI, t: ir.Table) -> dict[str, ir.Scalar]:
    """Per-group counts behind a KPI, named ``<kpi>_rows_used`` and so on.

    For a ratio: rows used (both parts known), rows left out (one part known, the
    other missing) and, of those, rows without the denominator (``_rows_no_base``).
    Rows with neither part are not counted: the KPI does not apply to them. For a
    KPI that sums reach (``summed_reach``): the rows whose figure was summed, so a
    reader can tell a single figure from a sum over days, ads or posts. For a KPI
    that reads reach, over a table with a ``_reach_floor`` column (posts): the rows
    used whose reach is a floor (``<kpi>_rows_floor``).
    """
    import ibis.expr.datatypes as dt

    out: dict[str, ir.Scalar] = {}
    used: ir.BooleanValue | None = None
    if item.ratio is not None:
        num, den, both = item.ratio.parts(t)
        one_missing = num.isnull() != den.isnull()
        used = both
        out[item.name + ROWS_USED] = both.cast(dt.int64).sum()
        out[item.name + ROWS_LEFT_OUT] = one_missing.cast(dt.int64).sum()
        out[item.name + ROWS_NO_BASE] = (num.notnull() & den.isnull()).cast(dt.int64).sum()
    elif item.summand is not None:
        used = item.summand(t).notnull()
        out[item.name + ROWS_USED] = used.cast(dt.int64).sum()
    if used is not None and reach_role(item) and _FLOOR_COLUMN in t.columns:
        floor = used & t[_FLOOR_COLUMN].fill_null(False)
        out[item.name + ROWS_FLOOR] = floor.cast(dt.int64).sum()
    return out


def detail_columns(item: KPI) -> tuple[str, ...]:
    """The names :func:`detail_exprs` can give ``item`` (empty for a KPI without
    details); ``<kpi>_rows_floor`` only over a table with floors (posts)."""
    floor = (item.name + ROWS_FLOOR,) if reach_role(item) else ()
    if item.ratio is not None:
        return (item.name + ROWS_USED, item.name + ROWS_LEFT_OUT, item.name + ROWS_NO_BASE, *floor)
    if item.summand is not None:
        return (item.name + ROWS_USED, *floor)
    return ()


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    from socialproof.plugins import entry_points

    for ep in entry_points(ENTRY_POINT_GROUP):
        obj = ep.load()
        if callable(obj):
            produced = obj()
            if isinstance(produced, Iterable):
                for item in produced:
                    if isinstance(item, KPI):
                        register(item, replace=True)


#: Tables whose KPIs are computed over a view of them: the response KPIs are over the
#: threads of the messages (``community.threads.threads_view``).
VIEWS_OF = {"messages": ("threads",)}


def all_kpis(table: str | None = None) -> list[KPI]:
    """Every registered KPI (for one table, if given), in registration order."""
    _load()
    items = list(_REGISTRY.values())
    if table is not None:
        items = [k for k in items if k.applies_to(table)]
    return items


def listed_kpis(table: str | None = None) -> list[KPI]:
    """The KPIs 'socialproof metrics --table' lists: those over the table and over the
    views of it (the messages' response KPIs are over their threads)."""
    if table is None:
        return all_kpis()
    over = (table, *VIEWS_OF.get(table, ()))
    return [k for k in all_kpis() if any(k.applies_to(t) for t in over)]


def get(name: str, *, table: str | None = None) -> KPI:
    """A KPI by name; a usage error listing the valid names otherwise."""
    _load()
    found = _REGISTRY.get(name.strip().lower())
    valid = [k.name for k in all_kpis(table)]
    if found is None:
        from difflib import get_close_matches

        close = get_close_matches(name, valid, n=1)
        maybe = f" Did you mean {close[0]!r}?" if close else ""
        raise UsageError(
            f"Unknown KPI {name!r}.{maybe}",
            hint=f"Valid KPIs{' for ' + table if table else ''}: {', '.join(valid)}.",
        )
    if table is not None and not found.applies_to(table):
        raise UsageError(
            f"KPI {found.name!r} does not apply to {table} (it applies to "
            f"{', '.join(found.tables)}).",
            hint=f"Valid KPIs for {table}: {', '.join(valid)}.",
        )
    return found


def resolve(names: Iterable[str | KPI] | None, *, table: str) -> list[KPI]:
    """KPIs from names (or all that apply to ``table`` when ``names`` is None)."""
    if names is None:
        return all_kpis(table)
    out: list[KPI] = []
    for n in names:
        item = n if isinstance(n, KPI) else get(n, table=table)
        if not item.applies_to(table):
            raise UsageError(
                f"KPI {item.name!r} does not apply to {table}.",
                hint=f"Valid KPIs for {table}: {', '.join(k.name for k in all_kpis(table))}.",
            )
        if item not in out:
            out.append(item)
    return out


def compute(
    t: ir.Table,
    kpis: Iterable[str | KPI] | None,
    *,
    table: str,
    by: Sequence[str] = (),
    period: str | None = None,
    time_column: str | None = None,
    timezone: str = "UTC",
    extra: Mapping[str, ir.Scalar] | None = None,
    details: bool = False,
) -> ir.Table:
    """KPIs grouped by columns and, optionally, a period, as ONE Ibis expression.

    ``extra`` adds more aggregates (e.g. checks a report wants from the same scan).
    ``details`` adds, after the KPIs, the row counts of :func:`detail_exprs`
    (turn them into notes for people with :func:`socialproof.metrics.notes.left_out_notes`).

    ``t`` is the table (or view) named ``table``; ``by`` are its columns;
    ``period`` is ``day``, ``week`` (ISO, Monday) or ``month``, bucketed on
    ``time_column`` in ``timezone`` (timestamps are naive UTC; dates are taken
    as they are). The period column is named after the period and comes first.
    """
    from socialproof.metrics import ops

    chosen = resolve(kpis, table=table)
    missing = [c for c in by if c not in t.columns]
    if missing:
        raise UsageError(
            f"Unknown dimension {', '.join(repr(m) for m in missing)} for {table}.",
            hint=f"Valid: {', '.join(t.columns)}.",
        )
    keys: list[ir.Value] = []
    if period is not None:
        if period not in ops.PERIODS:
            raise UsageError(
                f"Unknown period {period!r}.", hint=f"Use one of: {', '.join(ops.PERIODS)}."
            )
        if time_column is None:
            raise UsageError(f"{table} has no time column to group by {period}.")
        col = t[time_column]
        if col.type().is_timestamp():
            col = ops.local_time(col, timezone)
        keys.append(ops.bucket(col, period).name(period))
    keys.extend(t[c] for c in by)
    split = [k for k in chosen if k.series and not set(k.series) <= set(by)]
    aggs = [k.expr(t) for k in chosen if k not in split]
    if details:
        for k in chosen:
            aggs.extend(value.name(name) for name, value in detail_exprs(k, t).items())
    aggs.extend(value.name(name) for name, value in (extra or {}).items())
    if aggs or not split:
        expr = t.group_by(keys).aggregate(aggs) if keys else t.aggregate(aggs)
    else:  # only series KPIs: the groups alone, their figures joined below
        expr = t.select(*keys).distinct() if keys else None
    if split:
        expr = _with_series(t, expr, chosen, split, keys, by, [a.get_name() for a in aggs])
    if not keys:
        return expr
    return expr.order_by([expr[k.get_name()] for k in keys])


def _with_series(
    t: ir.Table,
    expr: ir.Table | None,
    chosen: Sequence[KPI],
    split: Sequence[KPI],
    keys: Sequence[ir.Value],
    by: Sequence[str],
    names: Sequence[str],
) -> ir.Table:
    """``expr`` with the series KPIs ``split`` computed per series, then added up per group.

    Each KPI's parts are taken per group and series (``KPI.series`` columns not in
    ``by``) and its ``series_total`` adds them up per group; the result is joined to
    ``expr`` on the group keys (NULL keys match NULL keys) and the columns are put in
    the order :func:`compute` gives them.
    """
    extra_keys = sorted({c for k in split for c in k.series if c not in by})
    inner_aggs: dict[str, ir.Scalar] = {}
    for k in split:
        assert k.series_parts is not None
        inner_aggs |= {f"_s_{k.name}_{p}": v for p, v in k.series_parts(t).items()}
    inner = t.group_by([*keys, *(t[c].name(f"_s_key_{c}") for c in extra_keys)]).aggregate(
        **inner_aggs
    )
    totals = []
    for k in split:
        assert k.series_total is not None

        def part(p: str, _k: KPI = k) -> ir.Value:
            return inner[f"_s_{_k.name}_{p}"]

        totals.append(k.series_total(part).name(k.name))
    key_names = [k.get_name() for k in keys]
    if not key_names:
        outer = inner.aggregate(totals)
        joined = outer if expr is None else expr.cross_join(outer)
    else:
        outer = inner.group_by([inner[n].name(f"_s_by_{n}") for n in key_names]).aggregate(totals)
        assert expr is not None
        joined = expr.join(outer, [expr[n].identical_to(outer[f"_s_by_{n}"]) for n in key_names])
    kpi_names = [k.name for k in chosen]
    rest = [n for n in names if n not in kpi_names]
    return joined.select(*key_names, *kpi_names, *rest)
