"""Identity, sameness and precedence on exports in the platforms' own layouts.

Every expected total below was added up by hand from the fixture files in
``tests/data/ingest/identity/``; none is computed by socialproof.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from socialproof.ingest.importer import import_paths, read_context, read_rejects
from socialproof.workspace import Workspace
from socialproof.workspace.settings import settings_from_dict

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest" / "identity"
X_ALPHA = DATA / "x_alpha" / "account_analytics_content_2026-03-01_2026-03-31.csv"
X_BETA = DATA / "x_beta" / "account_analytics_content_2026-03-01_2026-03-31.csv"
TIKTOK_ONE = DATA / "tiktok_one" / "tiktok_Overview_20260401-20260403.csv"
TIKTOK_TWO = DATA / "tiktok_two" / "tiktok_Overview_20260401-20260403.csv"


def _ws(root: Path, **brand: Any) -> Workspace:
    settings = settings_from_dict({"owner": "Test", "timezone": "UTC", "brand": brand})
    return Workspace.init(root, settings=settings)


def _exported(src: Path, folder: Path, when: str, name: str | None = None) -> Path:
    """A copy of ``src`` whose modification time says when it was exported."""
    folder.mkdir(parents=True, exist_ok=True)
    dst = folder / (name or src.name)
    shutil.copyfile(src, dst)
    stamp = datetime.fromisoformat(when).replace(tzinfo=UTC).timestamp()
    os.utime(dst, (stamp, stamp))
    return dst


def _one(ws: Workspace, sql: str) -> Any:
    with ws.connect() as con:
        row = con.execute(sql).fetchone()
    assert row is not None
    return row[0] if len(row) == 1 else row


def _rows(ws: Workspace, sql: str) -> list[tuple[Any, ...]]:
    with ws.connect() as con:
        return [tuple(r) for r in con.execute(sql).fetchall()]


# -- identity ----------------------------------------------------------------


def test_x_accounts_come_from_the_permalinks_and_never_merge(tmp_path: Path) -> None:
    for k, order in enumerate(itertools.permutations([X_ALPHA, X_BETA])):
        ws = _ws(tmp_path / f"ws{k}")
        summaries = import_paths(ws, list(order))
        assert [s.status for s in summaries] == ["imported", "imported"]
        assert _rows(
            ws,
            "SELECT account, count(*), sum(impressions), sum(reactions) FROM posts "
            "GROUP BY 1 ORDER BY 1",
        ) == [("alphaco", 3, 2450, 51), ("beta_maker", 2, 3700, 165)]


def test_a_file_without_an_account_is_refused_with_the_choice(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws")
    [s] = import_paths(ws, [TIKTOK_ONE])
    assert s.status == "failed"
    assert s.error is not None and "\n" not in s.error
    assert "--account" in s.error and "no tiktok account" in s.error
    assert _one(ws, "SELECT count(*) FROM account_daily") == 0


def test_two_creators_with_the_same_days_keep_their_own_views(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws")
    [one] = import_paths(ws, [TIKTOK_ONE], ctx=read_context(ws, account="creator.one"))
    assert one.status == "imported", one.error
    # the workspace now has one TikTok account: a second file without one goes there ...
    # ... unless the user names the other creator, which is what they must do here
    [two] = import_paths(ws, [TIKTOK_TWO], ctx=read_context(ws, account="creator.two"))
    assert two.status == "imported", two.error
    assert _rows(
        ws,
        "SELECT account, sum(value) FROM account_daily WHERE metric = 'views' "
        "GROUP BY 1 ORDER BY 1",
    ) == [("creator.one", 600.0), ("creator.two", 6000.0)]
    # with two TikTok accounts, a file that names none is refused and both are named
    other = _exported(TIKTOK_TWO, tmp_path / "again", "2026-04-04T10:00:00", "Overview.csv")
    with other.open("a", encoding="utf-8") as fh:
        fh.write("April 4,5,1,1,0,0\n")
    [refused] = import_paths(ws, [other])
    assert refused.status == "failed" and refused.error is not None
    assert "creator.one, creator.two" in refused.error


def test_the_only_account_of_a_platform_takes_files_that_name_none(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws", accounts={"tiktok": "creator.one"})
    [s] = import_paths(ws, [TIKTOK_ONE])
    assert s.status == "imported", s.error
    assert _rows(ws, "SELECT DISTINCT account FROM account_daily") == [("creator.one",)]


def test_a_file_given_to_the_only_stored_account_says_so(tmp_path: Path) -> None:
    # the workspace's only TikTok account (from the links of a content export) took an
    # Overview that names no account without a word: another creator's days could join
    # it unseen. The import says whose it became and how to give it to another account.
    from socialproof.web.hints import for_browser

    ws = _ws(tmp_path / "ws")
    content = tmp_path / "content.csv"
    content.write_text(
        "Time,Video title,Video link,Total views,Total likes\n"
        '"Mar 3, 2026",One,https://www.tiktok.com/@dana.cooks/video/7342000000000000001,10,1\n',
        encoding="utf-8",
    )
    [first] = import_paths(ws, [content])
    assert first.status == "imported", first.error
    [s] = import_paths(ws, [TIKTOK_ONE])
    assert s.status == "imported", s.error
    assert _rows(ws, "SELECT DISTINCT account FROM account_daily") == [("dana.cooks",)]
    [note] = [n for n in s.notes if "does not say whose it is" in n]
    assert "went to dana.cooks, the workspace's only tiktok account" in note
    words, _ = for_browser(note)
    assert "--account" not in words and "upload it again with its Account filled in" in words
    [named] = import_paths(
        ws,
        [_exported(TIKTOK_TWO, tmp_path / "two", "2026-04-05")],
        ctx=read_context(ws, account="other"),
    )
    assert not any("does not say whose it is" in n for n in named.notes)


def test_files_naming_their_account_go_first_whatever_the_order(tmp_path: Path) -> None:
    """An X overview names no account; in one run with the content export it takes the
    content's account, in either order (never refused for coming first)."""
    overview = tmp_path / "src" / "account_overview_analytics.csv"
    overview.parent.mkdir()
    overview.write_text(
        "Date,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Unfollows,Replies,"
        "Reposts,Profile visits,Create Post,Video views,Media views\n"
        '"Mon, Mar 02, 2026",1500,40,90,2,1,3,0,5,3,8,1,0,0\n'
        '"Tue, Mar 03, 2026",700,10,30,0,0,1,1,1,1,2,0,0,0\n',
        encoding="utf-8",
    )
    for k, order in enumerate([[overview, X_ALPHA], [X_ALPHA, overview]]):
        ws = _ws(tmp_path / f"ws{k}")
        summaries = import_paths(ws, order)
        assert all(s.status == "imported" for s in summaries), [s.error for s in summaries]
        assert _rows(ws, "SELECT DISTINCT account FROM account_daily") == [("alphaco",)]


