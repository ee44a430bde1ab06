"""Themes of a workspace's member messages: found, described and stored.

:func:`discover_themes` clusters member messages with the themes model
(:mod:`socialproof.community.themes`, on a sample of at most ``sample`` messages spread
over the whole range), labels each theme, gives its sentiment mix (the labels stored in
``message_scores``, the model only where there are none), trend and suggested
destination, and replaces the ``themes`` and ``message_themes`` tables.
"""

from __future__ import annotations

import functools
import importlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from socialproof.community.scoring_models import MAX_CHARS, load_models, text_hash_expr
from socialproof.community.scoring_sentiment import net_sentiment
from socialproof.community.threads import Scope, brand_handles, in_scope, messages_expr, scalar
from socialproof.errors import BadInput, NoData, UsageError

if TYPE_CHECKING:
    import pandas as pd

    from socialproof.workspace.core import Workspace

THEME_SAMPLE = 20_000


@dataclass
class ThemesResult:
    themes: pd.DataFrame  # one row per theme
    sample_size: int
    total: int
    notes: list[str]


def discover_themes(
    ws: Workspace,
    scope: Scope | None = None,
    *,
    k: str | int = "auto",
    sample: int = THEME_SAMPLE,
    save: bool = True,
) -> ThemesResult:
    """Cluster member messages into themes (see module docs) and store them."""
    import numpy as np
    import pandas as pd

    from socialproof.workspace import engine

    if isinstance(k, int) and k < 2:
        raise UsageError(f"--k {k}: ask for at least 2 themes.", hint="Or use --k auto.")
    if sample < 10:
        raise UsageError("Themes need a sample of at least 10 messages.")
    try:
        theme_model = importlib.import_module("socialproof.community.themes")
    except ImportError:
        raise BadInput(
            "The themes model is not available in this installation.",
            hint="Reinstall socialproof.",
        ) from None
    scope = scope or Scope()
    with ws.ibis() as con:
        m = messages_expr(con, ws, scope, threads=False)
        m = m.filter(~m.brand & m.text.notnull() & (m.text.strip().length() > 0))
        m = in_scope(m, ws, scope)
        total = int(scalar(m.count()))
        if total == 0:
            raise NoData(
                "No member messages with text in this range.",
                hint="Widen --since/--until, or import conversations with message text.",
            )
        pick = m.select("platform", "message_id", "text", "created_at")
        if total > sample:
            # a deterministic spread over the whole range: order by a hash of the key (MD5:
            # the same on every engine, so DuckDB and Spark sample the same messages)
            pick = pick.mutate(_h=pick.platform.concat(":", pick.message_id).hexdigest("md5"))
            pick = pick.order_by("_h").limit(sample).drop("_h")
        pick = _with_stored_sentiment(con, pick)
        df = engine.execute(pick)
    # a total order (the engine returns rows in any order, and many share a second):
    # the same messages give the same themes and the same examples on every run
    df = df.sort_values(["created_at", "platform", "message_id"], kind="stable").reset_index(
        drop=True
    )
    texts = [t[:MAX_CHARS] for t in df["text"].astype(str)]
    n_distinct = len(set(texts))
    if n_distinct < 3:
        raise NoData(
            f"Only {n_distinct} distinct message text(s): too few to find themes.",
            hint="Import more conversations.",
        )
    if isinstance(k, int) and k > n_distinct:
        raise UsageError(
            f"--k {k} is more themes than distinct messages ({n_distinct}).",
            hint="Ask for fewer, or use --k auto.",
        )
    kwargs: dict[str, Any] = {}
    if hasattr(theme_model, "workspace_routing"):
        kwargs["routing"] = theme_model.workspace_routing(ws.root)
    if hasattr(theme_model, "workspace_seeds"):
        kwargs["seeds"] = theme_model.workspace_seeds(ws.root)
    if hasattr(theme_model, "brand_names"):
        kwargs["brands"] = brand_handles(ws)  # the brand's own names are not themes
    if ws.settings.engine.backend == "spark":  # embeddings on the executors
        from socialproof.community import executors

        kwargs["embedder"] = functools.partial(executors.embed, ws)
    result = theme_model.cluster(texts, k=k, **kwargs)
    assign = np.asarray(_get(result, "assignments", "labels"), dtype=np.int64)
    models = load_models(ws)
    notes = list(models.notes)
    notes.extend(f"Themes: {n}" for n in (getattr(result, "notes", None) or []))
    labels: list[str | None] = [None] * len(texts)
    if models.sentiment is not None:  # the stored labels; the model only where there are none
        labels = [None if v is None or v != v else str(v) for v in df["stored_sentiment"]]
        missing = [i for i, v in enumerate(labels) if v is None]
        if missing:
            predicted = models.sentiment.predict([texts[i] for i in missing])
            for i, p in zip(missing, predicted, strict=True):
                labels[i] = p[0]
    df["theme"] = assign
    df["sentiment"] = labels
    late = df["created_at"] >= df["created_at"].iloc[len(df) // 2]
    rows = []
    for info in _themes_info(result):
        tid = int(info["id"])
        part = df[df["theme"] == tid]
        if part.empty:
            continue
        pos = int((part["sentiment"] == "positive").sum())
        neg = int((part["sentiment"] == "negative").sum())
        neu = int((part["sentiment"] == "neutral").sum())
        scored = max(1, pos + neg + neu)
        trend, change = _trend(part.index.isin(df.index[late]), late)
        rows.append(
            {
                "theme": tid,
                "label": str(info.get("label", "")),
                "keywords": ", ".join(map(str, info.get("keywords", []) or [])),
                "size": int(len(part)),
                "share": len(part) / len(df),
                "positive": pos / scored if models.sentiment is not None else None,
                "neutral": neu / scored if models.sentiment is not None else None,
                "negative": neg / scored if models.sentiment is not None else None,
                "net_sentiment": net_sentiment(pos, neg),
                "trend": trend,
                "trend_change": change,
                "destination": _route(theme_model, ws, info),
                "route_reason": str(info.get("route_reason", "")),
                "examples": [
                    str(x) for x in (info.get("examples") or part["text"].head(3).tolist())
                ][:3],
            }
        )
    themes = pd.DataFrame(rows).sort_values("size", ascending=False).reset_index(drop=True)
    if total > len(df):
        notes.append(f"Themes were found on a sample of {len(df):,} of {total:,} member messages.")
    if save:
        _save_themes(ws, themes, df, total, scope_words(scope, k))
    return ThemesResult(themes, len(df), total, notes)


#: How themes stored before their scope was recorded read (every run then took them all).
ALL_MESSAGES = "all member messages"


def scope_words(scope: Scope | None, k: str | int = "auto") -> str:
    """Which messages a themes run grouped and the themes asked for, as people read it:
    'member messages on x in group 'r/buns' from 2026-03-01 to 2026-03-31; 4 themes
    asked for'."""
    scope = scope or Scope()
    parts = []
    if scope.platform:
        parts.append(f"on {scope.platform}")
    if scope.group:
        parts.append(f"in group {scope.group!r}")
    if scope.since and scope.until:
        parts.append(f"from {scope.since} to {scope.until}")
    elif scope.since:
        parts.append(f"from {scope.since}")
    elif scope.until:
        parts.append(f"up to {scope.until}")
    where = " ".join(["member messages", *parts]) if parts else ALL_MESSAGES
    asked = f"{k} themes asked for" if isinstance(k, int) else "number of themes chosen"
    return f"{where}; {asked}"


def _with_stored_sentiment(con: Any, pick: Any) -> Any:
    """``pick`` plus ``stored_sentiment``: the label in ``message_scores`` when it was
    given to the message's current text (same :func:`text_hash`), else null."""
    import ibis

    from socialproof.workspace import engine

    s = engine.table(con, "message_scores")
    s = s.filter(s.sentiment.notnull()).select(
        s_platform=s.platform, s_id=s.message_id, s_hash=s.text_hash, s_sentiment=s.sentiment
    )
    j = pick.left_join(s, [pick.platform == s.s_platform, pick.message_id == s.s_id])
    same = j.s_hash.notnull() & (j.s_hash == text_hash_expr(j.text))
    return j.select(
        *pick.columns,
        stored_sentiment=ibis.cases((same, j.s_sentiment), else_=ibis.null("string")),
    )


def _get(obj: Any, *names: str) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    raise BadInput(f"The themes model returned no {names[0]}.", hint="Report this as a bug.")


def _themes_info(result: Any) -> list[dict[str, Any]]:
    """The themes model's per-theme records as dicts (id, label, keywords, examples, ...)."""
    out = []
    for i, item in enumerate(_get(result, "themes")):
        d = dict(item) if isinstance(item, dict) else dict(vars(item))
        d.setdefault("id", i)
        d.setdefault("examples", d.get("representatives", []))
        out.append(d)
    return out


def _route(module: Any, ws: Workspace, info: dict[str, Any]) -> str:
    if info.get("destination"):
        return str(info["destination"])
    fn = getattr(module, "route", None)
    if fn is None:
        return ""
    import inspect

    text = " ".join(
        [
            str(info.get("label", "")),
            *map(str, info.get("keywords", []) or []),
            *map(str, info.get("examples", []) or []),
        ]
    )
    params = inspect.signature(fn).parameters
    kwargs: dict[str, Any] = {}
    if "ws" in params:
        kwargs["ws"] = ws
    elif "workspace" in params:
        kwargs["workspace"] = ws
    try:
        got = fn(text, **kwargs)
    except TypeError:
        got = fn(info, **kwargs)
    return str(got or "")


MIN_TREND = 4


def _trend(in_late: Any, late: pd.Series) -> tuple[str, float | None]:
    """Share of the theme among late vs early messages: growing/shrinking past +-25 %.

    The sample is split at its median time; a theme with fewer than
    :data:`MIN_TREND` sampled messages gets no trend ("too few").
    """
    if len(in_late) < MIN_TREND:
        return "too few", None
    n_late, n_early = int(late.sum()), int((~late).sum())
    t_late = int(in_late.sum())
    t_early = int(len(in_late) - t_late)
    if n_late == 0 or n_early == 0:
        return "steady", None
    s_late, s_early = t_late / n_late, t_early / n_early
    if s_early == 0:
        return "new", None
    change = s_late / s_early - 1
    if change > 0.25:
        return "growing", change
    if change < -0.25:
        return "shrinking", change
    return "steady", change


def _save_themes(
    ws: Workspace, themes: pd.DataFrame, df: pd.DataFrame, total: int, scope: str
) -> None:
    import pyarrow as pa

    from socialproof.workspace import engine

    now = datetime.now(UTC).replace(tzinfo=None)
    t = pa.table(
        {
            "theme_id": pa.array(themes["theme"].astype("int32"), pa.int32()),
            "label": pa.array(themes["label"].tolist(), pa.string()),
            "keywords": pa.array(themes["keywords"].tolist(), pa.string()),
            "size": pa.array(themes["size"].astype("int64"), pa.int64()),
            "share": pa.array(themes["share"].astype("float64"), pa.float64()),
            "positive": pa.array(themes["positive"].tolist(), pa.float64()),
            "neutral": pa.array(themes["neutral"].tolist(), pa.float64()),
            "negative": pa.array(themes["negative"].tolist(), pa.float64()),
            "net_sentiment": pa.array(themes["net_sentiment"].tolist(), pa.float64()),
            "trend": pa.array(themes["trend"].tolist(), pa.string()),
            "trend_change": pa.array(themes["trend_change"].tolist(), pa.float64()),
            "destination": pa.array(themes["destination"].tolist(), pa.string()),
            "route_reason": pa.array(themes["route_reason"].tolist(), pa.string()),
            "examples": pa.array(
                [json.dumps(e, ensure_ascii=False) for e in themes["examples"]], pa.string()
            ),
            "sample_size": pa.array([len(df)] * len(themes), pa.int64()),
            "created_at": pa.array([now] * len(themes), pa.timestamp("us")),
            "scope": pa.array([scope] * len(themes), pa.string()),
        }
    )
    mt = pa.table(
        {
            "platform": pa.array(df["platform"].tolist(), pa.string()),
            "message_id": pa.array(df["message_id"].tolist(), pa.string()),
            "theme_id": pa.array(df["theme"].astype("int32"), pa.int32()),
        }
    )
    with ws.transaction() as con:
        engine.replace_table(con, "themes", t)
        engine.replace_table(con, "message_themes", mt)
    _ = total
