"""The tables KPIs are computed over: canonical tables, tidied for reporting.

- ``posts``: the posts table; ``followers`` filled from the account's daily
  ``followers`` series on the (local) day of posting where the export lacked it, and
  ``_reach_floor`` true where the post's reach is the largest day's of an export by
  day (:func:`reach_floors`).
- ``ad_stats``: the ad rows, without double counting: a reporting-range row that
  shares days with daily rows of the ad is left out (for a report's totals, only where
  the daily rows cover all its days; else the days inside it are: see
  :func:`_range_or_days`); where an ad has a row without a breakdown for a day, its breakdown rows (age, gender, ...) of that day are left out (for a
  reporting range: where it has any row without a breakdown); where a day (or range)
  of an ad is broken down in several ways (age; gender), one way is counted (for
  reporting ranges of different lengths, which cannot be split by day: the way whose
  ranges cover the most days, where its ranges share days with another way's; of two
  ranges of one way that share days, the one covering more days); where
  a campaign has rows at ad level for a day, its campaign- and ad-set-level rows of
  that day are left out (for a reporting range, or beside finer range rows: where it
  has any rows at a finer level).
- ``account_daily``: the long series pivoted wide, one row per platform,
  account and date, one column per metric (``followers``, ``follower_change``,
  ``reach``, ``impressions``, ``views``, ``profile_views``).

Other modules add views with :func:`register_view`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialproof.workspace import engine

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import date

    import ibis
    import ibis.expr.types as ir


@dataclass(frozen=True)
class View:
    name: str
    build: Callable[[ibis.BaseBackend, str], ir.Table]  # (backend, timezone) -> table
    time_column: str | None
    dimensions: tuple[str, ...]  # columns people may group by


_VIEWS: dict[str, View] = {}


def register_view(view: View) -> View:
    _VIEWS[view.name] = view
    return view


def get_view(name: str) -> View:
    return _VIEWS[name]


def view(con: ibis.BaseBackend, name: str, *, timezone: str = "UTC") -> ir.Table:
    """The reporting view ``name`` over the workspace backend ``con``."""
    return _VIEWS[name].build(con, timezone)


DAILY_METRICS = ("followers", "follower_change", "reach", "impressions", "views", "profile_views")


def _daily(con: ibis.BaseBackend, timezone: str) -> ir.Table:
    t = engine.table(con, "account_daily")
    return daily_wide(t)


def daily_wide(t: ir.Table) -> ir.Table:
    """account_daily (long) pivoted to one column per metric."""
    import ibis.expr.datatypes as dt

    aggs = {m: (t.metric == m).ifelse(t.value, None).cast(dt.float64).max() for m in DAILY_METRICS}
    return t.group_by(["platform", "account", "date"]).aggregate(**aggs)


#: formats whose rows by day make up a post's figures (``ingest.post_days``): the post's
#: reach is then its largest day's, a floor of the reach over all its days
DAY_FORMATS = ("meta-posts",)
#: the posts view's column saying a post's reach is such a floor
REACH_FLOOR = "_reach_floor"
_POST_KEY = ("platform", "account", "post_id")


def reach_floors(con: ibis.BaseBackend) -> ir.Table | None:
    """The keys of the posts whose reach is the largest day's of an export by day.

    Such a post has reach on two or more days of imports in :data:`DAY_FORMATS`, and its
    figures are those days' (its row belongs to one of those imports; a lifetime export
    imported over them gives the platform's own reach, exact). ``account`` is ``''``
    where unknown. None when no post has days.
    """
    import ibis

    tables = con.list_tables()
    if "post_daily" not in tables or "imports" not in tables:
        return None
    days, imports = engine.table(con, "post_daily"), engine.table(con, "imports")
    posts = engine.table(con, "posts")
    ours = imports.filter(imports.format.isin(list(DAY_FORMATS))).select("import_id")
    days = days.semi_join(ours, "import_id").mutate(account=days.account.fill_null(""))
    reach = days.filter((days.metric == "reach") & days.value.notnull())
    several = (
        reach.group_by(list(_POST_KEY))
        .aggregate(_n=reach.date.nunique())
        .filter(ibis._._n >= 2)
        .select(*_POST_KEY)
    )
    owned = posts.select(
        posts.platform, posts.account.fill_null("").name("account"), posts.post_id, posts.import_id
    )
    from_days = owned.semi_join(
        days.select(*_POST_KEY, "import_id").distinct(), [*_POST_KEY, "import_id"]
    )
    return several.semi_join(from_days.select(*_POST_KEY), list(_POST_KEY))


def _with_floors(con: ibis.BaseBackend, posts: ir.Table) -> ir.Table:
    """``posts`` with :data:`REACH_FLOOR`: true where the post's reach is a day floor."""
    import ibis

    floors = reach_floors(con)
    if floors is None:
        return posts.mutate(**{REACH_FLOOR: ibis.literal(False)})
    marked = floors.mutate(_floor=ibis.literal(True))
    joined = posts.left_join(
        marked,
        [
            posts.platform == marked.platform,
            posts.account.fill_null("") == marked.account,
            posts.post_id == marked.post_id,
        ],
    )
    flag = joined._floor.fill_null(False) & joined.reach.notnull()
    return joined.mutate(**{REACH_FLOOR: flag}).select(*posts.columns, REACH_FLOOR)


