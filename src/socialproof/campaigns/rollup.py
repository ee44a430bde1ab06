"""Campaign and post reports for any date range from one daily roll-up.

:func:`ad_rollup` and :func:`post_rollup` run ONE grouped query each (per
platform, account and day; ad rows also per currency and reporting range) that
keeps every KPI's additive parts (:mod:`socialproof.metrics.rollup`) and the counts
the reports' notes need. :meth:`AdRollup.report` and :meth:`PostRollup.report` then
answer :func:`~socialproof.campaigns.report.campaign_report` and the grouped form of
:func:`~socialproof.campaigns.report.post_report` for any range, period and coarser
grouping from that small table, in memory: same figures, same notes, same
``NoData`` when nothing is in the range. A dashboard keeps the roll-up while the
database is unchanged, so a new date range costs milliseconds.

Ad rows go through :func:`~socialproof.campaigns.report.ad_rows` first (overlapping
rows left out as the reports do); a reporting-range row is kept with its start and
stop day, so a range counts it only when the row fits inside, as the report does. A
range that gives way to others it shares days with is kept with them (``range_over``),
and so are the daily rows inside ranges, with those ranges (``range_days``): a period
leaves them out where it holds such a range and that range counts in it, as the report
does (see :func:`_left_out`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.campaigns.report import (
    CAMPAIGN_KPIS,
    POST_KPIS,
    ReportResult,
    ad_rows,
    attribution_note,
    no_ad_rows,
    partial_note,
    spend_notes,
    split_by,
)
from socialproof.errors import NoData, UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    import ibis.expr.types as ir
    import pandas as pd

    from socialproof.metrics.registry import KPI
    from socialproof.workspace import Workspace

#: Engagement rates a post report may rank by when no KPI is named (see ``post_report``).
RANK_BASES = ("reach", "impressions", "views")
_RT_KPIS = frozenset({"results", "cost_per_result"})


def _week(days: pd.Series) -> pd.Series:
    """The Monday of each day's ISO week (as the engine's ``truncate('W')`` gives)."""
    import pandas as pd

    stamps = pd.to_datetime(days)
    return (stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")).dt.date


def _bucket(days: pd.Series, period: str) -> pd.Series:
    import pandas as pd

    if period == "day":
        return pd.to_datetime(days).dt.date
    if period == "week":
        return _week(days)
    if period == "month":
        return pd.to_datetime(days).dt.to_period("M").dt.start_time.dt.date
    raise UsageError(f"Unknown period {period!r}.", hint="Use one of: day, week, month.")


def _dims(by: Sequence[str] | str | None, period: str | None, grain: Sequence[str]) -> Any:
    dims, period = split_by(by, period=period)
    bad = [d for d in dims if d not in grain]
    if bad:
        raise UsageError(
            f"The roll-up is kept per {', '.join(grain)}; it cannot group by "
            f"{', '.join(repr(b) for b in bad)}.",
            hint="Use the report function for other dimensions.",
        )
    return dims, period


def _kpis(names: Sequence[str] | None, kept: Sequence[KPI], default: Sequence[str]) -> list[KPI]:
    from socialproof.metrics import registry

    table = "posts" if default is POST_KPIS else "ad_stats"
    chosen = registry.resolve(list(names) if names else list(default), table=table)
    have = {k.name for k in kept}
    missing = [k.name for k in chosen if k.name not in have]
    if missing:
        raise UsageError(
            f"The roll-up does not keep {', '.join(missing)}.",
            hint="Build it with those KPIs (kpis=...).",
        )
    return chosen


@dataclass(frozen=True)
class AdRollup:
    """Ad rows' KPI parts per grain + currency + reporting range (start, stop day)."""

    frame: pd.DataFrame
    grain: tuple[str, ...]
    kpis: tuple[KPI, ...]
    #: Raw ad rows per (date_start, date_stop): rows, negative spend, no spend,
    #: currency min/max (what ``ad_rows`` checks before it tidies).
    raw: pd.DataFrame
    currency: str = ""
    notes: tuple[str, ...] = field(default=())

    def report(
        self,
        *,
        by: Sequence[str] | str | None = ("platform", "account"),
        period: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        kpis: Sequence[str] | None = None,
    ) -> ReportResult:
        """What ``campaign_report(ws, by=..., period=..., since=..., until=..., kpis=...)``
        gives (without exchange rates), from the roll-up."""
        import pandas as pd

        from socialproof.campaigns._period import date_range
        from socialproof.metrics.notes import split_details
        from socialproof.metrics.rollup import combine

        dims, period = _dims(by, period, self.grain)
        start, end = date_range(since, until)
        lo, hi = _stamp(start), _stamp(end)
        chosen = _kpis(kpis, self.kpis, CAMPAIGN_KPIS)
        notes: list[str] = []
        f, raw = self.frame, self.raw
        inside_f = f["date_start"].notna()
        # a range row out where a range it gives way to counts, a daily row where a range
        # holding it counts (see _left_out)
        held = pd.Series(False, index=f.index)
        for col in ("range_over", "range_days"):
            if col in f.columns:
                tags = f[col].dropna().unique()
                held |= f[col].isin([t for t in tags if _left_out(str(t), lo, hi)])
        inside_r = raw["date_start"].notna()
        overlap_r = raw["date_start"].notna()
        if lo is not None:
            inside_f &= f["date_start"] >= lo
            inside_r &= raw["date_start"] >= lo
            overlap_r &= raw["date_stop"] >= lo
        if hi is not None:
            inside_f &= f["date_stop"] <= hi
            inside_r &= raw["date_stop"] <= hi
            overlap_r &= raw["date_start"] <= hi
        if start is None and end is None:
            inside_f = f["date_start"].notna() | f["date_start"].isna()
            inside_r = raw["rows"] >= 0
            overlap_r = inside_r
        cut = raw[overlap_r & ~inside_r]
        partial = int(cut["rows"].sum())
        if partial:
            one = cut["cur_min"].min() == cut["cur_max"].max() and "cut_spend" in cut.columns
            spend = float(cut["cut_spend"].fillna(0).sum()) if one else None
            notes.append(partial_note(partial, spend, str(cut["cur_min"].min()), start, end))
        r_in = raw[inside_r]
        rows = f[inside_f & ~held].copy()
        if int(r_in["rows"].sum()):
            spend_notes(int(r_in["negative"].sum()), int(r_in["no_spend"].sum()), notes)
            if "attr_min" in r_in.columns:  # results under several settings, as the report says
                low, high = r_in["attr_min"].dropna(), r_in["attr_max"].dropna()
                attribution_note(
                    str(low.min()) if len(low) else None,
                    str(high.max()) if len(high) else None,
                    notes,
                )
            if r_in["cur_min"].min() != r_in["cur_max"].max():
                currencies = sorted(str(c) for c in rows["currency"].unique())
                if len(currencies) > 1 and "currency" not in dims:
                    dims.append("currency")
                    notes.append(
                        "Spend is in several currencies "
                        f"({', '.join(c or '(blank)' for c in currencies)}); "
                        "reported per currency. Pass --rate CUR=VALUE to convert."
                    )
        keys = list(dims)
        if period is not None:
            rows[period] = _bucket(rows["date_start"], period)
            keys = [period, *dims]
        check = "result_type" not in dims and any(k.name in _RT_KPIS for k in chosen)
        frame = combine(
            rows,
            chosen,
            keys,
            sums=["ranges"] if period is not None else [],
            mins=["rt_min"] if check else [],
            maxs=["rt_max"] if check else [],
        )
        if check and not frame.empty:
            mixed = int((frame["rt_min"].fillna("") != frame["rt_max"].fillna("")).sum())
            frame = frame.drop(columns=["rt_min", "rt_max"])
            if mixed:
                notes.append(
                    f"{mixed} group(s) add up results of different types (e.g. link clicks and "
                    "purchases); add result_type to --by to separate them."
                )
        if period is not None:
            ranges = int(frame["ranges"].sum()) if len(frame) else 0
            frame = frame.drop(columns=["ranges"])
            if ranges:
                notes.append(
                    f"{ranges} row(s) cover a reporting range, not one day; each is counted in "
                    f"the {period} its range starts. Export by day for exact {period}s."
                )
        frame, left_out = split_details(frame, chosen)
        notes.extend(left_out)
        if frame.empty:
            raise no_ad_rows(start, end, notes)
        return ReportResult(frame, chosen, notes, title="Campaigns")


