"""Whose data a row is: every row of posts, account_daily and ad_stats names its account.

The account comes, in this order, from the file (an account column, or the handle
inside a permalink such as ``https://x.com/<handle>/status/<id>``), from
``import --account NAME``, from the setting ``brand.accounts.<platform>``, and
last from the workspace when it holds exactly one account on that platform.
Otherwise the file is refused with a one-line question: guessing would merge two
creators into one account and their totals with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialproof.errors import NoAccount
from socialproof.workspace.schema import ACCOUNT_TABLES

if TYPE_CHECKING:
    from collections.abc import Mapping

    import duckdb
    import pyarrow as pa

#: handles that permalinks carry, per URL shape (the first group is the handle)
_PERMALINK_HANDLES = (
    r"(?i)^(?:https?://)?(?:www\.|mobile\.|m\.)?(?:x|twitter)\.com/(?P<h>[A-Za-z0-9_]{1,15})/status/",
    r"(?i)^(?:https?://)?(?:www\.|m\.)?tiktok\.com/@(?P<h>[A-Za-z0-9_.]{1,40})(?:/|$)",
    r"(?i)^(?:https?://)?(?:www\.|m\.)?youtube\.com/@(?P<h>[A-Za-z0-9_.\-]{1,40})(?:/|$)",
    r"(?i)^(?:https?://)?(?:www\.)?linkedin\.com/company/(?P<h>[A-Za-z0-9_\-]{1,100})(?:/|$)",
)
_NOT_HANDLES = {"i", "intent", "home", "share", "search", "hashtag"}


def handles_from_permalinks(permalinks: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The account handle inside each permalink (lower case), or null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    links = pc.utf8_trim_whitespace(permalinks.cast(pa.string()))
    found: pa.Array = pa.nulls(len(links), pa.string())
    for pattern in _PERMALINK_HANDLES:
        hit = pc.struct_field(pc.extract_regex(links, pattern), "h")
        found = pc.coalesce(found, hit)
    found = pc.utf8_lower(found)
    bad = pc.is_in(found, value_set=pa.array(sorted(_NOT_HANDLES)))
    return pc.if_else(bad.fill_null(False), pa.scalar(None, pa.string()), found)


def stored_accounts(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The workspace's accounts per platform (non-empty names), sorted."""
    parts = " UNION ".join(
        f"SELECT DISTINCT platform, account FROM {name} WHERE coalesce(account, '') <> ''"
        for name in ACCOUNT_TABLES
    )
    out: dict[str, list[str]] = {}
    for platform, account in con.execute(f"SELECT * FROM ({parts}) ORDER BY 1, 2").fetchall():
        out.setdefault(str(platform), []).append(str(account))
    return out


