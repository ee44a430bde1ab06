"""Campaign and post reports: every number comes from the KPI registry.

``campaign_report`` groups the ad rows by any of the ad dimensions and a
period; ``post_report`` ranks posts by a KPI or groups them. Both return a
:class:`ReportResult`: the table plus notes that say what was assumed, left out
or could not be added up, so nothing is dropped silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from socialproof.campaigns._period import date_range
from socialproof.errors import NoData, UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import date

    import ibis.expr.types as ir
    import pandas as pd

    from socialproof.metrics.registry import KPI, Ratio
    from socialproof.workspace import Workspace

PERIODS = ("day", "week", "month")
CAMPAIGN_KPIS = (
    "spend",
    "impressions",
    "reach",
    "frequency",
    "link_clicks",
    "ctr_link",
    "cpc",
    "cpm",
    "results",
    "cost_per_result",
    "purchase_value",
    "roas",
)
#: The campaign KPIs a terminal table shows by default (fewer columns, same registry).
PEOPLE_KPIS = (
    "spend",
    "impressions",
    "ctr_link",
    "cpc",
    "cpm",
    "results",
    "cost_per_result",
    "roas",
)
POST_KPIS = (
    "impressions",
    "reach",
    "interactions",
    "engagement_rate_reach",
    "engagement_rate_impressions",
    "engagement_rate_followers",
    "link_clicks",
)
POST_COLUMNS = ("platform", "post_id", "account", "published", "format", "title", "permalink")
#: A ranked post's rate needs at least this base (reach, impressions, views): 3
#: interactions from a reach of 1 is "300 %" and would top every list. With a base of
#: 100 a 5 % rate is still known only to about +/- 4 points (95 %); ads need
#: ``paid.MIN_IMPRESSIONS`` impressions for the same reason.
MIN_POST_BASE = 100


@dataclass
class ReportResult:
    """A report table, the KPIs in it, and notes for the reader."""

    frame: pd.DataFrame
    kpis: list[KPI]
    notes: list[str] = field(default_factory=list)
    title: str = ""

    def __post_init__(self) -> None:
        self.frame = whole_counts(self.frame, self.kpis)


def whole_counts(frame: pd.DataFrame, kpis: Sequence[KPI]) -> pd.DataFrame:
    """Count KPIs (reach, interactions, ...) as whole numbers: a column of counts with a
    gap (a platform without reach) comes back from the engine as floats, so CSV read
    '10955.0' and the web table '452.00'. Columns holding a fraction are left as they are."""
    import numpy as np
    import pandas as pd

    names = [k.name for k in kpis if k.unit == "count" and k.name in frame.columns]
    changed = None
    for name in names:
        col = frame[name]
        if pd.api.types.is_integer_dtype(col.dtype) or not (
            pd.api.types.is_float_dtype(col.dtype) or col.dtype == object
        ):
            continue
        try:  # sums come back as floats, or as Decimals beside None (object columns)
            values = pd.to_numeric(col, errors="raise").astype("float64")
        except (TypeError, ValueError):
            continue
        known = values.dropna().to_numpy()
        if not np.isfinite(known).all() or not (known == np.round(known)).all():
            continue
        if changed is None:
            changed = frame.copy()
        # Python ints beside None, as the engine's Decimal sums come (not pandas' NA,
        # whose truth value raises where a reader tests a figure)
        changed[name] = pd.Series(
            [None if math.isnan(v) else int(round(v)) for v in values.tolist()],
            index=col.index,
            dtype=object,
        )
    return frame if changed is None else changed


def split_by(by: Sequence[str] | str | None, *, period: str | None) -> tuple[list[str], str | None]:
    """Dimensions from ``--by`` (comma separated allowed); a period named there moves out."""
    if by is None:
        return [], period
    items = [b.strip().lower() for b in ([by] if isinstance(by, str) else by)]
    dims: list[str] = []
    for item in ",".join(items).split(","):
        item = item.strip()
        if not item:
            continue
        if item in PERIODS:
            if period is not None and period != item:
                raise UsageError(
                    f"--by names {item!r} and --period names {period!r}.", hint="Pick one period."
                )
            period = item
        elif item not in dims:
            dims.append(item)
    if period is not None and period not in PERIODS:
        raise UsageError(f"Unknown period {period!r}.", hint=f"Use one of: {', '.join(PERIODS)}.")
    return dims, period


def _check_dims(dims: Sequence[str], valid: Sequence[str], table: str) -> None:
    bad = [d for d in dims if d not in valid]
    if bad:
        raise UsageError(
            f"Unknown dimension {', '.join(repr(b) for b in bad)} for {table}.",
            hint=f"Valid: {', '.join([*valid, *PERIODS])}.",
        )


def _flag(value: Any) -> bool:
    return bool(value) if value is not None and value == value else False


def _range_overlap_note(t: ir.Table, notes: list[str]) -> None:
    """Say how many range rows share days with another range of the same ad.

    Two ranges of one ad ('1 Jan - 15 Feb' and '1 Feb - 31 Mar', or a month and the
    quarter around it) cannot be split by day, so both are added and the shared days
    count twice. Asked only when some rows cover a range of days.
    """
    import ibis

    from socialproof.workspace import engine

    r = t.filter(t.date_start != t.date_stop)
    w = ibis.window(
        group_by=[r.platform, r.account, r.object_key, r.breakdown.fill_null("")],
        order_by=[r.date_start, r.date_stop.desc()],
        rows=(None, -1),
    )
    m = r.mutate(_prev=r.date_stop.max().over(w))
    shared = (m._prev >= m.date_start).fill_null(False)
    n = int(engine.execute(m.aggregate(n=shared.cast("int64").sum())).iloc[0]["n"] or 0)
    if n:
        notes.append(
            f"{n:,} reporting-range row(s) share days with another range of the same ad; "
            "both are added, so the shared days count twice. Export by day, or undo the "
            "import whose range you do not want (Import page of socialproof serve)."
        )


def _marked_rows(t: ir.Table, mark: ir.BooleanValue) -> tuple[int, str]:
    """How many rows ``mark`` holds, and " (spend X CUR)" when they are in one currency."""
    from socialproof.workspace import engine

    found = engine.execute(
        t.aggregate(
            n=mark.cast("int64").sum(),
            spend=mark.ifelse(t.spend, 0).sum(),
            currency=mark.ifelse(t.currency.fill_null(""), None).max(),
            currencies=mark.ifelse(t.currency.fill_null(""), None).nunique(),
        )
    ).iloc[0]
    n = int(found["n"] or 0)
    spent = ""
    if n and int(found["currencies"] or 0) == 1:
        spent = f" (spend {float(found['spend'] or 0):,.2f} {found['currency']})".replace(" )", ")")
    return n, spent


def _kind_lost_note(t: ir.Table, notes: list[str]) -> None:
    """Say how many range rows gave way to another kind of breakdown, or to a range of
    their own kind they cross (``views.tidy_ads``), with their spend."""
    n, spent = _marked_rows(t, t._cross_lost)
    if n:
        notes.append(
            f"{n:,} reporting-range row(s){spent} are left out: their range shares days with "
            "a longer range of the same ad and breakdown, which counts (say 1-15 March beside "
            "10-31 March); ranges cannot be split by day, so the days only they cover are in "
            "no figure but for the ad's daily rows of those days. Export by day, or ranges "
            "that do not overlap."
        )
    n, spent = _marked_rows(t, t._kind_lost & ~t._cross_lost)
    if not n:
        return
    notes.append(
        f"{n:,} reporting-range breakdown row(s){spent} are left out: their days are counted "
        "in another kind of breakdown of the same ad, whose ranges cover the most days (say "
        "age for a month beside gender for half of it); ranges cannot be split by day. "
        "Export the breakdowns by day, or for the same reporting range."
    )


def _open_result_type_note(t: ir.Table, notes: list[str]) -> None:
    """Say how many rows without a result kept no result type (``views.fill_result_types``)."""
    n, spent = _marked_rows(t, t._rt_open)
    if not n:
        return
    notes.append(
        f"{n:,} row(s) without a result{spent} have no result type, and their ad or campaign "
        "has results of several types: they are shown under a blank result type, and their "
        "spend is in no type's cost per result. Export with 'Result indicator' on every row, "
        "or split the ad's rows by result type."
    )


def split_accounts(con: Any, dims: list[str], notes: list[str]) -> bool:
    """Checks for a report grouped by name (campaign, ad set or ad): add ``account`` to
    ``dims`` when one name is used in several ad accounts (their figures are not one
    campaign's); True when an ad (an id) has rows under several names, which
    ``views.latest_names`` must join before the rows are grouped."""
    from socialproof.metrics import views
    from socialproof.workspace import engine

    names = [d for d in ("campaign", "ad_set", "ad") if d in dims]
    if not names or engine.is_empty(con, "ad_stats"):
        return False
    t = engine.table(con, "ad_stats")
    renamed = int(engine.execute(views.renamed_objects(t)).iloc[0]["n"] or 0)
    if renamed:
        notes.append(
            f"{renamed:,} ad(s) were renamed while they ran: each is reported once, under the "
            "campaign, ad set and ad names of its latest row (rows with the same id)."
        )
        t = views.latest_names(t)
    if "account" in dims:
        return bool(renamed)
    keys = [k for k in ("platform", *names) if k in dims]
    per = t.group_by([t[k].fill_null("").name(k) for k in keys]).aggregate(
        n=t.account.fill_null("").nunique()
    )
    found = engine.execute(per.aggregate(shared=(per.n > 1).sum()))
    shared = int(found.iloc[0]["shared"] or 0)
    if not shared:
        return bool(renamed)
    dims.insert(dims.index("platform") + 1 if "platform" in dims else 0, "account")
    what = names[-1].replace("_", " ")
    notes.append(
        f"{shared:,} {what} name(s) are used in several ad accounts; reported per account "
        "(their figures are not added together)."
    )
    return bool(renamed)


def partial_note(
    n: int, spend: float | None, currency: str, since: date | None, until: date | None
) -> str:
    """The note on reporting-range rows a period cuts, with their spend when it is in one
    currency (``spend`` None otherwise)."""
    spent = "" if spend is None else f" (spend {spend:,.2f} {currency}".rstrip() + ")"
    return (
        f"{n} reporting-range row(s){spent} only partly overlap {since or '…'} to "
        f"{until or '…'} and are left out (their totals cannot be split by day)."
    )


def no_ad_rows(start: date | None, end: date | None, notes: Sequence[str]) -> NoData:
    """No ad rows in a period; the ranges it cuts, if any, said with their spend."""
    cut = next((n for n in notes if "only partly overlap" in n), "")
    return NoData(
        f"No ad rows between {start or 'the first day'} and {end or 'the last day'}."
        + (f" {cut}" if cut else ""),
        hint="Widen --since/--until"
        + (" to hold those ranges, " if cut else " ")
        + "or import more data.",
    )


def _no_ads() -> NoData:
    return NoData(
        "The workspace has no ad rows yet.",
        hint="Import an ads export first (e.g. Meta Ads Manager): socialproof import FILE.",
    )


def ad_rows(
    ws: Workspace,
    con: Any,
    since: date | None,
    until: date | None,
    notes: list[str],
    *,
    dims: list[str] | None = None,
    rates: Mapping[str, float] | None = None,
    renamed: bool = False,
    days: bool = False,
    tag: bool = False,
) -> ir.Table:
    """Tidy ad rows inside the date range (range rows must fit inside it).

    With ``renamed`` (from :func:`split_accounts`), each ad's rows take its latest names.
    With ``days``, daily rows win over a range they share days with (for day-by-day
    uses; see ``views.tidy_ads_marked``). With ``tag`` (for a roll-up), the daily rows a
    range counts instead of are kept, tagged with the ranges around them (``range_days``),
    and range rows with the ranges they give way to (``range_over``).

    One scan gathers every check: overlapping rows (daily vs range, breakdowns,
    levels), range rows cut by the period, currencies, negative or missing
    spend. With ``dims`` given, currencies are handled too (see :func:`_currency`).
    """
    import ibis

    from socialproof.metrics import views
    from socialproof.workspace import engine

    if engine.is_empty(con, "ad_stats"):
        raise _no_ads()
    raw = engine.table(con, "ad_stats")
    if renamed:
        raw = views.latest_names(raw)
    cur = raw.currency.fill_null("")
    checks = {**views.ad_overlap_checks(raw)}
    if since is None and until is None:
        checks |= {
            "partial": ibis.literal(0),
            "cur_min": cur.min(),
            "cur_max": cur.max(),
            "negative": (raw.spend < 0).fill_null(False).sum(),
            "no_spend": raw.spend.isnull().sum(),
            "rows": raw.count(),
        }
    else:
        inside = raw.date_start.notnull()
        overlap = raw.date_start.notnull()
        if since is not None:
            inside &= raw.date_start >= since
            overlap &= raw.date_stop >= since
        if until is not None:
            inside &= raw.date_stop <= until
            overlap &= raw.date_start <= until
        cut = (overlap & ~inside).fill_null(False)
        checks |= {
            "partial": cut.sum(),
            "cut_spend": cut.ifelse(raw.spend, 0).sum(),
            "cut_cur_min": cut.ifelse(cur, None).min(),
            "cut_cur_max": cut.ifelse(cur, None).max(),
            "cur_min": inside.ifelse(cur, None).min(),
            "cur_max": inside.ifelse(cur, None).max(),
            "negative": (inside & (raw.spend < 0)).fill_null(False).sum(),
            "no_spend": (inside & raw.spend.isnull()).fill_null(False).sum(),
            "rows": inside.fill_null(False).sum(),
        }
    if "attribution" in raw.columns:  # results under several settings: said below
        counted = raw.attribution
        if since is not None or until is not None:
            counted = inside.ifelse(raw.attribution, None)
        checks |= {"attr_min": counted.min(), "attr_max": counted.max()}
    by_type = dims is not None and "result_type" in dims
    if by_type:
        blank = raw.result_type.fill_null("") == ""
        checks |= {
            "rt_blank": (blank & (raw.results.fill_null(0) == 0)).max(),
            "rt_typed": (~blank).max(),
        }
    facts = engine.execute(raw.aggregate(**checks)).iloc[0].to_dict()
    fill = by_type and _flag(facts["rt_blank"]) and _flag(facts["rt_typed"])
    overlaps = views.ad_overlaps(facts)
    # ranges may meet (plain, or breakdowns of one kind or two): mark the ones left out,
    # for a note
    kinds = overlaps["ranges"] or overlaps["range_breakdowns"]
    t = views.tidy_ads_marked(
        views.fill_result_types(raw) if fill else raw,
        overlaps,
        mark=kinds,
        within=(since, until),
        days=days,
        tag=tag,
    )
    if int(facts["partial"] or 0):
        one = facts["cut_cur_min"] == facts["cut_cur_max"]
        notes.append(
            partial_note(
                int(facts["partial"]),
                float(facts["cut_spend"] or 0) if one else None,
                str(facts["cut_cur_min"] or ""),
                since,
                until,
            )
        )
    if since is not None or until is not None:
        t = t.filter(
            (t.date_start >= since if since is not None else ibis.literal(True))
            & (t.date_stop <= until if until is not None else ibis.literal(True))
        )
    if kinds:
        _kind_lost_note(t, notes)
        t = t.filter(~t._kind_lost).drop("_kind_lost", "_cross_lost")
    if not _flag(facts.get("_all_daily")):  # some rows cover a range of days
        _range_overlap_note(t, notes)
    if fill:
        _open_result_type_note(t, notes)
        t = t.drop("_rt_open")
    spend_notes(int(facts["negative"] or 0), int(facts["no_spend"] or 0), notes)
    attribution_note(facts.get("attr_min"), facts.get("attr_max"), notes)
    if dims is None or not int(facts["rows"] or 0):
        return t
    if facts["cur_min"] == facts["cur_max"]:
        currencies = [str(facts["cur_min"])]
    else:
        found = engine.execute(t.select(c=t.currency.fill_null("")).distinct())["c"]
        currencies = sorted(str(c) for c in found)
    return _currency(t, dims, rates, ws.settings.currency, notes, currencies)


def attribution_note(low: Any, high: Any, notes: list[str]) -> None:
    """Say that the rows hold results counted under two attribution settings or more."""
    if not isinstance(low, str) or not isinstance(high, str) or low == high:
        return
    notes.append(
        f"Results, purchases and their value add up rows counted under different attribution "
        f"settings (from {low!r} to {high!r}): an ad or day exported under one setting is "
        "not comparable with one under another. Export every ad with one attribution setting."
    )


def parse_rates(items: Iterable[str]) -> dict[str, float] | None:
    """Exchange rates from ``CUR=VALUE`` items (1 CUR in the workspace currency), as the
    CLI's repeated --rate and the workbench's Exchange rates field give them; None for
    none. A rate that is not a positive finite number is refused (``EUR=nan`` was taken)."""
    out: dict[str, float] = {}
    for item in items:
        cur, sep, num = item.partition("=")
        try:
            rate = float(num)
        except ValueError:
            rate = -1.0
        if not sep or len(cur.strip()) != 3 or not math.isfinite(rate) or rate <= 0:
            raise UsageError(
                f"--rate {item!r} is not CUR=VALUE.", hint="E.g. --rate EUR=1.08 (1 EUR = 1.08)."
            )
        out[cur.strip().upper()] = rate
    return out or None


def _currency(
    t: ir.Table,
    dims: list[str],
    rates: Mapping[str, float] | None,
    reporting: str,
    notes: list[str],
    currencies: list[str],
) -> ir.Table:
    """Convert with the user's rates, or report per currency when currencies are mixed."""
    import ibis

    if rates:
        upper = {k.upper(): float(v) for k, v in rates.items()}
        upper.setdefault(reporting, 1.0)
        missing = [c for c in currencies if c.upper() not in upper]
        if missing:
            raise UsageError(
                f"No exchange rate for {', '.join(m or '(blank)' for m in missing)}.",
                hint=f"Add --rate {missing[0] or 'XXX'}=<value in {reporting}> for each currency.",
            )
        factor = ibis.cases(*[(t.currency.upper() == c, v) for c, v in upper.items()], else_=None)
        notes.append(
            f"Converted to {reporting} at "
            + ", ".join(f"1 {c} = {upper[c.upper()]:g} {reporting}" for c in currencies)
            + "."
        )
        return t.mutate(
            spend=t.spend * factor,
            purchase_value=t.purchase_value * factor,
            currency=ibis.literal(reporting),
        )
    if len(currencies) > 1 and "currency" not in dims:
        dims.append("currency")
        notes.append(
            f"Spend is in several currencies ({', '.join(c or '(blank)' for c in currencies)}); "
            "reported per currency. Pass --rate CUR=VALUE to convert."
        )
    return t


def campaign_report(
    ws: Workspace,
    *,
    by: Sequence[str] | str | None = ("platform", "campaign"),
    period: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    kpis: Sequence[str] | None = None,
    rates: Mapping[str, float] | None = None,
) -> ReportResult:
    """Paid KPIs from the ad rows grouped by ad dimensions and, optionally, a period."""
    from socialproof.metrics import registry, views
    from socialproof.metrics.availability import unavailable_kpis
    from socialproof.metrics.notes import split_details
    from socialproof.workspace import engine

    dims, period = split_by(by, period=period)
    view = views.get_view("ad_stats")
    _check_dims(dims, view.dimensions, "ad rows")
    start, end = date_range(since, until)
    chosen = registry.resolve(list(kpis) if kpis else list(CAMPAIGN_KPIS), table="ad_stats")
    notes: list[str] = []
    check = "result_type" not in dims and any(k.name in _RESULT_KPIS for k in chosen)

    def run(t: ir.Table, extra: dict[str, ir.Scalar], *, per_group_rt: bool = True) -> pd.DataFrame:
        if check and per_group_rt:
            rt = views.counted_result_type(t)
            extra = {**extra, "_rt_min": rt.min(), "_rt_max": rt.max()}
        if period is not None:
            extra = {**extra, "_ranges": (t.date_start != t.date_stop).fill_null(False).sum()}
        expr = registry.compute(
            t,
            chosen,
            table="ad_stats",
            by=dims,
            period=period,
            time_column=view.time_column,
            timezone=ws.settings.timezone,
            extra=extra,
            details=True,
        )
        return engine.execute(expr)

    with engine.backend(ws) as con:
        renamed = split_accounts(con, dims, notes)
        gone = unavailable_kpis(con, "ad_stats", chosen)
        notes.extend(gone.notes)
        frame = None
        if start is None and end is None and not rates and not renamed:
            # by result type, blank types may take their ad's (ad_rows): the careful path
            frame = _single_scan(
                con,
                partial(run, per_group_rt=False),
                dims,
                notes,
                check_rt=check or "result_type" in dims,
            )
            if frame is not None and check:
                frame = frame.assign(_rt_min="", _rt_max="")  # one result type throughout
        if frame is None:
            frame = run(
                ad_rows(ws, con, start, end, notes, dims=dims, rates=rates, renamed=renamed), {}
            )
    if check and not frame.empty:
        mixed = int((frame["_rt_min"].fillna("") != frame["_rt_max"].fillna("")).sum())
        frame = frame.drop(columns=["_rt_min", "_rt_max"])
        if mixed:
            notes.append(
                f"{mixed} group(s) add up results of different types (e.g. link clicks and "
                "purchases); add result_type to --by to separate them."
            )
    if period is not None and "_ranges" in frame.columns:
        ranges = int(frame["_ranges"].fillna(0).sum())
        frame = frame.drop(columns=["_ranges"])
        if ranges:
            notes.append(
                f"{ranges} row(s) cover a reporting range, not one day; each is counted in the "
                f"{period} its range starts. Export by day for exact {period}s."
            )
    frame, left_out = split_details(frame, chosen)
    notes.extend(n for n in left_out if not gone.about(n))  # said once, as unavailable
    if frame.empty:
        raise no_ad_rows(start, end, notes)
    frame = _tidy_dates(frame, period)
    return ReportResult(frame, chosen, notes, title="Campaigns")


_RESULT_KPIS = frozenset({"results", "cost_per_result"})


def _single_scan(
    con: Any, run: Any, dims: list[str], notes: list[str], *, check_rt: bool
) -> pd.DataFrame | None:
    """The common case in one scan: the checks ride along as per-group aggregates.

    The checks compare columns with one sample row's values (cheap equality tests,
    no string min/max). Returns None when they find anything that needs care:
    range rows (next to daily rows, or overlapping each other), overlapping breakdowns
    or levels, several currencies, or several result types; the caller then takes the careful path
    (:func:`ad_rows` and per-group result-type checks), which handles all of it.
    """
    import pandas as pd

    from socialproof.workspace import engine

    if engine.is_empty(con, "ad_stats"):
        raise _no_ads()
    raw = engine.table(con, "ad_stats")
    attribution = ["attribution"] if "attribution" in raw.columns else []
    sample = engine.execute(
        raw.select("currency", "result_type", "breakdown", *attribution).limit(1)
    )
    if sample.empty:
        return None
    first = sample.iloc[0]

    def differs(col: str) -> ir.BooleanValue:
        value = first[col]
        if value is None or pd.isna(value):
            return raw[col].notnull()
        return (raw[col] != value).fill_null(True)

    ranges = (raw.date_start != raw.date_stop).fill_null(False)
    checks: dict[str, ir.Scalar] = {
        "_rng_any": ranges.max(),
        "_rng_all": ranges.min(),
        "_bd_diff": differs("breakdown").max(),
        # an export without an 'Ad name' column stores no ad (NULL): a campaign-level row
        "_ad_any": (raw.ad.fill_null("") == "").max(),
        "_ad_all": (raw.ad.fill_null("") == "").min(),
        "_set_any": (raw.ad_set.fill_null("") == "").max(),
        "_set_all": (raw.ad_set.fill_null("") == "").min(),
        "_cur_diff": differs("currency").max(),
        "_negative": (raw.spend < 0).fill_null(False).sum(),
        "_no_spend": raw.spend.isnull().sum(),
    }
    if check_rt:
        checks["_rt_diff"] = differs("result_type").max()
    if attribution:  # results under several settings: the careful path says so
        checks["_attr_diff"] = differs("attribution").max()
    frame: pd.DataFrame = run(raw, checks)
    if frame.empty:
        return frame

    def anyv(col: str) -> bool:
        return bool(frame[col].fillna(False).astype(bool).any())

    def allv(col: str) -> bool:
        return bool(frame[col].fillna(False).astype(bool).all())

    needs_care = (
        anyv("_rng_any")  # range rows: whether ranges of one ad overlap is asked there too
        or anyv("_bd_diff")
        or (anyv("_ad_any") and not allv("_ad_all"))
        or (anyv("_set_any") and not allv("_set_all"))
        or (anyv("_cur_diff") and "currency" not in dims)
        or (check_rt and anyv("_rt_diff"))
        or (bool(attribution) and anyv("_attr_diff"))
    )
    if needs_care:
        return None
    spend_notes(int(frame["_negative"].sum()), int(frame["_no_spend"].sum()), notes)
    return frame.drop(columns=[*checks])


def spend_notes(negative: int, no_spend: int, notes: list[str]) -> None:
    """Add the notes on rows with negative spend and rows with no spend."""
    if negative:
        notes.append(
            f"{negative} row(s) have negative spend (refunds or corrections?); "
            "they are summed as exported."
        )
    if no_spend:
        notes.append(
            f"{no_spend} row(s) have no spend; cost KPIs and ROAS leave them out "
            "(spend unknown, not zero)."
        )


def _rank_base(ratio: Ratio, t: ir.Table) -> ir.Scalar:
    """A rate's base summed over a post's rows (the rows the rate itself sums)."""
    _, den, both = ratio.parts(t)
    return both.ifelse(den, None).sum().fill_null(0).name("_base")


def _default_rank(t: ir.Table) -> str:
    """engagement_rate_<base> for the first base (reach, impressions, views) posts carry."""
    from socialproof.workspace import engine

    bases = ("reach", "impressions", "views")
    row = engine.execute(t.aggregate(**{b: (t[b] > 0).fill_null(False).sum() for b in bases})).iloc[
        0
    ]
    for b in bases:
        if int(row[b] or 0) > 0:
            return f"engagement_rate_{b}"
    return "engagement_rate_reach"


def _tidy_dates(frame: pd.DataFrame, period: str | None) -> pd.DataFrame:
    if period is not None and period in frame.columns:
        frame[period] = frame[period].map(lambda v: v.date() if hasattr(v, "date") else v)
    return frame


def post_report(
    ws: Workspace,
    *,
    platform: str | None = None,
    top: int | None = 10,
    sort_by: str | None = None,
    ascending: bool | None = None,
    bottom: bool = False,
    group_by: Sequence[str] | str | None = None,
    period: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    kpis: Sequence[str] | None = None,
    min_base: float = MIN_POST_BASE,
) -> ReportResult:
    """Top (or bottom) posts by a KPI, or posts grouped by dimensions and a period.

    Without ``sort_by`` posts are ranked by engagement rate on the first base the
    posts carry: reach, else impressions, else views. ``bottom`` lists the weakest.
    When ``top`` is set and the KPI is a rate, posts whose base is under ``min_base``
    are not ranked (a note counts them); ``top=None`` lists every post.
    """
    import ibis
    import ibis.expr.datatypes as dt

    from socialproof.metrics import ops, registry, views
    from socialproof.metrics.notes import split_details
    from socialproof.workspace import engine

    dims, period = split_by(group_by, period=period)
    left_out: list[str] = []
    view = views.get_view("posts")
    _check_dims(dims, view.dimensions, "posts")
    start, end = date_range(since, until)
    if sort_by is not None:
        registry.get(sort_by, table="posts")  # a usage error before any work
    names = list(kpis) if kpis else list(POST_KPIS)
    registry.resolve(names, table="posts")
    if top is not None and top < 1:
        raise UsageError(f"--top must be at least 1, got {top}.")
    if not math.isfinite(min_base) or min_base < 0:
        raise UsageError(f"--min-base must be 0 or more, got {min_base:g}.")
    tz = ws.settings.timezone
    with engine.backend(ws) as con:
        if engine.is_empty(con, "posts"):
            raise NoData(
                "The workspace has no posts yet.",
                hint="Import a posts export first (Meta Business Suite, TikTok Studio, "
                "LinkedIn, X, YouTube): socialproof import FILE.",
            )
        t = views.view(con, "posts", timezone=tz)
        local_day = ops.local_time(t.published_at, tz).cast(dt.date)
        if platform:
            platforms = sorted(
                str(p) for p in engine.execute(t.select("platform").distinct())["platform"]
            )
            if platform.lower() not in platforms:
                raise NoData(
                    f"No posts from {platform!r}.",
                    hint=f"Platforms in this workspace: {', '.join(platforms) or 'none'}.",
                )
            t = t.filter(t.platform == platform.lower())
            local_day = ops.local_time(t.published_at, tz).cast(dt.date)
        if start is not None:
            t = t.filter(local_day >= start)
            local_day = ops.local_time(t.published_at, tz).cast(dt.date)
        if end is not None:
            t = t.filter(local_day <= end)
        rank = registry.get(sort_by or _default_rank(t), table="posts")
        # a ranked rate needs a base (MIN_POST_BASE); the full list keeps every post
        base_of = rank.ratio if top is not None and min_base > 0 else None
        if rank.name not in names:
            names.insert(0, rank.name)
        chosen = registry.resolve(names, table="posts")
        if dims or period:
            expr = registry.compute(
                t,
                chosen,
                table="posts",
                by=dims,
                period=period,
                time_column=view.time_column,
                timezone=tz,
                details=True,
            )
            frame, left_out = split_details(_tidy_dates(engine.execute(expr), period), chosen)
            title = "Posts"
        else:
            per = t.group_by(
                [
                    t.platform,
                    t.post_id,
                    t.account,
                    ops.local_time(t.published_at, tz).name("published"),
                    t.format,
                    t.title.coalesce(t.text).substr(0, 60).name("title"),
                    t.permalink,
                ]
            ).aggregate([k.expr(t) for k in chosen] + ([_rank_base(base_of, t)] if base_of else []))
            if ascending is None:
                ascending = (rank.better == "lower") != bottom
            lower = ascending
            order = ibis.asc(rank.name) if lower else ibis.desc(rank.name)
            if base_of is not None:
                counts = engine.execute(
                    per.aggregate(
                        small=(per[rank.name].notnull() & (per._base < min_base)).sum(),
                        unrated=per[rank.name].isnull().sum(),
                    )
                )
                n_small = int(counts["small"].fillna(0).iloc[0])
                n_unrated = int(counts["unrated"].fillna(0).iloc[0])
                per = per.filter(per._base >= min_base)
                if n_small:
                    left_out.append(
                        f"{n_small:,} post{'' if n_small == 1 else 's'} with "
                        f"{base_of.denominator_label} under {min_base:,g} "
                        f"{'is' if n_small == 1 else 'are'} not ranked: a rate on so small a "
                        "base says little (--min-base 0 ranks every post)."
                    )
                if n_unrated:  # before, left out of the list without a word
                    left_out.append(
                        f"{n_unrated:,} post{'' if n_unrated == 1 else 's'} without "
                        f"{base_of.denominator_label} or {base_of.numerator_label} "
                        f"{'has' if n_unrated == 1 else 'have'} no {rank.label} and "
                        f"{'is' if n_unrated == 1 else 'are'} not ranked (--min-base 0 lists "
                        f"{'it' if n_unrated == 1 else 'them'} after the ranked posts)."
                    )
            per = per.order_by([order, ibis.asc("published")])
            if top is not None:
                per = per.limit(top)
            frame = engine.execute(per).drop(columns=["_base"], errors="ignore")
            left_out.extend(_day_floor_bounds(con, frame, chosen))
            if frame.empty and base_of is not None and left_out:
                raise NoData(
                    f"No post has {base_of.denominator_label} "
                    f"of {min_base:,g} or more to rank by {rank.label}.",
                    hint="Pass --min-base 0 to rank every post, or widen --since/--until.",
                )
            title = (
                f"{'Bottom' if lower and rank.better == 'higher' else 'Top'} posts by {rank.label}"
            )
    if frame.empty:
        raise NoData(
            "No posts match"
            + (f" {platform}" if platform else "")
            + f" between {start or 'the first day'} and {end or 'the last day'}.",
            hint="Widen --since/--until or check --platform.",
        )
    notes = [f"{rank.label}: {rank.formula_text} (base: {rank.base or 'n/a'}).", *left_out]
    return ReportResult(frame, chosen, notes, title=title)


def _day_floor_bounds(con: Any, frame: pd.DataFrame, chosen: Sequence[KPI]) -> list[str]:
    """Mark (``<kpi>_bound``) the KPIs of posts whose reach is their largest day's.

    A post whose figures add up two or more days of an export by day
    (:mod:`socialproof.ingest.post_days`) has the largest day's reach: the reach over
    all its days is at least that, so its reach is a lower bound and a rate by reach an
    upper bound (one above 100 % is no rate at all). Returns the note saying so.
    """
    from socialproof.metrics.notes import BOUND, SIGN
    from socialproof.metrics.registry import reach_role
    from socialproof.metrics.views import reach_floors
    from socialproof.workspace import engine

    bounded = [(k, b) for k in chosen if (b := reach_role(k)) and k.name in frame.columns]
    keys = reach_floors(con) if bounded and not frame.empty else None
    if keys is None:
        return []
    ids = sorted({str(v) for v in frame["post_id"].dropna()})
    found = engine.execute(keys.filter(keys.post_id.isin(ids)))
    floors = {
        (str(p), str(a or ""), str(i))
        for p, a, i in zip(found["platform"], found["account"], found["post_id"], strict=True)
    }
    marked = [
        (str(p), str(a if isinstance(a, str) else ""), str(i)) in floors
        for p, a, i in zip(frame["platform"], frame["account"], frame["post_id"], strict=True)
    ]
    n = sum(marked)
    if not n:
        return []
    for item, bound in bounded:
        frame[item.name + BOUND] = [bound if m else None for m in marked]
    rates = [k.label for k, b in bounded if b == "upper"]
    return [
        f"{n:,} post{' adds' if n == 1 else 's add'} up the days of an export by day: "
        f"{'its' if n == 1 else 'their'} reach is the largest day's, a lower bound "
        f"({SIGN['lower']}; the reach over all the days is at least that)"
        + (
            f", so {' and '.join(rates)} {'is an upper bound' if len(rates) == 1 else 'are upper bounds'} "
            f"({SIGN['upper']}; one above 100 % only says the reach was higher)"
            if rates
            else ""
        )
        + ". A lifetime export of the posts gives their exact reach."
    ]


def for_people(result: ReportResult) -> pd.DataFrame:
    """The table as people read it: percent KPIs times 100 with '%' in the header."""
    frame = result.frame.copy()
    renames = {}
    for k in result.kpis:
        if k.unit == "percent" and k.name in frame.columns:
            frame[k.name] = frame[k.name] * 100
            renames[k.name] = f"{k.name} %"
    from socialproof.metrics.notes import mark_bounds

    return mark_bounds(frame.rename(columns=renames), result.kpis)
