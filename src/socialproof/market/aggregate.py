"""Market aggregates over analysed postings: demand per skill, platform and tool,
by role, seniority, industry, location and month; salary distributions.

Every figure carries the number of postings behind it; salary figures from
fewer than :data:`MIN_POSTINGS` postings are withheld. All queries are Ibis
expressions over ``posting_facts`` and ``posting_items`` (run ``jobs analyze``
first, or let :func:`market_data` do it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialproof.errors import NoData

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir
    import pandas as pd

    from socialproof.workspace import Workspace

MIN_POSTINGS = 5


@dataclass
class MarketFilter:
    location: str | None = None  # substring of location, or 'remote'
    role: str | None = None  # role id
    seniority: str | None = None
    industry: str | None = None  # industry id or group

    def describe(self) -> str:
        parts = [f"{k} = {v}" for k, v in vars(self).items() if v]
        return ", ".join(parts) if parts else "all postings"


@dataclass
class MarketData:
    filter: MarketFilter
    postings: int
    analysed: int
    skipped: dict[str, int]
    demand: dict[str, pd.DataFrame]  # kind -> item_id, label, postings, share, must_share
    by_dimension: dict[str, pd.DataFrame]  # dimension -> value, postings, share
    top_skills_by: dict[str, pd.DataFrame]  # dimension -> value, skill, postings, share
    salaries: pd.DataFrame  # group, currency, postings, p25, median, p75 (annual midpoints)
    salary_withheld: int
    over_time: pd.DataFrame  # month, postings
    skills_over_time: pd.DataFrame  # month, item_id, label, postings, share (top skills)
    notes: list[str] = field(default_factory=list)


def _facts(con: ibis.BaseBackend, flt: MarketFilter, *, distinct: bool = True) -> ir.Table:
    from socialproof.workspace import engine

    f = engine.table(con, "posting_facts")
    f = f.filter(f.status == "ok")
    if distinct:
        f = _distinct_postings(con, f)
    # group "New York, NY (hybrid)" with "New York, NY": drop bracketed notes and edge spaces
    f = f.mutate(location=f.location.re_replace(r"\s*[(\[].*?[)\]]", "").strip())
    if flt.location:
        loc = flt.location.strip().lower()
        cond = f.location.lower().contains(loc)
        if loc == "remote":
            cond = cond | (f.remote_policy == "remote")
        f = f.filter(cond)
    if flt.role:
        f = f.filter(f.role_id == flt.role)
    if flt.seniority:
        f = f.filter(f.seniority == flt.seniority)
    if flt.industry:
        f = f.filter((f.industry == flt.industry) | (f.industry_group == flt.industry))
    return f


def _norm(col: ir.StringValue) -> ir.StringValue:
    return col.fill_null("").lower().re_replace(r"\s+", " ").strip()


def _distinct_postings(con: ibis.BaseBackend, facts: ir.Table) -> ir.Table:
    """One posting per (title, company, text, date): the same ad from two boards, or copied
    with another link or stray spaces, counts once (the lowest posting id is kept). The
    same ad posted again on another day stays a posting of its own."""
    from socialproof.workspace import engine

    jp = engine.table(con, "job_postings")
    keys = jp.select(
        jp.posting_id,
        _dup_key=_norm(jp.title)
        + "\x1f"
        + _norm(jp.company)
        + "\x1f"
        + _norm(jp.body)
        + "\x1f"
        + _norm(jp.posted_at.cast("string")),
    )
    first = keys.group_by("_dup_key").aggregate(_keep=keys.posting_id.min())
    return facts.semi_join(first, facts.posting_id == first._keep)


def duplicate_count(con: ibis.BaseBackend, flt: MarketFilter | None = None) -> int:
    """Analysed postings that pass the filter left out of the market figures as copies of
    another posting."""
    flt = flt or MarketFilter()
    return max(_count(_facts(con, flt, distinct=False)) - _count(_facts(con, flt)), 0)


def demand(
    con: ibis.BaseBackend,
    flt: MarketFilter | None = None,
    *,
    kind: str = "skill",
    requirement: tuple[str, ...] = ("must", "nice"),
) -> pd.DataFrame:
    """Share of analysed postings asking for each item of a kind, with counts."""
    import ibis

    from socialproof.workspace import engine

    flt = flt or MarketFilter()
    facts = _facts(con, flt)
    n = _count(facts)
    items = engine.table(con, "posting_items")
    items = items.filter((items.kind == kind) & items.requirement.isin(list(requirement)))
    joined = items.semi_join(facts, items.posting_id == facts.posting_id)
    agg = joined.group_by(["item_id", "label"]).aggregate(
        postings=joined.posting_id.nunique(),
        must=joined.posting_id.nunique(where=joined.requirement == "must"),
    )
    denom = ibis.literal(max(n, 1))
    agg = agg.mutate(share=agg.postings / denom, must_share=agg.must / denom)
    df = engine.execute(agg.order_by([ibis.desc("postings"), "item_id"]))
    df.attrs["postings"] = n
    return df


def demand_map(
    ws: Workspace, *, role: str | None = None
) -> tuple[dict[tuple[str, str], tuple[float, int]], str]:
    """(kind, id) -> (share, postings) from the workspace's analysed postings, and a basis text."""
    from socialproof.market.store import ensure_analyzed
    from socialproof.workspace import engine

    with ws.ibis() as con:
        if engine.is_empty(con, "job_postings"):
            return {}, ""
    ensure_analyzed(ws)
    out: dict[tuple[str, str], tuple[float, int]] = {}
    with ws.ibis() as con:
        flt = MarketFilter(role=role)
        n = _count(_facts(con, flt))
        basis_role = role
        if n < MIN_POSTINGS and role:
            flt, basis_role = MarketFilter(), None
            n = _count(_facts(con, flt))
        if n == 0:
            return {}, ""
        for kind in ("skill", "tool", "platform"):
            df = demand(con, flt, kind=kind)
            for rec in df.to_dict("records"):
                out[(kind, str(rec["item_id"]))] = (float(rec["share"]), int(rec["postings"]))
    scope = f"{n} analysed postings" + (f" for {basis_role}" if basis_role else "")
    return out, scope