def _posts(con: ibis.BaseBackend, timezone: str) -> ir.Table:
    return _with_floors(con, _posts_followers(con, timezone))


def _posts_followers(con: ibis.BaseBackend, timezone: str) -> ir.Table:
    import ibis.expr.datatypes as dt

    from socialproof.metrics.ops import local_time

    posts = engine.table(con, "posts")
    if "account_daily" not in con.list_tables():
        return posts
    daily = engine.table(con, "account_daily")
    fol = (
        daily.filter(daily.metric == "followers")
        .group_by(["platform", "account", "date"])
        .aggregate(_followers_day=daily.value.max())
    )
    day = local_time(posts.published_at, timezone).cast(dt.date)
    joined = posts.left_join(
        fol,
        [
            posts.platform == fol.platform,
            posts.account == fol.account,
            day == fol.date,
        ],
    )
    filled = joined.mutate(
        followers=joined.followers.coalesce(joined._followers_day.cast(dt.int64))
    )
    return filled.select(*posts.columns)


def _ads(con: ibis.BaseBackend, timezone: str) -> ir.Table:
    return ads_within(con)


def ads_within(
    con: ibis.BaseBackend, within: tuple[date | None, date | None] = (None, None)
) -> ir.Table:
    """The ``ad_stats`` view for a report of the period ``within`` (first and last day,
    either open): overlaps are weighed among the range rows inside it (see
    :func:`tidy_ads_marked`); the caller still keeps only the rows inside it."""
    t = engine.table(con, "ad_stats")
    return tidy_ads_marked(t, _ad_mixes(t), mark=False, within=within)


def _ad_mixes(t: ir.Table) -> dict[str, bool]:
    """Which kinds of overlapping rows the table holds (one cheap scan)."""
    return ad_overlaps(engine.execute(t.aggregate(**ad_overlap_checks(t))).iloc[0].to_dict())


def ad_overlap_checks(t: ir.Table) -> dict[str, ir.Scalar]:
    """Cheap aggregates (min/max, no distinct counts) that reveal overlapping ad rows."""
    import ibis

    level = ibis.cases((t.ad != "", 2), (t.ad_set != "", 1), else_=0)
    daily = t.date_start == t.date_stop
    plain = t.breakdown.fill_null("") == ""
    return {
        "_any_daily": daily.max(),
        "_all_daily": daily.min(),
        "_any_plain": plain.max(),
        "_all_plain": plain.min(),
        "_level_min": level.min(),
        "_level_max": level.max(),
    }


def ad_overlaps(row: Mapping[Any, Any]) -> dict[str, bool]:
    """The flags :func:`tidy_ads` takes, from the values of :func:`ad_overlap_checks`."""

    def flag(name: str) -> bool:
        value = row.get(name)
        return bool(value) if value is not None and value == value else False

    return {
        # any reporting-range row: beside daily rows, or crossing another range
        "ranges": not flag("_all_daily"),
        # any breakdown row: beside plain rows, or beside another kind of breakdown
        "breakdowns": not flag("_all_plain"),
        # breakdown rows over reporting ranges, whose kinds are weighed by a join
        "range_breakdowns": not flag("_all_plain") and not flag("_all_daily"),
        "levels": row.get("_level_min") != row.get("_level_max"),
    }


