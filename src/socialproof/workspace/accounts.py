"""The accounts in a workspace: list them, rename one, merge one into another.

An account is a (platform, account) pair found in ``posts``, ``account_daily`` or
``ad_stats``. Renaming and merging change every row of the account in one
transaction. A merge keeps every figure: where both accounts have the same row
(same post, day or ad and period), a figure only one of them has is kept, and
where both have one the target account's figure wins and the merge says how
many rows disagreed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialproof.errors import NotFound, UsageError
from socialproof.workspace.schema import ACCOUNT_TABLES, CANONICAL

if TYPE_CHECKING:
    import duckdb

    from socialproof.workspace.core import Workspace

_LABELS = {
    "posts": "posts",
    "account_daily": "daily values",
    "post_daily": "post daily values",
    "ad_stats": "ad rows",
}
_DATES = ("published_at", "date", "date_start")  # the first a table has dates it


@dataclass
class AccountChange:
    platforms: list[str]
    rows_moved: int
    rows_merged: int  # rows that met a row of the target with the same key
    conflicts: int  # of those, rows whose figures disagreed (the target's were kept)


def list_accounts(ws: Workspace, *, platform: str | None = None) -> list[dict[str, Any]]:
    """One row per platform and account, with row counts per table and the dates covered."""
    from socialproof.workspace import engine

    with ws.connect(read_only=True) as con:
        present = set(engine.list_tables(con))
        counts: dict[tuple[str, str], dict[str, Any]] = {}
        for name in ACCOUNT_TABLES:
            if name not in present:
                continue
            where, params = ("WHERE platform = ?", [platform]) if platform else ("", [])
            columns = CANONICAL[name].columns
            date = next((c for c in _DATES if c in columns), "NULL")
            sql = (
                f"SELECT platform, coalesce(account, ''), count(*), min({date}), max({date}) "
                f"FROM {name} {where} GROUP BY 1, 2"
            )
            for plat, account, n, first, last in engine.query_rows(con, sql, params):
                row = counts.setdefault(
                    (str(plat), str(account)),
                    {label: 0 for label in _LABELS.values()} | {"first": None, "last": None},
                )
                row[_LABELS.get(name, name)] = int(n)
                for k, v, pick in (("first", first, min), ("last", last, max)):
                    day = None if v is None else str(v)[:10]
                    if day is not None:
                        row[k] = day if row[k] is None else pick(row[k], day)
    return [
        {"platform": plat, "account": account or "(none)", **values}
        for (plat, account), values in sorted(counts.items())
    ]


def rename_account(ws: Workspace, old: str, new: str, *, platform: str) -> AccountChange:
    """Give an account another name on one platform (all its rows, one transaction)."""
    old, new = account_name(old, allow_empty=True), account_name(new)
    with ws.transaction() as con:
        _check_rename(con, old, new, platform)
        moved = 0
        for name in ACCOUNT_TABLES:
            moved += _count(con, name, platform, old)
            con.execute(
                f"UPDATE {name} SET account = ? WHERE platform = ? AND coalesce(account, '') = ?",
                [new, platform, old],
            )
    return AccountChange([platform], moved, 0, 0)


def merge_accounts(
    ws: Workspace, source: str, target: str, *, platform: str | None = None
) -> AccountChange:
    """Move every row of ``source`` into ``target`` (on ``platform``, else wherever
    ``source`` has rows); ``source`` disappears. Rows both have are merged figure by
    figure, the target's figures winning where both have one."""
    from socialproof.workspace import engine

    source, target = _merge_names(source, target)
    change = AccountChange([], 0, 0, 0)
    with ws.transaction() as con:
        for plat in _merge_platforms(con, source, target, platform):
            change.platforms.append(plat)
            for name in ACCOUNT_TABLES:
                where = "platform = ? AND coalesce(account, '') = ?"
                rows = con.sql(f"SELECT * FROM {name} WHERE {where}", params=[plat, source])
                data = rows.to_arrow_table()
                if data is None or data.num_rows == 0:
                    continue
                data = data.set_column(
                    data.column_names.index("account"),
                    "account",
                    _repeat(target, data.num_rows),
                )
                con.execute(f"DELETE FROM {name} WHERE {where}", [plat, source])
                counts = engine.merge(con, CANONICAL[name], data, as_of=None)
                change.rows_moved += data.num_rows
                change.rows_merged += counts.updated + counts.unchanged
                change.conflicts += counts.conflicts
    return change