def _by(con: ibis.BaseBackend, facts: ir.Table, column: str, n: int) -> pd.DataFrame:
    import ibis

    from socialproof.workspace import engine

    col = facts[column].cast("string").fill_null("unknown")
    agg = facts.mutate(value=col).group_by("value").aggregate(postings=facts.posting_id.nunique())
    agg = agg.mutate(share=agg.postings / ibis.literal(max(n, 1)))
    return engine.execute(agg.order_by([ibis.desc("postings"), "value"]))


def _top_skills_by(
    con: ibis.BaseBackend, facts: ir.Table, column: str, top: int = 5
) -> pd.DataFrame:
    import ibis

    from socialproof.workspace import engine

    items = engine.table(con, "posting_items")
    items = items.filter((items.kind == "skill") & items.requirement.isin(["must", "nice"]))
    f = facts.mutate(value=facts[column].cast("string").fill_null("unknown"))
    sizes = f.group_by("value").aggregate(group_postings=f.posting_id.nunique())
    j = items.join(f.select("posting_id", "value"), "posting_id")
    counts = j.group_by(["value", "item_id", "label"]).aggregate(postings=j.posting_id.nunique())
    counts = counts.join(sizes, "value")
    counts = counts.mutate(share=counts.postings / counts.group_postings)
    rank = ibis.row_number().over(
        group_by=counts.value, order_by=[ibis.desc(counts.postings), counts.item_id]
    )
    counts = counts.mutate(rank=rank).filter(lambda t: t["rank"] < top)
    return engine.execute(counts.order_by([ibis.desc("group_postings"), "value", "rank"]))


def salaries(
    con: ibis.BaseBackend, facts: ir.Table, by: str | None = None
) -> tuple[pd.DataFrame, int]:
    """Annual salary midpoints per currency (and group): quartiles with the postings behind them.

    Groups with fewer than MIN_POSTINGS postings are withheld; returns (table, withheld groups).
    """
    import ibis

    from socialproof.workspace import engine

    s = facts.filter((facts.salary_status == "stated") & facts.salary_currency.notnull())
    lo = s.salary_min_annual.fill_null(s.salary_max_annual)
    hi = s.salary_max_annual.fill_null(s.salary_min_annual)
    s = s.mutate(mid=(lo + hi) / 2).filter(lambda t: t.mid.notnull())
    keys = ["salary_currency"] + ([by] if by else [])
    if by:
        s = s.mutate(**{by: s[by].cast("string").fill_null("unknown")})
    agg = s.group_by(keys).aggregate(
        postings=s.posting_id.nunique(),
        p25=s.mid.quantile(0.25),
        median=s.mid.quantile(0.5),
        p75=s.mid.quantile(0.75),
        low=s.mid.min(),
        high=s.mid.max(),
    )
    df = engine.execute(agg.order_by([ibis.desc("postings"), *keys]))
    withheld = int((df["postings"] < MIN_POSTINGS).sum()) if len(df) else 0
    df = df[df["postings"] >= MIN_POSTINGS].reset_index(drop=True)
    return df.rename(columns={"salary_currency": "currency"}), withheld


def _skills_over_time(
    con: ibis.BaseBackend, month: ir.Table, skills: pd.DataFrame, top: int = 5
) -> pd.DataFrame:
    """Monthly share of postings asking for each of the ``top`` skills overall."""
    from socialproof.workspace import engine

    ids = [str(x) for x in skills["item_id"].head(top)]
    items = engine.table(con, "posting_items")
    items = items.filter(
        (items.kind == "skill") & items.requirement.isin(["must", "nice"]) & items.item_id.isin(ids)
    )
    sizes = month.group_by("month").aggregate(month_postings=month.posting_id.nunique())
    j = items.join(month.select("posting_id", "month"), "posting_id")
    counts = j.group_by(["month", "item_id", "label"]).aggregate(postings=j.posting_id.nunique())
    counts = counts.join(sizes, "month")
    counts = counts.mutate(share=counts.postings / counts.month_postings)
    return engine.execute(counts.order_by(["month", "item_id"]))