def _left_out(formula: str, lo: Any, hi: Any) -> bool:
    """Whether a period (first and last day, either None) leaves out a row tagged
    ``formula`` (``views``' ``range_over`` or ``range_days``: 'start/stop{...}' terms
    joined by ';'): it does where it holds a term's range and does not leave that range
    out by the formula in its braces (the ranges it gives way to)."""
    import pandas as pd

    def holds(span: str) -> bool:
        start, stop = (pd.Timestamp(d) for d in span.split("/"))
        return (lo is None or start >= lo) and (hi is None or stop <= hi)

    depth, begin = 0, 0
    for i, char in enumerate(formula + ";"):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == ";" and depth == 0:
            term = formula[begin:i]
            begin = i + 1
            span, _, inner = term.partition("{")
            if span and holds(span) and not _left_out(inner[:-1], lo, hi):
                return True
    return False


def ad_parts(t: ir.Table, chosen: Sequence[KPI], grain: Sequence[str]) -> ir.Table:
    """The roll-up's grouped query over tidied ad rows ``t`` (per ``grain``, currency,
    reporting range and the range a daily row lies in, if tagged: see the module docs)."""
    import ibis
    import ibis.expr.datatypes as dt

    from socialproof.metrics.rollup import parts
    from socialproof.metrics.views import counted_result_type

    rt = counted_result_type(t)
    keys = [
        *(t[g] for g in grain),
        t.currency.fill_null("").name("currency"),
        t.date_start,
        t.date_stop,
        *(
            (t[c] if c in t.columns else ibis.null(dt.string)).name(c)
            for c in ("range_over", "range_days")
        ),
    ]
    extra = {
        "rt_min": rt.min(),
        "rt_max": rt.max(),
        "ranges": (t.date_start != t.date_stop).fill_null(False).cast(dt.int64).sum(),
    }
    return parts(t, chosen, keys, extra=extra)


