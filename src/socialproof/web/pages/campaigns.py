"""Campaigns and posts: sortable, filterable report tables with CSV/XLSX downloads.

Each view calls the report function the CLI's ``socialproof report ...`` calls;
the page filters and sorts its rows, and a download gives exactly the rows and
columns on the page, in the same order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request

from socialproof.errors import NoData, SocialproofError
from socialproof.web.cache import kept_or_pending
from socialproof.web.tables import download_response, options, report_view, visible
from socialproof.web.templating import NavEntry, cached, render, workspace

if TYPE_CHECKING:
    from collections.abc import Callable

    from fastapi.responses import Response

    from socialproof.web.cache import ResultCache
    from socialproof.workspace import Workspace

router = APIRouter()
NAV = (
    NavEntry("/campaigns", "Campaigns", order=30, description="Paid campaigns, ads, pacing"),
    NavEntry("/posts", "Posts", order=32, description="Every post with its KPIs"),
)


@dataclass(frozen=True)
class View:
    name: str
    label: str
    run: Callable[[Workspace, dict[str, str]], Any]
    filters: tuple[str, ...] = ("platform", "campaign")
    dated: bool = True
    rated: bool = False  # takes exchange rates (the CLI's --rate)
    fields: tuple[str, ...] = ()  # the view's own fields the report runs with


def _campaigns(ws: Workspace, p: dict[str, str]) -> Any:
    from socialproof.campaigns.report import campaign_report

    return campaign_report(
        ws,
        by=_campaign_by(p),
        period=p.get("period") or None,
        since=p.get("since"),
        until=p.get("until"),
        kpis=_campaign_kpis(p),
        rates=_rates(p),
    )


#: The By campaign view's grouping when Group by is blank (the CLI's --by default).
CAMPAIGN_BY = ("platform", "campaign")


def _campaign_by(p: dict[str, str]) -> list[str]:
    """The Group by field (the CLI's --by): ad dimensions and perhaps a period, separated
    by commas ('ad set' read as ad_set); a name that is neither is refused in the page's
    words, as is a period other than the one chosen under Per."""
    from socialproof.campaigns.report import PERIODS
    from socialproof.errors import UsageError
    from socialproof.metrics import views

    raw = p.get("by", "")
    if not raw:
        return list(CAMPAIGN_BY)
    dims = views.get_view("ad_stats").dimensions
    items = [re.sub(r"[\s-]+", "_", i.strip().lower()) for i in re.split(r"[,;]", raw)]
    items = [i for i in items if i]
    bad = [i for i in items if i not in dims and i not in PERIODS]
    if bad:
        raise UsageError(
            f"Group by cannot group ad rows by {', '.join(repr(b) for b in bad)}.",
            hint=f"Choose from {', '.join(dims)} (commas between), or a period "
            f"({', '.join(PERIODS)}); blank: {', '.join(CAMPAIGN_BY)}.",
        )
    periods = {i for i in items if i in PERIODS} | ({p["period"]} if p.get("period") else set())
    if len(periods) > 1:
        raise UsageError(
            f"Group by and Per name different periods ({', '.join(sorted(periods))}).",
            hint="Choose the period under Per only.",
        )
    return items


def _campaign_kpis(p: dict[str, str]) -> list[str] | None:
    """The KPIs field (the CLI's --kpis): names of KPIs of ad rows, commas between."""
    from socialproof.metrics import registry

    names = [n.strip() for n in re.split(r"[,;\s]+", p.get("kpis", "")) if n.strip()]
    return [k.name for k in registry.resolve(names, table="ad_stats")] if names else None


def _ads(ws: Workspace, p: dict[str, str]) -> Any:
    from socialproof.campaigns.paid import ad_ranking

    return ad_ranking(
        ws,
        metric=_ad_metric(p),
        n=_ad_count(p),
        since=p.get("since"),
        until=p.get("until"),
        rates=_rates(p),
    )


#: Best and worst ads shown when How many is blank.
ADS_SHOWN = 5


def _ad_metric(p: dict[str, str]) -> str | None:
    """The Rank by field (the CLI's --metric): a KPI of ad rows, or None for the default."""
    from socialproof.metrics import registry

    name = p.get("metric", "")
    return registry.get(name, table="ad_stats").name if name else None


def _ad_count(p: dict[str, str]) -> int:
    """The How many field (the CLI's --n): a whole number of at least 1."""
    return _whole(p.get("n", ""), "How many ads", least=1, blank=ADS_SHOWN)


def _fatigue_days(p: dict[str, str]) -> int:
    """The Days of delivery field (the CLI's --min-days): a whole number of at least 3."""
    from socialproof.campaigns.paid import FATIGUE_MIN_DAYS

    return _whole(p.get("min_days", ""), "Days of delivery", least=3, blank=FATIGUE_MIN_DAYS)


def _whole(raw: str, field: str, *, least: int, blank: int) -> int:
    """A whole-number field: ``blank`` when empty; refused below ``least``."""
    from socialproof.errors import UsageError

    raw = raw.replace(",", "")
    if not raw:
        return blank
    hint = f"Type {least} or more, or leave it blank for {blank}."
    try:
        n = int(raw)
    except ValueError:
        raise UsageError(f"{field} must be a whole number, not {raw[:20]!r}.", hint=hint) from None
    if n < least:
        raise UsageError(f"{field} must be at least {least}, not {n}.", hint=hint)
    return n


def ad_metrics() -> list[tuple[str, str]]:
    """The KPIs ads can be ranked by: (name, label)."""
    from socialproof.metrics import registry

    return [(k.name, k.label) for k in registry.all_kpis("ad_stats")]


def _rates(p: dict[str, str]) -> dict[str, float] | None:
    """The Exchange rates field (``EUR=1.08, GBP=1.27``: commas, semicolons, spaces or
    lines between them), read as the CLI reads its repeated --rate."""
    from socialproof.campaigns.report import parse_rates

    return parse_rates(item for item in re.split(r"[\s,;]+", p.get("rates", "")) if item)


def _pacing(ws: Workspace, p: dict[str, str]) -> Any:
    from socialproof.campaigns.paid import pacing
    from socialproof.errors import BadInput

    budget: float | None = None
    if p.get("budget"):
        try:
            budget = float(p["budget"].replace(",", ""))
        except ValueError:
            raise BadInput(
                f"The budget {p['budget']!r} is not a number.", hint="Type an amount, e.g. 5000."
            ) from None
    return pacing(
        ws,
        budget=budget,
        period=p.get("budget_period") or "month",
        campaign=p.get("campaign", ""),
        platform=p.get("platform", ""),
        as_of=p.get("as_of") or None,
        account=p.get("account", ""),
    )


def _fatigue(ws: Workspace, p: dict[str, str]) -> Any:
    from socialproof.campaigns.paid import fatigue

    return fatigue(
        ws, since=p.get("since"), until=p.get("until"), min_days=_fatigue_days(p), all_ads=True
    )


def _creators(ws: Workspace, p: dict[str, str]) -> Any:
    from socialproof.campaigns.creators import creator_report

    return creator_report(
        ws, mapping=_creator_mapping(ws, p), since=p.get("since"), until=p.get("until")
    )


def _creator_mapping(ws: Workspace, p: dict[str, str]) -> list[dict[str, Any]] | None:
    """The Creator mapping field (the CLI's 'report creators --mapping'): a CSV or YAML file
    inside the workspace, read by the command's reader; blank: 'creator:' labels."""
    from socialproof.campaigns.creators import load_mapping
    from socialproof.errors import UsageError

    raw = p.get("mapping", "")
    if not raw:
        return None
    path = ws.path(raw)
    if not path.is_file():
        raise UsageError(
            f"Creator mapping: there is no file {raw!r} in the workspace.",
            hint="Type the path of a CSV or YAML file inside the workspace (creator, and "
            "post_id, ad, ad_set or campaign), or leave it blank for 'creator:' labels.",
        )
    return load_mapping(path)


def _file_state(ws: Workspace, raw: str) -> tuple[int, int]:
    """A file of the workspace as part of a cache key (it changes apart from the database)."""
    try:
        st = ws.path(raw).stat()
    except (OSError, SocialproofError):
        return (0, 0)
    return (st.st_size, st.st_mtime_ns)


def _posts(ws: Workspace, p: dict[str, str]) -> Any:
    from socialproof.campaigns.report import post_report

    group_by = _post_group_by(p)
    min_base = _post_min_base(p)
    return post_report(
        ws,
        # every post is listed (the page shows them in pages); a minimum base needs a
        # ranking, which leaves out the posts under it and counts them in a note
        top=_EVERY_POST if min_base > 0 else None,
        sort_by=_post_rank(p),
        bottom=bool(p.get("bottom")),
        group_by=group_by or None,
        period=p.get("period") or None,
        since=p.get("since"),
        until=p.get("until"),
        kpis=_post_kpis(p),
        min_base=min_base,
    )


#: ``top`` that keeps every post when the Posts page ranks with a minimum base.
_EVERY_POST = 2**31 - 1


def _post_group_by(p: dict[str, str]) -> list[str]:
    """The Posts page's Group by field (the CLI's --group-by): post dimensions and perhaps a
    period, commas between ('is paid' read as is_paid); blank lists each post."""
    from socialproof.campaigns.report import PERIODS
    from socialproof.errors import UsageError
    from socialproof.metrics import views

    dims = views.get_view("posts").dimensions
    items = [
        re.sub(r"[\s-]+", "_", i.strip().lower()) for i in re.split(r"[,;]", p.get("group_by", ""))
    ]
    items = [i for i in items if i]
    bad = [i for i in items if i not in dims and i not in PERIODS]
    if bad:
        raise UsageError(
            f"Group by cannot group posts by {', '.join(repr(b) for b in bad)}.",
            hint=f"Choose from {', '.join(dims)} (commas between), or a period "
            f"({', '.join(PERIODS)}); blank: each post.",
        )
    periods = {i for i in items if i in PERIODS} | ({p["period"]} if p.get("period") else set())
    if len(periods) > 1:
        raise UsageError(
            f"Group by and Per name different periods ({', '.join(sorted(periods))}).",
            hint="Choose the period under Per only.",
        )
    return items


def _post_kpis(p: dict[str, str]) -> list[str] | None:
    """The Posts page's KPIs field (the CLI's --kpis): KPIs of posts, commas between."""
    from socialproof.metrics import registry

    names = [n.strip() for n in re.split(r"[,;\s]+", p.get("kpis", "")) if n.strip()]
    return [k.name for k in registry.resolve(names, table="posts")] if names else None


def _post_rank(p: dict[str, str]) -> str | None:
    """The Posts page's Rank by field (the CLI's --by): a KPI of posts, None for the
    default (engagement rate on the first base the posts carry)."""
    from socialproof.metrics import registry

    name = p.get("rank", "")
    return registry.get(name, table="posts").name if name else None


def _post_min_base(p: dict[str, str]) -> float:
    """The Posts page's Minimum base field (the CLI's --min-base): 0 or more; blank 0,
    every post listed (the command, which lists the top 10, ranks from 100)."""
    import math

    from socialproof.errors import UsageError

    raw = p.get("min_base", "").replace(",", "")
    if not raw:
        return 0.0
    hint = "Type a number of 0 or more (e.g. 100), or leave it blank to list every post."
    try:
        base = float(raw)
    except ValueError:
        raise UsageError(f"Minimum base must be a number, not {raw[:20]!r}.", hint=hint) from None
    if not math.isfinite(base) or base < 0:
        raise UsageError(f"Minimum base must be 0 or more, not {raw[:20]}.", hint=hint)
    return base


def post_metrics() -> list[tuple[str, str]]:
    """The KPIs posts can be ranked by: (name, label)."""
    from socialproof.metrics import registry

    return [(k.name, k.label) for k in registry.all_kpis("posts")]


#: The pacing page's Campaign and Account (the CLI's --campaign and --account).
_PACING_FIELDS = ("campaign", "account")
#: What in pacing's refusal is the Account field's to fix (an account no ad row has, spend
#: from several accounts with none chosen).
_ACCOUNT_TROUBLE = re.compile(r"names ad account|ad accounts \(")

CAMPAIGN_VIEWS = (
    View("campaigns", "By campaign", _campaigns, rated=True, fields=("kpis",)),
    View("ads", "Best and worst ads", _ads, rated=True, fields=("metric", "n")),
    View("pacing", "Budget pacing", _pacing, filters=(), dated=False, fields=_PACING_FIELDS),
    View("fatigue", "Creative fatigue", _fatigue, fields=("min_days",)),
    View("creators", "Creators", _creators, filters=("platform",), fields=("mapping",)),
)
POSTS_VIEW = View(
    "posts",
    "Posts",
    _posts,
    filters=("platform", "account", "format"),
    fields=("group_by", "kpis", "rank", "bottom", "min_base"),
)
PARAMS = (
    "since",
    "until",
    "period",
    "by",
    "budget",
    "budget_period",
    "as_of",
    "rates",
    "q",
    "sort",
)
#: What in a report's refusal is the Exchange rates field's to fix (a rate that is not one,
#: a currency without a rate, costs in several currencies ranked without rates).
_RATE_TROUBLE = re.compile(r"is not CUR=VALUE|No exchange rate for|cannot be ranked against")
#: Rows a table page shows at once (the rest on the next pages; downloads hold every row).
PAGE_SIZE = 50


def _page(raw: str, rows: int) -> tuple[int, str | None]:
    """The 1-based page asked for, within the pages ``rows`` fill, and an error if any."""
    last = max(1, -(-rows // PAGE_SIZE))
    if not raw:
        return 1, None
    try:
        asked = int(raw)
    except ValueError:
        return 1, f"The page must be a whole number, not {raw[:20]!r}; showing the first page."
    if asked < 1 or asked > last:
        return min(max(asked, 1), last), f"There are {last} page(s) of rows; showing page " + (
            f"{min(max(asked, 1), last)}."
        )
    return asked, None


def _params(request: Request | None, v: View) -> dict[str, str]:
    """The page's parameters (all of them, "" when not given; none without a request)."""
    keep = (*PARAMS, *v.filters, *v.fields)
    asked = request.query_params if request is not None else {}
    return {k: asked.get(k, "").strip() for k in keep} | {"view": v.name}


def _run_key(ws: Workspace, v: View, p: dict[str, str]) -> tuple[Any, ...]:
    """What the view's report depends on apart from the database: the parameters it runs
    with (not the filters the page applies to its rows) and the settings."""
    import hashlib

    run_keys: tuple[Any, ...] = tuple(
        sorted((k, p[k]) for k in p if k not in ("q", "sort", *v.filters))
    )
    if v.name == "pacing":  # pacing filters inside the library, and reads budgets.yaml
        from socialproof.campaigns.paid import BUDGETS_FILE

        try:  # the file changes apart from the database: a page kept under the old one is stale
            st = (ws.root / BUDGETS_FILE).stat()
            budgets: tuple[int, int] = (st.st_size, st.st_mtime_ns)
        except OSError:
            budgets = (0, 0)
        run_keys = (*sorted(p.items()), ("budgets.yaml", budgets))
    if v.name == "creators" and p.get("mapping"):  # the mapping file, apart from the database
        run_keys = (*run_keys, ("mapping-file", _file_state(ws, p["mapping"])))
    settings = hashlib.sha256(ws.settings.model_dump_json().encode()).hexdigest()[:16]
    return (*run_keys, ("settings", settings))


def warm(ws: Workspace, cache: ResultCache) -> None:
    """Run the default campaigns and posts reports into ``cache`` (a background job at
    start and after every other job), so their pages' first visit only renders."""
    _warm_views(ws, cache, [(v, _params(None, v)) for v in (CAMPAIGN_VIEWS[0], POSTS_VIEW)])


def warm_views(ws: Workspace, cache: ResultCache) -> None:
    """The other views as first shown (ads, pacing without a budget, fatigue, creators),
    then the tables pages asked for since the start (the last 20: a budget, a period),
    prepared again after every write (a step of ``web/precompute.py``)."""
    views = {v.name: v for v in (*CAMPAIGN_VIEWS, POSTS_VIEW)}
    todo = [(v, _params(None, v)) for v in CAMPAIGN_VIEWS[1:]]
    todo += [(views[name], dict(items)) for name, items in cache.noted("table")]
    _warm_views(ws, cache, todo)


def _warm_views(ws: Workspace, cache: ResultCache, todo: list[tuple[View, dict[str, str]]]) -> None:
    for v, p in todo:

        def run(v: View = v, p: dict[str, str] = p) -> Any:
            return v.run(ws, p)

        try:
            cache.get(ws, ("table", v.name, _run_key(ws, v, p)), run)
        except SocialproofError:  # no rows yet, or a problem the page will name
            continue


def _table_page(request: Request, v: View, views: tuple[View, ...], path: str) -> Response:
    ws = workspace(request)
    p = _params(request, v)
    run_keys = _run_key(ws, v, p)
    messages: list[tuple[str, str]] = []
    status = 200
    result = None
    invalid: set[str] = set()
    if request.query_params:  # prepared again after the next write (the default already is)
        request.app.state.cache.note("table", (v.name, tuple(sorted(p.items()))))
    key = ("table", v.name, run_keys)
    try:
        if v.rated:  # a rate that is not one is refused before any report runs
            _rates(p)
        checks: dict[str, tuple[tuple[str, Callable[[dict[str, str]], object]], ...]] = {
            "ads": (("metric", _ad_metric), ("n", _ad_count)),
            "campaigns": (("by", _campaign_by), ("kpis", _campaign_kpis)),
            "fatigue": (("min_days", _fatigue_days),),
            "creators": (("mapping", lambda q: _creator_mapping(ws, q)),),
            "posts": (
                ("group_by", _post_group_by),
                ("kpis", _post_kpis),
                ("rank", _post_rank),
                ("min_base", _post_min_base),
            ),
        }
        if v.name in checks:  # so are a KPI, a grouping and a number that are not ones
            for name, check in checks[v.name]:
                try:
                    check(p)
                except SocialproofError:
                    invalid.add(name)
                    raise
        if request.query_params.get("download"):
            result = cached(request, key, lambda: v.run(ws, p))
        else:
            ready, result = kept_or_pending(request, key, lambda: v.run(ws, p))
            if not ready:  # computed in the background; the page asks again (htmx)
                return render(
                    request,
                    "campaigns/table.html",
                    title=v.label if v.name == "posts" else f"Campaigns: {v.label}",
                    view=v,
                    views=views if len(views) > 1 else (),
                    path_base=path,
                    table_pending=True,
                    again=path + ("?" + request.url.query if request.url.query else ""),
                )
    except NoData as exc:
        messages.append(("info", str(exc)))
    except SocialproofError as exc:
        messages.append(("error", str(exc)))
        status = exc.http_status
        if v.rated and _RATE_TROUBLE.search(str(exc)):
            invalid.add("rates")
            if v.name == "ads" and p.get("metric") and "cannot be ranked against" in str(exc):
                invalid.add("metric")  # a cost chosen to rank by: the other way out
        if (
            "account" in v.fields
            and (p.get("account") or p.get("budget"))  # else budgets.yaml is to fix
            and _ACCOUNT_TROUBLE.search(str(exc))
        ):
            invalid.add("account")
    columns: list[str] = []
    rows: list[dict[str, Any]] = []
    labels: dict[str, str] = {}
    choices: dict[str, list[str]] = {}
    notes: list[str] = []
    if result is not None:
        filters = {f: p.get(f) for f in v.filters}
        # the filter choices and the rows shown are kept beside the result (same key and
        # database state): a warm page only renders
        choices = cached(
            request,
            ("table-options", v.name, run_keys),
            lambda: {f: options(result.frame, f) for f in v.filters},
        )
        asked = (tuple(sorted(filters.items())), p["q"])
        try:
            shown, labels = cached(
                request,
                ("table-view", v.name, run_keys, asked, p["sort"]),
                lambda: report_view(result, filters=filters, search=p["q"], sort=p["sort"] or None),
            )
        except SocialproofError as exc:
            messages.append(("error", str(exc)))
            status = exc.http_status
            shown, labels = cached(
                request,
                ("table-view", v.name, run_keys, asked, ""),
                lambda: report_view(result, filters=filters, search=p["q"]),
            )
        download = request.query_params.get("download")
        if download:
            name = f"{v.name}-{p.get('since') or 'all'}"
            return download_response(shown, download, name, labels)
        columns, rows = visible(shown.columns), shown.rows
        notes = list(result.notes)
    total = len(rows)
    page, problem = _page(request.query_params.get("page", "").strip(), total)
    if problem:
        messages.append(("error", problem))
        status = 422
    first = (page - 1) * PAGE_SIZE
    rows = rows[first : first + PAGE_SIZE]
    base = {k: val for k, val in p.items() if val and k != "sort"}
    base["view"] = v.name
    here = {**base, **({"sort": p["sort"]} if p["sort"] else {})}
    pages = {
        "number": page,
        "count": max(1, -(-total // PAGE_SIZE)),
        "first": first + 1,
        "last": first + len(rows),
        "total": total,
        "previous": f"{path}?{urlencode({**here, 'page': page - 1})}" if page > 1 else "",
        "next": f"{path}?{urlencode({**here, 'page': page + 1})}"
        if first + PAGE_SIZE < total
        else "",
    }
    return render(
        request,
        "campaigns/table.html",
        status_code=status,
        messages=messages,
        title=v.label if v.name == "posts" else f"Campaigns: {v.label}",
        view=v,
        views=views if len(views) > 1 else (),
        path_base=path,
        p=p,
        choices=choices,
        columns=columns,
        rows=rows,
        labels=labels,
        notes=notes,
        sort_url=f"{path}?{urlencode(base)}&sort=",
        download_url=f"{path}?{urlencode(here)}&download=",
        caption=f"{v.label}: {total} rows"
        + (f" ({pages['first']}–{pages['last']} shown)" if total > len(rows) else ""),
        pages=pages,
        # a view that said why it has no table (no data, a refusal): no empty table
        # saying the filters keep no row
        has_result=result is not None,
        table_pending=False,
        invalid=invalid,
        currency=ws.settings.currency,
        ad_metrics=ad_metrics() if v.name == "ads" else [],
        post_metrics=post_metrics() if v.name == "posts" else [],
        campaign_by=CAMPAIGN_BY,
        fatigue_days=_fatigue_days({}),  # blank: the CLI's default
        ads_shown=ADS_SHOWN,
    )


@router.get("/campaigns")
def campaigns(request: Request, view: str = "campaigns") -> Response:
    chosen = next((v for v in CAMPAIGN_VIEWS if v.name == view), CAMPAIGN_VIEWS[0])
    return _table_page(request, chosen, CAMPAIGN_VIEWS, "/campaigns")


@router.get("/posts")
def posts(request: Request) -> Response:
    return _table_page(request, POSTS_VIEW, (POSTS_VIEW,), "/posts")
