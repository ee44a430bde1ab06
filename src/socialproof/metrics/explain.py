"""The rows and the sums behind one KPI figure, so a person can check it by hand.

:func:`explain_kpi` opens the workspace's reporting view of the KPI's table,
applies the filters a report would (platform, account, campaign, dates), and
returns an :class:`Explanation`: the figure, its numerator and denominator
sums, the rows used, the rows left out and why, and the rows themselves. The
figure is computed by the registry, exactly as the reports compute it; the
sums come from the same per-row parts, so ``numerator / denominator`` gives
the figure back. The CLI (``socialproof explain``) and the web app's tooltips
both call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.errors import BadInput, NoData, UsageError
from socialproof.metrics import registry
from socialproof.metrics.days import parse_day

if TYPE_CHECKING:
    from datetime import date

    import ibis.expr.types as ir
    import pandas as pd

    from socialproof.metrics.registry import KPI
    from socialproof.workspace import Workspace

#: The reporting views explain can read, and the columns that identify a row of each.
ROW_COLUMNS: dict[str, tuple[str, ...]] = {
    "posts": ("platform", "account", "post_id", "published_at", "title"),
    "ad_stats": (
        "platform",
        "account",
        "campaign",
        "ad_set",
        "ad",
        "date_start",
        "date_stop",
        "breakdown",
    ),
    "account_daily": ("platform", "account", "date"),
}
USED = "used"
NEITHER = "not applicable"


@dataclass
class Explanation:
    """One KPI figure taken apart."""

    kpi: KPI
    table: str
    filters: dict[str, str]
    value: float | None
    numerator: float | None  # the sum of the numerator (or of the summed column)
    denominator: float | None  # None for a KPI that is not a ratio
    rows_used: int
    left_out: dict[str, int]  # reason -> rows
    not_applicable: int  # rows with neither part (the KPI does not apply to them)
    rows_in_scope: int  # rows of the view that pass the filters
    rows: pd.DataFrame  # identifying columns, numerator, denominator, status
    bound: str = ""  # "lower" / "upper" when the figure sums reach over several rows
    notes: list[str] = field(default_factory=list)

    @property
    def rows_left_out(self) -> int:
        return sum(self.left_out.values())

    def lines(self) -> list[str]:
        """The explanation in sentences, for people."""

        k = self.kpi
        scope = ", ".join(f"{key} {value}" for key, value in self.filters.items()) or "all rows"
        shown = _shown(self.value, k) if self.value is not None else f"— ({self._missing()})"
        if self.bound:
            shown = f"{'≥' if self.bound == 'lower' else '≤'} {shown} ({self.bound} bound)"
        out = [
            f"{k.label} ({k.name}) over {self.table}, {scope}: {shown}",
            f"Formula: {k.formula_text}" + (f" (base: {k.base})" if k.base else ""),
        ]
        if k.ratio is not None:
            scale = f" × {k.ratio.scale:g}" if k.ratio.scale != 1.0 else ""
            out.append(
                f"= {sum_text(self.numerator)} {k.ratio.numerator_label} / "
                f"{sum_text(self.denominator)} {k.ratio.denominator_label}{scale}"
            )
        elif self.numerator is not None:
            out.append(f"= sum of {sum_text(self.numerator)} over the rows used")
        out.append(self._used_line())
        for reason, n in self.left_out.items():
            out.append(f"Left out: {n:,} row{'s' if n != 1 else ''} {reason}.")
        if self.not_applicable and (self.rows_used or k.ratio is not None):
            n = self.not_applicable
            what = "with neither part" if k.ratio is not None else "without a value"
            out.append(f"Not counted: {n:,} row{'s' if n != 1 else ''} {what}.")
        out.extend(f"Note: {n}" for n in self.notes)
        return out

    def _missing(self) -> str:
        """Why there is no figure, in words."""
        k = self.kpi
        if k.ratio is not None:
            if self.rows_used:
                return f"a zero {k.ratio.denominator_label}"
            return f"no row carries both {k.ratio.numerator_label} and {k.ratio.denominator_label}"
        if k.summand is not None:
            return f"no row carries {k.name}"
        return "the rows in scope do not give one"

    def _used_line(self) -> str:
        """How many rows the figure uses; none presented as used when none contributed."""
        k, used, scope = self.kpi, self.rows_used, self.rows_in_scope
        if used:
            return f"Rows used: {used:,} of {scope:,} in scope."
        rows = f"{scope:,} row{'s' if scope != 1 else ''} in scope"
        if k.ratio is not None:
            what = f"both {k.ratio.numerator_label} and {k.ratio.denominator_label}"
        elif k.summand is not None:
            what = k.name
        else:
            give = "gives" if scope == 1 else "give"
            return f"Rows used: none; the {rows} {give} no {k.label.lower()} figure."
        carry = "carries" if scope == 1 else "carry"
        return f"0 of {rows} {carry} {what}: no row is used."

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (rows as records)."""
        k = self.kpi
        plain = _plain
        rows = self.rows.to_dict(orient="records")
        return {
            "kpi": k.name,
            "label": k.label,
            "formula": k.formula_text,
            "unit": k.unit,
            "base": k.base,
            "table": self.table,
            "filters": self.filters,
            "value": _count(plain(self.value), k),
            "bound": self.bound or None,
            "numerator": _count(plain(self.numerator), k)
            if k.ratio is None
            else plain(self.numerator),
            "numerator_label": k.ratio.numerator_label if k.ratio else None,
            "denominator": plain(self.denominator),
            "denominator_label": k.ratio.denominator_label if k.ratio else None,
            "scale": k.ratio.scale if k.ratio else None,
            "rows_in_scope": self.rows_in_scope,
            "rows_used": self.rows_used,
            "rows_left_out": self.rows_left_out,
            "left_out": self.left_out,
            "not_applicable": self.not_applicable,
            "notes": self.notes,
            "rows": [{str(c): plain(v) for c, v in r.items()} for r in rows],
        }