def ad_rollup(
    ws: Workspace,
    *,
    grain: Sequence[str] = ("platform", "account"),
    kpis: Sequence[str] | None = None,
) -> AdRollup:
    """One grouped query over the (tidied) ad rows: see the module docs."""
    import ibis.expr.datatypes as dt

    from socialproof.metrics import registry
    from socialproof.workspace import engine

    chosen = registry.resolve(list(kpis) if kpis else list(CAMPAIGN_KPIS), table="ad_stats")
    grain = tuple(g for g in grain if g != "currency")
    with engine.backend(ws) as con:
        tidy = ad_rows(ws, con, None, None, [], tag=True)
        frame = engine.execute(ad_parts(tidy, chosen, grain))
        raw_t = engine.table(con, "ad_stats")
        cur = raw_t.currency.fill_null("")
        raw = engine.execute(
            raw_t.group_by(["date_start", "date_stop"]).aggregate(
                rows=raw_t.count(),
                negative=(raw_t.spend < 0).fill_null(False).cast(dt.int64).sum(),
                no_spend=raw_t.spend.isnull().cast(dt.int64).sum(),
                cut_spend=raw_t.spend.sum(),
                cur_min=cur.min(),
                cur_max=cur.max(),
                attr_min=raw_t.attribution.min(),
                attr_max=raw_t.attribution.max(),
            )
        )
    for col in ("date_start", "date_stop"):
        frame[col] = as_days(frame[col])
    for col in ("date_start", "date_stop"):
        raw[col] = as_days(raw[col])
    return AdRollup(
        frame=frame,
        grain=(*grain, "currency"),
        kpis=tuple(chosen),
        raw=raw,
        currency=ws.settings.currency,
    )


def as_days(values: pd.Series) -> pd.Series:
    """Days as midnight timestamps (NaT when unknown), so ranges compare without None."""
    import pandas as pd

    return pd.to_datetime(values, errors="coerce").dt.normalize()


def _stamp(day: date | None) -> Any:
    import pandas as pd

    return None if day is None else pd.Timestamp(day)