def tidy_ads(
    t: ir.Table,
    *,
    ranges: bool = True,
    breakdowns: bool = True,
    levels: bool = True,
    range_breakdowns: bool = True,
    days: bool = False,
    tag: bool = False,
) -> ir.Table:
    """Leave out rows that other, finer rows of the same ad already count (see module doc).

    The flags say which overlaps to look for; each costs a window over the table. With
    ``days``, daily rows win over a range they share days with; with ``tag``, the daily
    rows a range would take the place of are kept and tagged (see
    :func:`tidy_ads_marked`).
    """
    flags = {"ranges": ranges, "breakdowns": breakdowns, "levels": levels}
    return tidy_ads_marked(
        t, {**flags, "range_breakdowns": range_breakdowns}, mark=False, days=days, tag=tag
    )


def tidy_ads_marked(
    t: ir.Table,
    flags: Mapping[str, bool],
    *,
    mark: bool = True,
    within: tuple[date | None, date | None] = (None, None),
    days: bool = False,
    tag: bool = False,
) -> ir.Table:
    """:func:`tidy_ads` with the flags of :func:`ad_overlaps`; with ``mark`` the
    reporting-range breakdown rows left out for another kind of breakdown are kept,
    marked by a boolean ``_kind_lost`` column (for a note).

    ``within`` (first and last day, either open) is the period a report keeps: kinds
    are weighed only among the range rows inside it (a range it cuts is left out), and
    so are ranges against daily rows. With ``days`` (for a day-by-day use: fatigue,
    pilots' ad-days) daily rows always win over a range they share days with. With
    ``tag`` (for a roll-up that answers any period later) the daily rows a range counts
    instead of are kept, tagged with the ranges around them (``range_days``), and so are
    the ranges that give way to others, tagged with those (``range_over``); NULL on every
    other row: a period leaves them out where it holds such a range and that range counts
    in it (see :func:`_days_in_counting_ranges` and :func:`_range_formulas`).
    """
    import ibis

    ranges = flags.get("ranges", True)
    breakdowns = flags.get("breakdowns", True)
    levels = flags.get("levels", True)
    range_breakdowns = flags.get("range_breakdowns", True)
    mark_kinds = mark

    if not (ranges or breakdowns or levels):
        if mark_kinds:
            return t.mutate(_kind_lost=ibis.literal(False), _cross_lost=ibis.literal(False))
        return t
    ad_key = ["platform", "account", "campaign", "ad_set", "ad"]
    if ranges:
        # first, so that rows left out here decide nothing below
        t = _range_or_days(t, ad_key, within, days=days)
    if breakdowns:
        t = _plain_beside(t, ad_key)
    cond = ibis.literal(True)
    marks: dict[str, ir.Value] = {}
    if breakdowns:
        bd = t.breakdown.fill_null("")
        plain = bd == ""
        # the rows of one ad and period: a day's (or range's) own plain row, else one kind
        # of breakdown ('age', 'gender', 'age;gender'), each of which adds up to the total
        w_period = ibis.window(group_by=[*(t[c] for c in ad_key), t.date_start, t.date_stop])
        kind = bd.re_replace(r"=[^;]*", "")
        marks["_plain"] = plain
        marks["_bd_daily"] = t.date_start == t.date_stop
        marks["_any_plain"] = t._plain_beside
        marks["_plain_here"] = plain.max().over(w_period)
        marks["_kind"] = kind
        marks["_first_kind"] = plain.ifelse(None, kind).min().over(w_period)
    if levels:
        level = ibis.cases((t.ad != "", 2), (t.ad_set != "", 1), else_=0)
        w_campaign = ibis.window(group_by=[t.platform, t.account, t.campaign])
        w_day = ibis.window(group_by=[t.platform, t.account, t.campaign, t.date_start, t.date_stop])
        daily = t.date_start == t.date_stop
        marks["_level"] = level
        marks["_max_level"] = level.max().over(w_campaign)
        marks["_lv_daily"] = daily
        marks["_max_level_here"] = level.max().over(w_day)
        marks["_max_level_range"] = daily.ifelse(ibis.null("int8"), level).max().over(w_campaign)
    m = t.mutate(**marks) if marks else t
    if levels:
        # a daily row gives way to finer rows of its own day (a campaign-level export of
        # April beside an ad-level one of March counts both); a range row, and a day inside
        # a finer range, to any finer row of the campaign
        finest_here = (m._level == m._max_level_here) & (
            m._level >= m._max_level_range.fill_null(0)
        )
        cond &= (m._level == m._max_level) | (m._lv_daily & finest_here)
    lost = ibis.literal(False)
    crossed = ibis.literal(False)
    if breakdowns:
        # a daily breakdown row counts on a day without a plain row, one kind per day; a
        # range's breakdown row only for an ad without plain rows (ranges of different
        # lengths would overlap), one kind where ranges of several kinds share days
        cond &= m._plain | m._bd_daily.ifelse(
            ~m._plain_here & (m._kind == m._first_kind), ~m._any_plain
        )
    if ranges or (breakdowns and range_breakdowns):
        # ranges that share days (plain, or breakdowns of one kind or two): one counts
        if not breakdowns:
            m = m.mutate(_kind=ibis.literal(""))
        candidate = cond & (m.date_start != m.date_stop)
        if within[0] is not None:
            candidate &= m.date_start >= within[0]
        if within[1] is not None:
            candidate &= m.date_stop <= within[1]
        m = _mark_range_kinds(m, candidate, ad_key, formulas=tag)
        lost, crossed = m._kind_lost, m._cross_lost
    columns = [c for c in t.columns if c not in ("_in_part", "_plain_beside")]
    if ranges and "_in_part" in m.columns:
        # the daily rows inside ranges that share only some of their days with them: out
        # where one of those ranges counts (a range that gave way to another, or that
        # another rule leaves out, does not take them with it); tagged for a roll-up
        m = m.mutate(_cond=cond, _cand=cond & candidate, _lost=lost, _crossed=crossed)
        m = _days_in_counting_ranges(m, m._cand, m._lost, ad_key, tag=tag)
        cond, lost, crossed = m._cond, m._lost, m._crossed
        if not tag:
            cond &= ~m._held
    if tag and ranges:
        # kept for a roll-up, each range row with the ranges it gives way to where they
        # count (range_over): a period leaves it out where one of those counts
        m = m.mutate(range_over=m._over)
        columns += [c for c in ("range_over", "range_days") if c not in columns]
        lost = crossed = ibis.literal(False)
    if mark_kinds:
        return m.filter(cond).select(*columns, _kind_lost=lost, _cross_lost=crossed)
    return m.filter(cond & ~lost).select(*columns)


