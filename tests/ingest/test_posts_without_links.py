"""Posts exported without a link are told apart by their time and title, not the title.

TikTok Studio's content export and LinkedIn's may come without links. Before, the title
was the post's id: two videos called 'Morning routine' were one post (one kept, the
other a conflict) and untitled videos were rejected ('no post id'), so 5 videos with
28,700 views were reported as 2 with 9,200. The figures below are the files' own cells
added up by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _import(ws: Any, path: Path) -> Any:
    from socialproof.ingest.importer import import_paths, read_context

    [s] = import_paths(ws, [path], ctx=read_context(ws, account="acme"))
    assert s.status == "imported", s.error
    return s


def _totals(ws: Any, platform: str) -> tuple[Any, ...]:
    from socialproof.workspace import engine

    with ws.connect(read_only=True) as con:
        [row] = engine.query_rows(
            con,
            "SELECT count(*), sum(views), sum(impressions), sum(reactions) FROM posts "
            "WHERE platform = ?",
            [platform],
        )
    return tuple(row)


def test_tiktok_videos_sharing_a_title_or_without_one_stay_apart(workspace, tmp_path) -> None:
    path = tmp_path / "Content.csv"
    path.write_text(
        "Time,Video title,Total views,Total likes,Total comments,Total shares\n"
        "2026-03-02 18:00,Morning routine,12000,900,40,12\n"
        "2026-03-05 18:00,Morning routine,8000,500,20,5\n"
        "2026-03-07 12:00,,3000,100,3,1\n"
        "2026-03-09 12:00,,4500,150,8,2\n"
        '2026-03-10 20:00,"Q&A, part 2",1200,1050,0,3\n',
        encoding="utf-8",
    )
    s = _import(workspace, path)
    assert (s.inserted, s.rejected, s.conflicts) == (5, 0, 0)
    # views 12000 + 8000 + 3000 + 4500 + 1200; likes 900 + 500 + 100 + 150 + 1050
    assert _totals(workspace, "tiktok") == (5, 28_700, None, 2_700)
    assert any("identified by their post time and title" in n for n in s.notes)
    later = tmp_path / "Content (1).csv"  # a later export: the same videos and one more
    later.write_text(
        path.read_text(encoding="utf-8") + "2026-03-12 09:00,Morning routine,100,1,0,0\n",
        encoding="utf-8",
    )
    again = _import(workspace, later)
    assert (again.inserted, _totals(workspace, "tiktok")[0]) == (1, 6)


def test_linkedin_posts_without_links_sharing_a_title_stay_apart(workspace, tmp_path) -> None:
    path = tmp_path / "content.csv"
    path.write_text(
        "Post title,Post link,Created date,Impressions,Clicks,Likes,Comments,Reposts,"
        "Engagement rate,Content Type\n"
        "We're hiring,,03/02/2026,1500,40,30,4,2,0.05,Image\n"
        "We're hiring,,03/09/2026,2500,60,50,9,5,0.05,Image\n"
        "Q1 results,https://www.linkedin.com/feed/update/urn:li:activity:7100000000000000002,"
        "03/10/2026,900,10,20,1,0,0.03,Text\n",
        encoding="utf-8",
    )
    s = _import(workspace, path)
    assert (s.inserted, s.rejected, s.conflicts) == (3, 0, 0)
    assert _totals(workspace, "linkedin") == (3, None, 4_900, 100)