def _shown(value: float | None, k: KPI) -> str:
    from socialproof.render.tables import format_number

    if value is None:
        return "—"
    if k.unit == "percent":
        return f"{value * 100:.4g} %"
    if k.unit == "count":  # whole numbers: reach 300, not 300.00
        return sum_text(value)
    return format_number(value)


def _count(value: Any, k: KPI) -> Any:
    """A count KPI's whole value as an int (JSON's 300, not 300.0)."""
    if k.unit == "count" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _pick_table(item: KPI, table: str | None) -> str:
    if table is not None:
        registry.get(item.name, table=table)  # a usage error when it does not apply
        if table not in ROW_COLUMNS:
            raise UsageError(f"explain reads {', '.join(ROW_COLUMNS)}, not {table!r}.")
        return table
    usable = [t for t in item.tables if t in ROW_COLUMNS]
    if not usable:
        raise UsageError(
            f"explain does not cover {item.name!r} (computed over {', '.join(item.tables)}).",
            hint=f"explain covers KPIs of {', '.join(ROW_COLUMNS)}; see 'socialproof metrics'.",
        )
    return usable[0]


def explain_kpi(
    ws: Workspace,
    name: str,
    *,
    table: str | None = None,
    platform: str | None = None,
    account: str | None = None,
    campaign: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    limit: int | None = None,
) -> Explanation:
    """The figure of KPI ``name`` over the workspace rows the filters select, taken apart.

    Without ``table``, the first table the KPI applies to that holds rows the filters
    select is used (a KPI such as ``ctr_link`` applies to posts and ad rows). ``limit`` caps the
    rows listed (the sums always cover every row).
    """
    from socialproof.metrics import views
    from socialproof.workspace import engine

    item = registry.get(name)
    start, end = parse_day(since, option="--since"), parse_day(until, option="--until")
    if start is not None and end is not None and start > end:
        raise UsageError(f"--since {start} is after --until {end}.", hint="Swap them.")
    if limit is not None and limit < 0:
        raise UsageError(f"--rows must be 0 or more, got {limit}.")
    filters = {
        k: v
        for k, v in (
            ("platform", platform),
            ("account", account),
            ("campaign", campaign),
            ("since", start.isoformat() if start else None),
            ("until", end.isoformat() if end else None),
        )
        if v
    }
    tz = ws.settings.timezone
    with engine.backend(ws) as con:
        if table is None:
            candidates = [t for t in item.tables if t in ROW_COLUMNS]
            held = [t for t in candidates if not engine.is_empty(con, t)]
            chosen = held[0] if held else _pick_table(item, None)
            if len(held) > 1 and filters:
                # the first table with rows these filters select: 'ctr_link --platform meta'
                # is the ad rows' figure even when posts (of other platforms) exist
                chosen = next(
                    (h for h in held if _selects_rows(con, h, filters, start, end, tz)), chosen
                )
        else:
            chosen = _pick_table(item, table)
        if engine.is_empty(con, chosen):
            raise NoData(
                f"The workspace has no {chosen} rows yet.",
                hint="Import an export that carries them: socialproof import FILE.",
            )
        if chosen == "ad_stats":  # overlaps weighed inside the period, as reports do
            t = views.ads_within(con, (start, end))
        else:
            t = views.view(con, chosen, timezone=tz)
        notes: list[str] = []
        t = _filter(t, chosen, filters, start, end, tz, notes)
        if chosen == "ad_stats" and campaign and not account:
            _one_account(t, campaign)
        if chosen == "ad_stats":
            raw = engine.table(con, "ad_stats")
            raw = _filter(raw, chosen, filters, start, end, tz, [])
            counts = engine.execute(raw.aggregate(n=raw.count())).iloc[0]
            kept = engine.execute(t.aggregate(n=t.count())).iloc[0]
            dropped = int(counts["n"]) - int(kept["n"])
            if dropped:
                notes.append(
                    f"{dropped:,} ad row(s) are not part of any figure: other rows of the same "
                    "ad and days already count them (daily rows over a range row, or a range "
                    "over the daily rows of some of its days, a day's row without a breakdown "
                    "over its breakdown rows, one kind of breakdown over another, a range over "
                    "a shorter one of the ad it shares days with, ad rows over campaign or ad "
                    "set rows)."
                )
            _check_one_currency(t, item)
        return explain_table(t, item, chosen, filters=filters, limit=limit, notes=notes)


