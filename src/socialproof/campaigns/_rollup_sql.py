"""The SQL text of the stored roll-ups' queries, compiled with Ibis or read as stored.

Compiling the roll-up queries (``campaigns.rollup.ad_parts`` over ``metrics.views.tidy_ads``
for each set of overlap flags, and the posts view's roll-up) costs about a second of
Ibis in a new process, more than running them. :func:`ad_sql` and :func:`post_sql` keep
the text per process, and ``campaigns.rollup_store`` stores it beside the roll-up with
its ``key``: what it was compiled from (the table's columns and types, the KPIs, the time
zone) and a digest of the source of the modules that write the SQL (the KPIs' own among
them) and of Ibis's and sqlglot's versions. A new process uses the stored text only when
its own key is equal, so a changed column, KPI, view or library compiles again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
import threading
from typing import TYPE_CHECKING, Any

from socialproof.campaigns.rollup import ad_parts, post_parts

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import duckdb

    from socialproof.metrics.registry import KPI

ADS, POSTS = "ads", "posts"
GRAIN = ("platform", "account")
#: Columns tidy_ads reads to find overlapping rows: always in an ad fingerprint.
TIDY = ("platform", "account", "campaign", "ad_set", "ad", "date_start", "date_stop", "breakdown")
#: The overlap flags tidy_ads takes, in the order of a ``flag_key``.
FLAGS = ("ranges", "breakdowns", "levels")
#: Fingerprinted columns of account_daily are named with this prefix.
DAILY = "account_daily."
#: The overlap checks ``metrics.views.ad_overlap_checks`` makes, each with how the
#: table's value follows from the imports' (a min or a max).
FACTS = (
    ("_any_daily", max),
    ("_all_daily", min),
    ("_any_plain", max),
    ("_all_plain", min),
    ("_level_min", min),
    ("_level_max", max),
)
#: Bumped when the stored form changes.
VERSION = 1

_sql_lock = threading.Lock()
_sql: dict[Any, Any] = {}  # compiled queries, per process (compiling costs more than running)


def forget() -> None:
    """Drop the queries this process keeps (the next call reads or compiles them again)."""
    with _sql_lock:
        _sql.clear()


def ad_sql(
    con: duckdb.DuckDBPyConnection, chosen: Sequence[KPI], kept: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The overlap checks and the roll-up query for every set of overlap flags over a table
    named ``_sp_src`` shaped as ``ad_stats``: compiled once per process, or read from
    ``kept`` (a stored roll-up's) when it was compiled from the same columns, KPIs and code."""
    schema = tuple(con.execute("DESCRIBE ad_stats").fetchall())
    key = (ADS, tuple(k.name for k in chosen), schema)
    with _sql_lock:
        found = _sql.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
    label = _sql_key(chosen, ADS, _columns_of(schema))
    if kept is not None and kept.get("key") == label:
        out: dict[str, Any] = kept
    else:
        out = _compile_ad_sql(schema, chosen) | {"key": label}
    with _sql_lock:
        _sql[key] = out
    return out


def _compile_ad_sql(schema: Sequence[Any], chosen: Sequence[KPI]) -> dict[str, Any]:
    """:func:`ad_sql`'s queries compiled with Ibis (about a second in a new process)."""
    import itertools

    import ibis

    from socialproof.metrics import views

    t = ibis.table({str(r[0]): _ibis_type(str(r[1])) for r in schema}, name="_sp_src")
    checks = views.ad_overlap_checks(t)
    assert [name for name, _ in FACTS] == list(checks)
    by_import = t.group_by(t.import_id.fill_null("").name("_sp_import")).aggregate(**checks)
    facts = str(ibis.to_sql(by_import, dialect="duckdb"))
    parts: dict[str, str] = {}
    for flags in itertools.product((False, True), repeat=len(FLAGS)):
        tidy = views.tidy_ads(t, **dict(zip(FLAGS, flags, strict=True)), tag=True)
        sql = str(ibis.to_sql(ad_parts(tidy, chosen, GRAIN), dialect="duckdb"))
        parts[flag_key(flags)] = sql
    every = parts[flag_key((True,) * len(FLAGS))]
    columns = [
        str(r[0])
        for r in schema
        if str(r[0]) != "import_id" and (str(r[0]) in TIDY or f'"{r[0]}"' in every)
    ]
    return {"facts": facts, "parts": parts, "columns": columns}


def flag_key(flags: Iterable[bool]) -> str:
    """The overlap flags (in ``FLAGS`` order) as a JSON key: '010'."""
    return "".join("1" if f else "0" for f in flags)


def _columns_of(schema: Sequence[Any]) -> list[list[str]]:
    """(name, type) of each column a DESCRIBE lists."""
    return [[str(r[0]), str(r[1])] for r in schema]