def test_account_option_names_rows_the_file_leaves_unnamed_only(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws")
    [s] = import_paths(ws, [X_ALPHA], ctx=read_context(ws, account="someone-else"))
    assert s.status == "imported"
    assert _rows(ws, "SELECT DISTINCT account FROM posts") == [("alphaco",)]


# -- sameness -----------------------------------------------------------------


def test_truncated_campaign_names_are_three_campaigns_not_duplicates(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws")
    [s] = import_paths(ws, [DATA / "ads_truncated.csv"])
    assert s.status == "imported", s.error
    # 120.50 + 80.25 + 45.00 + 10.00, the summary row left out
    assert _one(ws, "SELECT round(sum(spend), 2), sum(impressions), count(*) FROM ad_stats") == (
        255.75,
        39000,
        4,
    )
    assert s.conflicts == 2 and s.rejected == 0
    assert s.rejects_file is not None
    reasons = [r["reason"] for r in read_rejects(s.rejects_file)]
    assert len(reasons) == 2 and all(r.startswith("conflict, kept") for r in reasons)
    assert any("2 conflicts" in n for n in s.notes)


def test_ids_identify_ads_whose_names_are_truncated_or_renamed(tmp_path: Path) -> None:
    for k, order in enumerate(
        itertools.permutations(
            [
                _exported(DATA / "ads_ids.csv", tmp_path / "a", "2026-02-05T08:00:00"),
                _exported(DATA / "ads_ids_renamed.csv", tmp_path / "b", "2026-02-06T08:00:00"),
            ]
        )
    ):
        ws = _ws(tmp_path / f"ws{k}", accounts={"meta": "acme"})
        assert all(s.status == "imported" for s in import_paths(ws, list(order)))
        # ad 101: 30 + 28 + 31; ad 102: 12.50 + 14.50; each ad-day once
        assert _rows(
            ws,
            "SELECT object_key, round(sum(spend), 2), sum(impressions), count(*) FROM ad_stats "
            "GROUP BY 1 ORDER BY 1",
        ) == [
            ("ad:120210000000000101", 89.0, 9000, 3),
            ("ad:120210000000000102", 27.0, 3100, 2),
        ]
        # the newer export's names win
        assert sorted(
            _rows(ws, "SELECT DISTINCT ad FROM ad_stats WHERE date_start = '2026-02-04'")
        ) == [
            ("Video: when the unexpected happens (long cut)",),
            ("Video: when the unexpected happens (short cut)",),
        ]


def test_a_row_repeated_in_one_file_is_dropped_and_listed(tmp_path: Path) -> None:
    lines = X_ALPHA.read_text(encoding="utf-8").splitlines()
    twice = tmp_path / "twice.csv"
    twice.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    ws = _ws(tmp_path / "ws")
    [s] = import_paths(ws, [twice])
    assert (s.rows_read, s.inserted, s.rejected, s.conflicts) == (4, 3, 1, 0)
    assert _one(ws, "SELECT sum(impressions) FROM posts") == 2450
    assert s.rejects_file is not None
    [reject] = read_rejects(s.rejects_file)
    assert "repeats" in reject["reason"]


# -- precedence ---------------------------------------------------------------


def test_update_files_never_blank_or_zero_a_value_in_any_order(tmp_path: Path) -> None:
    first = _exported(DATA / "fb_posts_march.csv", tmp_path / "a", "2026-03-31T09:00:00")
    update = _exported(DATA / "fb_posts_march_update.csv", tmp_path / "b", "2026-04-02T09:00:00")
    for k, order in enumerate(itertools.permutations([first, update])):
        ws = _ws(tmp_path / f"ws{k}")
        summaries = import_paths(ws, list(order))
        assert all(s.status == "imported" for s in summaries), [s.error for s in summaries]
        # views: 15000 (blank later) + 900 (0 later) + 95 (newer) + 5 (new post)
        # reactions: 350 + 38 + 4 + 1; reach: 9800 + 700 + 80 + 5
        assert _one(ws, "SELECT count(*), sum(views), sum(reactions), sum(reach) FROM posts") == (
            4,
            16000,
            393,
            10585,
        )
        assert _rows(ws, "SELECT DISTINCT platform, account FROM posts") == [
            ("facebook", "Corner Bakery")
        ]
        # the zeros that were not taken are reported, whichever file came second
        assert sum(s.conflicts for s in summaries) >= 1


def test_a_newer_export_of_the_same_ads_wins_in_any_order(tmp_path: Path) -> None:
    old = _exported(DATA / "ads_truncated.csv", tmp_path / "a", "2026-03-01T09:00:00")
    new = _exported(DATA / "ads_truncated_update.csv", tmp_path / "b", "2026-03-03T09:00:00")
    for k, order in enumerate(itertools.permutations([old, new])):
        ws = _ws(tmp_path / f"ws{k}")
        assert all(s.status == "imported" for s in import_paths(ws, list(order)))
        # 120.50 + 80.25 + 47.00 (newer) + 10.00; impressions 18000 (blank later) + 11000
        # + 6100 (newer) + 4000
        assert _one(ws, "SELECT round(sum(spend), 2), sum(impressions) FROM ad_stats") == (
            257.75,
            39100,
        )


def test_summary_counts_source_rows_not_cells(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws", accounts={"tiktok": "creator.one"})
    [s] = import_paths(ws, [TIKTOK_ONE])
    # three days of five metrics: 15 stored values, 3 rows read, 3 new
    assert (s.rows_read, s.inserted, s.updated) == (3, 3, 0)
    assert _one(ws, "SELECT count(*) FROM account_daily") == 15


def test_imports_lists_what_each_file_still_provides(tmp_path: Path) -> None:
    from socialproof.ingest.importer import list_imports

    first = _exported(DATA / "fb_posts_march.csv", tmp_path / "a", "2026-03-31T09:00:00")
    update = _exported(DATA / "fb_posts_march_update.csv", tmp_path / "b", "2026-04-02T09:00:00")
    ws = _ws(tmp_path / "ws")
    import_paths(ws, [first])
    import_paths(ws, [update])
    rows = {Path(r["file"]).name: r for r in list_imports(ws)}
    # the update adds post 7004 and changes 7001 (reach only, same) and 7003; 7002 keeps
    # its figures (zeros refused) and so its first import
    assert rows["fb_posts_march_update.csv"]["inserted"] == 1
    assert rows["fb_posts_march_update.csv"]["updated"] == 1
    assert (
        rows["fb_posts_march.csv"]["rows now"] + rows["fb_posts_march_update.csv"]["rows now"] == 4
    )
    assert rows["fb_posts_march_update.csv"]["conflicts"] == 1


@pytest.mark.parametrize("name", ["ads_truncated.csv", "ads_ids.csv"])
def test_importing_the_same_rows_again_changes_nothing(tmp_path: Path, name: str) -> None:
    ws = _ws(tmp_path / "ws", accounts={"meta": "acme"})
    import_paths(ws, [DATA / name])
    before = _rows(ws, "SELECT * EXCLUDE (import_id) FROM ad_stats ORDER BY ALL")
    copy = _exported(DATA / name, tmp_path / "again", "2026-05-01T00:00:00", "copy.csv")
    with copy.open("a", encoding="utf-8") as fh:
        fh.write("\n")  # other bytes, same rows
    [s] = import_paths(ws, [copy])
    # the truncated names are still reported (the file's own two conflicts), nothing else
    assert (s.inserted, s.updated, s.conflicts) == (0, 0, 2 if "truncated" in name else 0)
    assert _rows(ws, "SELECT * EXCLUDE (import_id) FROM ad_stats ORDER BY ALL") == before


def test_cli_asks_for_the_account_and_says_conflicts_in_words(cli: Any, workspace: Any) -> None:
    r = cli("import", str(TIKTOK_ONE), cwd=workspace.root)
    assert r.exit_code == 1
    errors = [line for line in r.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "--account NAME" in errors[0]
    r = cli("import", str(TIKTOK_ONE), "--account", "creator.one", cwd=workspace.root)
    assert r.exit_code == 0, r.stderr
    r = cli("import", str(DATA / "ads_truncated.csv"), cwd=workspace.root)
    assert r.exit_code == 0, r.stderr
    assert "2 conflicts: rows with the same account, object and period" in " ".join(
        r.stderr.split()
    )
    r = cli("imports", "--format", "json", cwd=workspace.root)
    rows = {Path(row["file"]).name: row for row in json.loads(r.stdout)}
    assert rows["ads_truncated.csv"]["conflicts"] == 2
    assert rows["ads_truncated.csv"]["rows now"] == 4


def test_zip_members_keep_their_export_dates(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "exports.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        # the update first in the archive, the older export second: dates decide, not order
        for name, when in (
            ("ads_truncated_update.csv", (2026, 3, 3, 9, 0, 0)),
            ("ads_truncated.csv", (2026, 3, 1, 9, 0, 0)),
        ):
            zf.writestr(zipfile.ZipInfo(name, date_time=when), (DATA / name).read_bytes())
    ws = _ws(tmp_path / "ws")
    assert all(s.status == "imported" for s in import_paths(ws, [archive]))
    assert _one(ws, "SELECT round(sum(spend), 2), sum(impressions) FROM ad_stats") == (
        257.75,
        39100,
    )


def test_an_account_given_in_another_case_is_the_stored_one(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws", accounts={"tiktok": "Creator.One"})
    assert import_paths(ws, [TIKTOK_ONE], ctx=read_context(ws, account="creator.one"))[0].inserted
    import_paths(ws, [TIKTOK_TWO])  # brand.accounts spells it otherwise: same account
    assert _rows(ws, "SELECT DISTINCT account FROM account_daily") == [("creator.one",)]


IG_HEAD = "Post ID,{who},Description,Publish time,Permalink,Post type,Date,Views,Reach,Likes\n"


def _ig_posts(path: Path, who: str, name: str, post: str) -> Path:
    """A Business Suite Instagram posts export naming its account in the column ``who``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        IG_HEAD.format(who=who)
        + f"{post},{name},A post,03/02/2026 10:00,https://www.instagram.com/p/{post}/,"
        "IG image,Lifetime,100,80,5\n",
        encoding="utf-8",
    )
    return path


def test_an_account_named_otherwise_than_the_only_stored_one_says_so(tmp_path: Path) -> None:
    # one Instagram account exported once with 'Account username', once with 'Account
    # name' only: two accounts, and nothing said. The import keeps them apart (it may be a
    # second account) and says how to merge them if they are one.
    ws = _ws(tmp_path / "ws")
    [first] = import_paths(
        ws, [_ig_posts(tmp_path / "a.csv", "Account username", "acme.home", "1")]
    )
    assert first.status == "imported", first.error
    assert not any("accounts merge" in n for n in first.notes)
    [second] = import_paths(ws, [_ig_posts(tmp_path / "b.csv", "Account name", "Acme Home", "2")])
    assert second.status == "imported", second.error
    assert _rows(ws, "SELECT DISTINCT account FROM posts ORDER BY 1") == [
        ("Acme Home",),
        ("acme.home",),
    ]
    [note] = [n for n in second.notes if "accounts merge" in n]
    assert note == (
        "b.csv names its instagram account 'Acme Home'; the workspace's only other instagram "
        "account is 'acme.home'. If they are the same account (exports name it by username or "
        "by display name; a page may be renamed), merge them: socialproof accounts merge "
        "'Acme Home' acme.home --platform instagram"
    )
    # a third name when two are stored: no single candidate, no note
    [third] = import_paths(
        ws, [_ig_posts(tmp_path / "c.csv", "Account username", "other.shop", "3")]
    )
    assert third.status == "imported", third.error
    assert not any("accounts merge" in n for n in third.notes)
    # the same account again, in another case: no note
    [again] = import_paths(
        ws, [_ig_posts(tmp_path / "d" / "a.csv", "Account username", "ACME.HOME", "4")]
    )
    assert not any("accounts merge" in n for n in again.notes)
