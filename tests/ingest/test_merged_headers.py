"""Spreadsheets whose header uses merged cells (a group row, a cell merged down).

Three posts, by hand: views 1000 + 3000 + 500 = 4500, reach 800 + 2500 + 450 = 3750,
likes 50 + 150 + 20 = 220. Before, a row of merged group labels ('Post' over A:G,
'Performance' over H:L) was read as the header (the file refused), and a header whose
names sit in two rows (ids merged down over both, the figures' names under their groups)
imported its posts with no figure at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

HEADER = [
    "Post ID",
    "Account username",
    "Description",
    "Publish time",
    "Permalink",
    "Post type",
    "Date",
    "Views",
    "Reach",
    "Likes",
    "Comments",
    "Shares",
]
ROWS = [
    ["101", "acme", "a", "03/02/2026 09:15", "https://www.instagram.com/p/A1/", "IG image"],
    ["102", "acme", "b", "03/03/2026 09:15", "https://www.instagram.com/p/A2/", "IG reel"],
    ["103", "acme", "c", "03/04/2026 09:15", "https://www.instagram.com/p/A3/", "IG image"],
]
FIGURES = [[1000, 800, 50, 5, 2], [3000, 2500, 150, 15, 6], [500, 450, 20, 1, 0]]


def _book(path: Path, layout: str) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    if layout == "groups":
        ws.append(["Post", *[None] * 6, "Performance", *[None] * 4])
        ws.merge_cells("A1:G1")
        ws.merge_cells("H1:L1")
        ws.append(HEADER)
    else:  # the ids merged down over two rows, the figures named under their groups
        ws.append([*HEADER[:7], "Delivery", None, "Engagement", None, None])
        ws.append([*[None] * 7, *HEADER[7:]])
        for col in range(1, 8):
            ws.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
        ws.merge_cells("H1:I1")
        ws.merge_cells("J1:L1")
    for row, figures in zip(ROWS, FIGURES, strict=True):
        ws.append([*row, "Lifetime", *figures])
    wb.save(path)
    return path


@pytest.mark.parametrize("layout", ["groups", "two rows"])
def test_a_merged_header_gives_every_figure(workspace: Any, tmp_path: Path, layout: str) -> None:
    from socialproof.ingest.importer import import_paths
    from socialproof.workspace import engine

    [s] = import_paths(workspace, [_book(tmp_path / "posts.xlsx", layout)])
    assert s.status == "imported", s.error
    assert (s.inserted, s.rejected) == (3, 0)
    with workspace.connect(read_only=True) as con:
        [row] = engine.query_rows(
            con, "SELECT count(*), sum(views), sum(reach), sum(reactions) FROM posts"
        )
    assert tuple(row) == (3, 4500, 3750, 220)


def test_a_title_merged_across_the_sheet_stays_a_title(tmp_path: Path) -> None:
    import openpyxl

    from socialproof.ingest.sheets import read_xlsx

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["All posts data for Acme"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    ws.append([*ROWS[0], "Lifetime", *FIGURES[0]])
    wb.save(tmp_path / "t.xlsx")
    [frame] = read_xlsx(tmp_path / "t.xlsx", "t.xlsx").frames
    assert frame.title_lines == ["All posts data for Acme"]
    assert frame.header[:2] == ["Post ID", "Account username"]


@pytest.mark.parametrize("name", ["posts_groups.xls", "posts_two_rows.xls"])
def test_an_old_xls_with_a_merged_header_gives_every_figure(
    workspace: Any, tmp_path: Path, name: str
) -> None:
    # the same layouts saved as old binary .xls (tests/data/ingest/make_fixtures.py):
    # before, the group row was the header (refused) and the two rows' figures were lost
    from socialproof.ingest.importer import import_paths
    from socialproof.workspace import engine

    from ._formats import DATA

    [s] = import_paths(workspace, [DATA / "merged" / name])
    assert s.status == "imported", s.error
    assert (s.inserted, s.rejected) == (3, 0)
    with workspace.connect(read_only=True) as con:
        [row] = engine.query_rows(
            con, "SELECT count(*), sum(views), sum(reach), sum(reactions) FROM posts"
        )
    assert tuple(row) == (3, 4500, 3750, 220)
