"""Property: however the same rows are split into files, repeated, thinned out (cells
left empty by an "update" export) and ordered, the imported tables are the same."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialproof.ingest.importer import import_paths
from socialproof.workspace import Workspace
from socialproof.workspace.settings import settings_from_dict

HEADER = (
    "Post ID,Account ID,Account username,Account name,Description,Duration (sec),"
    "Publish time,Permalink,Post type,Data comment,Date,Views,Reach,Likes,Shares,Follows,"
    "Comments,Saves,Custom labels"
)
# two Instagram accounts, eight posts; the cells an update may leave empty are the figures
ROWS = [
    ["18100000001", "1784", "north.cafe", "North Cafe", "Fixture: new menu", "0",
     "02/02/2026 08:00", "https://www.instagram.com/p/FIX0001/", "IG image", "", "Lifetime",
     "1200", "950", "80", "4", "2", "9", "11", ""],
    ["18100000002", "1784", "north.cafe", "North Cafe", "Fixture: latte art", "15",
     "02/04/2026 09:30", "https://www.instagram.com/reel/FIX0002/", "IG reel", "", "Lifetime",
     "5400", "4100", "310", "25", "12", "30", "44", ""],
    ["18100000003", "1784", "north.cafe", "North Cafe", "Fixture: team day", "0",
     "02/09/2026 17:15", "https://www.instagram.com/p/FIX0003/", "IG carousel", "", "Lifetime",
     "800", "640", "52", "1", "0", "3", "5", ""],
    ["18100000004", "1784", "north.cafe", "North Cafe", "Fixture: closed Monday", "0",
     "02/16/2026 12:00", "https://www.instagram.com/p/FIX0004/", "IG image", "", "Lifetime",
     "300", "280", "12", "0", "0", "1", "0", ""],
    ["18200000001", "1785", "south.bakes", "South Bakes", "Fixture: sourdough", "0",
     "02/03/2026 07:45", "https://www.instagram.com/p/FIX0101/", "IG image", "", "Lifetime",
     "2100", "1700", "140", "9", "6", "14", "20", ""],
    ["18200000002", "1785", "south.bakes", "South Bakes", "Fixture: oven tour", "42",
     "02/06/2026 14:10", "https://www.instagram.com/reel/FIX0102/", "IG reel", "", "Lifetime",
     "9900", "7300", "620", "48", "21", "55", "90", ""],
    ["18200000003", "1785", "south.bakes", "South Bakes", "Fixture: pastry box", "0",
     "02/12/2026 10:05", "https://www.instagram.com/p/FIX0103/", "IG carousel", "", "Lifetime",
     "1500", "1200", "95", "3", "2", "8", "16", ""],
    ["18200000004", "1785", "south.bakes", "South Bakes", "Fixture: thank you", "0",
     "02/20/2026 19:40", "https://www.instagram.com/p/FIX0104/", "IG image", "", "Lifetime",
     "650", "600", "40", "2", "1", "4", "3", ""],
]  # fmt: skip
FIGURES = range(11, 18)  # Views .. Saves
FILES = 3
_SNAPSHOT = "SELECT * EXCLUDE (import_id) FROM posts ORDER BY platform, account, post_id"


def _csv(rows: list[list[str]]) -> str:
    return "\n".join([HEADER, *(",".join(r) for r in rows)]) + "\n"


def _import(files: list[str]) -> list[tuple[Any, ...]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = Workspace.init(root / "ws", settings=settings_from_dict({"timezone": "UTC"}))
        paths = []
        for k, text in enumerate(files):
            path = root / f"export{k}.csv"
            path.write_text(text, encoding="utf-8")
            os.utime(path, (1_772_000_000, 1_772_000_000))  # one export time: no file newer
            paths.append(path)
        summaries = import_paths(ws, paths)
        assert all(s.status == "imported" for s in summaries), [s.error for s in summaries]
        with ws.connect() as con:
            return [tuple(r) for r in con.execute(_SNAPSHOT).fetchall()]


_REFERENCE: list[list[tuple[Any, ...]]] = []


def _reference() -> list[tuple[Any, ...]]:
    if not _REFERENCE:
        _REFERENCE.append(_import([_csv(ROWS)]))
    return _REFERENCE[0]


@st.composite
def _split(draw: st.DrawFn) -> list[str]:
    """Each row in one to three files: the first copy whole, the others maybe thinned."""
    files: list[list[list[str]]] = [[] for _ in range(FILES)]
    for row in ROWS:
        homes = draw(st.lists(st.integers(0, FILES - 1), min_size=1, max_size=3, unique=True))
        for n, home in enumerate(homes):
            copy = list(row)
            if n:
                for col in draw(st.sets(st.sampled_from(list(FIGURES)))):
                    copy[col] = ""
            files[home].append(copy)
    for rows in files:
        draw(st.randoms()).shuffle(rows)
    order = draw(st.permutations([r for r in files if r]))
    return [_csv(rows) for rows in order]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_split())
def test_any_split_and_order_gives_the_same_tables(files: list[str]) -> None:
    assert _import(files) == _reference()


def test_reference_holds_the_hand_added_totals() -> None:
    rows = _reference()
    assert len(rows) == 8
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.init(Path(tmp) / "ws", settings=settings_from_dict({"timezone": "UTC"}))
        path = Path(tmp) / "all.csv"
        path.write_text(_csv(ROWS), encoding="utf-8")
        import_paths(ws, [path])
        with ws.connect() as con:
            totals = con.execute(
                "SELECT account, sum(views), sum(reach), sum(reactions) FROM posts "
                "GROUP BY 1 ORDER BY 1"
            ).fetchall()
    # north.cafe: views 1200+5400+800+300, reach 950+4100+640+280, likes 80+310+52+12
    # south.bakes: views 2100+9900+1500+650, reach 1700+7300+1200+600, likes 140+620+95+40
    assert totals == [("north.cafe", 7700, 5970, 454), ("south.bakes", 14150, 10800, 895)]


_FIGURE_NAMES = {11: "views", 12: "reach", 13: "reactions", 14: "shares", 15: "follows",
                 16: "comments", 17: "saves"}  # fmt: skip


def _expected(old: dict[str, list[str]], new: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """The rule, written out independently: per figure, the newer export's value unless it
    is empty, or 0 against a value; posts in one export only keep that export's figures."""
    out: dict[str, dict[str, int]] = {}
    for post in sorted(set(old) | set(new)):
        figures: dict[str, int] = {}
        for col, name in _FIGURE_NAMES.items():
            a = old[post][col] if post in old else ""
            b = new[post][col] if post in new else ""
            if b == "" or (b == "0" and a not in ("", "0")):
                value = a
            else:
                value = b
            if value != "":
                figures[name] = int(value)
        out[post] = figures
    return out


