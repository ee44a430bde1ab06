"""Evidence: outcomes and charts computed from the workspace, so figures stay true.

An outcome either carries a typed ``value`` or points into the workspace: a KPI
(``kpi`` + ``where`` filters + period), a pilot result (``pilot``) or a
community health metric (``community``). :class:`EvidenceResolver` checks the
references (naming what exists when a reference is wrong) and computes the
figures; the site marks each figure as computed or typed.
"""

from __future__ import annotations

import math
import re
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadInput, SocialproofError
from socialproof.metrics.notes import SIGN

if TYPE_CHECKING:
    from datetime import date

    import ibis.expr.types as ir
    import pandas as pd

    from socialproof.metrics.registry import KPI
    from socialproof.portfolio.casestudy import Chart, LoadedCaseStudy, Outcome
    from socialproof.workspace import Workspace

MAX_IMAGE_BYTES = 10 * 1024 * 1024
_FILTERABLE = (
    "platform", "account", "campaign", "ad_set", "ad", "format", "labels", "group_id", "currency",
)  # fmt: skip


@dataclass
class Figure:
    label: str
    value: float | str | None
    unit: str
    computed: bool  # True: from imported data; False: typed by hand
    provenance: str  # how it was obtained, for people
    baseline: float | None = None
    target: float | None = None
    note: str | None = None
    better: str | None = None  # higher | lower | neutral (the KPI's), None: not known
    currency: str | None = None  # of an amount computed from rows in one currency
    #: 'upper' or 'lower' where the figure is a bound, as the reports mark it (reach
    #: summed over several posts or days counts a person once per row: ≤)
    bound: str | None = None

    @property
    def display(self) -> str:
        shown = format_value(self.value, self.unit)
        if self.unit == "currency" and self.currency and shown != "n/a":
            shown = f"{shown} {self.currency}"
        if self.bound in SIGN and shown != "n/a":
            shown = f"{SIGN[self.bound]} {shown}"
        return shown

    @property
    def versus(self) -> str:
        bits = []
        if self.baseline is not None:
            bits.append(f"baseline {format_value(self.baseline, self.unit)}")
            change = _change(self.value, self.baseline, self.unit)
            if change:
                bits.append(change)
        if self.target is not None:
            bits.append(f"target {format_value(self.target, self.unit)}")
            if isinstance(self.value, (int, float)):
                met = _meets(self.value, self.target, self.baseline, self.better, self.label)
                verdict = "target met" if met else "target not met"
                if not met and format_value(self.value, self.unit) == format_value(
                    self.target, self.unit
                ):  # '12.0 % (target 12.0 %; target not met)' read as a contradiction
                    verdict += f" ({_finer(self.value, self.unit)} against {_finer(self.target, self.unit)})"
                if self.bound in SIGN:
                    # the exact figure lies below an upper bound (above a lower one): where
                    # it could fall on the target's other side, the verdict is not known
                    far = -math.inf if self.bound == "upper" else math.inf
                    if _meets(far, self.target, self.baseline, self.better, self.label) != met:
                        verdict = (
                            f"target {'met' if met else 'not met'} by this "
                            f"{'upper' if self.bound == 'upper' else 'lower'} bound; the exact "
                            f"figure may {'fall short' if met else 'meet it'}"
                        )
                bits.append(verdict)
        return "; ".join(bits)


#: Words of a typed outcome's label that name a figure where less is better.
_LESS_IS_BETTER = re.compile(
    r"\b(?:costs?|cpa|cpc|cpm|cpl|cpv|cpi|spend|time|times|churn|bounce|unsubscribes?|"
    r"complaints?|returns? rate|drop-?off)\b",
    re.I,
)


def _meets(
    value: float, target: float, baseline: float | None, better: str | None, label: str
) -> bool:
    """Whether ``value`` reaches ``target``: by the KPI's direction when it has one, else
    a target under the baseline aims lower, else a cost or a time in the label does."""
    if better == "lower":
        lower_is_better = True
    elif better == "higher":
        lower_is_better = False
    elif baseline is not None and target != baseline:
        lower_is_better = target < baseline
    else:
        lower_is_better = bool(_LESS_IS_BETTER.search(label))
    return value <= target if lower_is_better else value >= target


