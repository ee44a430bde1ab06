"""The stored themes say which messages they came from: the scope and the number of
themes asked for are kept with them (migration 0102), shown by 'community themes' and the
themes page; themes stored before read as a run over all member messages."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from tests.community.test_response_times import FIXTURE, load_twcs

from socialproof.community.scoring_themes import scope_words
from socialproof.community.threads import Scope


@pytest.fixture
def twcs(workspace: Any, insert: Any, data_dir: Any) -> Any:
    insert("messages", load_twcs(data_dir / FIXTURE))
    return workspace


@pytest.mark.parametrize(
    ("scope", "k", "words"),
    [
        (None, "auto", "all member messages; number of themes chosen"),
        (Scope(platform="x"), 4, "member messages on x; 4 themes asked for"),
        (
            Scope(date(2026, 3, 1), date(2026, 3, 31), "reddit", "r/buns"),
            "auto",
            "member messages on reddit in group 'r/buns' from 2026-03-01 to 2026-03-31; "
            "number of themes chosen",
        ),
        (Scope(since=date(2026, 3, 1)), 2, "member messages from 2026-03-01; 2 themes asked for"),
        (
            Scope(until=date(2026, 3, 31)),
            "auto",
            "member messages up to 2026-03-31; number of themes chosen",
        ),  # fmt: skip
    ],
)
def test_scope_in_words(scope: Scope | None, k: str | int, words: str) -> None:
    assert scope_words(scope, k) == words


def _stored_scopes(ws: Any) -> set[Any]:
    with ws.connect() as con:
        return {r[0] for r in con.execute("SELECT scope FROM themes").fetchall()}


def test_community_themes_keeps_and_says_its_scope(cli: Any, twcs: Any) -> None:
    with twcs.connect() as con:  # migration 0102 gave the (empty) table its column
        columns = [r[0] for r in con.execute("DESCRIBE themes").fetchall()]
    assert "scope" in columns
    platform = "x" if "x" in _platforms(twcs) else sorted(_platforms(twcs))[0]
    r = cli("community", "themes", "--k", "3", "--platform", platform, cwd=twcs.root)
    assert r.exit_code == 0, r
    words = f"member messages on {platform}; 3 themes asked for"
    assert f"scope: {words}" in " ".join(r.stdout.split())
    assert _stored_scopes(twcs) == {words}
    r = cli("community", "themes", "--format", "json", cwd=twcs.root)
    assert r.exit_code == 0, r
    json.loads(r.stdout)  # the rows as before; the scope is said beside them
    assert "Scope: all member messages; number of themes chosen." in r.stderr
    assert _stored_scopes(twcs) == {"all member messages; number of themes chosen"}


def _platforms(ws: Any) -> set[str]:
    with ws.connect() as con:
        return {r[0] for r in con.execute("SELECT DISTINCT platform FROM messages").fetchall()}


def test_themes_stored_before_the_scope_was_kept_read_as_all_messages(twcs: Any) -> None:
    """A workspace whose themes table predates migration 0102: the column is added, its
    rows are kept and read as all member messages on the page."""
    from tests.web.conftest import make_client

    from socialproof.community.scoring import discover_themes

    discover_themes(twcs, k=2)
    with twcs.transaction() as con:
        con.execute("ALTER TABLE themes DROP COLUMN scope")
        con.execute("DELETE FROM schema_migrations WHERE number = 102")
        before = con.execute("SELECT count(*) FROM themes").fetchone()[0]
    from socialproof.workspace import Workspace

    ws = Workspace.open(twcs.root)
    with ws.connect() as con:
        rows = con.execute("SELECT scope FROM themes").fetchall()
    assert len(rows) == before > 0 and {r[0] for r in rows} == {None}
    with make_client(ws) as c:
        page = c.get("/community/themes").text
    assert "From the last themes run, over all member messages." in page