def _plain_beside(t: ir.Table, ad_key: list[str]) -> ir.Table:
    """``t`` with ``_plain_beside``: true on a row whose ad has a row without a breakdown
    sharing days with it. A range's breakdown rows give way to such rows (ranges of
    different lengths would overlap), not to plain rows of other days: an age export of
    March beside a plain export of April counts both. A daily row inside a range that
    shares only some of its days with daily rows (``_in_part``) counts only where no
    such range counts, and then the range's breakdown rows are out anyway: it does not
    make them give way where one counts.
    """
    import ibis

    kcols = [f"_k{i}" for i in range(len(ad_key))]

    def keyed(x: ir.Table) -> list[ir.Value]:
        return [x[c].fill_null("").name(k) for c, k in zip(ad_key, kcols, strict=True)]

    plain = t.breakdown.fill_null("") == ""
    if "_in_part" in t.columns:
        plain &= ~t._in_part
    p = t.filter(plain)
    spans = p.select(*keyed(p), _s=p.date_start, _e=p.date_stop).distinct()
    r = t.filter(~plain)
    rows = r.select(*keyed(r), _rs=r.date_start, _re=r.date_stop).distinct()
    rows = rows.rename({f"_r{k}": k for k in kcols})
    met = rows.join(
        spans,
        [rows[f"_r{k}"] == spans[k] for k in kcols] + [spans._s <= rows._re, spans._e >= rows._rs],
    )
    beside = (
        met.select(*(f"_r{k}" for k in kcols), "_rs", "_re")
        .distinct()
        .mutate(_b=ibis.literal(True))
    )
    own = [t[c].fill_null("") for c in ad_key]
    joined = t.left_join(
        beside,
        [a == beside[f"_r{k}"] for a, k in zip(own, kcols, strict=True)]
        + [t.date_start == beside._rs, t.date_stop == beside._re],
    )
    return joined.select(*t.columns, _plain_beside=joined._b.fill_null(False))


