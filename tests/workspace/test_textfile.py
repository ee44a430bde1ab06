"""Files a person owns are rewritten the way they were written: line ends, byte-order
mark, permissions, and through a symbolic link (posts, case studies, the profile)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialproof.workspace.textfile import replace_text

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b"a\r\nb\r\n", b"a\r\nc\r\n"),
        (BOM + b"a\r\nb\r\n", BOM + b"a\r\nc\r\n"),
        (BOM + b"a\nb\n", BOM + b"a\nc\n"),
        (b"a\rb\r", b"a\rc\r"),  # classic Mac line ends
        (b"a\r\nb\r\nx\n", b"a\r\nc\r\n"),  # mostly CRLF: CRLF
    ],
)
def test_an_existing_file_keeps_its_style(tmp_path: Path, before: bytes, after: bytes) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(before)
    replace_text(path, "a\nc\n")
    assert path.read_bytes() == after
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]  # no temporary file is left


def test_a_new_file_is_plain_unless_the_text_carries_a_mark(tmp_path: Path) -> None:
    replace_text(tmp_path / "a.txt", "a\nb\n")
    assert (tmp_path / "a.txt").read_bytes() == b"a\nb\n"
    replace_text(tmp_path / "b.txt", "\ufeffa\n")
    assert (tmp_path / "b.txt").read_bytes() == BOM + b"a\n"


def test_permissions_and_links_are_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_bytes(b"old\n")
    real.chmod(0o600)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    replace_text(link, "new\n")
    assert link.is_symlink() and real.read_bytes() == b"new\n"
    assert real.stat().st_mode & 0o777 == 0o600


def test_case_studies_and_the_profile_saved_from_the_workbench_keep_their_style(
    workspace: Any,
) -> None:
    """The workbench's editors wrote a Windows user's CRLF + BOM files back as LF without
    the mark (the browser sends CRLF, which is read as LF)."""
    from socialproof.careers.editing import save_profile_text
    from socialproof.portfolio.editing import save_study

    study = workspace.root / "case-studies" / "s.md"
    lines = [
        "---",
        "title: Spring",
        "kind: organic",
        "role: Specialist",
        "client: Acme",
        "period: {start: 2026-01-01}",
        "---",
        "Body.",
        "",
    ]
    study.write_bytes(BOM + "\r\n".join(lines).encode())
    # the editor shows the file without its mark (read as utf-8-sig); the browser sends CRLF
    save_study(workspace, "s.md", "\r\n".join(lines).replace("Body", "New body"))
    assert study.read_bytes() == BOM + "\r\n".join(lines).replace("Body", "New body").encode()
    profile = workspace.root / "profile.yaml"
    profile.write_bytes(b"name: Jo\r\nskills: [copywriting]\r\n")
    save_profile_text(workspace, "name: Jo Lee\r\nskills: [copywriting]\r\n")
    assert profile.read_bytes() == b"name: Jo Lee\r\nskills: [copywriting]\r\n"


def _bomb(levels: int) -> list[str]:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return lines


def test_yaml_aliases_are_found_with_their_line() -> None:
    from socialproof.workspace.textfile import yaml_alias_line

    assert yaml_alias_line("a: 1\nb: [1, 2]\n") is None
    assert yaml_alias_line("a: &x 1\nb: *x\n") == 1
    assert yaml_alias_line("\n".join(["name: Jo", *_bomb(9)])) == 2
    assert yaml_alias_line("a: [unclosed\n") is None  # the reader reports invalid YAML


def test_a_profile_or_case_study_with_aliases_is_refused(tmp_path: Path) -> None:
    """Nine nested aliases under 'tools:' stand for a billion values: validating the
    profile (or a case study) never ended."""
    from socialproof.careers.profile import load_profile
    from socialproof.errors import BadInput
    from socialproof.portfolio.casestudy import parse_case_study

    profile = tmp_path / "profile.yaml"
    profile.write_text("\n".join(["name: Jo", *_bomb(9), "tools: *a8"]) + "\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"profile.yaml:2: reuses a value through an alias"):
        load_profile(profile)
    study = tmp_path / "s.md"
    study.write_text(
        "\n".join(["---", "title: T", *_bomb(9), "tags: *a8", "---", "Body."]) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(BadInput, match=r"s.md:3: the front matter reuses a value"):
        parse_case_study(study)