def _finer(value: float, unit: str) -> str:
    """A value with the decimals its shown form rounds away (11.996 % for '12.0 %')."""
    v = float(value) * (100 if unit == "percent" else 1)
    text = f"{v:,.4f}".rstrip("0").rstrip(".")
    return text + {"percent": " %", "ratio": "×"}.get(unit, "")


def _change(value: Any, baseline: float, unit: str) -> str:
    """'+0.50 pts, +50 % vs baseline' for a percentage, '+75 % vs baseline' otherwise (as
    the dashboard words a change); nothing when there is no number to compare."""
    from socialproof.render.change import change_text

    if not isinstance(value, (int, float)) or math.isnan(float(value)) or math.isnan(baseline):
        return ""
    text, _ = change_text(float(value), float(baseline), unit)
    return f"{text} vs baseline" if text else ""


def _sums_reach(name: str) -> bool:
    """Whether the KPI is a sum of reach (its bound is then over people counted twice)."""
    from socialproof.metrics import registry

    return bool(registry.get(name).summed_reach)


def _better(name: str) -> str | None:
    from socialproof.metrics import registry

    try:
        return str(registry.get(name).better)
    except SocialproofError:
        return None


def _clean(raw: Any) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def format_value(value: Any, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, str):
        return value
    v = float(value)
    if unit == "percent":
        return f"{v * 100:.2f} %" if abs(v) < 0.1 else f"{v * 100:.1f} %"
    if unit == "currency":
        return f"{v:,.2f}"
    if unit == "ratio":
        return f"{v:.2f}×"
    if unit == "seconds":
        return (
            f"{v / 3600:.1f} h" if v >= 3600 else f"{v / 60:.0f} min" if v >= 60 else f"{v:.0f} s"
        )
    if unit == "hours":
        return f"{v:.1f} h"
    if v.is_integer():
        return f"{int(v):,}"
    return f"{v:,.2f}"


def _aggregate(t: ir.Table, kpi: KPI, table: str, by: list[str]) -> ir.Table:
    """``kpi`` per group of ``by`` (one row with none) as the column ``value``, with the
    row counts the reports mark bounds by (see :func:`bounds`). Computed as the reports
    compute it (:func:`socialproof.metrics.registry.compute`): a KPI of a series (follower
    growth: one account's counts) is taken per account and then added up; its formula over
    a platform with two accounts would mix one account's count with both's changes."""
    from socialproof.metrics import registry

    out = registry.compute(t, [kpi], table=table, by=by, details=True)
    return out.mutate(value=out[kpi.name])


def bounds(frame: pd.DataFrame, kpi: KPI) -> list[str | None]:
    """Per row of an executed :func:`_aggregate`, 'upper' or 'lower' where the figure is a
    bound, as ``socialproof report`` marks it (≤ reach summed over several posts; a rate
    over a post whose reach is a day's floor), else None."""
    from socialproof.metrics.notes import BOUND, split_details

    marked, _notes = split_details(frame, [kpi])
    column = kpi.name + BOUND
    if column not in marked.columns:
        return [None] * len(frame)
    return [b if isinstance(b, str) else None for b in marked[column].tolist()]