def _days_in_counting_ranges(
    m: ir.Table,
    ranges: ir.BooleanValue,
    lost: ir.BooleanValue,
    ad_key: list[str],
    *,
    tag: bool,
) -> ir.Table:
    """Mark the daily rows (``_in_part``) that a counting range of their ad holds.

    ``ranges`` marks the range rows that count unless ``lost`` (they gave way to a range
    that shares days with them). Without ``tag``, ``_held`` is true on a daily row that a
    range holds whose rows do not all give way. With ``tag`` (a roll-up, which answers
    any period later), each such daily row gets ``range_days``: its ranges as
    'start/stop{...}' terms joined by ';', in the braces the ranges that range gives way
    to (``range_over``, see :func:`_range_formulas`). A period leaves the row out where
    it holds a term's range and that range counts in it (see ``campaigns.rollup``).
    """
    import ibis
    import ibis.expr.datatypes as dt

    kcols = [f"_k{i}" for i in range(len(ad_key))]

    def keyed(x: ir.Table) -> list[ir.Value]:
        return [x[c].fill_null("").name(k) for c, k in zip(ad_key, kcols, strict=True)]

    r = m.filter(ranges).mutate(_gone=lost)
    formulas = (
        # a range row that gives way to nothing makes the span count in any period
        {"_free": r._over.isnull().any(), "_over": r._over.max()} if tag else {}
    )
    spans = r.group_by([*keyed(r), r.date_start.name("_s"), r.date_stop.name("_e")]).aggregate(
        _counts=(~r._gone).any(), **formulas
    )
    d = m.filter(m._in_part)
    days = d.select(*keyed(d), _d=d.date_start).distinct()
    days = days.rename({f"_d{k}": k for k in kcols})
    met = days.join(
        spans,
        [days[f"_d{k}"] == spans[k] for k in kcols] + [days._d >= spans._s, days._d <= spans._e],
    )
    own = [m[c].fill_null("") for c in ad_key]
    if tag:

        def day(x: ir.Value) -> ir.StringValue:
            return x.cast(dt.string)

        inner = met._free.ifelse("", met._over.fill_null(""))
        term = day(met._s) + "/" + day(met._e) + "{" + inner + "}"
        tags = met.group_by([*(f"_d{k}" for k in kcols), "_d"]).aggregate(
            range_days=term.group_concat(";")
        )
        joined = m.left_join(
            tags,
            [a == tags[f"_d{k}"] for a, k in zip(own, kcols, strict=True)]
            + [m._in_part, m.date_start == tags._d],
        )
        return joined.select(*m.columns, "range_days")
    held = (
        met.filter(met._counts)
        .select(*(f"_d{k}" for k in kcols), "_d")
        .distinct()
        .mutate(_h=ibis.literal(True))
    )
    joined = m.left_join(
        held,
        [a == held[f"_d{k}"] for a, k in zip(own, kcols, strict=True)]
        + [m._in_part, m.date_start == held._d],
    )
    return joined.select(*m.columns, _held=joined._h.fill_null(False))


