"""Dashboard: the KPIs that matter per platform and account, for a date range, compared.

Figures come from the library's daily roll-ups (``campaigns.rollup.ad_rollup`` and
``post_rollup``): one grouped DuckDB query per kind keeps every KPI's additive parts per
platform, account and day, and any date range, comparison period or weekly trend is
added up from it in memory with the registry's formulas, giving what
``campaign_report`` and ``post_report`` give. The roll-ups are stored in the workspace
(``campaigns.rollup_store``): a new process reads them, and after an import or undo only
the days it touched are added up again (by the page if it comes first, else by the
background job that stores them). In memory they are kept while the database is
unchanged, so a new range costs milliseconds. Labels, units, bases, formulas and sources
come from the KPI registry.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request

from socialproof.errors import NoData, UsageError
from socialproof.render.change import change_text
from socialproof.web.periods import COMPARES, PRESETS, Range, comparison, resolve
from socialproof.web.templating import NavEntry, render, workspace

if TYPE_CHECKING:
    from collections.abc import Callable

    from fastapi.responses import HTMLResponse

    from socialproof.campaigns.rollup_store import Snapshot
    from socialproof.metrics.registry import KPI
    from socialproof.web.cache import ResultCache
    from socialproof.workspace import Workspace

router = APIRouter()
log = logging.getLogger(__name__)
NAV = NavEntry("/dashboard", "Dashboard", order=20, description="KPIs per platform and account")

PAID_KPIS = ("spend", "impressions", "ctr_link", "cpc", "cpm", "results", "cost_per_result", "roas")
ORGANIC_KPIS = ("impressions", "reach", "interactions", "engagement_rate_reach", "link_clicks")
GROUP = ("platform", "account")


@dataclass
class Figure:
    """One KPI figure on a card, with what a person needs to trust it."""

    name: str
    label: str
    value: str
    base: str
    formula: str
    source: str
    description: str
    before: str = ""
    change: str = ""
    direction: str = ""  # up (good), down (bad), or "" (neutral / unknown)
    explain: str = ""  # the address of the rows and sums behind the figure


@dataclass
class Card:
    platform: str
    account: str
    figures: list[Figure]
    currency: str = ""  # set when the spend is in several currencies: one card for each


def fmt(value: Any, unit: str, currency: str = "") -> str:
    """A KPI value for people, by its unit."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = float(value)
    if unit == "percent":
        return f"{100 * v:.2f} %"
    if unit == "currency":
        return f"{v:,.2f} {currency}".strip()
    if unit == "ratio":
        return f"{v:,.2f}×"
    if unit == "seconds":
        return f"{v:,.0f} s"
    return f"{v:,.0f}" if abs(v) >= 1 or v == 0 else f"{v:.3g}"


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def last_data_day(ws: Workspace) -> date | None:
    """The last day the workspace holds posts or ad rows for."""
    return snapshot(ws).last_day


WANTED = {"ads": PAID_KPIS, "posts": ORGANIC_KPIS}
KINDS = {"paid": "ads", "organic": "posts"}


def snapshot(ws: Workspace) -> Snapshot:
    """Both daily roll-ups and the last day with data, over one connection: read from the
    workspace's stored roll-ups and brought up to date there if an import changed them
    since (``campaigns.rollup_store``); no query is compiled unless rows changed."""
    from socialproof.campaigns import rollup_store

    return rollup_store.snapshot(ws, WANTED)


def rollups(ws: Workspace) -> dict[str, Any]:
    """Both daily roll-ups ("paid", "organic"; None without rows)."""
    found = snapshot(ws).rollups
    return {kind: found[stored] for kind, stored in KINDS.items()}


def rollup(kind: str, ws: Workspace) -> Any:
    """The workspace's daily roll-up for ``kind`` ("paid" or "organic"); None without rows."""
    return rollups(ws)[kind]


def _frame(kind: str, rolled: Any, r: Range, *, period: str | None = None) -> Any:
    """The report of ``kind`` over ``r`` (by platform and account, or by platform and
    ``period``), added up from the roll-up; None when no rows fall in the range."""
    if rolled is None:
        return None
    by = ["platform"] if period else list(GROUP)
    try:
        if kind == "paid":
            return rolled.report(
                by=by, period=period, since=r.start, until=r.end, kpis=list(PAID_KPIS)
            )
        return rolled.report(
            group_by=by, period=period, since=r.start, until=r.end, kpis=list(ORGANIC_KPIS)
        )
    except NoData:
        return None