def check_rename(ws: Workspace, old: str, new: str, *, platform: str) -> None:
    """Raise what :func:`rename_account` would raise for these names, writing nothing
    (the workbench asks before it renames)."""
    old, new = account_name(old, allow_empty=True), account_name(new)
    with ws.connect(read_only=True) as con:
        _check_rename(con, old, new, platform)


def check_merge(
    ws: Workspace, source: str, target: str, *, platform: str | None = None
) -> list[str]:
    """The platforms :func:`merge_accounts` would merge on, or what it would raise,
    writing nothing (the workbench asks before it merges)."""
    source, target = _merge_names(source, target)
    with ws.connect(read_only=True) as con:
        return _merge_platforms(con, source, target, platform)


def _check_rename(con: duckdb.DuckDBPyConnection, old: str, new: str, platform: str) -> None:
    accounts = _accounts(con, platform)
    _must_exist(old, accounts, platform)
    if new in accounts and new != old:
        raise UsageError(
            f"The {platform} account {new!r} exists already.",
            hint=f"To put {old or '(none)'!r} into it, run: socialproof accounts merge "
            f"{old or '(none)'!r} {new!r} --platform {platform}",
        )


def _merge_names(source: str, target: str) -> tuple[str, str]:
    source, target = account_name(source, allow_empty=True), account_name(target)
    if source == target:
        raise UsageError(
            f"Cannot merge the account {source!r} into itself.", hint="Name two accounts."
        )
    return source, target


def _merge_platforms(
    con: duckdb.DuckDBPyConnection, source: str, target: str, platform: str | None
) -> list[str]:
    platforms = [platform] if platform else _platforms_of(con, source)
    for plat in platforms:
        accounts = _accounts(con, plat)
        _must_exist(source, accounts, plat)
        if target not in accounts:
            raise NotFound(
                f"The {plat} account {target!r} does not exist.",
                hint=f"To give {source or '(none)'!r} that name, run: socialproof accounts "
                f"rename {source or '(none)'!r} {target!r} --platform {plat}",
            )
    return platforms


def _repeat(value: str, n: int) -> Any:
    import pyarrow as pa

    return pa.array([value] * n, pa.string())


def account_name(text: str, *, allow_empty: bool = False) -> str:
    """``text`` as an account name (trimmed; ``(none)`` is the empty name where
    ``allow_empty``), or a :class:`UsageError` saying why it is not one."""
    name = text.strip()
    if name == "(none)" and allow_empty:
        return ""
    if not name or len(name) > 200 or any(ord(c) < 32 for c in name):
        raise UsageError(
            f"{text!r} is not an account name.",
            hint="Use the name as 'socialproof accounts' lists it (at most 200 characters).",
        )
    return name


def _accounts(con: duckdb.DuckDBPyConnection, platform: str) -> set[str]:
    parts = " UNION ".join(
        f"SELECT DISTINCT coalesce(account, '') FROM {name} WHERE platform = ?"
        for name in ACCOUNT_TABLES
    )
    rows = con.execute(parts, [platform] * len(ACCOUNT_TABLES)).fetchall()
    return {str(r[0]) for r in rows}


def _platforms_of(con: duckdb.DuckDBPyConnection, account: str) -> list[str]:
    parts = " UNION ".join(
        f"SELECT DISTINCT platform FROM {name} WHERE coalesce(account, '') = ?"
        for name in ACCOUNT_TABLES
    )
    params = [account] * len(ACCOUNT_TABLES)
    found = sorted(str(r[0]) for r in con.execute(parts, params).fetchall())
    if not found:
        raise NotFound(
            f"No account {account or '(none)'!r} in this workspace.",
            hint="'socialproof accounts' lists the accounts.",
        )
    return found


def _must_exist(account: str, accounts: set[str], platform: str) -> None:
    if account in accounts:
        return
    known = ", ".join(sorted(a or "(none)" for a in accounts)) or "none"
    raise NotFound(
        f"No {platform} account {account or '(none)'!r} in this workspace "
        f"({platform} accounts: {known}).",
        hint="'socialproof accounts' lists the accounts per platform.",
    )


def _count(con: duckdb.DuckDBPyConnection, name: str, platform: str, account: str) -> int:
    row = con.execute(
        f"SELECT count(*) FROM {name} WHERE platform = ? AND coalesce(account, '') = ?",
        [platform, account],
    ).fetchone()
    return int(row[0]) if row else 0
