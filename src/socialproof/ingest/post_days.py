"""A post's stored days add up to its figures (exports with one row per post and day).

A Business Suite export by day (one row per post and day, the day in 'Date') gives a
window of days: 1-7 March, then 8-14 March, or an overlapping 5-12 March. The days are
kept in ``post_daily`` (one row per post, day and figure; a day in two exports is one
row, merged like any row: the newer export's figures win) and the post's figures in
``posts`` are worked out from every stored day of the post, whichever import brought
it: the counts (views, reactions, clicks, ...) are summed over the days, each day once,
and reach, which does not add up (one person reached on two days is one person), is the
largest day's. The post's row belongs to the newest import among its days, so undoing
one import takes its days away and leaves the post with the others' (:func:`mark`,
:func:`keep_posts`, :func:`add_up`).

A lifetime export of the post (one row per post: the platform's own totals, reach
exact) wins over its days in either order: imported after them, its figures replace the
days' sums whatever the exports' dates (:func:`split_over_days`); imported before, an
export by day stores its days beside them and leaves the figures (:func:`figures_without_days`).
Undoing the lifetime export gives the post back its days' sums.

YouTube's per-video chart data is in ``post_daily`` too, but it charts a window of a
video whose lifetime figures come from Table data: only the formats in
:data:`FORMATS` make up the posts' figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socialproof.metrics.views import DAY_FORMATS

if TYPE_CHECKING:
    import pyarrow as pa

#: formats whose day rows make up the posts' figures (kept beside the posts view's floors)
FORMATS = DAY_FORMATS
#: posts figures worked out from the days: summed, or the largest day's
SUMMED = (
    "impressions",
    "views",
    "reactions",
    "comments",
    "shares",
    "saves",
    "clicks",
    "link_clicks",
    "profile_visits",
    "follows",
    "engagements",
    "video_views",
    "video_completions",
    "watch_time_s",
)
LARGEST = ("reach",)
_KEY = ("platform", "account", "post_id")
_LIFETIME_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS _lifetime "
    "(platform VARCHAR, account VARCHAR, post_id VARCHAR, import_id VARCHAR)"
)


def split_posts(posts: pa.Table, days: pa.Table | None) -> tuple[pa.Table, pa.Table | None]:
    """(posts without days in this file, posts with days, their figures left out).

    The figures of a post with days are worked out by :func:`add_up` after the merge;
    merged as they are, a window of other days would replace (or, being older, be
    refused in favour of) the stored window instead of adding to it.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if days is None or not days.num_rows:
        return posts, None
    keys = pc.binary_join_element_wise(*(posts[k].cast(pa.string()) for k in _KEY), "\x1f")
    with_days = pc.binary_join_element_wise(
        *(days[k].cast(pa.string()) for k in _KEY), "\x1f"
    ).unique()
    mask = pc.is_in(keys, value_set=with_days).fill_null(False)
    figures = [c for c in (*SUMMED, *LARGEST) if c in posts.column_names]
    return posts.filter(pc.invert(mask)), posts.filter(mask).drop_columns(figures)


