"""Rewriting a post file (lint --fix, approvals, moving it, the editor) keeps the file's
line ends and byte-order mark, so a Windows editor and git diff see only the change."""

from __future__ import annotations

from datetime import date

import pytest

from socialproof.content.approvals import approve
from socialproof.content.calendar import reschedule
from socialproof.content.editing import save_post

BOM = b"\xef\xbb\xbf"
LINES = [
    "---",
    "platform: instagram",
    "author: Sam",
    "publish_at: 2026-12-07 09:00 UTC",
    "status: in-review",
    "---",
    "Fresh buns every morning at 7.",
    "#freshbuns #bakerylife",
    "",
]


def _write(path, newline: str, bom: bool) -> None:
    path.write_bytes((BOM if bom else b"") + newline.join(LINES).encode("utf-8"))


def _style(data: bytes) -> tuple[bool, int, int]:
    """(starts with a BOM, CRLF count, bare LF count)."""
    crlf = data.count(b"\r\n")
    return data.startswith(BOM), crlf, data.count(b"\n") - crlf


@pytest.mark.parametrize(("newline", "bom"), [("\r\n", True), ("\r\n", False), ("\n", True)])
def test_lint_fix_keeps_line_ends_and_bom(cli, tmp_path, newline, bom):
    target = tmp_path / "p.md"
    _write(target, newline, bom)
    res = cli("lint", str(target), "--fix", cwd=tmp_path)
    assert "Applied 2 safe fixes" in res.stderr, res
    data = target.read_bytes()
    assert b"#FreshBuns #BakeryLife" in data
    lines = len(LINES) - 1
    crlf = lines if newline == "\r\n" else 0
    assert _style(data) == (bom, crlf, lines - crlf)
    # nothing but the hashtags changed
    expected = (BOM if bom else b"") + newline.join(LINES).encode("utf-8")
    fixed = expected.replace(b"#freshbuns #bakerylife", b"#FreshBuns #BakeryLife")
    assert data == fixed
    assert not list(tmp_path.glob("*.tmp"))


def test_approval_and_move_keep_crlf_and_bom(workspace):
    path = workspace.root / "content" / "a.md"
    _write(path, "\r\n", True)
    approve(workspace, path, approver="Dana", role="reviewer")
    data = path.read_bytes()
    assert b"status: approved\r\n" in data
    assert _style(data) == (True, len(LINES) - 1, 0)
    reschedule(workspace, path, date(2026, 12, 9))
    data = path.read_bytes()
    assert b"publish_at: 2026-12-09 09:00 UTC\r\n" in data
    assert b"status: in-review\r\n" in data  # a moved post needs approving again
    assert _style(data) == (True, len(LINES) - 1, 0)


def test_editor_save_keeps_the_files_style_and_a_new_file_is_plain(workspace):
    path = workspace.root / "content" / "a.md"
    _write(path, "\r\n", True)
    # the browser's textarea sends CRLF; the editor shows the mark as a character
    text = "\ufeff" + "\r\n".join(LINES).replace("at 7", "at 8")
    save_post(workspace, "a.md", text)
    data = path.read_bytes()
    assert data == BOM + "\r\n".join(LINES).replace("at 7", "at 8").encode("utf-8")
    save_post(workspace, "b.md", "\n".join(LINES), new=True)
    assert _style((workspace.root / "content" / "b.md").read_bytes()) == (
        False,
        0,
        len(LINES) - 1,
    )


def test_a_symlinked_post_is_written_through_its_link(cli, tmp_path):
    """The fix replaced the link with a copy: the file it pointed to kept the old text."""
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "post.md"
    _write(real, "\n", False)
    link = tmp_path / "p.md"
    link.symlink_to(real)
    res = cli("lint", str(link), "--fix", cwd=tmp_path)
    assert "Applied 2 safe fixes" in res.stderr
    assert link.is_symlink()
    assert b"#FreshBuns #BakeryLife" in real.read_bytes()
    assert not list(shared.glob("*.tmp"))


def test_a_rewritten_post_keeps_its_permissions(workspace):
    path = workspace.root / "content" / "a.md"
    _write(path, "\n", False)
    path.chmod(0o640)
    approve(workspace, path, approver="Dana", role="reviewer")
    assert b"status: approved" in path.read_bytes()
    assert path.stat().st_mode & 0o777 == 0o640