def sum_text(value: Any) -> str:
    """A sum as someone checking it by hand needs it: cents kept above 1,000 (2,000.50
    spend read '2,000'), whole counts without decimals (900 clicks read '900.00')."""
    import math

    from socialproof.render.tables import format_number

    if isinstance(value, float) and math.isfinite(value) and abs(value) >= 0.01:
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return format_number(value)


def _selects_rows(
    con: Any, table: str, filters: dict[str, str], start: date | None, end: date | None, tz: str
) -> bool:
    """Do the filters select any row of ``table``?"""
    from socialproof.workspace import engine

    try:
        t = _filter(engine.table(con, table), table, filters, start, end, tz, [])
    except UsageError:  # a filter this table has no column for
        return False
    return bool(int(engine.execute(t.aggregate(n=t.count())).iloc[0]["n"]))


def _one_account(t: ir.Table, campaign: str) -> None:
    """A campaign name in two ad accounts is two campaigns: refuse to add them together."""
    from socialproof.workspace import engine

    found = engine.execute(t.select("platform", "account").distinct())
    pairs = sorted(
        (str(p or ""), str(a or ""))
        for p, a in zip(found["platform"], found["account"], strict=True)
    )
    if len(pairs) < 2:
        return
    names = ", ".join(f"{a or '(no account)'} ({p})" for p, a in pairs)
    one_platform = len({p for p, _ in pairs}) == 1
    pick = (
        f"--account {pairs[0][1]}"
        if one_platform
        else (f"--platform {pairs[0][0]} --account {pairs[0][1]}")
    )
    raise UsageError(
        f"Campaign {campaign!r} is in {len(pairs)} ad accounts ({names}): its figure would "
        "add them together.",
        hint=f"Choose one, e.g. {pick}, or see each with: "
        "socialproof report campaigns --by account,campaign",
    )


def _check_one_currency(t: ir.Table, item: KPI) -> None:
    """Amounts in several currencies cannot be added into one figure (as the report says)."""
    from socialproof.workspace import engine

    if not (item.unit == "currency" or "spend" in item.formula_text):
        return
    found = engine.execute(t.select(c=t.currency.fill_null("").upper()).distinct())["c"]
    currencies = sorted(str(c) or "none given" for c in found)
    if len(currencies) > 1:
        raise BadInput(
            f"{item.label} would add amounts in {len(currencies)} currencies "
            f"({', '.join(currencies)}) as if they were one.",
            hint="Narrow --account or --campaign to one currency, or see each currency with: "
            "socialproof report campaigns --by platform,currency",
        )


