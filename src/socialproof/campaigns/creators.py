"""Creator collaborations: per creator reach, engagement, cost per engagement, conversions.

Posts and ads are tagged by creator in either of two ways:

- a custom label ``creator:<name>`` on the post (the posts' ``labels`` column),
  or ``creator:<name>`` inside an ad, ad set or campaign name;
- a mapping file (CSV or YAML) with a ``creator`` column and one of
  ``post_id``, ``ad``, ``ad_set`` or ``campaign`` (optionally ``platform``),
  plus optional ``fee`` (what the creator was paid, in the workspace currency),
  ``promo_code`` and ``promo_conversions`` (orders that used the code).

The mapping wins over a label. Disclosure of each creator post is checked with
the content linter's disclosure rules when that module is installed; otherwise
the status says "not checked".
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof.campaigns._period import date_range
from socialproof.campaigns.report import ReportResult
from socialproof.errors import BadInput, FileMissing, NoData

if TYPE_CHECKING:
    from datetime import date

    import ibis.expr.types as ir
    import pandas as pd

    from socialproof.workspace import Workspace

LABEL = r"(?i)creator:\s*([^,;|]+)"
KEYS = ("post_id", "ad", "ad_set", "campaign")
NUMERIC = ("fee", "promo_conversions")


def load_mapping(path: Path) -> list[dict[str, Any]]:
    """Rows of a creator mapping file (CSV, YAML list, or YAML ``creators:`` list)."""
    path = Path(path)
    if not path.exists():
        raise FileMissing(f"{path} does not exist.", hint="Check the --mapping path.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{path} is not UTF-8 text.", hint="Save it as UTF-8.") from None
    rows: list[dict[str, Any]]
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise BadInput(f"{path} is not valid YAML: {exc}.", hint="Fix the file.") from None
        items = raw.get("creators") if isinstance(raw, dict) else raw
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise BadInput(f"{path} holds no list of creator rows.", hint=_HINT)
        rows = [{str(k).strip().lower(): v for k, v in i.items()} for i in items]
    else:
        reader = csv.DictReader(text.splitlines())
        rows = [{(k or "").strip().lower(): v for k, v in r.items()} for r in reader]
    if not rows:
        raise BadInput(f"{path} has no rows.", hint=_HINT)
    out = []
    for n, row in enumerate(rows, 2 if path.suffix.lower() == ".csv" else 1):
        creator = str(row.get("creator") or "").strip()
        keys = {k: str(row.get(k) or "").strip() for k in KEYS}
        if not creator or not any(keys.values()):
            raise BadInput(
                f"{path}: row {n} needs a creator and one of {', '.join(KEYS)}.", hint=_HINT
            )
        rec: dict[str, Any] = {
            "creator": creator,
            **keys,
            "platform": str(row.get("platform") or "").strip().lower(),
        }
        for col in NUMERIC:
            value = row.get(col)
            if value in (None, ""):
                rec[col] = None
                continue
            try:
                rec[col] = float(str(value).replace(",", "").strip())
            except ValueError:
                raise BadInput(
                    f"{path}: row {n}: {col} {value!r} is not a number.",
                    hint="Write plain numbers, e.g. 250 or 1200.50.",
                ) from None
            if rec[col] < 0:
                raise BadInput(f"{path}: row {n}: {col} is negative.", hint="Fix the value.")
        rec["promo_code"] = str(row.get("promo_code") or "").strip()
        out.append(rec)
    return out


_HINT = (
    "Columns: creator, and post_id, ad, ad_set or campaign; optional platform, fee, "
    "promo_code, promo_conversions."
)


def _mapped(t: ir.Table, mapping: list[dict[str, Any]], key: str) -> ir.Value | None:
    """creator from the mapping rows keyed on ``key`` (NULL where unmapped)."""
    import ibis

    pairs = [(m["platform"], m[key], m["creator"]) for m in mapping if m[key]]
    if not pairs:
        return None
    cases = []
    for platform, value, creator in pairs:
        cond = t[key] == value
        if platform:
            cond &= t.platform == platform
        cases.append((cond, creator))
    return ibis.cases(*cases, else_=ibis.null("string"))


def creator_report(
    ws: Workspace,
    *,
    mapping: list[dict[str, Any]] | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
) -> ReportResult:
    """One row per creator across their posts and ads."""
    import ibis
    import ibis.expr.datatypes as dt
    import pandas as pd

    from socialproof.metrics import ops, registry, views
    from socialproof.metrics.availability import unavailable_kpis
    from socialproof.workspace import engine

    start, end = date_range(since, until)
    mapping = mapping or []
    tz = ws.settings.timezone
    post_kpis = registry.resolve(
        ["posts", "reach", "impressions", "interactions", "engagement_rate_reach", "link_clicks"],
        table="posts",
    )
    ad_kpis = registry.resolve(
        ["spend", "impressions", "reach", "link_clicks", "results"], table="ad_stats"
    )
    notes: list[str] = []
    with engine.backend(ws) as con:
        posts_frame = pd.DataFrame()
        texts = pd.DataFrame()
        if not engine.is_empty(con, "posts"):
            p = views.view(con, "posts", timezone=tz)
            day = ops.local_time(p.published_at, tz).cast(dt.date)
            if start is not None:
                p = p.filter(day >= start)
            if end is not None:
                p = p.filter(ops.local_time(p.published_at, tz).cast(dt.date) <= end)
            label = p.labels.re_extract(LABEL, 1).strip().nullif("")
            mapped = _mapped(p, mapping, "post_id")
            who = label if mapped is None else mapped.coalesce(label)
            p = p.mutate(creator=who).filter(ibis._.creator.notnull())
            posts_frame = engine.execute(
                registry.compute(p, post_kpis, table="posts", by=["creator"])
            )
            texts = engine.execute(p.select("creator", "platform", "post_id", "text", "title"))
        ads_frame = pd.DataFrame()
        if not engine.is_empty(con, "ad_stats"):
            a = views.view(con, "ad_stats", timezone=tz)
            if start is not None:
                a = a.filter(a.date_start >= start)
            if end is not None:
                a = a.filter(a.date_stop <= end)
            label = (
                a.ad.re_extract(LABEL, 1)
                .nullif("")
                .coalesce(a.ad_set.re_extract(LABEL, 1).nullif(""))
                .coalesce(a.campaign.re_extract(LABEL, 1).nullif(""))
                .strip()
            )
            who = label
            for key in ("campaign", "ad_set", "ad"):  # the finest mapping wins
                m = _mapped(a, mapping, key)
                if m is not None:
                    who = m.coalesce(who)
            a = a.mutate(creator=who).filter(ibis._.creator.notnull())
            ads_frame = engine.execute(
                registry.compute(a, ad_kpis, table="ad_stats", by=["creator", "currency"])
            )
            notes.extend(unavailable_kpis(con, "ad_stats", ad_kpis).notes)
    if posts_frame.empty and ads_frame.empty:
        raise NoData(
            "No posts or ads are tagged by creator.",
            hint="Add a custom label 'creator:<name>' to posts, or pass --mapping FILE "
            "(creator, post_id/ad/campaign, optional fee, promo_code, promo_conversions).",
        )
    return ReportResult(
        _combine(posts_frame, ads_frame, mapping, texts, ws, notes),
        [*post_kpis, *ad_kpis],
        notes,
        title="Creators",
    )


def _combine(
    posts: pd.DataFrame,
    ads: pd.DataFrame,
    mapping: list[dict[str, Any]],
    texts: pd.DataFrame,
    ws: Workspace,
    notes: list[str],
) -> pd.DataFrame:
    import pandas as pd

    creators = sorted(
        set(posts.get("creator", pd.Series(dtype=str)))
        | set(ads.get("creator", pd.Series(dtype=str)))
        | {m["creator"] for m in mapping}
    )
    home = ws.settings.currency
    disclosure = _disclosure(texts, ws)
    rows = []
    for name in creators:
        p = posts[posts["creator"] == name] if not posts.empty else posts
        a = ads[ads["creator"] == name] if not ads.empty else ads
        fees = [m["fee"] for m in mapping if m["creator"] == name and m["fee"] is not None]
        conv = [
            m["promo_conversions"]
            for m in mapping
            if m["creator"] == name and m["promo_conversions"] is not None
        ]
        codes = sorted(
            {m["promo_code"] for m in mapping if m["creator"] == name and m["promo_code"]}
        )
        inter = _val(p, "interactions")
        spend = _val(a, "spend")
        fee = sum(fees) if fees else None
        # amounts in different currencies are never added (fees are in the workspace's)
        spent_in = sorted(
            {
                home if pd.isna(c) or c == "" else str(c)
                for c in a.loc[a["spend"].notna(), "currency"]
            }
            if not a.empty and {"spend", "currency"} <= set(a.columns)
            else set()
        )
        currency = spent_in[0] if len(spent_in) == 1 else home
        if len(spent_in) > 1:
            spend = cost = None
            currency = ", ".join(spent_in)
            notes.append(
                f"{name}: ad spend in {' and '.join(spent_in)} is not added up, nor its cost; "
                "see it per currency with: socialproof report campaigns --by campaign,currency"
            )
        elif spend is not None and fee is not None and currency != home:
            cost = None
            notes.append(
                f"{name}: fees in {home} and ad spend in {currency} are not added into one cost."
            )
        else:
            cost = None if spend is None and fee is None else (spend or 0.0) + (fee or 0.0)
        reach = _add(_val(p, "reach"), _val(a, "reach"))
        rows.append(
            {
                "creator": name,
                "posts": int(_val(p, "posts") or 0),
                "reach": reach,
                "impressions": _add(_val(p, "impressions"), _val(a, "impressions")),
                "interactions": inter,
                "engagement_rate_reach": _val(p, "engagement_rate_reach"),
                "link_clicks": _add(_val(p, "link_clicks"), _val(a, "link_clicks")),
                "ad_spend": spend,
                "fees": fee,
                "cost": cost,
                "currency": currency,  # of ad spend and cost; fees are in the workspace's
                "cost_per_engagement": (cost / inter) if cost is not None and inter else None,
                "promo_codes": ", ".join(codes),
                "promo_conversions": sum(conv) if conv else None,
                "disclosure": disclosure.get(name, "no posts"),
            }
        )
    notes.append(
        "Cost = creator fees (mapping, workspace currency) + ad spend; cost per "
        "engagement = cost ÷ post interactions. Reach adds post and ad reach as "
        "exported (people reached twice count twice)."
    )
    return pd.DataFrame(rows)


def _val(frame: pd.DataFrame, col: str) -> float | None:
    if frame.empty or col not in frame.columns:
        return None
    series = frame[col].dropna()
    return float(series.sum()) if len(series) else None


def _add(x: float | None, y: float | None) -> float | None:
    if x is None and y is None:
        return None
    return (x or 0.0) + (y or 0.0)


def _disclosure(texts: pd.DataFrame, ws: Workspace) -> dict[str, str]:
    """Per creator: how many posts disclose clearly, by the content linter's disclosure rules."""
    if texts.empty:
        return {}
    try:
        from socialproof.content.linter import lint_post
        from socialproof.content.posts import Post, resolve_platform
        from socialproof.content.rules import load_rules
    except ImportError:
        return dict.fromkeys(texts["creator"], "not checked (content linter not installed)")
    rules = [r for r in load_rules() if r.id.startswith("disclosure.")]
    out: dict[str, str] = {}
    for name, group in texts.groupby("creator"):
        problems: dict[str, int] = {}
        checked = 0
        for rec in group.to_dict(orient="records"):
            text = rec.get("text") or rec.get("title") or ""
            if not isinstance(text, str) or not text.strip():
                continue
            try:
                platform: str | None = resolve_platform(str(rec["platform"]))
            except BadInput:  # an unknown platform: check without its limits
                platform = None
            post = Post(source=str(rec["post_id"]), text=text, platform=platform, sponsored=True)
            result = lint_post(post, rules, industry=ws.settings.industry)
            checked += 1
            for f in result.active:
                problems[f.rule_id] = problems.get(f.rule_id, 0) + 1
        if not checked:
            out[str(name)] = "not checked (no post text)"
        elif not problems:
            out[str(name)] = f"disclosed ({checked} of {checked} posts)"
        else:
            worst = ", ".join(f"{k} ×{v}" for k, v in sorted(problems.items()))
            out[str(name)] = f"issues in {checked} post(s) checked: {worst}"
    return out
