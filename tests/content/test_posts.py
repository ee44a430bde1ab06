"""Parsing content/*.md: front matter, positions, and every kind of bad input."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialproof.content.posts import load_post, parse_post
from socialproof.errors import BadInput


def test_publish_at_forms():
    zone = parse_post("---\nplatform: x\npublish_at: 2026-03-02 09:00 Europe/Berlin\n---\nhi\n")
    assert zone.publish_at == datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    offset = parse_post("---\nplatform: x\npublish_at: 2026-03-02T09:00:00+01:00\n---\nhi\n")
    assert offset.publish_at is not None and offset.publish_at.utcoffset().total_seconds() == 3600
    assert zone.notes == [] and offset.notes == []


@pytest.mark.parametrize(
    ("written", "platform"),
    [("X (Twitter)", "x"), ("twitter", "x"), ("Insta", "instagram"), (" LinkedIn ", "linkedin")],
)
def test_platform_names_people_write(written, platform):
    # socialproof prints "X (Twitter)" in its tables and calendars; that name was refused
    # as an unknown platform when written back into a post, and so was "Insta".
    post = parse_post(f"---\nplatform: {written}\n---\nhi\n")
    assert post.platform == platform


def test_unknown_front_matter_keys_are_named_not_silently_ignored():
    # "publish-at:" left the post unscheduled and a top-level "image:" escaped the
    # alt-text check, with nothing said about either.
    post = parse_post(
        "---\nplatform: x\npublish-at: 2026-03-02 09:00 UTC\nimage: a.jpg\nmood: calm\n---\nhi\n"
    )
    assert post.publish_at is None
    notes = "\n".join(post.notes)
    assert "<text>:3: unknown key 'publish-at' is ignored. Did you mean 'publish_at'?" in notes
    assert "<text>:4: 'image' is ignored at the top level: put it under 'assets:'" in notes
    assert "<text>:5: unknown key 'mood' is ignored. Known keys:" in notes
    known = parse_post(
        "---\nplatform: x\ntitle: t\nauthor: a\npillar: p\ncampaign: c\nstatus: draft\n"
        "industry: general\nsponsored: false\nassets: []\nlint: {disable: {}}\n"
        "publish_at: 2026-03-02 09:00 UTC\n---\nhi\n"
    )
    assert known.notes == []


def test_publish_at_on_a_clock_change_says_which_time_is_used():
    # 02:30 on 28 March 2027 does not exist in Berlin (02:00 -> 03:00): it was read
    # silently, shown as 02:30 and published at 03:30. 02:30 on 31 October happens twice.
    berlin = ZoneInfo("Europe/Berlin")
    skipped = parse_post("---\nplatform: x\npublish_at: 2027-03-28 02:30 Europe/Berlin\n---\nhi\n")
    assert skipped.publish_at == datetime(2027, 3, 28, 3, 30, tzinfo=berlin)
    assert skipped.publish_at.utcoffset().total_seconds() == 7200
    assert "2027-03-28 02:30 does not exist in Europe/Berlin" in skipped.notes[0]
    assert "read as 03:30" in skipped.notes[0]
    twice = parse_post(
        "---\nplatform: x\npublish_at: 2027-10-31 02:30\n---\nhi\n", default_tz="Europe/Berlin"
    )
    assert twice.publish_at.utcoffset().total_seconds() == 7200  # the first 02:30 (CEST)
    assert "happens twice in Europe/Berlin" in twice.notes[-1]
    assert "'2027-10-31T02:30+01:00' for the second" in twice.notes[-1]
    second = parse_post("---\nplatform: x\npublish_at: 2027-10-31T02:30+01:00\n---\nhi\n")
    assert second.notes == []
    plain = parse_post("---\nplatform: x\npublish_at: 2027-03-28 09:00 Europe/Berlin\n---\nhi\n")
    assert plain.notes == [] and plain.publish_at.hour == 9


def test_publish_at_without_timezone_uses_workspace_zone_and_says_so():
    post = parse_post(
        "---\nplatform: x\npublish_at: 2026-03-02 09:00\n---\nhi\n", default_tz="America/New_York"
    )
    assert post.publish_at is not None
    assert post.publish_at.tzinfo == ZoneInfo("America/New_York")
    assert "no timezone" in post.notes[0] and "America/New_York" in post.notes[0]


@pytest.mark.parametrize(
    ("front", "match"),
    [
        ("platform: myspace", r"<text>:2: unknown platform 'myspace'.*instagram"),
        ("platform: x\npublish_at: 2026-03-02", "date but no time"),
        ("platform: x\npublish_at: tomorrow", "cannot read publish_at"),
        ("platform: x\npublish_at: 2026-03-02 09:00 Mars/Olympus", "unknown timezone"),
        ("platform: x\nstatus: done", "unknown status 'done'"),
        ("platform: x\nassets: img.jpg", "assets must be a list"),
        ("platform: x\nassets:\n  - image: ../../etc/passwd", "outside"),
        ("platform: x\nindustry: crypto", "unknown industry"),
        ("- a\n- b", "must be 'key: value'"),
    ],
)
def test_bad_front_matter(front, match):
    with pytest.raises(BadInput, match=match):
        parse_post(f"---\n{front}\n---\nhi\n")


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = tmp_path / "p.md"
    path.write_text("---\nplatform: x\ntitle: [unclosed\nauthor: Sam\n---\nhi\n")
    with pytest.raises(BadInput, match=r"p\.md:\d+: malformed front matter"):
        load_post(path)


def test_unclosed_front_matter(tmp_path):
    with pytest.raises(BadInput, match="never ends"):
        parse_post("---\nplatform: x\nhi\n")


def test_asset_path_escaping_workspace_is_rejected(workspace):
    raw = "---\nplatform: x\nassets:\n  - image: ../outside.jpg\n    alt: x\n---\nhi\n"
    with pytest.raises(BadInput, match="outside the workspace"):
        parse_post(raw, ws=workspace)


def test_no_front_matter_is_plain_text():
    post = parse_post("just text\nline two\n")
    assert post.platform is None and post.body_line == 1
    assert post.position(len("just text\n")) == (2, 1)


def test_content_hash_ignores_status_only():
    a = parse_post("---\nplatform: x\nstatus: draft\n---\nhi\n")
    b = parse_post("---\nplatform: x\nstatus: approved\n---\nhi\n")
    c = parse_post("---\nplatform: x\nstatus: draft\n---\nhi!\n")
    assert a.content_hash == b.content_hash != c.content_hash


def test_crlf_and_bom_are_accepted():
    post = parse_post("\ufeff---\r\nplatform: x\r\n---\r\nhi\r\n")
    assert post.platform == "x" and post.text == "hi\n"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_fails_with_bad_input(text):
    try:
        post = parse_post(text)
    except BadInput:
        return
    # every body offset maps to a position inside the file
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    for offset in range(0, len(post.text), 7):
        line, col = post.position(offset)
        assert 1 <= line <= len(lines) and col >= 1


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_linter_never_crashes_on_any_body(body):
    from socialproof.content.linter import lint_targets

    results, _ = lint_targets(
        [], text=body.replace("---", "- -"), platform="instagram", industry="finance"
    )
    for f in results[0].findings:
        assert f.line >= 1 and f.column >= 1


def test_content_files_skip_readme_and_underscored(workspace):
    from socialproof.content.posts import content_files

    folder = workspace.root / "content"
    for name in ("a.md", "README.md", "_notes.md", "b.txt"):
        (folder / name).write_text("x")
    assert [p.name for p in content_files(workspace)] == ["a.md"]


def test_aliases_in_front_matter_are_refused_not_expanded():
    """Six nested aliases stand for ten million values: hashing the post for its approvals
    took seconds (nine took forever)."""
    lines = ["---", "platform: instagram", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(BadInput, match=r"bomb.md:3: front matter reuses a value through an alias"):
        parse_post("\n".join([*lines, "---", "hi"]) + "\n", source="bomb.md")
    with pytest.raises(BadInput, match="alias"):
        parse_post("---\nplatform: x\ntitle: &t Hi\npillar: *t\n---\nhi\n", source="a.md")


@pytest.mark.parametrize(
    ("asset", "key"),
    [
        ("  - image: [a.jpg, b.jpg]\n    alt: Two cups", "image"),
        ("  - image: ['../../etc/passwd']\n    alt: x", "image"),
        ("  - image: a.jpg\n    alt: [Two cups, A bun]", "alt"),
    ],
)
def test_a_carousel_under_one_asset_key_is_refused(asset, key):
    """'image: [a.jpg, b.jpg]' was read as one image named "['a.jpg', 'b.jpg']" (its path
    never checked against the workspace), and a list of alt texts as one alt text."""
    with pytest.raises(
        BadInput, match=rf"<text>:4: '{key}:' holds a list.*one '- image: path.jpg' entry per slide"
    ):
        parse_post(f"---\nplatform: instagram\nassets:\n{asset}\n---\nhi\n")


def test_unknown_asset_keys_are_named_not_ignored():
    """'img:' or 'alt_text:' under an asset were dropped without a word: the image went
    unchecked, or its alt text was reported missing with no clue why."""
    post = parse_post(
        "---\nplatform: instagram\nassets:\n  - img: a.jpg\n    alt: Tea\n"
        "  - image: b.jpg\n    alt_text: A cup of tea\n---\nhi\n"
    )
    assert any(
        "<text>:4: unknown asset key 'img' is ignored. Did you mean 'image'?" in n
        for n in post.notes
    )
    assert any("<text>:4: an asset without 'image:'" in n for n in post.notes)
    assert any(
        "<text>:6: unknown asset key 'alt_text' is ignored. Did you mean 'alt'?" in n
        for n in post.notes
    )
    assert post.assets[1].path == "b.jpg" and post.assets[1].alt is None