def _filter(
    t: ir.Table,
    table: str,
    filters: dict[str, str],
    start: date | None,
    end: date | None,
    tz: str,
    notes: list[str],
) -> ir.Table:
    import ibis.expr.datatypes as dt

    from socialproof.metrics.ops import local_time
    from socialproof.workspace import engine

    for column in ("platform", "account", "campaign"):
        wanted = filters.get(column)
        if not wanted:
            continue
        if column not in t.columns:
            raise UsageError(f"{table} rows have no {column}; drop --{column}.")
        if column == "platform":
            t = t.filter(t.platform.lower() == wanted.strip().lower())
        else:
            t = t.filter(t[column] == wanted)
    if start is None and end is None:
        return t
    if table == "ad_stats":
        inside = t.date_start.notnull()
        overlap = t.date_start.notnull()
        if start is not None:
            inside &= t.date_start >= start
            overlap &= t.date_stop >= start
        if end is not None:
            inside &= t.date_stop <= end
            overlap &= t.date_start <= end
        cut = (overlap & ~inside).fill_null(False)
        cur = t.currency.fill_null("")
        found = engine.execute(
            t.aggregate(
                n=cut.sum(),
                spend=cut.ifelse(t.spend, 0).sum(),
                lo=cut.ifelse(cur, None).min(),
                hi=cut.ifelse(cur, None).max(),
            )
        ).iloc[0]
        partial = int(found["n"] or 0)
        if partial:
            spent = (
                f" (spend {float(found['spend'] or 0):,.2f} {found['lo']}".rstrip() + ")"
                if found["lo"] == found["hi"]
                else ""
            )
            notes.append(
                f"{partial:,} reporting-range row(s){spent} only partly overlap the dates and "
                "are left out (their totals cannot be split by day)."
            )
        return t.filter(inside)
    day = local_time(t.published_at, tz).cast(dt.date) if table == "posts" else t.date.cast(dt.date)
    if start is not None:
        t = t.filter(day >= start)
        day = (
            local_time(t.published_at, tz).cast(dt.date)
            if table == "posts"
            else t.date.cast(dt.date)
        )
    if end is not None:
        t = t.filter(day <= end)
    return t


