"""Paid social views: best and worst ads (with the reason), budget pacing, creative fatigue.

Every KPI comes from the registry. Thresholds are documented constants: an ad
needs :data:`MIN_IMPRESSIONS` impressions to be ranked, and
:data:`FATIGUE_MIN_DAYS` days of delivery to be checked for fatigue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.campaigns._period import date_range, parse_day
from socialproof.campaigns.report import ReportResult, ad_rows, split_accounts
from socialproof.errors import BadInput, FileMissing, NoData, UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from socialproof.workspace import Workspace

#: An ad with fewer impressions than this is too small to call best or worst.
MIN_IMPRESSIONS = 1000
#: An ad needs this many days of daily rows before fatigue can be judged.
FATIGUE_MIN_DAYS = 6
#: Fatigue: link CTR fell by at least this share while frequency rose by at least FREQ_RISE.
CTR_DROP = 0.20
FREQ_RISE = 0.10
#: Pacing within this share of the expected spend counts as on track.
PACE_TOLERANCE = 0.10
AD_KEY = ("platform", "campaign", "ad_set", "ad")


def ad_ranking(
    ws: Workspace,
    *,
    metric: str | None = None,
    n: int = 3,
    since: str | date | None = None,
    until: str | date | None = None,
    rates: Mapping[str, float] | None = None,
) -> ReportResult:
    """The best and worst ads by one KPI, each with how far it is from the median ad."""
    import pandas as pd

    from socialproof.metrics import registry
    from socialproof.metrics.availability import unavailable_kpis
    from socialproof.workspace import engine

    if n < 1:
        raise UsageError(f"--n must be at least 1, got {n}.")
    start, end = date_range(since, until)
    notes: list[str] = []
    with engine.backend(ws) as con:
        dims = list(AD_KEY)
        renamed = split_accounts(con, dims, notes)
        t = ad_rows(ws, con, start, end, notes, dims=dims, rates=rates, renamed=renamed)
        if metric is None:
            has_results = engine.execute(t.aggregate(r=t.results.sum())).iloc[0]["r"]
            metric = "cost_per_result" if has_results and has_results > 0 else "ctr_link"
        kpi = registry.get(metric, table="ad_stats")
        if "currency" in dims and kpi.unit == "currency":  # spend in several, no --rate
            found = engine.execute(t.select(c=t.currency.fill_null("")).distinct())["c"]
            currencies = sorted(str(c) or "none given" for c in found)
            raise BadInput(
                f"{kpi.label} of ads that spend in {len(currencies)} currencies "
                f"({', '.join(currencies)}) cannot be ranked against one median.",
                hint="Pass --rate CUR=VALUE for each currency to convert, or rank by a "
                "measure without money (--metric ctr_link).",
            )
        shown = registry.resolve(
            list(dict.fromkeys(["spend", "impressions", kpi.name])), table="ad_stats"
        )
        # a cost per something (lower is better) with nothing bought: the worst ads of all
        costly = kpi.ratio is not None and kpi.better == "lower"
        extra = (
            {"_num": kpi.ratio.numerator(t).sum(), "_den": kpi.ratio.denominator(t).sum()}
            if kpi.ratio is not None and costly
            else None
        )
        frame = engine.execute(registry.compute(t, shown, table="ad_stats", by=dims, extra=extra))
        notes.extend(unavailable_kpis(con, "ad_stats", shown).notes)
    if frame.empty:
        raise NoData("No ad rows in that period.", hint="Widen --since/--until.")
    small = frame[frame["impressions"].fillna(0) < MIN_IMPRESSIONS]
    ranked = frame[(frame["impressions"].fillna(0) >= MIN_IMPRESSIONS) & frame[kpi.name].notna()]
    if len(small):
        notes.append(
            f"{len(small)} ad(s) with fewer than {MIN_IMPRESSIONS:,} impressions are not ranked "
            "(too little delivery to judge)."
        )
    nothing = frame.iloc[0:0]
    if costly:
        nothing = frame[
            (frame["impressions"].fillna(0) >= MIN_IMPRESSIONS)
            & frame[kpi.name].isna()
            & (frame["_den"].fillna(0) == 0)
            & (frame["_num"].fillna(0) > 0)
        ].sort_values("_num", ascending=False, kind="stable")
        frame = frame.drop(columns=["_num", "_den"])
    if len(ranked) < 2:
        # one ad has nothing to be ranked against: say which, and that two are needed
        only = f": {ranked['ad'].iloc[0]}" if len(ranked) == 1 and "ad" in ranked else ""
        raise NoData(
            f"Too few ads with {kpi.label} and at least {MIN_IMPRESSIONS:,} impressions to rank "
            f"({len(ranked)}{only}); best and worst need two or more.",
            hint="Import the other ads' rows, widen the period, or pick another --metric.",
        )
    median = float(ranked[kpi.name].median())
    asc = kpi.better == "lower"
    ordered = ranked.sort_values(kpi.name, ascending=asc, kind="stable")
    take = min(n, len(ordered) // 2) or 1
    rows: list[dict[str, Any]] = []

    def row(
        label: str, rec: Mapping[Any, Any], value: float | None, diff: float | None, reason: str
    ) -> dict[str, Any]:
        return {
            "rank": label,
            **{k: rec[k] for k in dims},
            "spend": rec["spend"],
            "impressions": rec["impressions"],
            kpi.name: value,
            "median": median,
            "vs_median": diff,
            "reason": reason,
        }

    def ranked_rows(label: str, part: pd.DataFrame) -> None:
        for rec in part.to_dict(orient="records"):
            value = float(rec[kpi.name])
            diff = (value - median) / median if median else None
            reason = _reason(kpi.label, kpi.unit, value, median, diff, len(ranked))
            rows.append(row(label, rec, value, diff, reason))

    # equal figures are never split: ads tied with the last one listed are listed too, and
    # a figure both ends hold (two ads at one cost, ties at the median) is neither best nor worst
    tie = ordered[kpi.name].map(lambda v: float(f"{float(v):.12g}"))
    room = max(0, take - len(nothing))
    best_ties = set(tie.head(take))
    worst_ties = set(tie.tail(room)) if room else set()
    both = best_ties & worst_ties
    tied = len(set(tie)) == 1
    if tied:
        value = _fmt(float(ordered[kpi.name].iloc[0]), kpi.unit)
        notes.append(
            f"All {len(ordered)} ranked ads have the same {kpi.label} ({value}): none is best "
            "or worst."
        )
        ranked_rows("tied", ordered.head(2 * n))
    else:
        ranked_rows("best", ordered[tie.isin(best_ties - both)])
        if both:
            notes.append(
                f"Ads with equal {kpi.label} are listed together; a figure shared by ads at both "
                "ends is neither best nor worst."
            )
    if len(nothing) and kpi.ratio is not None:
        spent, what = kpi.ratio.numerator_label, kpi.ratio.denominator_label
        notes.append(
            f"{len(nothing)} ad(s) had {spent} but no {what}: their {kpi.label} cannot be "
            "computed; the worst by it, they are listed first among the worst."
        )
        for rec in nothing.head(n).to_dict(orient="records"):
            amount = _fmt(float(rec["_num"]), kpi.unit)
            rows.append(
                row("worst", rec, None, None, f"{spent.capitalize()} {amount} with no {what}")
            )
    if not tied:
        ranked_rows("worst", ordered[tie.isin(worst_ties - both)].iloc[::-1])
    out = pd.DataFrame(rows)
    notes.append(f"{kpi.label} = {kpi.formula_text}; {kpi.better} is better.")
    return ReportResult(out, [kpi], notes, title=f"Best and worst ads by {kpi.label}")


def _fmt(value: float, unit: str) -> str:
    if unit == "percent":
        return f"{value * 100:.2f} %"
    if unit == "currency":
        return f"{value:,.2f}"
    return f"{value:,.2f}"


def _reason(label: str, unit: str, value: float, median: float, diff: float | None, n: int) -> str:
    if diff is None:
        return f"{label} {_fmt(value, unit)}; median of {n} ads is 0"
    if value == median:
        return f"{label} {_fmt(value, unit)}, the median of {n} ads"
    direction = "above" if value > median else "below"
    pct = abs(diff) * 100
    rel = f"{pct:.0f}" if pct >= 9.5 else f"{pct:.1f}"
    rel = "<0.1" if float(rel) == 0 else rel
    # a rate in percent: the gap in points first, so 1.5 % against 1 % is not '50 points'
    gap = f"{abs(value - median) * 100:.2f} pts ({rel} %)" if unit == "percent" else f"{rel} %"
    return f"{label} {_fmt(value, unit)}, {gap} {direction} the median of {_fmt(median, unit)} across {n} ads"


# -- pacing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """A planned budget for a flight; ``campaign`` '' means every campaign together,
    ``account`` '' the only ad account of the spend (refused when there are several),
    :data:`ALL_ACCOUNTS` every account added together."""

    amount: float
    start: date
    end: date
    campaign: str = ""
    platform: str = ""
    currency: str = ""
    account: str = ""


BUDGETS_FILE = "budgets.yaml"
#: A budget's account that asks for the spend of every ad account added together.
ALL_ACCOUNTS = "all"


def load_budgets(path: Path) -> list[Budget]:
    """Budgets from YAML: ``budgets: [{campaign, amount, start, end, platform?, currency?,
    account?}]``."""
    import yaml

    path = Path(path)
    if not path.exists():
        raise FileMissing(f"{path} does not exist.", hint="Create it or pass --budget.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path} is not valid YAML: {exc}.", hint="Fix the file.") from None
    items = raw.get("budgets") if isinstance(raw, dict) else raw
    if not isinstance(items, list) or not items:
        raise BadInput(
            f"{path} has no budgets.",
            hint="Write 'budgets:' then items with amount, start, end and optionally campaign.",
        )
    out = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise BadInput(
                f"{path}: budget {i} is not a mapping.", hint="See 'report pacing --help'."
            )
        try:
            amount = float(item["amount"])
            start = parse_day(str(item["start"]), option=f"budget {i} start")
            end = parse_day(str(item["end"]), option=f"budget {i} end")
        except KeyError as exc:
            raise BadInput(f"{path}: budget {i} lacks {exc.args[0]!r}.", hint="Add it.") from None
        except (TypeError, ValueError, UsageError):
            raise BadInput(
                f"{path}: budget {i} has a bad amount or date.",
                hint="amount is a number; start and end are YYYY-MM-DD.",
            ) from None
        if start is None or end is None or start > end or amount <= 0:
            raise BadInput(
                f"{path}: budget {i} needs a positive amount and start on or before end.",
                hint="Fix it.",
            )
        out.append(
            Budget(
                amount,
                start,
                end,
                str(item.get("campaign") or ""),
                str(item.get("platform") or "").lower(),
                str(item.get("currency") or "").upper(),
                str(item.get("account") or "").strip(),
            )
        )
    return out


def budget_for_period(
    amount: float,
    period: str,
    as_of: date,
    *,
    campaign: str = "",
    platform: str = "",
    account: str = "",
) -> Budget:
    """A budget for the calendar week or month holding ``as_of`` (or one day)."""
    if not math.isfinite(amount) or amount <= 0:
        raise UsageError(
            f"--budget must be a positive amount, got {amount:g}.", hint="E.g. --budget 30000."
        )
    if period == "month":
        start = as_of.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        end = nxt - timedelta(days=1)
    elif period == "week":
        start = as_of - timedelta(days=as_of.weekday())
        end = start + timedelta(days=6)
    elif period == "day":
        start = end = as_of
    else:
        raise UsageError(f"Unknown period {period!r}.", hint="Use day, week or month.")
    return Budget(amount, start, end, campaign, platform.lower(), account=account.strip())


def pacing(
    ws: Workspace,
    *,
    budget: float | None = None,
    period: str = "month",
    campaign: str = "",
    platform: str = "",
    budgets_file: Path | None = None,
    as_of: str | date | None = None,
    account: str = "",
) -> ReportResult:
    """Spend against planned budgets: expected to date, pace, projected end-of-flight spend.

    Without ``as_of`` the flight is judged on the last day with ad data (the
    export's end), not today, so an old export is not called under-spent.
    """
    import pandas as pd

    from socialproof.metrics import registry
    from socialproof.metrics.availability import unavailable_kpis
    from socialproof.workspace import engine

    day = parse_day(as_of, option="--as-of")
    row_notes: list[str] = []  # rows left out as overlapping, ranges counted twice
    with engine.backend(ws) as con:
        t = ad_rows(ws, con, None, None, row_notes, days=True)
        raw = engine.table(con, "ad_stats")  # a range's last day is data too
        last = engine.execute(raw.aggregate(d=raw.date_stop.max())).iloc[0]["d"]
        asked = day
        if day is None:
            if last is None or pd.isna(last):
                raise NoData("The ad rows have no dates.", hint="Re-import the ads export.")
            day = pd.Timestamp(last).date()

        def judged(plan_campaign: str, plan_platform: str, plan_account: str) -> date:
            """--as-of, else the last day with data of the rows a budget covers (an account
            whose export ends on 10 March is not under-pacing on another's 31 March)."""
            if asked is not None:
                return asked
            sel = raw
            if plan_campaign:
                sel = sel.filter(sel.campaign == plan_campaign)
            if plan_platform:
                sel = sel.filter(sel.platform == plan_platform.lower())
            if plan_account and plan_account != ALL_ACCOUNTS:
                sel = sel.filter(sel.account == plan_account)
            found = engine.execute(sel.aggregate(d=sel.date_stop.max())).iloc[0]["d"]
            return day if found is None or pd.isna(found) else pd.Timestamp(found).date()

        if budget is not None:
            plans = [
                budget_for_period(
                    budget,
                    period,
                    judged(campaign, platform, account),
                    campaign=campaign,
                    platform=platform,
                    account=account,
                )
            ]
        else:
            path = budgets_file or ws.path(BUDGETS_FILE)
            if not Path(path).exists():
                raise UsageError(
                    "No budget given.",
                    hint=f"Pass --budget AMOUNT (with --period) or write {BUDGETS_FILE} in the "
                    "workspace.",
                )
            plans = _chosen(load_budgets(Path(path)), Path(path).name, campaign, platform, account)
        spend_kpi = registry.get("spend")
        lacking = unavailable_kpis(con, "ad_stats", [spend_kpi]).notes
        accounts = engine.execute(raw.select("platform", "account").distinct())
        known = sorted({str(a) for a in accounts["account"] if a is not None and str(a)})
        rows = []
        for plan in plans:
            plan_day = judged(plan.campaign, plan.platform, plan.account)
            until = min(plan.end, plan_day)
            # the plan's own period decides between a range and the days inside it (a
            # month's range counts for the month, its days for a week inside it)
            said: list[str] = []  # the notes on all rows are in row_notes already
            sel = ad_rows(ws, con, plan.start, until, said) if plan.start <= until else t
            row_notes.extend(n for n in said if "only partly overlap" in n)
            sel = sel.filter((sel.date_start >= plan.start) & (sel.date_stop <= until))
            if plan.campaign:
                sel = sel.filter(sel.campaign == plan.campaign)
            if plan.platform:
                sel = sel.filter(sel.platform == plan.platform)
            if plan.account and plan.account != ALL_ACCOUNTS:
                if plan.account not in known:
                    raise UsageError(
                        f"Budget for {plan.campaign or 'all campaigns'} names ad account "
                        f"{plan.account!r}, which no imported ad rows have.",
                        hint=f"Use one of: {', '.join(known) or 'none imported yet'}"
                        f" (or {ALL_ACCOUNTS!r} to pace them added together).",
                    )
                sel = sel.filter(sel.account == plan.account)
            elif not plan.account:
                _one_account(engine, sel, plan, in_file=budget is None)
            facts = engine.execute(
                sel.aggregate(
                    spend_kpi.expr(sel),
                    currencies=sel.currency.fill_null("").collect(distinct=True),
                    rows=sel.count(),
                )
            ).iloc[0]
            found = facts["currencies"]  # NULL when no row is kept (a platform without ads)
            currencies = sorted(str(c) for c in (found if found is not None else []))
            if plan.currency and currencies and currencies != [plan.currency]:
                raise UsageError(
                    f"Budget for {plan.campaign or 'all campaigns'} is in {plan.currency} but "
                    f"spend is in {', '.join(currencies)}.",
                    hint="Give the budget in the spend's currency.",
                )
            if len(currencies) > 1:
                raise UsageError(
                    f"Spend for {plan.campaign or 'all campaigns'} is in several currencies "
                    f"({', '.join(currencies)}); a budget cannot be paced across them.",
                    hint="Set a budget per campaign (budgets.yaml with campaign and currency).",
                )
            rows.append(
                _pace_row(
                    plan,
                    plan_day,
                    0.0 if pd.isna(facts["spend"]) else float(facts["spend"]),  # no rows: 0
                    int(facts["rows"]),
                    currencies[0] if currencies else ws.settings.currency,
                )
            )
    frame = pd.DataFrame(rows)
    days = sorted({r["judged_on"] for r in rows})
    when = (
        f"Judged on {days[0]} (the last day with ad data"
        + (" of the budget's rows" if days[0] != day else "")
        + " unless --as-of is given)"
        if len(days) <= 1
        else "Each budget is judged on the last day with ad data of its rows (judged_on) "
        "unless --as-of is given"
    )
    notes = [
        *lacking,
        *dict.fromkeys(row_notes),
        f"{when}; on track means within {PACE_TOLERANCE:.0%} of the spend expected by then at "
        "an even daily rate.",
    ]
    if len(days) <= 1:
        frame = frame.drop(columns="judged_on", errors="ignore")
    if frame.empty or not frame["account"].astype(bool).any():
        frame = frame.drop(columns="account", errors="ignore")  # no budget names an account
    else:
        frame["account"] = frame["account"].replace("", "all")
    return ReportResult(frame, [], notes, title="Budget pacing")


def _chosen(
    plans: list[Budget], name: str, campaign: str, platform: str, account: str
) -> list[Budget]:
    """The file's budgets that --campaign, --platform and --account keep (each as given
    in the budget: a budget for all campaigns is not one campaign's)."""
    asked = {"campaign": campaign, "platform": platform.lower(), "account": account.strip()}
    asked = {k: v for k, v in asked.items() if v}
    kept = [b for b in plans if all(getattr(b, k) == v for k, v in asked.items())]
    if not kept:
        which = ", ".join(f"{k} {v!r}" for k, v in asked.items())
        raise UsageError(
            f"No budget in {name} is for {which}.",
            hint="Add one with campaign, platform and account written as given, or pass "
            "--budget AMOUNT (with --period).",
        )
    return kept


def _one_account(engine: Any, sel: Any, plan: Budget, *, in_file: bool) -> None:
    """Refuse a budget whose spend comes from two ad accounts or more unless it asks for
    them added together (``account: all``): one campaign name in two accounts is two
    campaigns, and two accounts (two clients, or one client in two currencies) are two
    budgets; adding them paces neither."""
    found = engine.execute(sel.select("platform", "account").distinct())
    pairs = sorted(
        (str(p or ""), str(a or ""))
        for p, a in zip(found["platform"], found["account"], strict=True)
    )
    if len(pairs) < 2:
        return
    names = ", ".join(f"{a or '(no account)'} ({p})" for p, a in pairs)
    what = f"Campaign {plan.campaign!r} is in" if plan.campaign else "Spend comes from"
    first = pairs[0][1]
    raise UsageError(
        f"{what} {len(pairs)} ad accounts ({names}): its budget would pace their spend "
        "added together."
        if plan.campaign
        else f"{what} {len(pairs)} ad accounts ({names}): a budget for all campaigns would "
        "pace their spend added together.",
        hint=f"Add 'account: {first}' (or another of them) to its budget in {BUDGETS_FILE}, "
        f"one budget per account, or 'account: {ALL_ACCOUNTS}' to pace them together."
        if in_file
        else f"Choose one with --account {first} (or another of them), or --account "
        f"{ALL_ACCOUNTS} to pace them added together.",
    )


def _pace_row(plan: Budget, day: date, spent: float, n_rows: int, currency: str) -> dict[str, Any]:
    total_days = (plan.end - plan.start).days + 1
    elapsed = min(max((day - plan.start).days + 1, 0), total_days)
    expected = plan.amount * elapsed / total_days
    pace = spent / expected if expected else None
    projected = spent / elapsed * total_days if elapsed else None
    if elapsed == 0:
        status = "not started"
    elif n_rows == 0:
        status = "no spend yet"
    elif pace is not None and pace > 1 + PACE_TOLERANCE:
        status = "over-pacing"
    elif pace is not None and pace < 1 - PACE_TOLERANCE:
        status = "under-pacing"
    else:
        status = "on track"
    return {
        "scope": plan.campaign or "all campaigns",
        "platform": plan.platform or "all",
        "account": plan.account,
        "currency": currency,
        "budget": plan.amount,
        "start": plan.start,
        "end": plan.end,
        "days_elapsed": elapsed,
        "days_total": total_days,
        "spent": spent,
        "expected_by_now": expected,
        "pace": pace,
        "projected": projected,
        "remaining": plan.amount - spent,
        "status": status,
        "judged_on": day,
    }


# -- creative fatigue ------------------------------------------------------------------


def fatigue(
    ws: Workspace,
    *,
    since: str | date | None = None,
    until: str | date | None = None,
    min_days: int = FATIGUE_MIN_DAYS,
    all_ads: bool = False,
) -> ReportResult:
    """Ads whose link CTR fell while frequency rose: first third vs last third of delivery days."""
    import ibis
    import pandas as pd

    from socialproof.metrics import registry
    from socialproof.workspace import engine

    start, end = date_range(since, until)
    notes: list[str] = []
    ctr = registry.get("ctr_link")
    freq = registry.get("frequency")
    with engine.backend(ws) as con:
        t = ad_rows(ws, con, start, end, notes, days=True)
        t = t.filter(t.date_start == t.date_stop)
        daily = t.group_by([*AD_KEY, "date_start"]).aggregate(
            impressions=t.impressions.sum(),
            reach=t.reach.sum(),
            link_clicks=t.link_clicks.sum(),
        )
        w = ibis.window(group_by=[daily[k] for k in AD_KEY], order_by=daily.date_start)
        wn = ibis.window(group_by=[daily[k] for k in AD_KEY])
        marked = daily.mutate(_i=ibis.row_number().over(w), _n=daily.count().over(wn))
        third = (marked._n / 3).floor()
        seg = ibis.cases(
            (marked._i < third, "early"),
            (marked._i >= marked._n - third, "recent"),
            else_="middle",
        )
        marked = marked.filter(marked._n >= min_days).mutate(segment=seg)
        marked = marked.filter(marked.segment != "middle")
        agg = marked.group_by([*AD_KEY, "segment"]).aggregate(
            ctr.expr(marked),
            freq.expr(marked),
            days=marked.count(),
            first=marked.date_start.min(),
            last=marked.date_start.max(),
        )
        frame = engine.execute(agg)
    if frame.empty:
        raise NoData(
            f"No ad has {min_days} or more days of daily rows to judge fatigue.",
            hint="Import a Meta Ads export broken down by day covering at least a week.",
        )
    wide = frame.pivot_table(
        index=list(AD_KEY),
        columns="segment",
        values=["ctr_link", "frequency", "days", "first", "last"],
        aggfunc="first",
    )
    rows = []
    for key, rec in wide.iterrows():
        c0, c1 = rec[("ctr_link", "early")], rec[("ctr_link", "recent")]
        f0, f1 = rec[("frequency", "early")], rec[("frequency", "recent")]
        ctr_change = (c1 - c0) / c0 if pd.notna(c0) and c0 else None
        freq_change = (f1 - f0) / f0 if pd.notna(f0) and f0 else None
        tired = (
            ctr_change is not None
            and freq_change is not None
            and ctr_change <= -CTR_DROP
            and freq_change >= FREQ_RISE
        )
        if not (tired or all_ads):
            continue
        rows.append(
            {
                **dict(zip(AD_KEY, tuple(key), strict=True)),  # type: ignore[arg-type]
                "early": f"{_d(rec[('first', 'early')])}–{_d(rec[('last', 'early')])}",
                "recent": f"{_d(rec[('first', 'recent')])}–{_d(rec[('last', 'recent')])}",
                "ctr_link_early": c0,
                "ctr_link_recent": c1,
                "ctr_change": ctr_change,
                "frequency_early": f0,
                "frequency_recent": f1,
                "frequency_change": freq_change,
                "fatigued": tired,
                "evidence": _evidence(c0, c1, f0, f1, ctr_change, freq_change),
            }
        )
    notes.append(
        f"Fatigue = link CTR down at least {CTR_DROP:.0%} while frequency is up at least "
        f"{FREQ_RISE:.0%}, first third vs last third of each ad's delivery days "
        f"(ads with {min_days}+ days of daily rows: {len(wide)}). Frequency here is the "
        "third's impressions ÷ its days' reach added up: the average daily frequency, not "
        "how often each person saw the ad over those days (people reached on several days "
        "count once a day, so reach does not add up to unique people)."
    )
    if not rows:
        notes.append("No ad shows fatigue by that rule.")
    out = pd.DataFrame(rows)
    if not out.empty:
        out = out.sort_values("ctr_change", na_position="last", kind="stable")
    return ReportResult(out, [ctr, freq], notes, title="Creative fatigue")


def _d(value: Any) -> str:
    return str(value)[:10]


def _evidence(c0: Any, c1: Any, f0: Any, f1: Any, dc: float | None, df: float | None) -> str:
    if dc is None or df is None:
        return "not enough impressions or reach to compare"
    return (
        f"link CTR {c0 * 100:.2f} % → {c1 * 100:.2f} % ({dc * 100:+.0f} %), "
        f"daily frequency {f0:.2f} → {f1:.2f} ({df * 100:+.0f} %)"
    )