def _range_or_days(
    t: ir.Table,
    ad_key: list[str],
    within: tuple[date | None, date | None],
    *,
    days: bool,
) -> ir.Table:
    """Count each day of an ad once where reporting-range rows meet its daily rows.

    With ``days``, a range that shares any day with daily rows of the ad is left out
    (the days count; the range's other days are lost with it).
    Otherwise:

    A range whose every day has a daily row of the ad is left out (the days count). A
    range that shares only some of its days with daily rows counts, and the daily rows
    inside it are marked ``_in_part`` (they are part of its total; leaving the range out
    would lose the other days), but only where the range lies inside ``within``, the
    period a report keeps: a range the period cuts is left out later and must not take
    its days' rows with it. They are left out later where such a range counts (see
    :func:`_days_in_counting_ranges`): one that gives way to a range crossing it does
    not. Daily rows outside every range count as they are.
    """
    import ibis

    kcols = [f"_k{i}" for i in range(len(ad_key))]

    def keyed(x: ir.Table) -> list[ir.Value]:
        return [x[c].fill_null("").name(k) for c, k in zip(ad_key, kcols, strict=True)]

    daily = t.filter(t.date_start == t.date_stop)
    dates = daily.select(*keyed(daily), _d=daily.date_start).distinct()
    dates = dates.rename({f"_d{k}": k for k in kcols})
    r = t.filter(t.date_start < t.date_stop)
    spans = r.select(*keyed(r), _s=r.date_start, _e=r.date_stop).distinct()
    met = spans.join(
        dates,
        [spans[k] == dates[f"_d{k}"] for k in kcols] + [dates._d >= spans._s, dates._d <= spans._e],
    )
    cover = (
        met.group_by([*kcols, "_s", "_e"])
        .aggregate(_n=met._d.count())
        .mutate(_len=lambda x: (x._e.delta(x._s, unit="day") + 1).cast("int64"))
    )
    full = cover if days else cover.filter(cover._n >= cover._len)
    part = cover.filter(cover._n < cover._len)
    if within[0] is not None:
        part = part.filter(part._s >= within[0])
    if within[1] is not None:
        part = part.filter(part._e <= within[1])
    own = [t[c].fill_null("") for c in ad_key]
    kept = t.anti_join(
        full,
        [a == full[k] for a, k in zip(own, kcols, strict=True)]
        + [t.date_start == full._s, t.date_stop == full._e],
    )
    if days:
        return kept.mutate(_in_part=ibis.literal(False))
    own = [kept[c].fill_null("") for c in ad_key]
    inside = (
        dates.join(
            part,
            [dates[f"_d{k}"] == part[k] for k in kcols]
            + [dates._d >= part._s, dates._d <= part._e],
        )
        .select(*(f"_d{k}" for k in kcols), "_d")
        .distinct()
        .mutate(_p=ibis.literal(True))
    )
    joined = kept.left_join(
        inside,
        [a == inside[f"_d{k}"] for a, k in zip(own, kcols, strict=True)]
        + [kept.date_start == kept.date_stop, kept.date_start == inside._d],
    )
    return joined.select(*t.columns, _in_part=joined._p.fill_null(False))


#: Rounds of :func:`_mark_range_kinds`: exact where up to five kinds of an ad's ranges
#: meet in a chain (age, gender, placement, region, device): one kind more than rounds.
_KIND_ROUNDS = 4


def _range_formulas(edges: ir.Table, kcols: list[str]) -> ir.Table:
    """Per range that gives way to others where they count (``edges``: the range in
    ``_bk``, ``_s``, ``_e``, a higher one in ``_o_bk``, ``_o_s``, ``_o_e``), ``_over``: the
    higher ranges as 'start/stop{...}' terms joined by ';', each with its own higher ranges
    in its braces, :data:`_KIND_ROUNDS` deep. A period leaves a range out where it holds
    a term's range and that range is not left out itself, so a roll-up settles chains in
    any period: where age (1-10 March) gives way to gender (8-20 March) and gender to
    placement (18-31 March), age counts over the month and gives way over 1-20 March.
    """
    import ibis.expr.datatypes as dt

    me = [*kcols, "_bk", "_s", "_e"]
    formulas: ir.Table | None = None
    for _ in range(_KIND_ROUNDS):
        if formulas is None:
            joined, inner = edges, None
        else:
            f = formulas.rename({f"_f{c}": c for c in [*me, "_over"]})
            joined = edges.left_join(
                f,
                [edges[c] == f[f"_f{c}"] for c in kcols]
                + [edges._o_bk == f._f_bk, edges._o_s == f._f_s, edges._o_e == f._f_e],
            )
            inner = joined._f_over
        span = joined._o_s.cast(dt.string) + "/" + joined._o_e.cast(dt.string)
        term = span + "{" + (inner.fill_null("") if inner is not None else "") + "}"
        formulas = joined.group_by(me).aggregate(_over=term.group_concat(";"))
    assert formulas is not None
    return formulas