def _rows(result: Any, platform: str, account: str) -> list[dict[str, Any]]:
    from socialproof.render.tables import plain, records

    if result is None:
        return []
    columns, raw = records(result.frame)
    rows = [{c: plain(r.get(c)) for c in columns} for r in raw]
    if platform:
        rows = [r for r in rows if str(r.get("platform", "")).lower() == platform.lower()]
    if account:
        rows = [r for r in rows if str(r.get("account", "")) == account]
    return rows


def cards(
    kind: str,
    ws: Workspace,
    frame: Callable[[str, Range, str | None], Any],
    current: Range,
    before: Range | None,
    platform: str,
    account: str,
) -> tuple[list[Card], list[str]]:
    """One card per (platform, account) with each KPI, its comparison and its provenance."""
    from socialproof.metrics.notes import SIGN
    from socialproof.metrics.registry import get
    from socialproof.web.pages.explain import explain_url

    now = frame(kind, current, None)
    rows = _rows(now, platform, account)
    if not rows:
        return [], []
    then_rows = _rows(frame(kind, before, None), platform, account) if before else []
    # spend in several currencies comes one row per currency (never added up): each row
    # is its own card, its money in its own currency
    earlier = {(r.get("platform"), r.get("account"), r.get("currency")): r for r in then_rows}
    names = PAID_KPIS if kind == "paid" else ORGANIC_KPIS
    kpis: list[KPI] = [get(n) for n in names]
    out: list[Card] = []
    for row in rows:
        prior = earlier.get((row.get("platform"), row.get("account"), row.get("currency")))
        row_currency = str(row.get("currency") or "")
        figures = []
        for k in kpis:
            value = _number(row.get(k.name))
            currency = (row_currency or ws.settings.currency) if k.unit == "currency" else ""
            shown = fmt(value, k.unit, currency)
            bound = row.get(k.name + "_bound")  # reach summed, or a day floor among the posts
            if isinstance(bound, str) and bound in SIGN and value is not None:
                shown = f"{SIGN[bound]} {shown}"
            fig = Figure(
                name=k.name,
                label=k.label,
                value=shown,
                base=k.base,
                formula=k.formula_text,
                source=k.source,
                description=k.description,
                explain=explain_url(
                    kind,
                    k.name,
                    str(row.get("platform") or ""),
                    str(row.get("account") or ""),
                    current.start,
                    current.end,
                ),
            )
            if prior is not None:
                old = _number(prior.get(k.name))
                fig.before = fmt(old, k.unit, currency)
                fig.change, sign = change_text(value, old, k.unit)
                if fig.change and k.better != "neutral" and sign != 0:
                    good = (sign > 0) == (k.better == "higher")
                    fig.direction = "up" if good else "down"
            if value is None and (prior is None or _number(prior.get(k.name)) is None):
                continue  # this platform's export does not carry the figure
            figures.append(fig)
        out.append(
            Card(
                str(row.get("platform") or ""),
                str(row.get("account") or ""),
                figures,
                row_currency,
            )
        )
    return out, list(now.notes) if now is not None else []


