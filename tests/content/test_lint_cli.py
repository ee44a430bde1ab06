"""``socialproof lint`` end to end: exit codes, formats, --fix, no workspace needed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

DATA = Path(__file__).parent.parent / "data" / "content"


def test_lint_text_without_workspace(cli, tmp_path):
    res = cli(
        "lint", "--text", "Follow us #socialmediatips", "--platform", "instagram", cwd=tmp_path
    )
    assert res.exit_code == 0, res
    assert "<text>:1:11: warning a11y.hashtag-camelcase" in res.stdout
    assert "#SocialMediaTips" in res.stdout


def test_lint_exit_codes(cli, tmp_path):
    assert cli("lint", str(DATA / "clean.md"), cwd=tmp_path).exit_code == 0
    res = cli("lint", str(DATA / "problems.md"), cwd=tmp_path)
    assert res.exit_code == 1
    assert "error finance.promissory" in res.stdout
    assert cli("lint", "--format", "yaml", "--text", "x", "-p", "x", cwd=tmp_path).exit_code == 2
    assert cli("lint", "--text", "x", cwd=tmp_path).exit_code == 2


def test_lint_json_and_sarif(cli, tmp_path):
    res = cli("lint", str(DATA / "problems.md"), "--format", "json", cwd=tmp_path)
    rows = json.loads(res.stdout)
    assert {"path", "line", "column", "rule", "severity", "message"} <= set(rows[0])
    out = tmp_path / "lint.sarif"
    res = cli("lint", str(DATA / "problems.md"), "-f", "sarif", "-o", str(out), cwd=tmp_path)
    assert res.exit_code == 1
    assert json.loads(out.read_text())["version"] == "2.1.0"


def test_lint_fix_on_file(cli, tmp_path):
    target = tmp_path / "p.md"
    shutil.copy(DATA / "problems.md", target)
    res = cli("lint", str(target), "--fix", cwd=tmp_path)
    assert "Applied 3 safe fixes" in res.stderr
    assert "a11y.hashtag-camelcase" not in res.stdout
    assert "#ad Save" in target.read_text()


def test_lint_workspace_content_and_missing_platform(cli, workspace):
    (workspace.root / "content" / "a.md").write_text("---\nstatus: draft\n---\nhello\n")
    res = cli("lint", cwd=workspace.root)
    assert res.exit_code == 1
    assert "has no platform" in res.stderr and "instagram" in res.stderr
    assert "Traceback" not in res.stderr


def test_lint_rules_file_with_bad_regex(cli, tmp_path):
    res = cli(
        "lint", "--text", "x", "-p", "x", "--rules", str(DATA / "bad_regex.yaml"), cwd=tmp_path
    )
    assert res.exit_code == 1
    assert "broken.unclosed" in res.stderr and "malformed regular expression" in res.stderr


def test_unwritable_outputs_are_one_line_errors(cli, tmp_path):
    res = cli(
        "lint",
        str(DATA / "clean.md"),
        "-o",
        str(tmp_path / "no" / "such" / "dir" / "x.txt"),
        cwd=tmp_path,
    )
    assert res.exit_code == 2 and "Cannot write" in res.stderr and "Traceback" not in res.stderr


def test_missing_file_and_note_for_missing_timezone(cli, tmp_path):
    res = cli("lint", str(tmp_path / "nope.md"), cwd=tmp_path)
    assert res.exit_code == 1 and "does not exist" in res.stderr
    post = tmp_path / "p.md"
    post.write_text("---\nplatform: x\npublish_at: 2026-03-02 09:00\n---\nhello\n")
    res = cli("lint", str(post), cwd=tmp_path)
    assert res.exit_code == 0
    assert "note:" in res.stdout and "no timezone; using UTC" in res.stdout


def test_list_rules(cli, tmp_path):
    res = cli("lint", "--list-rules", "-f", "json", cwd=tmp_path)
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    ids = {r["rule"] for r in rows}
    assert {"a11y.alt-text", "disclosure.early", "finance.promissory"} <= ids
    promissory = next(r for r in rows if r["rule"] == "finance.promissory")
    assert promissory["industries"] == "finance" and "FINRA" in promissory["source"]


def test_an_unreadable_post_among_many_is_an_error_finding(cli, workspace):
    """One broken file stopped 'lint' of the whole content folder: the other posts'
    findings were never shown (a CI job learnt about one problem per run)."""
    content = workspace.root / "content"
    (content / "a.md").write_text("---\nplatform: instagram\n---\nFollow us #socialmediatips\n")
    (content / "b.md").write_text("---\nplatform: [instagram\n---\nbroken\n")
    (content / "c.md").write_text("---\nstatus: draft\n---\nno platform\n")
    res = cli("lint", cwd=workspace.root)
    assert res.exit_code == 1 and "Traceback" not in res.stderr
    lines = res.stdout.splitlines()
    assert any(
        line.startswith("content/b.md:3:1: error post.unreadable malformed front matter")
        for line in lines
    ), lines
    assert any(
        line.startswith("content/c.md:1:1: error post.unreadable the post has no platform")
        for line in lines
    )
    assert any("content/a.md:4:11: warning a11y.hashtag-camelcase" in line for line in lines)
    assert lines[-1].startswith("2 errors, 1 warnings")
    rows = json.loads(cli("lint", "-f", "json", cwd=workspace.root).stdout)
    assert sorted(r["path"] for r in rows if r["rule"] == "post.unreadable") == [
        "content/b.md",
        "content/c.md",
    ]
    res = cli("approvals", "status", "-f", "csv", cwd=workspace.root)
    assert res.exit_code == 1
    assert "left out, cannot be read: content/b.md:3: malformed front matter" in res.stderr
    posts = [line.split(",")[0] for line in res.stdout.splitlines()[1:]]
    assert posts == ["content/a.md", "content/c.md"]