def _mark_range_kinds(
    m: ir.Table, candidate: ir.BooleanValue, ad_key: list[str], *, formulas: bool = False
) -> ir.Table:
    """Add ``_kind_lost``: a range row that shares days with a range of the same ad that
    ranks first, ``_cross_lost`` where that range is of the same kind (plain, or the same
    breakdown), and the days of the ranges it gave way to (``_lost_s``, ``_lost_e``: the
    latest start and earliest stop among them); with ``formulas``, ``_over`` (see
    :func:`_range_formulas`) for a roll-up to tag it with.

    Ranges of different lengths (age for 1-31 March, gender for 1-15 March; or two plain
    exports of 1-15 and 10-31 March) cannot be split by day, so one is counted where they
    meet: first the kind whose ranges cover the most days (their lengths added), then the
    first by name; within one kind the range covering more days, then the earlier. Ranges
    are taken in that order, and a range gives way only to a range that counts: where age
    (1-10 March) meets gender (8-20 March) and gender meets placement (18-31 March), which
    covers the most days, gender gives way to placement and age counts.
    """
    keys = [m[c].fill_null("").name(f"_k{i}") for i, c in enumerate(ad_key)]
    cand = m.filter(candidate)
    ckeys = [cand[c].fill_null("").name(f"_k{i}") for i, c in enumerate(ad_key)]
    periods = cand.select(*ckeys, _bk=cand._kind, _s=cand.date_start, _e=cand.date_stop).distinct()
    periods = periods.mutate(_len=(periods._e.delta(periods._s, unit="day") + 1).cast("int64"))
    kcols = [f"_k{i}" for i in range(len(ad_key))]
    days = periods.group_by([*kcols, "_bk"]).aggregate(_days=lambda x: x._len.sum())
    ranked = periods.join(days, [*kcols, "_bk"])
    other = ranked.rename({f"_o{c}": c for c in [*kcols, "_bk", "_s", "_e", "_len", "_days"]})
    same = ranked._bk == other._o_bk
    preds = [ranked[c] == other[f"_o{c}"] for c in kcols] + [
        ~same | (other._o_s != ranked._s) | (other._o_e != ranked._e),
        other._o_s <= ranked._e,
        other._o_e >= ranked._s,
        (other._o_days > ranked._days)
        | ((other._o_days == ranked._days) & (other._o_bk < ranked._bk))
        | (
            same
            & (
                (other._o_len > ranked._len)
                | ((other._o_len == ranked._len) & (other._o_s < ranked._s))
            )
        ),
    ]
    edges = ranked.join(other, preds).select(*kcols, "_bk", "_s", "_e", "_o_bk", "_o_s", "_o_e")
    # a range is lost where it meets a higher range that is not lost itself; each round
    # settles one more from the top (the first gives way to nothing)
    live = edges
    for _ in range(_KIND_ROUNDS - 1):
        prev = live.select(*kcols, "_bk", "_s", "_e").distinct()
        prev = prev.rename({f"_l{c}": c for c in [*kcols, "_bk", "_s", "_e"]})
        live = edges.anti_join(
            prev,
            [edges[c] == prev[f"_l{c}"] for c in kcols]
            + [edges._o_bk == prev._l_bk, edges._o_s == prev._l_s, edges._o_e == prev._l_e],
        )
    losers = live.group_by([*kcols, "_bk", "_s", "_e"]).aggregate(
        _lost_s=live._o_s.max(),
        _lost_e=live._o_e.min(),
        _same=(live._o_bk == live._bk).any(),
    )
    if formulas:  # every range that loses has higher ones: a formula
        over = _range_formulas(edges, kcols)
        me = [*kcols, "_bk", "_s", "_e"]
        lost = losers.rename({f"_g{c}": c for c in me})
        both = over.left_join(lost, [over[c] == lost[f"_g{c}"] for c in me])
        losers = both.select(*me, "_lost_s", "_lost_e", "_same", "_over")
    marked = m.mutate(*keys)
    joined = marked.left_join(
        losers,
        [marked[c] == losers[c] for c in kcols]
        + [
            marked._kind == losers._bk,
            marked.date_start == losers._s,
            marked.date_stop == losers._e,
        ],
    )
    return joined.select(
        *m.columns,
        _kind_lost=joined._lost_s.notnull(),
        _cross_lost=joined._same.fill_null(False),
        _lost_s=joined._lost_s,
        _lost_e=joined._lost_e,
        **({"_over": joined._over} if formulas else {}),
    )


def latest_names(t: ir.Table) -> ir.Table:
    """Give the rows of one platform object (an id in ``object_key``: 'ad:<id>') the
    campaign, ad set and ad names of its latest row: an ad renamed while it ran is one
    ad, under the name it has now, not two."""
    import ibis

    ided = ~t.object_key.fill_null("name:").startswith("name:")
    # a window, not a join of t with itself: later joins over the result stay plain
    w = ibis.window(group_by=[t.platform, t.account, t.object_key])
    return t.mutate(
        **{c: ided.ifelse(t[c].argmax(t.date_stop).over(w), t[c]) for c in NAME_COLUMNS}
    )