def _check_filter(flt: MarketFilter) -> None:
    from socialproof.errors import UsageError
    from socialproof.market.catalogue import load_catalogue

    cat = load_catalogue()
    levels = [str(lvl["id"]) for lvl in cat.seniority_levels]
    if flt.seniority and flt.seniority not in levels:
        raise UsageError(
            f"Unknown seniority {flt.seniority!r}.", hint=f"Use one of: {', '.join(levels)}."
        )
    if flt.role:
        flt.role = cat.role(flt.role).id
    if flt.industry:
        cat.industry_group(flt.industry)


def market_data(ws: Workspace, flt: MarketFilter | None = None) -> MarketData:
    """Everything the market report shows, for the postings that pass the filter."""
    import pandas as pd

    from socialproof.market.store import ensure_analyzed
    from socialproof.workspace import engine

    flt = flt or MarketFilter()
    _check_filter(flt)
    with ws.ibis() as con:
        if engine.is_empty(con, "job_postings"):
            raise NoData(
                "The workspace has no job postings yet.",
                hint="Import some with 'socialproof jobs import FILE'.",
            )
    ensure_analyzed(ws)
    with ws.ibis() as con:
        allf = engine.table(con, "posting_facts")
        status = engine.execute(allf.group_by("status").aggregate(n=allf.count()))
        counts = {str(r["status"]): int(r["n"]) for r in status.to_dict("records")}
        facts = _facts(con, flt)
        n = _count(facts)
        if n == 0:
            raise NoData(
                f"No analysed postings match ({flt.describe()}).",
                hint="Loosen the filter, or check 'socialproof jobs analyze'.",
            )
        dem = {kind: demand(con, flt, kind=kind) for kind in ("skill", "platform", "tool", "kpi")}
        dims = ("role_id", "seniority", "industry", "remote_policy", "location", "employment_type")
        by_dim = {d: _by(con, facts, d, n) for d in dims}
        top_by = {
            d: _top_skills_by(con, facts, d) for d in ("role_id", "seniority", "industry_group")
        }
        sal_parts = []
        withheld = 0
        for group in (None, "role_id", "seniority", "location"):
            df, w = salaries(con, facts, group)
            withheld += w
            df.insert(0, "group", "all" if group is None else group)
            if group is not None:
                df = df.rename(columns={group: "value"})
            else:
                df.insert(1, "value", "all")
            sal_parts.append(df)
        sal = pd.concat(sal_parts, ignore_index=True) if sal_parts else pd.DataFrame()
        month = facts.filter(facts.posted_at.notnull())
        month = month.mutate(month=month.posted_at.truncate("M").cast("string").substr(0, 7))
        trend = _skills_over_time(con, month, dem["skill"])
        over = engine.execute(
            month.group_by("month").aggregate(postings=month.posting_id.nunique()).order_by("month")
        )
        copies = duplicate_count(con, flt)
        no_currency = _count(
            facts.filter((facts.salary_status == "stated") & facts.salary_currency.isnull())
        )
        stated = facts.filter((facts.salary_status == "stated") & facts.salary_currency.notnull())
        unread = _count(
            stated.filter(stated.salary_min_annual.isnull() & stated.salary_max_annual.isnull())
        )
        one_end = _count(
            stated.filter(stated.salary_min_annual.isnull() != stated.salary_max_annual.isnull())
        )
    notes = []
    if copies:
        notes.append(
            f"{copies} duplicate posting(s) (same title, company, text and date, e.g. from two "
            "boards) counted once."
        )
    skipped = {k: v for k, v in counts.items() if k != "ok"}
    if skipped:
        notes.append(
            "Not analysed: "
            + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in skipped.items())
            + " (see 'socialproof jobs analyze')."
        )
    if withheld:
        notes.append(
            f"{withheld} salary group(s) withheld: fewer than {MIN_POSTINGS} postings state a salary."
        )
    if unread:
        notes.append(
            f"{unread} salary(ies) name no pay period and their amount does not tell it at "
            "their currency's scale (a month's pay or a day's): left out of the salary figures."
        )
    if no_currency:
        notes.append(
            f"{no_currency} salary(ies) name no currency ('45,000'): left out of the salary "
            "figures, which never mix currencies."
        )
    if one_end:
        notes.append(
            f"{one_end} salary(ies) state one end only ('up to £35k', 'from $28/hr'): each "
            "counts at that end, not at a midpoint, so 'up to' figures pull the quartiles up "
            "and 'from' figures down."
        )
    notes.append(
        "Salaries are annualised midpoints (hour x 2,080, day x 260, week x 52, month x 12) "
        "in each posting's own currency; currencies are never mixed."
    )
    return MarketData(
        flt, n, counts.get("ok", 0), skipped, dem, by_dim, top_by, sal, withheld, over, trend, notes
    )


def as_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]


def _count(table: ir.Table) -> int:
    from socialproof.workspace import engine

    value: Any = engine.execute(table.count())
    return int(value)