def trend(
    kind: str,
    ws: Workspace,
    frame: Callable[[str, Range, str | None], Any],
    r: Range,
    platform: str,
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """A weekly Vega-Lite line chart (and its rows) of spend (paid) or engagement rate; a
    week whose rate is an upper bound (posts with a day floor of reach) has '≤' in its
    ``bound`` column, shown on hover and in the table (:func:`trend_note` says why)."""
    from socialproof.metrics.notes import SIGN
    from socialproof.metrics.registry import get
    from socialproof.render.charts import line_spec

    rows = _rows(frame(kind, r, "week"), platform, "")
    name = "spend" if kind == "paid" else "engagement_rate_reach"
    k = get(name)
    currencies = sorted({str(row.get("currency") or "") for row in rows if "currency" in row})
    several = len(currencies) > 1  # one line per platform and currency, never added up
    rows = [
        {
            "week": row["week"],
            "platform": f"{row['platform']} ({row.get('currency') or 'no currency'})"
            if several
            else row["platform"],
            name: row.get(name),
            # a week holding posts whose reach is a day floor: its rate is at most this
            BOUND: SIGN.get(str(row.get(name + "_bound") or ""), ""),
        }
        for row in rows
        if row.get(name) is not None
    ]
    if not rows:
        return None
    bounded = any(r[BOUND] for r in rows)
    if not bounded:
        rows = [{c: v for c, v in r.items() if c != BOUND} for r in rows]
    fmt_ = ".2%" if k.unit == "percent" else ",.0f"
    money = "per currency" if several else (currencies[0] if currencies else ws.settings.currency)
    title = f"{k.label} by week" + (f" ({money})" if k.unit == "currency" and money else "")
    spec = line_spec(
        rows, x="week", y=name, series="platform", title=title, y_title=k.label, y_format=fmt_
    )
    if bounded:  # the bound on hover (and in the table and the note under the chart)
        spec["encoding"]["tooltip"].append({"field": BOUND, "type": "nominal", "title": BOUND})
    return spec, rows


#: the trend rows' column marking a week whose rate by reach is an upper bound
BOUND = "bound"


def trend_note(rows: list[dict[str, Any]]) -> str:
    """What a mark in the trend's rows means ('' when no week is marked)."""
    if not any(r.get(BOUND) for r in rows):
        return ""
    return (
        "Weeks marked ≤ hold posts whose reach is the largest day of an export by day, a "
        "floor: their engagement rate by reach is at most the one drawn."
    )


def frames(
    ws: Workspace, cache: Any, kept: Kept | None = None
) -> Callable[[str, Range, str | None], Any]:
    """``frame(kind, range, period)``: reports from the cached roll-ups, themselves cached;
    with ``kept``, from that earlier snapshot (a page shown while the roll-ups update)."""

    def frame(kind: str, r: Range, period: str | None) -> Any:
        settings = (ws.settings.timezone, ws.settings.currency)  # they change apart from the db
        asked = (kind, r, period, *settings)
        if kept is not None:  # the figures of the last snapshot, computed once for it
            with _KEPT_LOCK:
                if asked in kept.frames:
                    return kept.frames[asked]
            value = _frame(kind, kept.snapshot.rollups[KINDS[kind]], r, period=period)
            kept.remember(asked, value)
            return value
        snap = cached_snapshot(ws, cache)
        rolled = snap.rollups[KINDS[kind]]
        value = cache.get(ws, ("dashboard", *asked), lambda: _frame(kind, rolled, r, period=period))
        _keep(ws, snap).remember(asked, value)
        return value

    return frame


def cached_snapshot(ws: Workspace, cache: ResultCache) -> Snapshot:
    """:func:`snapshot`, kept in ``cache`` while the database and the settings are unchanged."""
    snap: Snapshot = cache.get(ws, _snapshot_key(ws), lambda: snapshot(ws))
    _keep(ws, snap)
    return snap


@dataclass
class Kept:
    """The last snapshot a page or job computed for a workspace (and settings), with the
    reports added up from it: what the page shows, marked "updating", right after an import
    while the new snapshot is computed in the background."""

    snapshot: Snapshot
    frames: dict[tuple[Any, ...], Any]

    def remember(self, asked: tuple[Any, ...], value: Any) -> None:
        with _KEPT_LOCK:
            if len(self.frames) >= 256:
                self.frames.clear()
            self.frames[asked] = value


_KEPT: dict[tuple[str, Any, Any], Kept] = {}
_KEPT_LOCK = threading.Lock()


def _kept_key(ws: Workspace) -> tuple[str, Any, Any]:
    return (str(ws.db_path), ws.settings.timezone, ws.settings.currency)


def _keep(ws: Workspace, snap: Snapshot) -> Kept:
    with _KEPT_LOCK:
        kept = _KEPT.get(_kept_key(ws))
        if kept is None or kept.snapshot is not snap:
            kept = _KEPT[_kept_key(ws)] = Kept(snap, {})
        return kept


def page_snapshot(request: Request, ws: Workspace) -> tuple[Snapshot, Kept | None]:
    """The snapshot a visit shows: the current one when it is kept (or when the app shows no
    placeholders, or nothing was computed before); else the last one (``(last, kept)``: the
    page says it is updating, asks again, and :func:`refresh_later` computes the current
    one once the answer is sent). Right after an import the page then answers in
    milliseconds instead of adding up the touched days while the import's follow-up jobs
    use the cores."""
    cache: ResultCache = request.app.state.cache
    found, snap = cache.peek(ws, _snapshot_key(ws))
    if found:
        _keep(ws, snap)
        return snap, None
    with _KEPT_LOCK:
        kept = _KEPT.get(_kept_key(ws))
    if kept is None or not getattr(request.app.state, "placeholders", False):
        return cached_snapshot(ws, cache), None
    return kept.snapshot, kept


def refresh_later(request: Request, ws: Workspace) -> Callable[[], None]:
    """Start computing the current snapshot in the background (run after the answer is sent,
    so the page's own time does not share the cores with it). When that fails, the last
    snapshot is forgotten, so that the next visit computes it itself and says the error."""
    cache: ResultCache = request.app.state.cache

    def start() -> None:
        try:
            ready, snap = cache.get_or_start(ws, _snapshot_key(ws), lambda: snapshot(ws))
        except Exception:
            log.info("the dashboard's roll-ups could not be brought up to date", exc_info=True)
            with _KEPT_LOCK:
                _KEPT.pop(_kept_key(ws), None)
            return
        if ready and snap is not None:
            _keep(ws, snap)

    return start


def _snapshot_key(ws: Workspace) -> tuple[Any, ...]:
    # the settings change apart from the database
    return ("dashboard-snapshot", ws.settings.timezone, ws.settings.currency)


def warm(ws: Workspace, cache: Any) -> None:
    """Bring the stored roll-ups up to date (only the days imports touched since) and
    compute the default dashboard (last 28 days against the 28 before) into ``cache``, so
    the first visit after ``socialproof serve`` starts, or after an import, is quick. Run
    as a job."""
    from socialproof.campaigns import rollup_store

    rollup_store.refresh(ws, WANTED)
    last = cached_snapshot(ws, cache).last_day
    current = resolve("28d", min(last or date.today(), date.today()))
    before = comparison(current, "previous")
    frame = frames(ws, cache)
    for kind in ("paid", "organic"):
        for r, period in ((current, None), (before, None), (current, "week")):
            if r is not None:
                frame(kind, r, period)
        # what the page does with them once (imports, templates compiled), so the
        # process's first visit does not pay it
        cards(kind, ws, frame, current, before, "", "")
        trend(kind, ws, frame, current, "")
    from socialproof.web.templating import env

    templates = env()
    for name in templates.list_templates(extensions=["html"]):
        templates.get_template(name)  # compiled once, then kept: no page's first visit pays


def warm_presets(ws: Workspace, cache: Any) -> None:
    """Every preset range with every comparison, as the page asks for them, from the
    roll-ups ``warm`` brought up to date (a step of ``web/precompute.py``: milliseconds
    each, so a click on a preset after start or after an import only renders)."""
    last = cached_snapshot(ws, cache).last_day
    anchor = min(last or date.today(), date.today())
    frame = frames(ws, cache)
    for preset, _label in PRESETS:
        if preset == "custom":
            continue
        current = resolve(preset, anchor)
        for compare, _text in COMPARES:
            before = comparison(current, compare)
            for kind in ("paid", "organic"):
                cards(kind, ws, frame, current, before, "", "")
                trend(kind, ws, frame, current, "")


@router.get("/dashboard")
def dashboard(
    request: Request,
    range: str = "28d",
    start: str = "",
    end: str = "",
    compare: str = "previous",
    platform: str = "",
    account: str = "",
) -> HTMLResponse:
    ws = workspace(request)
    snap, kept = page_snapshot(request, ws)
    frame = frames(ws, request.app.state.cache, kept)

    last = snap.last_day
    anchor = min(last or date.today(), date.today())
    messages: list[tuple[str, str]] = []
    status = 200
    try:
        current = resolve(range, anchor, start, end)
        before = comparison(current, compare)
    except UsageError as exc:
        messages.append(("error", str(exc)))
        status = 422
        range, compare = "28d", "previous"
        current = resolve(range, anchor)
        before = comparison(current, compare)
    paid, paid_notes = cards("paid", ws, frame, current, before, platform, account)
    organic, organic_notes = cards("organic", ws, frame, current, before, platform, account)
    charts = []
    for kind, chart_id in (("paid", "chart-paid"), ("organic", "chart-organic")):
        made = trend(kind, ws, frame, current, platform)
        if made is not None:
            spec, rows = made
            charts.append(
                {
                    "id": chart_id,
                    "spec": spec,
                    "rows": rows,
                    "title": spec["title"],
                    "note": trend_note(rows),
                }
            )
    response = render(
        request,
        "dashboard/index.html",
        status_code=status,
        messages=messages,
        title="Dashboard",
        presets=PRESETS,
        compares=COMPARES,
        chosen={
            "range": range,
            "start": start,
            "end": end,
            "compare": compare,
            "platform": platform,
            "account": account,
        },
        current=current,
        before=before,
        anchor=anchor,
        paid=paid,
        organic=organic,
        paid_notes=paid_notes,
        organic_notes=organic_notes,
        charts=charts,
        updating=kept is not None,
        again=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
    )
    if kept is not None:
        from starlette.background import BackgroundTask

        response.background = BackgroundTask(refresh_later(request, ws))
    return response