def explain_table(
    t: ir.Table,
    item: KPI,
    table: str,
    *,
    filters: dict[str, str] | None = None,
    limit: int | None = None,
    notes: list[str] | None = None,
) -> Explanation:
    """:func:`explain_kpi` over an Ibis table already filtered (the library core)."""
    import ibis
    import ibis.expr.datatypes as dt

    from socialproof.workspace import engine

    value_expr = registry.compute(t, [item], table=table)
    aggs: dict[str, ir.Scalar] = {"_in_scope": t.count()}
    row_cols: dict[str, ir.Value] = {}
    for c in ROW_COLUMNS.get(table, ()):
        if c == "title" and "title" not in t.columns:
            continue
        if c == "title":
            row_cols[c] = t.title.coalesce(t.text).substr(0, 60)
        elif c in t.columns:
            row_cols[c] = t[c]
    ids = list(row_cols)
    status: ir.Value
    if item.ratio is not None:
        num, den, both = item.ratio.parts(t)
        numf, denf = num.cast(dt.float64), den.cast(dt.float64)
        aggs |= {
            "_num": both.ifelse(numf, None).sum(),
            "_den": both.ifelse(denf, None).sum(),
            "_used": both.cast(dt.int64).sum(),
            "_no_den": (num.notnull() & den.isnull()).cast(dt.int64).sum(),
            "_no_num": (num.isnull() & den.notnull()).cast(dt.int64).sum(),
            "_neither": (num.isnull() & den.isnull()).cast(dt.int64).sum(),
        }
        row_cols |= {item.ratio.numerator_label: num, item.ratio.denominator_label: den}
        status = ibis.cases(
            (both, USED),
            (num.notnull(), f"left out: no {item.ratio.denominator_label}"),
            (den.notnull(), f"left out: no {item.ratio.numerator_label}"),
            else_=NEITHER,
        )
    elif item.summand is not None:
        part = item.summand(t)
        aggs |= {
            "_num": part.cast(dt.float64).sum(),
            "_used": part.notnull().cast(dt.int64).sum(),
            "_neither": part.isnull().cast(dt.int64).sum(),
        }
        row_cols[item.name] = part
        status = part.notnull().ifelse(USED, NEITHER)
    else:
        aggs["_used"] = t.count()
        status = ibis.literal(USED)
    role = registry.reach_role(item)
    used_rows: ir.BooleanValue | None = None
    if item.ratio is not None:
        used_rows = item.ratio.parts(t)[2]
    elif item.summand is not None:
        used_rows = item.summand(t).notnull()
    if role and used_rows is not None and "_reach_floor" in t.columns:
        is_floor = used_rows & t._reach_floor.fill_null(False)
        aggs["_floor"] = is_floor.cast(dt.int64).sum()
        status = is_floor.ifelse(f"{USED} (reach: largest day)", status)
    row_cols["status"] = status
    facts = engine.execute(t.aggregate(**aggs)).iloc[0].to_dict()
    value_frame = engine.execute(value_expr)
    value = _num(value_frame.iloc[0][item.name]) if len(value_frame) else None
    if not int(facts["_in_scope"] or 0):
        # reporting ranges the dates cut hold the spend of those days: said, with it
        cut = next((n for n in notes or [] if "only partly overlap" in n), "")
        raise NoData(
            f"No {table} rows match "
            + (", ".join(f"{k} {v}" for k, v in (filters or {}).items()) or "these filters")
            + "."
            + (f" {cut}" if cut else ""),
            hint="Widen the dates or check --platform/--account/--campaign.",
        )
    parts_free = item.ratio is None and item.summand is None
    if parts_free and value is None:  # no figure: no row contributed to one
        facts["_used"] = 0
        row_cols["status"] = ibis.literal(NEITHER)
    rows_expr = t.select(**row_cols)
    order = [c for c in ("published_at", "date_start", "date", "post_id", "ad") if c in row_cols]
    if order:
        rows_expr = rows_expr.order_by(order)
    if limit:
        rows_expr = rows_expr.limit(limit)
    rows = _tidy_rows(engine.execute(rows_expr), keep=[c for c in row_cols if c not in ids])
    left_out: dict[str, int] = {}
    if item.ratio is not None:
        if int(facts["_no_den"] or 0):
            left_out[f"without {item.ratio.denominator_label}"] = int(facts["_no_den"])
        if int(facts["_no_num"] or 0):
            left_out[f"without {item.ratio.numerator_label}"] = int(facts["_no_num"])
    used = int(facts["_used"] or 0)
    bound = item.summed_reach if item.summed_reach and used > 1 else ""
    all_notes = list(notes or [])
    floors = int(facts.get("_floor") or 0)
    if floors:  # a floor alone is a bound; summed with other posts' reach, no bound
        bound = role if role == "upper" or used == 1 else ""
    if bound == item.summed_reach and bound:
        from socialproof.metrics.notes import bound_note

        all_notes.append(bound_note(item))
    if floors:
        all_notes.append(
            f"{floors:,} of the {used:,} rows used {'is a post' if floors == 1 else 'are posts'} "
            "whose reach is the largest day's of an export by day, a lower bound of the reach "
            "over all the days"
            + (
                f", so {item.label} is an upper bound"
                if role == "upper"
                else (
                    ", so it is a lower bound"
                    if bound
                    else ": added up with other posts' reach, the sum is neither a lower nor "
                    "an upper bound"
                )
            )
            + ". A lifetime export of the posts gives their exact reach."
        )
    return Explanation(
        kpi=item,
        table=table,
        filters=dict(filters or {}),
        value=value,
        numerator=_num(facts.get("_num")),
        denominator=_num(facts.get("_den")),
        rows_used=used,
        left_out=left_out,
        not_applicable=int(facts.get("_neither") or 0),
        rows_in_scope=int(facts["_in_scope"] or 0),
        rows=rows,
        bound=bound,
        notes=all_notes,
    )


def _tidy_rows(rows: pd.DataFrame, *, keep: list[str]) -> pd.DataFrame:
    """Dates as dates; identifying columns that are empty in every row dropped."""
    for c in ("date_start", "date_stop", "date"):
        if c in rows.columns:
            rows[c] = rows[c].map(lambda v: v.date() if hasattr(v, "date") else v)
    empty = [
        c
        for c in rows.columns
        if c not in keep and bool(rows[c].map(lambda v: v is None or v == "" or v != v).all())
    ]
    return rows.drop(columns=empty) if len(rows) else rows


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: NaN/NaT -> None, numpy -> Python, dates -> ISO text."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if out != out else out