@dataclass(frozen=True)
class PostRollup:
    """Posts' KPI parts per grain and local day of publication."""

    frame: pd.DataFrame
    grain: tuple[str, ...]
    kpis: tuple[KPI, ...]

    def report(
        self,
        *,
        group_by: Sequence[str] | str | None = ("platform", "account"),
        period: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        kpis: Sequence[str] | None = None,
        sort_by: str | None = None,
    ) -> ReportResult:
        """What ``post_report(ws, group_by=..., period=..., since=..., until=..., kpis=...)``
        gives for a grouped report, from the roll-up."""
        from socialproof.campaigns._period import date_range
        from socialproof.metrics import registry
        from socialproof.metrics.notes import split_details
        from socialproof.metrics.rollup import combine

        dims, period = _dims(group_by, period, self.grain)
        if not dims and period is None:
            raise UsageError("A post roll-up answers grouped reports: name group_by or period.")
        start, end = date_range(since, until)
        lo, hi = _stamp(start), _stamp(end)
        if sort_by is not None:
            registry.get(sort_by, table="posts")
        names = [k.name for k in _kpis(kpis, self.kpis, POST_KPIS)]
        f = self.frame
        inside = f["day"].notna() if start is not None or end is not None else f["rows"] >= 0
        if lo is not None:
            inside &= f["day"] >= lo
        if hi is not None:
            inside &= f["day"] <= hi
        rows = f[inside].copy()
        rank_name = sort_by
        if rank_name is None:
            rank_name = "engagement_rate_reach"
            for b in RANK_BASES:
                if int(rows["has_" + b].sum()) > 0:
                    rank_name = f"engagement_rate_{b}"
                    break
        rank = registry.get(rank_name, table="posts")
        if rank.name not in names:
            names.insert(0, rank.name)
        chosen = _kpis(names, self.kpis, POST_KPIS)
        keys = list(dims)
        if period is not None:
            rows[period] = _bucket(rows["day"], period)
            keys = [period, *dims]
        frame, left_out = split_details(combine(rows, chosen, keys), chosen)
        if frame.empty:
            raise NoData(
                f"No posts match between {start or 'the first day'} and {end or 'the last day'}.",
                hint="Widen --since/--until or check --platform.",
            )
        notes = [f"{rank.label}: {rank.formula_text} (base: {rank.base or 'n/a'}).", *left_out]
        return ReportResult(frame, chosen, notes, title="Posts")


def post_kpis(kpis: Sequence[str] | None) -> list[KPI]:
    """The KPIs a post roll-up keeps: ``kpis`` (or the report's) and the rates to rank by."""
    from socialproof.metrics import registry

    names = list(kpis) if kpis else list(POST_KPIS)
    names += [f"engagement_rate_{b}" for b in RANK_BASES if f"engagement_rate_{b}" not in names]
    return registry.resolve(names, table="posts")


def post_parts(t: ir.Table, chosen: Sequence[KPI], grain: Sequence[str], tz: str) -> ir.Table:
    """The roll-up's grouped query over the posts view ``t`` (per ``grain`` and local day)."""
    import ibis.expr.datatypes as dt

    from socialproof.metrics import ops
    from socialproof.metrics.rollup import parts

    day = ops.local_time(t.published_at, tz).cast(dt.date).name("day")
    extra: dict[str, ir.Scalar] = {"rows": t.count()}
    extra |= {"has_" + b: (t[b] > 0).fill_null(False).cast(dt.int64).sum() for b in RANK_BASES}
    return parts(t, chosen, [*(t[g] for g in grain), day], extra=extra)


def post_rollup(
    ws: Workspace,
    *,
    grain: Sequence[str] = ("platform", "account"),
    kpis: Sequence[str] | None = None,
) -> PostRollup:
    """One grouped query over the posts view per grain and local day (module docs).

    The engagement rates by reach, impressions and views are always kept, so the
    report can rank by the first base the posts in a range carry, as ``post_report`` does.
    """
    from socialproof.metrics import views
    from socialproof.workspace import engine

    chosen = post_kpis(kpis)
    tz = ws.settings.timezone
    with engine.backend(ws) as con:
        if engine.is_empty(con, "posts"):
            raise NoData(
                "The workspace has no posts yet.",
                hint="Import a posts export first (Meta Business Suite, TikTok Studio, "
                "LinkedIn, X, YouTube): socialproof import FILE.",
            )
        frame = engine.execute(post_parts(views.view(con, "posts", timezone=tz), chosen, grain, tz))
    frame["day"] = as_days(frame["day"])
    return PostRollup(frame=frame, grain=tuple(grain), kpis=tuple(chosen))