#: The modules whose code decides the roll-ups' SQL text (besides the KPIs' own modules).
_SQL_MODULES = (
    "socialproof.campaigns._rollup_sql",
    "socialproof.campaigns.rollup_store",
    "socialproof.campaigns.rollup",
    "socialproof.campaigns.report",
    "socialproof.metrics.views",
    "socialproof.metrics.rollup",
    "socialproof.metrics.registry",
    "socialproof.metrics.ops",
    "socialproof.workspace.engine",
)
_digests: dict[frozenset[str], str] = {}


def _sql_key(chosen: Sequence[KPI], *what: Any) -> str:
    """What a stored query text was compiled from: ``what`` (kind, columns, time zone...),
    the KPIs, and a digest of the source of the modules that write the SQL (the KPIs' own
    among them) and of the versions of Ibis and sqlglot. Stored SQL is used only when
    this is equal, so a changed KPI, view, library or column compiles again."""
    modules = set(_SQL_MODULES)
    for k in chosen:
        for fn in (
            k.formula,
            k.summand,
            *((k.ratio.numerator, k.ratio.denominator) if k.ratio else ()),
        ):
            name = getattr(fn, "__module__", None)
            if isinstance(name, str):
                modules.add(name)
    return json.dumps([VERSION, *what, [k.name for k in chosen], _code_digest(frozenset(modules))])


def _code_digest(modules: frozenset[str]) -> str:
    with _sql_lock:
        found = _digests.get(modules)
    if found is not None:
        return found
    digest = hashlib.sha256()
    files: list[str] = []
    for name in sorted(modules):
        loaded = sys.modules.get(name)
        path = getattr(loaded, "__file__", None) if loaded is not None else None
        if path is None:
            spec = importlib.util.find_spec(name)
            path = spec.origin if spec is not None else None
        files.append(str(path))
    for package in ("ibis", "sqlglot"):  # found, not imported: their version files
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin is not None:
            files.append(spec.origin)
            files.append(spec.origin.replace("__init__.py", "_version.py"))
    for path in files:
        digest.update(path.encode())
        try:
            with open(path, "rb") as fh:
                digest.update(fh.read())
        except OSError:
            digest.update(b"-")
    found = digest.hexdigest()[:32]
    with _sql_lock:
        _digests[modules] = found
    return found


def _ibis_type(duck: str) -> str:
    return {
        "VARCHAR": "string",
        "DATE": "date",
        "DOUBLE": "float64",
        "BIGINT": "int64",
        "INTEGER": "int32",
        "BOOLEAN": "boolean",
    }.get(duck.split("(")[0], "timestamp" if duck.startswith("TIMESTAMP") else "string")


def post_sql(
    con: duckdb.DuckDBPyConnection,
    chosen: Sequence[KPI],
    tz: str,
    kept: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The posts roll-up query (the posts view, followers joined): compiled once per
    process, or read from ``kept`` when compiled from the same columns, KPIs and code."""
    tables = {str(r[0]) for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    schema = tuple(con.execute("DESCRIBE posts").fetchall())
    daily = (
        tuple(con.execute("DESCRIBE account_daily").fetchall())
        if "account_daily" in tables
        else None
    )
    key = (POSTS, tuple(k.name for k in chosen), tz, schema, daily)
    with _sql_lock:
        found = _sql.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
    label = _sql_key(
        chosen, POSTS, tz, _columns_of(schema), None if daily is None else _columns_of(daily)
    )
    if kept is not None and kept.get("key") == label:
        out: dict[str, Any] = kept
    else:
        out = _compile_post_sql(con, chosen, tz, schema, daily) | {"key": label}
    with _sql_lock:
        _sql[key] = out
    return out


def _compile_post_sql(
    con: duckdb.DuckDBPyConnection,
    chosen: Sequence[KPI],
    tz: str,
    schema: Sequence[Any],
    daily_schema: Sequence[Any] | None,
) -> dict[str, Any]:
    """:func:`post_sql`'s query compiled with Ibis over ``con``."""
    import ibis

    from socialproof.metrics import views
    from socialproof.workspace import engine

    engine.duckdb_compat()
    backend = ibis.duckdb.from_connection(con)
    sql = str(
        backend.compile(post_parts(views.view(backend, "posts", timezone=tz), chosen, GRAIN, tz))
    )
    columns = [str(r[0]) for r in schema if str(r[0]) != "import_id" and f'"{r[0]}"' in sql]
    if daily_schema is not None and '"account_daily"' in sql:
        columns += [DAILY + str(r[0]) for r in daily_schema if str(r[0]) != "import_id"]
    return {"sql": sql, "columns": columns}