class EvidenceResolver:
    """Resolves and computes evidence against one workspace (or none)."""

    def __init__(self, ws: Workspace | None, *, base_dir: Path | None = None) -> None:
        self.ws = ws
        self.base_dir = base_dir or (ws.root / "case-studies" if ws else Path.cwd())
        self._cache: dict[tuple[Any, ...], Any] = {}
        self.warnings: list[str] = []
        self._paid = False  # the study being resolved is paid work (prefer ad_stats)
        self._stack = ExitStack()
        self._con: Any = None

    # -- one connection for every query of a build --------------------------------
    def _connection(self, ws: Workspace) -> Any:
        if self._con is None:
            self._con = self._stack.enter_context(ws.ibis())
        return self._con

    def close(self) -> None:
        self._stack.close()
        self._con = None

    def __enter__(self) -> EvidenceResolver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- assets -----------------------------------------------------------------
    def asset_path(self, relative: str) -> Path:
        """The file an image path names; it may not leave the workspace (or case study folder)."""
        root = (self.ws.root if self.ws else self.base_dir).resolve()
        rel = Path(relative)
        candidates = [self.base_dir / rel, root / rel] if not rel.is_absolute() else [rel]
        for cand in candidates:
            resolved = cand.resolve()  # follows symlinks: a link out of the workspace is refused
            if resolved != root and root not in resolved.parents:
                raise BadInput(
                    f"The image path {relative!r} points outside the workspace.",
                    hint="Keep images inside the workspace (e.g. case-studies/assets/).",
                )
            if resolved.is_file():
                return resolved
        raise BadInput(
            f"The image {relative!r} does not exist.",
            hint=f"Put it under {self.base_dir} or fix the path.",
        )

    def check_asset(self, relative: str) -> str | None:
        try:
            path = self.asset_path(relative)
        except BadInput as exc:
            return str(exc)
        if path.stat().st_size > MAX_IMAGE_BYTES:
            self.warnings.append(
                f"{relative} is {path.stat().st_size / 1e6:.1f} MB; the site resizes it when "
                "Pillow is installed, otherwise consider exporting a smaller image."
            )
        return None

    # -- references ----------------------------------------------------------------
    def check_outcome(self, o: Outcome, loaded: LoadedCaseStudy) -> str | None:
        try:
            figure = self.outcome(o, loaded)
        except SocialproofError as exc:
            return str(exc)
        if figure.computed and figure.value is None:  # the site would publish 'n/a'
            return (
                f"'{o.label}' has no value: {figure.provenance} gives none (no rows in that "
                "period, or a base of zero). Check the period and filters, or import the "
                "export that covers them."
            )
        return None

    def check_chart(self, c: Chart, loaded: LoadedCaseStudy) -> str | None:
        try:
            labels, values, label, _ = self.series(c, loaded)
        except SocialproofError as exc:
            return str(exc)
        if all(v is None for v in values):  # the site would leave it out
            since, until = self._period(c.since, c.until, loaded)
            return (
                f"The chart of {label} has no data from {since.isoformat()} to "
                f"{until.isoformat() if until else 'latest'}"
                f"{' (' + ', '.join(f'{k} = {v}' for k, v in c.where.items()) + ')' if c.where else ''}."
                " Check the period and filters, or import the export that covers them."
            )
        return None

    def _need_ws(self, what: str) -> Workspace:
        if self.ws is None:
            raise BadInput(
                f"{what} needs a workspace with imported data.",
                hint="Run inside a workspace or pass --workspace.",
            )
        return self.ws

    def outcome(self, o: Outcome, loaded: LoadedCaseStudy) -> Figure:
        if not o.computed:
            return Figure(
                o.label,
                o.value,
                o.unit or "count",
                False,
                "typed by hand",
                o.baseline,
                o.target,
                o.note,
            )
        if o.kpi:
            self._paid = loaded.study.kind in ("paid", "mock")
            since, until = self._period(o.since, o.until, loaded)
            value, unit, text = self.kpi_value(o.kpi, o.where, since, until)
            currency = self._cache.get(("currency", *self._kpi_key(o.kpi, o.where, since, until)))
            bound = self._cache.get(("bound", *self._kpi_key(o.kpi, o.where, since, until)))
            if bound in SIGN:
                text += (
                    f"; {'an upper' if bound == 'upper' else 'a lower'} bound "
                    f"({SIGN[bound]}), as 'socialproof report' marks it: reach summed over "
                    "several days, ads or posts, and a person reached in more than one of them counts each time"
                    if _sums_reach(o.kpi)
                    else f"; {'an upper' if bound == 'upper' else 'a lower'} bound "
                    f"({SIGN[bound]}), as 'socialproof report' marks it: some posts' reach is "
                    "their largest day's (an export by day)"
                )
            return Figure(
                o.label,
                value,
                unit,
                True,
                text,
                o.baseline,
                o.target,
                o.note,
                _better(o.kpi),
                currency,
                bound,
            )
        if o.pilot:
            return self.pilot_figure(o, loaded)
        assert o.community is not None
        return self.community_figure(o, loaded)

    def _period(
        self, since: date | None, until: date | None, loaded: LoadedCaseStudy
    ) -> tuple[date, date | None]:
        p = loaded.study.period
        return since or p.start, until or p.end

    # -- KPI computations (Ibis over the workspace) ------------------------------------
    def _table_for(self, kpi_tables: tuple[str, ...], where: dict[str, str]) -> str:
        """Which table a KPI is computed from: 'table' in ``where`` decides, else paid
        filters (ad_set, ad) choose ad_stats, else the KPI's first table."""
        wanted = where.get("table")
        if wanted:
            if wanted not in kpi_tables:
                raise BadInput(
                    f"This KPI is not computed from {wanted!r}.",
                    hint=f"It applies to: {', '.join(kpi_tables)}.",
                )
            return wanted
        if "ad_stats" in kpi_tables and ({"ad_set", "ad"} & set(where) or self._paid):
            return "ad_stats"
        return kpi_tables[0]

    def _view(self, con: Any, table: str) -> tuple[Any, str | None]:
        """The reporting view of ``table`` (built once per resolver) and its time column."""
        from socialproof.metrics import views

        key = ("view", table)
        if key not in self._cache:
            ws = self._need_ws(f"Figures from {table}")
            if table == "threads":  # community response KPIs read the threads of messages
                from socialproof.community.threads import threads_view

                self._cache[key] = (threads_view(ws, con), "opened_at")
            else:
                self._cache[key] = (
                    views.view(con, table, timezone=ws.settings.timezone),
                    views.get_view(table).time_column,
                )
        return self._cache[key]  # type: ignore[no-any-return]

    def _existing(self, t: Any, table: str, key: str) -> list[str]:
        ckey = ("distinct", table, key)
        if ckey not in self._cache:
            self._cache[ckey] = sorted(
                str(v)
                for v in t.select(t[key]).distinct().execute()[key].tolist()
                if v is not None and v == v and str(v).strip() not in ("", "nan", "NaN", "None")
            )
        return self._cache[ckey]  # type: ignore[no-any-return]

    def _filtered(
        self,
        con: Any,
        kpi: Any,
        where: dict[str, str],
        since: date,
        until: date | None,
        *,
        batch_key: str | None = None,
    ) -> tuple[Any, str | None]:
        """The KPI's view filtered by ``where`` and the period. With ``batch_key``, that
        filter is left out (the caller groups by it)."""
        table = self._table_for(kpi.tables, where)
        where = {k: v for k, v in where.items() if k != "table"}
        ws = self._need_ws(f"The KPI {kpi.name!r}")
        t, time_col = self._view(con, table)
        for key, wanted in where.items():
            if key not in _FILTERABLE or key not in t.columns:
                raise BadInput(
                    f"Unknown filter {key!r} for {table}.",
                    hint=f"Use one of: {', '.join(c for c in _FILTERABLE if c in t.columns)}.",
                )
            if key == batch_key:
                continue
            if key == "labels":
                t = t.filter(t[key].contains(wanted))
                continue
            existing = self._existing(t, table, key)
            if wanted not in existing:
                raise BadInput(
                    f"No {key} {wanted!r} in the workspace's {table}.",
                    hint=f"Known: {', '.join(existing[:15]) or 'none (import data first)'}.",
                )
            t = t.filter(t[key] == wanted)
        if time_col:
            col = t[time_col]
            if col.type().is_timestamp():
                from socialproof.metrics.ops import local_time

                col = local_time(col, ws.settings.timezone).date()
            t = t.filter(col >= since)
            if until is not None:
                t = t.filter(col <= until)
        return t, time_col

    @staticmethod
    def _money(kpi: Any) -> bool:
        """Whether the KPI adds amounts of money (spend, a cost, ROAS)."""
        return kpi.unit == "currency" or "spend" in kpi.formula_text

    def _one_currency(self, t: Any, kpi: Any, where: dict[str, str]) -> str | None:
        """The one currency of a money KPI's rows (None: not money, or none given).

        Amounts in several currencies are never added into one figure: a campaign name
        two accounts share (one billed in EUR, one in USD) gave their sum as one amount."""
        if not self._money(kpi) or "currency" not in t.columns:
            return None
        found = t.select(c=t.currency.fill_null("").upper()).distinct().execute()["c"]
        currencies = sorted(str(c) or "none given" for c in found)
        if len(currencies) == 1:
            return None if currencies[0] == "none given" else currencies[0]
        if len(currencies) > 1:
            filt = ", ".join(f"{k}: {v}" for k, v in where.items()) or "every row"
            raise BadInput(
                f"{kpi.label} ({filt}) would add amounts in {len(currencies)} currencies "
                f"({', '.join(currencies)}) as if they were one.",
                hint=f"Add 'currency: {currencies[0]}' (or an account) to its 'where:'.",
            )
        return None

    def _kpi_key(
        self, name: str, where: dict[str, str], since: date, until: date | None
    ) -> tuple[Any, ...]:
        return ("kpi", name, tuple(sorted(where.items())), since, until, self._paid)

    def _describe(self, kpi: Any, where: dict[str, str], since: date, until: date | None) -> str:
        filt = ", ".join(f"{k} = {v}" for k, v in where.items() if k != "table") or "all rows"
        table = self._table_for(kpi.tables, where)
        return (
            f"{kpi.label} = {kpi.formula_text}, computed from {table} ({filt}; "
            f"{since.isoformat()} to {until.isoformat() if until else 'latest'})"
        )

    def kpi_value(
        self, name: str, where: dict[str, str], since: date, until: date | None
    ) -> tuple[float | None, str, str]:
        key = self._kpi_key(name, where, since, until)
        if key in self._cache:
            return self._cache[key]  # type: ignore[no-any-return]
        from socialproof.metrics import registry

        kpi = registry.get(name)
        ws = self._need_ws(f"The KPI {name!r}")
        con = self._connection(ws)
        t, _ = self._filtered(con, kpi, where, since, until)
        currency = self._one_currency(t, kpi, where)
        table = self._table_for(kpi.tables, where)
        frame = _aggregate(t, kpi, table, []).execute()
        raw = frame["value"].iloc[0]
        result = (_clean(raw), kpi.unit, self._describe(kpi, where, since, until))
        self._cache[key] = result
        self._cache[("currency", *key)] = currency
        self._cache[("bound", *key)] = bounds(frame, kpi)[0]
        return result

    def series(
        self, c: Chart, loaded: LoadedCaseStudy
    ) -> tuple[list[str], list[float | None], str, str]:
        from socialproof.metrics import registry
        from socialproof.metrics.ops import bucket

        key = self._series_key(c, loaded)
        self._paid = loaded.study.kind in ("paid", "mock")
        since, until = key[4], key[5]
        if key in self._cache:
            return self._cache[key]  # type: ignore[no-any-return]
        kpi = registry.get(c.kpi)
        ws = self._need_ws(f"The chart of {c.kpi!r}")
        con = self._connection(ws)
        t, time_col = self._filtered(con, kpi, c.where, since, until)
        self._one_currency(t, kpi, c.where)
        if time_col is None:
            raise BadInput(f"{kpi.name} has no time axis to chart.", hint="Chart another KPI.")
        t = t.mutate(_bucket=bucket(t[time_col], c.period))
        table = self._table_for(kpi.tables, c.where)
        df = _aggregate(t, kpi, table, ["_bucket"]).order_by("_bucket").execute()
        labels = [str(v)[:10] for v in df["_bucket"].tolist()]
        result = (labels, [_clean(v) for v in df["value"].tolist()], kpi.label, kpi.unit)
        self._cache[key] = result
        self._cache[("bound", *key)] = bounds(df, kpi)
        return result

    def series_bounds(self, c: Chart, loaded: LoadedCaseStudy) -> list[str | None]:
        """Per point of :meth:`series`, 'upper' or 'lower' where its figure is a bound as
        ``socialproof report`` marks it (≤ reach summed over several posts), else None."""
        labels = self.series(c, loaded)[0]
        marks = self._cache.get(("bound", *self._series_key(c, loaded)))
        return list(marks) if marks is not None else [None] * len(labels)

    def _series_key(self, c: Chart, loaded: LoadedCaseStudy) -> tuple[Any, ...]:
        since, until = self._period(c.since, c.until, loaded)
        paid = loaded.study.kind in ("paid", "mock")
        return ("series", c.kpi, tuple(sorted(c.where.items())), c.period, since, until, paid)

    # -- batching: one grouped query answers many case studies at once -----------------
    def prefetch(self, studies: list[LoadedCaseStudy]) -> None:
        """Compute every KPI outcome and chart of ``studies`` with grouped queries.

        Requests that differ only in the value of one filter (say, the campaign) share
        one query grouped by that filter. Anything that cannot be batched is left to
        :meth:`kpi_value` and :meth:`series`, which also raise the helpful errors.
        """
        from socialproof.metrics import registry

        if self.ws is None:
            return
        groups: dict[tuple[Any, ...], set[str]] = {}
        for loaded in studies:
            paid = loaded.study.kind in ("paid", "mock")
            for o in loaded.study.outcomes:
                if o.kpi and len([k for k in o.where if k != "table"]) == 1:
                    since, until = self._period(o.since, o.until, loaded)
                    ((k, v),) = [(k, v) for k, v in o.where.items() if k != "table"]
                    extra = tuple(sorted((a, b) for a, b in o.where.items() if a == "table"))
                    groups.setdefault(
                        ("kpi", o.kpi, k, extra, since, until, paid, None), set()
                    ).add(v)
            for ch in loaded.study.charts:
                if len([k for k in ch.where if k != "table"]) == 1:
                    since, until = self._period(ch.since, ch.until, loaded)
                    ((k, v),) = [(k, v) for k, v in ch.where.items() if k != "table"]
                    extra = tuple(sorted((a, b) for a, b in ch.where.items() if a == "table"))
                    groups.setdefault(
                        ("series", ch.kpi, k, extra, since, until, paid, ch.period), set()
                    ).add(v)
        for (kind, name, key, extra, since, until, paid, period), values in groups.items():
            if len(values) < 2 or key == "labels":
                continue
            try:
                kpi = registry.get(name)
                self._paid = paid
                base_where = {**dict(extra), key: next(iter(values))}
                con = self._connection(self.ws)
                t, time_col = self._filtered(con, kpi, base_where, since, until, batch_key=key)
                table = self._table_for(kpi.tables, base_where)
                known = set(self._existing(t, table, key))
                wanted = sorted(values & known)
                t = t.filter(t[key].isin(wanted))
                one: dict[str, str | None] = {}
                if self._money(kpi) and "currency" in t.columns:  # mixed: one by one, refused
                    cur = t.currency.fill_null("").upper()
                    n = t.group_by(key).aggregate(n=cur.nunique(), c=cur.max()).execute()
                    one = {
                        str(k): (str(c) or None)
                        for k, c, m in zip(n[key], n["c"], n["n"], strict=True)
                        if m == 1
                    }
                    wanted = [v for v in wanted if v in one]
                    t = t.filter(t[key].isin(wanted))
                if kind == "kpi":
                    df = _aggregate(t, kpi, table, [key]).execute()
                    got = dict(zip(df[key].astype(str), df["value"], strict=True))
                    bound = dict(zip(df[key].astype(str), bounds(df, kpi), strict=True))
                    for v in wanted:
                        where = {**dict(extra), key: v}
                        self._cache[self._kpi_key(name, where, since, until)] = (
                            _clean(got.get(v)),
                            kpi.unit,
                            self._describe(kpi, where, since, until),
                        )
                        self._cache[("currency", *self._kpi_key(name, where, since, until))] = (
                            one.get(v)
                        )
                        self._cache[("bound", *self._kpi_key(name, where, since, until))] = (
                            bound.get(v)
                        )
                elif time_col is not None:
                    from socialproof.metrics.ops import bucket

                    t = t.mutate(_bucket=bucket(t[time_col], period))
                    df = _aggregate(t, kpi, table, [key, "_bucket"]).order_by([key, "_bucket"])
                    df = df.execute()
                    for v in wanted:
                        part = df[df[key].astype(str) == v]
                        where = {**dict(extra), key: v}
                        series_key = (
                            "series",
                            name,
                            tuple(sorted(where.items())),
                            period,
                            since,
                            until,
                            paid,
                        )
                        self._cache[series_key] = (
                            [str(b)[:10] for b in part["_bucket"].tolist()],
                            [_clean(x) for x in part["value"].tolist()],
                            kpi.label,
                            kpi.unit,
                        )
                        self._cache[("bound", *series_key)] = bounds(part, kpi)
            except SocialproofError:
                continue  # the one-by-one path reports the problem
        self._paid = False

    # -- pilots and community ----------------------------------------------------------
    def pilot_figure(self, o: Outcome, loaded: LoadedCaseStudy) -> Figure:
        """The pilot's first comparison: relative lift of B over A, with its interval."""
        from socialproof.campaigns import pilots
        from socialproof.campaigns.pilot_model import p_text

        ws = self._need_ws(f"The pilot {o.pilot!r}")
        result = pilots.analyse(ws, str(o.pilot))
        if not result.comparisons:
            raise BadInput(
                f"The pilot {o.pilot!r} has no comparison to report.",
                hint="Check it with 'socialproof pilot report'.",
            )
        first = result.comparisons[0]
        c = first.result
        if c.lift is not None:
            value: float | str = c.lift
            unit = "percent"
            interval = (
                f"{c.confidence:.1%}".replace(".0%", "%").replace("%", " %")
                + f" CI {c.lift_low:+.1%} to {c.lift_high:+.1%}"
                if c.lift_low is not None and c.lift_high is not None
                else ""
            )
        else:
            value, unit, interval = c.diff, result.kpi.unit, ""
        # the test that decided (Fisher's exact test on a handful of successes, not the
        # z-test that drew the interval) and its verdict: a lift shown without them read
        # as found where the pilot found no clear difference
        alpha = 1 - result.pilot.confidence
        p_shown = first.p_exact if first.p_exact is not None else first.p_adjusted
        verdict = (
            "a difference unlikely by chance alone"
            if first.significant
            else "no clear difference (it could be chance)"
        )
        shown = p_text(p_shown, alpha)
        provenance = (
            f"pilot '{result.pilot.name}': {first.label} vs A on {result.kpi.label}, "
            f"{verdict}: p {shown if shown.startswith('<') else '= ' + shown} by "
            f"{first.decided_by or result.test}{'; ' + interval if interval else ''}"
        )
        return Figure(
            o.label, value, unit, True, provenance, o.baseline, o.target, o.note or result.verdict
        )

    def community_figure(self, o: Outcome, loaded: LoadedCaseStudy) -> Figure:
        """A community health metric: a response KPI over the messages' threads."""
        from socialproof.metrics import registry

        kpi = registry.get(str(o.community))
        if "threads" not in kpi.tables and "messages" not in kpi.tables:
            community = [
                k.name for k in registry.all_kpis() if {"threads", "messages"} & set(k.tables)
            ]
            raise BadInput(
                f"{kpi.name!r} is not a community metric.",
                hint=f"Use one of: {', '.join(community)} (or 'kpi:' for other KPIs).",
            )
        since, until = self._period(o.since, o.until, loaded)
        value, unit, text = self.kpi_value(kpi.name, o.where, since, until)
        return Figure(
            o.label, value, unit, True, text, o.baseline, o.target, o.note, str(kpi.better)
        )  # community metrics are rates and times, never money
