"""Daily roll-ups kept in the workspace and brought up to date import by import.

The dashboard's roll-ups (:func:`~socialproof.campaigns.rollup.ad_rollup` and
:func:`~socialproof.campaigns.rollup.post_rollup`) are stored in the ``rollup_store``
table beside a fingerprint of every import they were computed from (its rows and a hash
of the columns the roll-up reads, so an undo, a re-import, a merge or a rename that
changes rows is seen). :func:`current` reads the stored roll-up and takes the fingerprints
again (one small grouped query): when nothing changed the stored roll-up is the answer,
with no query compiled; when imports were added, undone or changed, only the roll-up rows
of the days those imports touch (before and after the change) are computed again, in one
grouped query over those days' rows, and put in place of the old ones. :func:`refresh`
does the same and writes the result (``serve`` runs it as a background job after every
import, undo and decision; a page never writes); :func:`refresh_stored` brings every
stored roll-up up to date with the KPIs it was stored with (the CLI runs it after an
import, a rename or a merge, so that ``serve`` started afterwards has nothing to add up).

The SQL text the roll-up queries compile to (Ibis, the costliest step of an update in a
new process) is stored beside the roll-up with what it was compiled from (the table's
columns and types, the KPIs, the time zone, and a digest of the code and libraries that
write the SQL): a new process reads it instead of compiling while all of that is the same.

Ad rows that other rows of the same ad already count (daily beside reporting-range rows,
breakdowns, levels) are left out per ad and per campaign (``metrics.views.tidy_ads``), so
an import can change which rows count on days it does not touch; when the workspace holds
such overlaps, the whole (platform, account) partitions the changed imports touch are
computed again instead of single days. Posts are computed again as a whole when any posts
import changed (the compiled query is kept, so that costs the query alone).

The results equal the roll-ups computed from scratch (tests check this after imports and
undos). Only a workspace whose engine is DuckDB over its own file keeps roll-ups; Spark
and Parquet stores compute them each time (:func:`enabled`).
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialproof.campaigns import _rollup_sql
from socialproof.campaigns._rollup_sql import DAILY, FACTS, FLAGS, ad_sql, flag_key, post_sql
from socialproof.campaigns.rollup import (
    AdRollup,
    PostRollup,
    ad_rollup,
    as_days,
    post_kpis,
    post_rollup,
)
from socialproof.errors import NoData
from socialproof.workspace.schema import ROLLUP_TABLE

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from datetime import date

    import duckdb
    import pandas as pd

    from socialproof.metrics.registry import KPI
    from socialproof.workspace import Workspace

VERSION = 11  # 3: rows without results count no result type; 4, 5: overlaps per day; 6: a
# range gives way to daily rows only where it shares days with them, chains of kinds; 7: the
# daily rows a range counts instead of are kept with its days, for periods that cut it; 8:
# posts count the rows whose reach is a day floor (_rows_floor); 9: a range crossing a
# longer one of its kind gives way (kept tagged with its days), raw keeps cut_spend; 10: daily
# rows inside ranges are tagged with all of them (range_days), out only where one counts, and
# range rows with the ranges they give way to, chains settled per period (range_over); 11:
# raw keeps the attribution settings (attr_min, attr_max) for the several-settings note
TABLE = ROLLUP_TABLE
ADS, POSTS, GRAIN = _rollup_sql.ADS, _rollup_sql.POSTS, _rollup_sql.GRAIN
KEY = ("platform", "account", "date_start", "date_stop")


def enabled(ws: Workspace) -> bool:
    """Whether ``ws`` keeps its roll-ups (DuckDB over the workspace's own file)."""
    engine = ws.settings.engine
    return engine.backend != "spark" and not engine.storage


@dataclass(frozen=True)
class Stored:
    """A roll-up as stored: what it was computed from, and its frames."""

    basis: str  # what was asked (kind, KPIs, grain, time zone): another basis is no use
    columns: tuple[str, ...]  # the columns each import's fingerprint hashes
    flags: dict[str, bool]  # which overlaps tidy_ads looked for (ads)
    #: import id -> [rows, hash, keys its rows touch, overlap checks over them] (ads)
    imports: dict[str, list[Any]]
    frame: pd.DataFrame
    raw: pd.DataFrame | None
    #: the compiled SQL text of the roll-up's queries and its "key" (``_sql_key``)
    sql: dict[str, Any] | None = None


def current(ws: Workspace, kind: str, kpis: Sequence[str]) -> AdRollup | PostRollup:
    """The roll-up of ``kind`` (ADS or POSTS) as the workspace is now (module docs).

    Raises ``NoData`` as ``ad_rollup`` / ``post_rollup`` do when the table is empty.
    """
    found = current_many(ws, {kind: kpis})[kind]
    if found is None:
        return _computed(ws, kind, kpis)  # raises the library's NoData
    return found


def current_many(
    ws: Workspace, wanted: Mapping[str, Sequence[str]]
) -> dict[str, AdRollup | PostRollup | None]:
    """:func:`current` for each kind of ``wanted`` ({kind: KPIs}) over one connection;
    None for a kind whose table is empty."""
    return snapshot(ws, wanted).rollups


@dataclass(frozen=True)
class Snapshot:
    """The roll-ups asked for (None where the table is empty) and the last day with data."""

    rollups: dict[str, AdRollup | PostRollup | None]
    last_day: date | None


def snapshot(ws: Workspace, wanted: Mapping[str, Sequence[str]]) -> Snapshot:
    """The current roll-ups of ``wanted`` ({kind: KPIs}) and the last day the workspace holds
    posts or ad rows for, read over one connection (module docs)."""
    out: dict[str, AdRollup | PostRollup | None] = {}
    if not enabled(ws):
        for kind, kpis in wanted.items():
            try:
                out[kind] = _computed(ws, kind, kpis)
            except NoData:
                out[kind] = None
        return Snapshot(out, _last_day_computed(ws))
    with ws.connect(read_only=True) as con, _known_tables(con):
        for kind, kpis in wanted.items():
            try:
                state, _ = update(con, ws, kind, kpis, read(con, kind))
            except NoData:
                out[kind] = None
            else:
                out[kind] = as_rollup(ws, kind, state)
        return Snapshot(out, _last_day_on(con))


def _last_day_on(con: duckdb.DuckDBPyConnection) -> date | None:
    from datetime import date

    days: list[date] = []
    for table, column in (("ad_stats", "date_stop"), ("posts", "published_at")):
        if not _has_table(con, table):
            continue
        row = con.execute(f"SELECT max({column}) FROM {table}").fetchone()
        if row and row[0] is not None:
            days.append(date.fromisoformat(str(row[0])[:10]))
    return max(days) if days else None


def _last_day_computed(ws: Workspace) -> date | None:
    from datetime import date

    from socialproof.render.tables import plain
    from socialproof.workspace import engine

    days: list[date] = []
    with ws.ibis() as con:
        present = set(con.list_tables())
        for table, column in (("ad_stats", "date_stop"), ("posts", "published_at")):
            if table not in present:
                continue
            value = plain(engine.table(con, table)[column].max().execute())
            if value is not None:
                days.append(date.fromisoformat(str(value)[:10]))
    return max(days) if days else None


def refresh(ws: Workspace, wanted: Mapping[str, Sequence[str]]) -> list[str]:
    """Bring the stored roll-ups of ``wanted`` ({kind: KPIs}) up to date; the kinds written.

    Nothing is written (and the write lock is not taken) when every stored roll-up is
    current.
    """
    if not enabled(ws):
        return []
    with ws.connect(read_only=True) as con, _known_tables(con):
        if not _has_table(con, TABLE):
            return []
        stale = [k for k, kpis in wanted.items() if _stale(con, ws, k, kpis, read(con, k))]
    if not stale:
        return []
    with ws.transaction() as con, _known_tables(con):
        if not _has_table(con, TABLE):
            return []
        return _write(con, ws, {k: wanted[k] for k in stale})


#: The tables each kind of roll-up adds up (an import that wrote none of them leaves it).
SOURCES = {ADS: frozenset({"ad_stats"}), POSTS: frozenset({"posts", "account_daily"})}


def refresh_stored(ws: Workspace, tables: Sequence[str] | None = None) -> list[str]:
    """Bring every stored roll-up up to date with the KPIs it was stored with (nothing is
    computed for a kind never stored: the first ``serve`` does that); the kinds written.

    ``tables`` are the tables a write changed, when known: kinds that read none of them are
    left alone, and with none of them nothing is opened at all. Meant right after a write
    (an import, a rename, a merge): one transaction, the fingerprints taken once.
    """
    kinds = [k for k, src in SOURCES.items() if tables is None or src & set(tables)]
    if not kinds or not enabled(ws):
        return []
    with ws.transaction() as con, _known_tables(con):
        if not _has_table(con, TABLE):
            return []
        rows = con.execute(
            f"SELECT kind, basis FROM {TABLE} WHERE kind IN ({', '.join('?' for _ in kinds)})",
            kinds,
        ).fetchall()
        wanted = {str(kind): list(json.loads(str(basis))["kpis"]) for kind, basis in rows}
        return _write(con, ws, wanted) if wanted else []


def _write(
    con: duckdb.DuckDBPyConnection, ws: Workspace, wanted: Mapping[str, Sequence[str]]
) -> list[str]:
    """Update and store each kind of ``wanted`` over the write transaction ``con``; the kinds
    whose stored rows changed."""
    from datetime import UTC, datetime

    written: list[str] = []
    for kind, kpis in wanted.items():
        prev = read(con, kind)
        try:
            state, changed = update(con, ws, kind, kpis, prev)
        except NoData:
            if prev is not None:
                con.execute(f"DELETE FROM {TABLE} WHERE kind = ?", [kind])
                written.append(kind)
            continue
        if not changed:
            continue
        written.append(kind)
        info = {
            "columns": list(state.columns),
            "flags": state.flags,
            "imports": state.imports,
            "sql": state.sql,
        }
        con.execute(
            f"INSERT OR REPLACE INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?)",
            [
                kind,
                state.basis,
                json.dumps(info),
                _blob(state.frame),
                None if state.raw is None else _blob(state.raw),
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
    return written


def read(con: duckdb.DuckDBPyConnection, kind: str) -> Stored | None:
    """The stored roll-up of ``kind``, if any."""
    if not _has_table(con, TABLE):
        return None
    row = con.execute(
        f"SELECT basis, state, frame, raw FROM {TABLE} WHERE kind = ?", [kind]
    ).fetchone()
    if row is None:
        return None
    basis, state, frame, raw = row
    info = json.loads(str(state))
    return Stored(
        basis=str(basis),
        columns=tuple(info["columns"]),
        flags={k: bool(v) for k, v in info["flags"].items()},
        imports={str(k): list(v) for k, v in info["imports"].items()},
        frame=_unblob(frame),
        raw=None if raw is None else _unblob(raw),
        sql=info.get("sql"),
    )


def update(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    kind: str,
    kpis: Sequence[str],
    prev: Stored | None,
) -> tuple[Stored, bool]:
    """``prev`` brought up to date over ``con``: (the roll-up, whether anything changed)."""
    if kind == ADS:
        return _update_ads(con, kpis, prev)
    return _update_posts(con, ws, kpis, prev)


def as_rollup(ws: Workspace, kind: str, state: Stored) -> AdRollup | PostRollup:
    """The library's roll-up object over ``state``'s frames."""
    from socialproof.metrics import registry

    basis = json.loads(state.basis)
    if kind == ADS:
        assert state.raw is not None
        return AdRollup(
            frame=state.frame,
            grain=(*GRAIN, "currency"),
            kpis=tuple(registry.resolve(basis["kpis"], table="ad_stats")),
            raw=state.raw,
            currency=ws.settings.currency,
        )
    return PostRollup(
        frame=state.frame,
        grain=GRAIN,
        kpis=tuple(registry.resolve(basis["kpis"], table="posts")),
    )


# -- ads -----------------------------------------------------------------------------------
def _ad_basis(kpis: Sequence[str]) -> tuple[list[KPI], str]:
    from socialproof.metrics import registry

    chosen = registry.resolve(list(kpis), table="ad_stats")
    basis = {"v": VERSION, "kind": ADS, "kpis": [k.name for k in chosen], "grain": list(GRAIN)}
    return chosen, json.dumps(basis)


def _update_ads(
    con: duckdb.DuckDBPyConnection,
    kpis: Sequence[str],
    prev: Stored | None,
) -> tuple[Stored, bool]:
    import pandas as pd

    chosen, basis = _ad_basis(kpis)
    if not _has_table(con, "ad_stats") or not _count(con, "ad_stats"):
        raise NoData(
            "The workspace has no ad rows yet.",
            hint="Import an ads export first: socialproof import FILE.",
        )
    usable = prev if prev is not None and prev.basis == basis and prev.raw is not None else None
    compiled = None
    if usable is not None:
        columns = usable.columns
    else:
        compiled = _ad_sql(con, chosen, prev)
        columns = compiled["columns"]
    prints = _prints(con, "ad_stats", columns)
    changed: set[str] = set()
    if usable is not None:
        changed = _changed(usable.imports, prints)
        if not changed:
            return usable, False
    compiled = compiled or _ad_sql(con, chosen, usable)
    # what each import's rows are (the keys they touch, the overlap checks over them):
    # for every import on a first computation, for the changed ones after
    complete = usable is not None and all(len(v) == 4 for v in usable.imports.values())
    asked = [i for i in changed if i in prints] if usable is not None and complete else None
    keys, facts = _import_info(con, asked, compiled["facts"])
    if usable is not None and complete:
        imports = {
            i: (
                usable.imports[i]
                if i not in changed
                else [*prints[i], keys.get(i, []), facts.get(i, [])]
            )
            for i in prints
        }
    else:
        imports = {i: [*prints[i], keys.get(i, []), facts.get(i, [])] for i in prints}
    flags = _overlap_flags([v[3] for v in imports.values()])
    parts_sql = compiled["parts"][flag_key(flags[f] for f in FLAGS)]
    if (
        usable is None
        or not complete
        or flags != usable.flags
        or tuple(compiled["columns"]) != usable.columns
    ):
        frame = _run(con, f"WITH _sp_src AS (SELECT * FROM ad_stats) SELECT * FROM ({parts_sql})")
        raw = _run(con, _RAW_SQL.format(where=""))
    else:
        touched: set[tuple[Any, ...]] = set()
        for i in changed:
            touched.update(tuple(k) for k in usable.imports.get(i, [None, None, []])[2])
        for i in changed:
            touched.update(tuple(k) for k in keys.get(i, []))
        if any(flags.values()):  # overlaps are left out per ad: whole partitions again
            names = ["platform", "account"]
            chosen_keys = sorted({k[:2] for k in touched}, key=_order)
        else:
            names = list(KEY)
            chosen_keys = sorted(touched, key=_order)
        pairs = sorted({k[2:] for k in touched}, key=_order)
        _register(con, "_sp_keys", names, chosen_keys)
        _register(con, "_sp_pairs", ["date_start", "date_stop"], pairs)
        try:
            match = " AND ".join(
                f"s.{c} IS NOT DISTINCT FROM "
                + (f"CAST(k.{c} AS DATE)" if c.startswith("date") else f"k.{c}")
                for c in names
            )
            # the touched days' span first: DuckDB skips the row groups outside it
            span = _span([k[2] for k in touched]) if names == list(KEY) else ""
            source = (
                f"SELECT s.* FROM ad_stats s WHERE {span}"
                f"EXISTS (SELECT 1 FROM _sp_keys k WHERE {match})"
            )
            new = _run(con, f"WITH _sp_src AS ({source}) SELECT * FROM ({parts_sql}) AS _sp_q")
            new_raw = _run(
                con,
                _RAW_SQL.format(
                    where=f"WHERE {_span([p[0] for p in pairs])}"
                    "EXISTS (SELECT 1 FROM _sp_pairs k WHERE "
                    "s.date_start IS NOT DISTINCT FROM CAST(k.date_start AS DATE) AND "
                    "s.date_stop IS NOT DISTINCT FROM CAST(k.date_stop AS DATE))"
                ),
            )
        finally:
            con.unregister("_sp_keys")
            con.unregister("_sp_pairs")
        gone = set(chosen_keys)
        old = usable.frame
        keep = [
            tuple(_norm(v) for v in r) not in gone
            for r in zip(*(old[c] for c in names), strict=True)
        ]
        frame = pd.concat([old[keep], new], ignore_index=True)
        assert usable.raw is not None
        old_raw = usable.raw
        gone_pairs = set(pairs)
        keep_raw = [
            (_norm(a), _norm(b)) not in gone_pairs
            for a, b in zip(old_raw["date_start"], old_raw["date_stop"], strict=True)
        ]
        raw = pd.concat([old_raw[keep_raw], new_raw], ignore_index=True)
    frame = frame.sort_values(list(KEY), kind="stable", na_position="last").reset_index(drop=True)
    raw = raw.reset_index(drop=True)
    return (
        Stored(
            basis=basis,
            columns=tuple(compiled["columns"]),
            flags=flags,
            imports=imports,
            frame=frame,
            raw=raw,
            sql=compiled,
        ),
        True,
    )


_RAW_SQL = """SELECT date_start, date_stop, count(*) AS "rows",
  sum(CAST(coalesce(spend < 0, false) AS BIGINT)) AS negative,
  sum(CAST(spend IS NULL AS BIGINT)) AS no_spend, sum(spend) AS cut_spend,
  min(coalesce(currency, '')) AS cur_min, max(coalesce(currency, '')) AS cur_max,
  min(attribution) AS attr_min, max(attribution) AS attr_max
FROM ad_stats s {where} GROUP BY date_start, date_stop"""


def _ad_sql(
    con: duckdb.DuckDBPyConnection, chosen: Sequence[KPI], stored: Stored | None = None
) -> dict[str, Any]:
    """The compiled ad queries (``_rollup_sql.ad_sql``), from ``stored`` when it has them."""
    return ad_sql(con, chosen, stored.sql if stored is not None else None)


def _import_info(
    con: duckdb.DuckDBPyConnection, ids: Sequence[str] | None, facts_sql: str
) -> tuple[dict[str, list[list[Any]]], dict[str, list[Any]]]:
    """Per import id (every one, or ``ids``): the (platform, account, start, stop) keys its
    rows touch, and the overlap checks (``views.ad_overlap_checks``) over its rows."""
    if ids is not None and not ids:
        return {}, {}
    where = ""
    params: list[Any] = []
    if ids is not None:
        where = f"WHERE coalesce(import_id, '') IN ({', '.join('?' for _ in ids)})"
        params = list(ids)
    rows = con.execute(
        f"SELECT DISTINCT coalesce(import_id, ''), {', '.join(KEY)} FROM ad_stats {where}",
        params,
    ).fetchall()
    keys: dict[str, list[list[Any]]] = {}
    for i, *key in rows:
        keys.setdefault(str(i), []).append([_norm(v) for v in key])
    found = con.execute(
        f"WITH _sp_src AS (SELECT * FROM ad_stats {where}) SELECT * FROM ({facts_sql})", params
    ).fetchall()
    facts = {str(r[0]): [_plain(v) for v in r[1:]] for r in found}
    return keys, facts


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return int(value)


def _overlap_flags(per_import: Sequence[Sequence[Any]]) -> dict[str, bool]:
    """The flags ``tidy_ads`` takes, from the overlap checks of every import's rows (each
    check is a min or a max, so the table's is the min or max of the imports')."""
    from socialproof.metrics.views import ad_overlaps

    table: dict[str, Any] = {}
    for n, (name, pick) in enumerate(FACTS):
        values = [v[n] for v in per_import if len(v) > n and v[n] is not None]
        table[name] = pick(values) if values else None
    return ad_overlaps(table)


def _span(days: Sequence[str | None]) -> str:
    """``s.date_start BETWEEN first AND last AND `` over ``days`` ('' if one is unknown)."""
    from datetime import date

    if not days or any(d is None for d in days):
        return ""
    known = sorted(date.fromisoformat(str(d)) for d in days)  # validated: literal below
    return f"s.date_start BETWEEN DATE '{known[0]}' AND DATE '{known[-1]}' AND "


# -- posts ---------------------------------------------------------------------------------
def _update_posts(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    kpis: Sequence[str],
    prev: Stored | None,
) -> tuple[Stored, bool]:
    if not _has_table(con, "posts") or not _count(con, "posts"):
        raise NoData(
            "The workspace has no posts yet.",
            hint="Import a posts export first (Meta Business Suite, TikTok Studio, "
            "LinkedIn, X, YouTube): socialproof import FILE.",
        )
    chosen, basis = _post_basis(ws, kpis)
    if prev is not None and prev.basis == basis:
        if not _changed(prev.imports, _prints(con, "posts", prev.columns)):
            return prev, False
    compiled = post_sql(con, chosen, ws.settings.timezone, None if prev is None else prev.sql)
    prints = _prints(con, "posts", compiled["columns"])
    frame = _run(con, compiled["sql"])
    frame["day"] = as_days(frame["day"])
    sort = [*GRAIN, "day"]
    frame = frame.sort_values(sort, kind="stable", na_position="last").reset_index(drop=True)
    imports = {i: [*v, []] for i, v in prints.items()}
    state = Stored(basis, tuple(compiled["columns"]), {}, imports, frame, None, compiled)
    return state, True


def _post_basis(ws: Workspace, kpis: Sequence[str]) -> tuple[list[KPI], str]:
    chosen = post_kpis(kpis)
    basis = {"v": VERSION, "kind": POSTS, "kpis": [k.name for k in chosen], "grain": list(GRAIN)}
    return chosen, json.dumps(basis | {"tz": ws.settings.timezone})


# -- shared --------------------------------------------------------------------------------
def _computed(ws: Workspace, kind: str, kpis: Sequence[str]) -> AdRollup | PostRollup:
    if kind == ADS:
        return ad_rollup(ws, kpis=list(kpis))
    return post_rollup(ws, kpis=list(kpis))


def _stale(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    kind: str,
    kpis: Sequence[str],
    prev: Stored | None,
) -> bool:
    """Whether the stored roll-up differs from what the workspace holds now (no compute)."""
    table = "ad_stats" if kind == ADS else "posts"
    if not _has_table(con, table) or not _count(con, table):
        return prev is not None
    basis = _ad_basis(kpis)[1] if kind == ADS else _post_basis(ws, kpis)[1]
    if prev is None or prev.basis != basis:
        return True
    return bool(_changed(prev.imports, _prints(con, table, prev.columns)))


def _prints(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str]
) -> dict[str, list[Any]]:
    """:func:`_fingerprints` of ``table`` over ``columns``, and of ``account_daily`` over the
    columns named ``account_daily.<column>`` (keyed ``account_daily:<import id>``)."""
    own = [c for c in columns if not c.startswith(DAILY)]
    daily = [c[len(DAILY) :] for c in columns if c.startswith(DAILY)]
    out = _fingerprints(con, table, own)
    if daily and _has_table(con, "account_daily"):
        found = _fingerprints(con, "account_daily", daily)
        out |= {"account_daily:" + i: v for i, v in found.items()}
    return out


def _fingerprints(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str]
) -> dict[str, list[Any]]:
    """Per import id: [rows, hash of ``columns`` over its rows].

    The columns are every one the roll-up reads (and those that tell overlapping ad rows
    apart), so an undo, a re-import, a merge or a rename that changes what the roll-up
    adds up changes the fingerprint of the import it touches. (Row ids would be cheaper,
    but DuckDB gives deleted rows' ids to new rows after a checkpoint.)
    """
    hashed = ", ".join(f'"{c}"' for c in columns)
    rows = con.execute(
        f"SELECT coalesce(import_id, ''), count(*), bit_xor(hash({hashed})) FROM {table} GROUP BY 1"
    ).fetchall()
    return {str(i): [int(n), str(h)] for i, n, h in rows}


def _changed(before: Mapping[str, list[Any]], now: Mapping[str, list[Any]]) -> set[str]:
    return {
        i for i in set(before) | set(now) if list(before.get(i, [None, None])[:2]) != now.get(i)
    }


_tables_known: ContextVar[tuple[int, frozenset[str]] | None] = ContextVar(
    "rollup_store_tables", default=None
)


@contextmanager
def _known_tables(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """List ``con``'s tables once for the calls inside (each listing costs a query)."""
    rows = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    token = _tables_known.set((id(con), frozenset(str(r[0]) for r in rows)))
    try:
        yield
    finally:
        _tables_known.reset(token)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    known = _tables_known.get()
    if known is not None and known[0] == id(con):
        return name in known[1]
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]
    ).fetchone()
    return bool(row and row[0])


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    frame = con.execute(sql).df()
    for col in ("date_start", "date_stop"):
        if col in frame.columns:
            frame[col] = as_days(frame[col])
    return frame


def _register(
    con: duckdb.DuckDBPyConnection, name: str, columns: Sequence[str], rows: Sequence[Any]
) -> None:
    import pyarrow as pa

    data = {c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(columns)}
    con.register(name, pa.table(data))


def _norm(value: Any) -> str | None:
    """A key value as JSON keeps it: None when unknown, days as YYYY-MM-DD, else text."""
    if value is None:
        return None
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value)


def _order(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((v is None, v or "") for v in key)


def _blob(frame: pd.DataFrame) -> bytes:
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _unblob(data: Any) -> pd.DataFrame:
    import pyarrow as pa

    with pa.ipc.open_stream(pa.py_buffer(bytes(data))) as reader:
        frame: pd.DataFrame = reader.read_all().to_pandas()
    return frame