def figures_without_days(con: Any, posts: pa.Table) -> int:
    """How many of ``posts`` (with days in the file being imported) are stored with
    figures from an import that holds none of their days: a lifetime export (or an
    export by day imported before days were kept). Those figures, the platform's own
    totals, are kept (:func:`add_up` leaves them): the posts are remembered with their
    import in ``_lifetime`` (the merge may give the row to this import).
    """
    con.register("_with_days", posts.select(list(_KEY)))
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _lifetime AS
            SELECT p.platform, p.account, p.post_id, p.import_id
            FROM posts p JOIN _with_days w ON {_on("p", "w")}
            WHERE NOT EXISTS (
              SELECT 1 FROM post_daily d
              WHERE {_on("d", "p")} AND d.import_id = p.import_id)
            """
        )
    finally:
        con.unregister("_with_days")
    row = con.execute("SELECT count(*) FROM _lifetime").fetchall()
    return int(row[0][0]) if row else 0


def split_over_days(con: Any, posts: pa.Table) -> tuple[pa.Table, pa.Table]:
    """``posts`` (without days in the file being imported: a lifetime export) as (those
    not stored from days, those stored with figures added up from their days).

    The file's figures, the platform's own totals, replace the days' sums whatever the
    dates of the exports (the caller merges the second part as the newer).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    con.register("_no_days", posts.select(list(_KEY)))
    try:
        found = con.execute(
            f"""
            SELECT p.platform, p.account, p.post_id FROM posts p
            JOIN _no_days w ON {_on("p", "w")}
            WHERE EXISTS (
              SELECT 1 FROM post_daily d JOIN imports i ON i.import_id = d.import_id
              WHERE {_on("d", "p")} AND d.import_id = p.import_id AND {_ours("i")})
            """
        ).fetchall()
    finally:
        con.unregister("_no_days")
    if not found:
        return posts, posts.slice(0, 0)
    keys = pc.binary_join_element_wise(*(posts[k].cast(pa.string()) for k in _KEY), "\x1f")
    over = pa.array(["\x1f".join(str(v) for v in row) for row in found], pa.string())
    mask = pc.is_in(keys, value_set=over).fill_null(False)
    return posts.filter(pc.invert(mask)), posts.filter(mask)


def mark(con: Any, import_id: str, *, importing: bool = False) -> None:
    """Remember the posts that import ``import_id`` brought days of (``_day_posts``).

    ``importing``: the import is being written (its ``imports`` row is not there yet).
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _day_posts AS "
        "SELECT DISTINCT d.platform, d.account, d.post_id FROM post_daily d "
        f"LEFT JOIN imports i ON i.import_id = d.import_id WHERE d.import_id = ? "
        f"AND ({_ours('i')}{' OR i.import_id IS NULL' if importing else ''}) "
        # and the posts whose row it holds that have days in others (a lifetime export
        # over days: undone, the post goes back to its days)
        "UNION SELECT p.platform, p.account, p.post_id FROM posts p WHERE p.import_id = ? "
        "AND EXISTS (SELECT 1 FROM post_daily d JOIN imports i ON i.import_id = d.import_id "
        f"WHERE {_on('d', 'p')} AND d.import_id <> ? AND {_ours('i')})",
        [import_id, import_id, import_id],
    )


def keep_posts(con: Any, import_id: str) -> None:
    """Before undoing ``import_id``: its marked posts that keep days from other imports
    pass to the newest of those imports, so the undo removes the days, not the post."""
    con.execute(
        f"""
        UPDATE posts SET import_id = o.newest FROM (
          SELECT d.platform, d.account, d.post_id, arg_max(d.import_id, i.imported_at) AS newest
          FROM post_daily d JOIN _day_posts k USING ({", ".join(_KEY)})
          JOIN imports i ON i.import_id = d.import_id
          WHERE d.import_id <> ?
          GROUP BY ALL) o
        WHERE posts.import_id = ? AND {_on("posts", "o")}
        """,
        [import_id, import_id],
    )


def add_up(con: Any, importing: str | None = None) -> tuple[int, int, str | None, str | None]:
    """Work out the marked posts' figures from all their stored days; drops the mark.

    ``importing``: the import being written, the newest, whose ``imports`` row is not
    there yet. Returns (posts worked out, those with days from more than one import,
    first day, last day of those). A figure no day has keeps its stored value.
    """
    from socialproof.workspace.schema import POSTS

    figures = [
        f"CAST(sum(d.value) FILTER (WHERE d.metric = '{c}') AS {POSTS.columns[c]}) AS \"{c}\""
        for c in SUMMED
    ] + [
        f"CAST(max(d.value) FILTER (WHERE d.metric = '{c}') AS {POSTS.columns[c]}) AS \"{c}\""
        for c in LARGEST
    ]
    newest = "coalesce(i.imported_at, TIMESTAMP 'infinity')"
    sets = ", ".join(f'"{c}" = coalesce(s."{c}", posts."{c}")' for c in (*SUMMED, *LARGEST))
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _day_sums AS
            SELECT d.platform, d.account, d.post_id, {", ".join(figures)},
                   arg_max(d.import_id, {newest}) AS newest,
                   count(DISTINCT d.import_id) AS imports, min(d.date) AS first,
                   max(d.date) AS last
            FROM post_daily d JOIN _day_posts k USING ({", ".join(_KEY)})
            LEFT JOIN imports i ON i.import_id = d.import_id
            WHERE {_ours("i")} OR d.import_id = ?
            GROUP BY ALL
            """,
            [importing or ""],
        )
        # a post stored from an import without its days (a lifetime export) keeps those
        # figures, the platform's own totals, and its import
        con.execute(_LIFETIME_TABLE)
        con.execute(
            f"DELETE FROM _day_sums s WHERE EXISTS (SELECT 1 FROM _lifetime k "
            f"WHERE {_on('k', 's')}) OR EXISTS (SELECT 1 FROM posts p WHERE {_on('p', 's')} "
            "AND p.import_id IS DISTINCT FROM ? AND NOT EXISTS (SELECT 1 FROM post_daily d "
            f"WHERE {_on('d', 'p')} AND d.import_id = p.import_id))",
            [importing or ""],
        )
        con.execute(
            f"UPDATE posts SET import_id = k.import_id FROM _lifetime k WHERE {_on('posts', 'k')}"
        )
        con.execute(
            f"UPDATE posts SET {sets}, import_id = s.newest FROM _day_sums s "
            f"WHERE {_on('posts', 's')}"
        )
        row = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE imports > 1), "
            "CAST(min(first) FILTER (WHERE imports > 1) AS VARCHAR), "
            "CAST(max(last) FILTER (WHERE imports > 1) AS VARCHAR) FROM _day_sums"
        ).fetchall()[0]
    finally:
        con.execute("DROP TABLE IF EXISTS _day_sums")
        con.execute("DROP TABLE IF EXISTS _day_posts")
        con.execute("DROP TABLE IF EXISTS _lifetime")
    assert row is not None
    return int(row[0]), int(row[1]), row[2], row[3]