@st.composite
def _two_exports(draw: st.DrawFn) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """An older and a newer export of overlapping posts, with blanks, zeros and changes."""
    old: dict[str, list[str]] = {}
    new: dict[str, list[str]] = {}
    for row in ROWS:
        where = draw(st.sampled_from(["old", "new", "both"]))
        for side, target in (("old", old), ("new", new)):
            if where not in (side, "both"):
                continue
            copy = list(row)
            for col in FIGURES:
                copy[col] = draw(
                    st.sampled_from([row[col], row[col], "", "0", str(int(row[col]) + 7)])
                )
            target[row[0]] = copy
    return old, new


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_two_exports(), st.booleans())
def test_the_newer_export_wins_figure_by_figure_in_either_order(
    exports: tuple[dict[str, list[str]], dict[str, list[str]]], newer_first: bool
) -> None:
    old, new = exports
    files = {"old": _csv(list(old.values())), "new": _csv(list(new.values()))}
    order = ["new", "old"] if newer_first else ["old", "new"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = Workspace.init(root / "ws", settings=settings_from_dict({"timezone": "UTC"}))
        for name in order:
            if not (old if name == "old" else new):
                continue
            path = root / f"{name}.csv"
            path.write_text(files[name], encoding="utf-8")
            stamp = 1_772_000_000 + (86_400 if name == "new" else 0)
            os.utime(path, (stamp, stamp))
            [s] = import_paths(ws, [path])
            assert s.status == "imported", s.error
        columns = ", ".join(_FIGURE_NAMES.values())
        with ws.connect() as con:
            stored = con.execute(f"SELECT post_id, {columns} FROM posts").fetchall()
    got = {
        str(r[0]): {
            n: int(v) for n, v in zip(_FIGURE_NAMES.values(), r[1:], strict=True) if v is not None
        }
        for r in stored
    }
    assert got == _expected(old, new)