#: The name columns :func:`latest_names` sets.
NAME_COLUMNS = ("campaign", "ad_set", "ad")


def renamed_objects(t: ir.Table) -> ir.Table:
    """One row, ``n``: how many platform objects (ids in ``object_key``) have rows under
    several names."""
    ided = ~t.object_key.fill_null("name:").startswith("name:")
    r = t.filter(ided)
    names = r.campaign.fill_null("") + "\x1f" + r.ad_set.fill_null("") + "\x1f" + r.ad.fill_null("")
    per = r.group_by([r.platform, r.account, r.object_key]).aggregate(n=names.nunique())
    return per.aggregate(n=(per.n > 1).cast("int64").sum())


def counted_result_type(t: ir.Table) -> ir.StringValue:
    """A row's result type as the "results of different types" checks count it: none for
    a row without results (it adds no result of any type), '' for results of no type."""
    return (t.results.fill_null(0) != 0).ifelse(t.result_type.fill_null(""), None)


def fill_result_types(t: ir.Table) -> ir.Table:
    """Give a row without a result and without a result type the type its ad has.

    Ads Manager leaves "Result indicator" blank with "Results" on the rows (days, ads)
    that spent without a result. Such a row (0 or no results, no type) takes its ad's
    type when the ad (its id, else its name within campaign and ad set) has exactly one
    anywhere in ``t``; when the ad never had one, its ad set's (where Meta sets what a
    result is) when that has exactly one; when the ad set never had one either, the
    campaign's when that has exactly one. Otherwise it stays blank, and ``_rt_open``
    marks it (True) when its campaign has types: which one its spend belongs to cannot
    be told.
    """
    import ibis

    typ = t.result_type.nullif("")
    key = (
        t.object_key.fill_null("")
        .startswith("ad:")
        .ifelse(
            t.object_key,
            ibis.literal("name:")
            + t.campaign.fill_null("")
            + "\x1f"
            + t.ad_set.fill_null("")
            + "\x1f"
            + t.ad.fill_null(""),
        )
    )
    w_ad = ibis.window(group_by=[t.platform, t.account, key])
    w_set = ibis.window(group_by=[t.platform, t.account, t.campaign, t.ad_set.fill_null("")])
    w_campaign = ibis.window(group_by=[t.platform, t.account, t.campaign])
    m = t.mutate(
        _ad_lo=typ.min().over(w_ad),
        _ad_hi=typ.max().over(w_ad),
        _set_lo=typ.min().over(w_set),
        _set_hi=typ.max().over(w_set),
        _c_lo=typ.min().over(w_campaign),
        _c_hi=typ.max().over(w_campaign),
    )
    blank = m.result_type.fill_null("") == ""
    open_ = blank & (m.results.fill_null(0) == 0)
    from_ad = open_ & (m._ad_lo == m._ad_hi).fill_null(False)
    no_ad = open_ & m._ad_lo.isnull()
    from_set = no_ad & (m._set_lo == m._set_hi).fill_null(False)
    from_campaign = no_ad & m._set_lo.isnull() & (m._c_lo == m._c_hi).fill_null(False)
    taken = from_ad | from_set | from_campaign
    filled = m.mutate(
        result_type=ibis.cases(
            (from_ad, m._ad_lo),
            (from_set, m._set_lo),
            (from_campaign, m._c_lo),
            else_=m.result_type,
        ),
        _rt_open=open_ & ~taken & m._c_lo.notnull(),
    )
    return filled.select(*t.columns, "_rt_open")


register_view(
    View(
        "posts",
        _posts,
        "published_at",
        ("platform", "account", "format", "campaign", "is_paid", "post_id", "labels"),
    )
)
register_view(
    View(
        "ad_stats",
        _ads,
        "date_start",
        (
            "platform",
            "account",
            "campaign",
            "ad_set",
            "ad",
            "currency",
            "objective",
            "result_type",
            "breakdown",
        ),
    )
)
register_view(View("account_daily", _daily, "date", ("platform", "account")))