def assign_accounts(
    tables: dict[str, pa.Table],
    *,
    display_name: str,
    given: str | None,
    declared: Mapping[str, str],
    stored: Mapping[str, list[str]] | None,
) -> tuple[dict[str, pa.Table], list[str]]:
    """Fill every row's account; returns the tables and notes for the user.

    ``given`` is ``--account``; ``declared`` the setting ``brand.accounts``; ``stored``
    the workspace's accounts per platform, or None while the run has not finished the
    files that name their accounts (a refusal then only defers the file).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    given = (given or "").strip().lstrip("@") or None
    notes: list[str] = []
    out = dict(tables)
    # 1. what the file says: account columns, then handles inside permalinks
    for name in ACCOUNT_TABLES:
        table = out.get(name)
        if table is None or table.num_rows == 0:
            continue
        if "account" in table.column_names:
            account = pc.utf8_trim_whitespace(table["account"].cast(pa.string())).fill_null("")
        else:
            account = pa.array([""] * table.num_rows, pa.string())
        if name == "posts" and "permalink" in table.column_names:
            handles = handles_from_permalinks(table["permalink"])
            open_ = pc.equal(account, "")
            if given is not None:
                open_ = pc.or_(open_, pc.equal(account, given))
            use = pc.and_(open_, pc.is_valid(handles))
            if (
                given is not None
                and pc.any(
                    pc.and_(use, pc.not_equal(handles, given.casefold())).fill_null(False)
                ).as_py()
            ):
                notes.append(
                    f"{display_name} names its account in its links; --account {given} "
                    "was used only for rows that name none."
                )
            account = pc.if_else(use.fill_null(False), handles, account)
        out[name] = _set(table, "account", account)
    # 2. rows the file leaves without an account
    named: dict[str, set[str]] = {}
    blank_platforms: set[str] = set()
    for name in ACCOUNT_TABLES:
        table = out.get(name)
        if table is None or table.num_rows == 0:
            continue
        pairs = table.select(["platform", "account"]).group_by(["platform", "account"])
        for row in pairs.aggregate([]).to_pylist():
            key, account = str(row["platform"] or ""), row["account"]
            if account:
                named.setdefault(key, set()).add(str(account))
            else:
                blank_platforms.add(key)
    notes.extend(_maybe_same_account(display_name, named, stored))
    choice: dict[str, str] = {}
    for platform in sorted(blank_platforms):
        choice[platform] = _choose(
            platform, display_name, named.get(platform, set()), given, declared, stored
        )
        if not named.get(platform) and given is None and not declared.get(platform, "").strip():
            file = display_name.split("!")[-1].rsplit("/", 1)[-1]
            notes.append(
                f"{file} does not say whose it is: its {platform} rows went to "
                f"{choice[platform]}, the workspace's only {platform} account. If it is "
                "another account's, undo this import and import it again with --account NAME."
            )
    for name in ACCOUNT_TABLES if choice else ():
        table = out.get(name)
        if table is None or table.num_rows == 0:
            continue
        account = table["account"]
        platform = table["platform"].cast(pa.string()).fill_null("")
        fill = pa.array([""] * table.num_rows, pa.string())
        for p, a in choice.items():
            fill = pc.if_else(pc.equal(platform, p), a, fill)
        account = pc.if_else(pc.equal(account, ""), fill, account)
        out[name] = _set(table, "account", account)
    return _days_follow_posts(out), notes


def _maybe_same_account(
    display_name: str, named: Mapping[str, set[str]], stored: Mapping[str, list[str]] | None
) -> list[str]:
    """A note where the file names one account of a platform and the workspace holds
    exactly one other: perhaps the same account under another name (an Instagram export
    naming it by 'Account name' where another gave 'Account username', a Facebook page
    renamed). Never merged without asking: it may as well be a second account."""
    notes: list[str] = []
    file = display_name.split("!")[-1].rsplit("/", 1)[-1]
    for platform, names in sorted(named.items()):
        known = [] if stored is None else list(stored.get(platform, []))
        if len(names) != 1 or len(known) != 1:
            continue
        (name,) = names
        if name.casefold() == known[0].casefold():
            continue
        notes.append(
            f"{file} names its {platform} account {name!r}; the workspace's only other "
            f"{platform} account is {known[0]!r}. If they are the same account (exports "
            "name it by username or by display name; a page may be renamed), merge them: "
            f"socialproof accounts merge {_quoted(name)} {_quoted(known[0])} "
            f"--platform {platform}"
        )
    return notes


def _quoted(name: str) -> str:
    """A name as a shell argument: quoted when it holds anything but plain characters."""
    import shlex

    return shlex.quote(name)


def _days_follow_posts(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """A post's days in the same file (``post_daily``) get the post's account.

    The posts' account may come from their permalinks, which the day rows do not have.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    posts, days = tables.get("posts"), tables.get("post_daily")
    if posts is None or days is None or not posts.num_rows or not days.num_rows:
        return tables
    key = ["platform", "post_id"]
    found = (
        posts.select([*key, "account"])
        .group_by(key, use_threads=False)
        .aggregate([("account", "min")])
        .rename_columns([*key, "_post_account"])
    )
    joined = days.append_column("_order", pa.array(range(days.num_rows), pa.int64())).join(
        found, key, join_type="left outer", use_threads=False
    )
    joined = joined.sort_by("_order")
    account = pc.coalesce(joined["_post_account"], joined["account"])
    out = dict(tables)
    out["post_daily"] = _set(
        joined.drop_columns(["_order", "_post_account"]).select(days.column_names),
        "account",
        account,
    )
    return out


def account_for_unnamed(
    platform: str,
    *,
    display_name: str,
    given: str | None,
    declared: Mapping[str, str],
    stored: Mapping[str, list[str]] | None,
) -> str:
    """The account :func:`assign_accounts` gives the rows of ``platform`` in a file that
    names no account at all (raises as it does when it cannot choose)."""
    given = (given or "").strip().lstrip("@") or None
    return _choose(platform, display_name, set(), given, declared, stored)


def _choose(
    platform: str,
    display_name: str,
    named: set[str],
    given: str | None,
    declared: Mapping[str, str],
    stored: Mapping[str, list[str]] | None,
) -> str:
    if len(named) == 1:
        return next(iter(named))  # the file names one account elsewhere: the same one
    known = [] if stored is None else list(stored.get(platform, []))
    if given is not None:
        return _spelled_as_stored(given, known)
    if declared.get(platform, "").strip():
        return _spelled_as_stored(declared[platform].strip().lstrip("@"), known)
    if stored is not None and len(known) == 1:
        return known[0]
    file = display_name.split("!")[-1].rsplit("/", 1)[-1]
    what = platform or "this platform"
    if named:
        have = (
            f"it names several {what} accounts ({', '.join(sorted(named))}) but not for every row"
        )
    elif known:
        have = f"this workspace has {what} accounts: {', '.join(known)}"
    else:
        have = f"this workspace has no {what} account yet"
    error = NoAccount(
        f"{file} does not say which {what} account it belongs to ({have}).",
        hint=f"Pass --account NAME, or set brand.accounts.{platform or 'PLATFORM'} "
        "in socialproof.toml.",
    )
    error.deferrable = stored is None
    raise error


def _spelled_as_stored(name: str, known: list[str]) -> str:
    """'AcmeHome' given for the stored 'acmehome' (handles ignore case): the stored one."""
    same = [k for k in known if k.casefold() == name.casefold()]
    return same[0] if len(same) == 1 else name


def _set(table: pa.Table, name: str, values: pa.Array | pa.ChunkedArray) -> pa.Table:
    if name in table.column_names:
        return table.set_column(table.column_names.index(name), name, values)
    return table.append_column(name, values)