def note(several: int, first: str | None, last: str | None) -> str | None:
    """The import's note on posts whose days came from more than one import."""
    if not several:
        return None
    return (
        f"{several:,} post(s) also have days from other imports ({first} to {last} in "
        "all): their views, reactions, clicks and other counts are the sums over every "
        "stored day, each day once, and their reach is the largest day's (the reach over "
        "all the days is at least that)."
    )


def kept_note(count: int) -> str | None:
    """The import's note on posts whose stored figures come from a lifetime export."""
    if not count:
        return None
    return (
        f"{count:,} post(s) have figures from an import without their days (a lifetime "
        "export): those figures, the platform's own totals, are kept, and this file's days "
        "are stored beside them. To have the days' sums instead, undo that import. (An "
        "export by day imported before days were kept reads the same way: undo it and "
        "import it again to add its days up.)"
    )


def replaced_note(count: int) -> str | None:
    """The import's note on posts whose figures added up from days a lifetime export
    replaces."""
    if not count:
        return None
    return (
        f"{count:,} post(s) had figures added up from an export by day: this file's figures "
        "(one row per post, the platform's own totals) replace them, and reach is exact "
        "again. Their days stay stored; to go back to the days' sums, undo this import."
    )


def _ours(imports: str) -> str:
    """The condition on an ``imports`` row: its format's days make up posts' figures."""
    return f"{imports}.format IN ({', '.join(repr(f) for f in FORMATS)})"


def _on(left: str, right: str) -> str:
    return " AND ".join(f'{left}."{k}" = {right}."{k}"' for k in _KEY)
