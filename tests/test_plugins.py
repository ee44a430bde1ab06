"""Entry points found by ``socialproof.plugins`` are the ones importlib.metadata finds."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

from socialproof import plugins

GROUPS = (
    "socialproof.formats",
    "socialproof.kpis",
    "socialproof.lint",
    "socialproof.themes",
    "console_scripts",
    "pytest11",
)


def _importlib(group: str) -> list[tuple[str, str, str]]:
    return [(ep.name, ep.value, ep.group) for ep in metadata.entry_points(group=group)]


def _ours(group: str) -> list[tuple[str, str, str]]:
    return [(ep.name, ep.value, ep.group) for ep in plugins.entry_points(group)]


@pytest.mark.parametrize("group", GROUPS)
def test_the_same_entry_points_as_importlib_on_this_environment(group: str) -> None:
    assert _ours(group) == _importlib(group)


def test_the_project_registers_its_formats() -> None:
    assert ("builtin", "socialproof.ingest.formats:builtin_formats") in [
        (name, value) for name, value, _ in _ours("socialproof.formats")
    ]


def _dist(root: Path, folder: str, text: str | None) -> None:
    (root / folder).mkdir(parents=True)
    if text is not None:
        (root / folder / "entry_points.txt").write_text(text, encoding="utf-8")


def test_made_up_installs_read_as_importlib_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    group = "sp.test.group"
    _dist(first, "Alpha_Pkg-1.0.dist-info", f"# a comment\n[{group}]\n a = alpha:make \n\n")
    # the same project again, later on the path (and spelt otherwise): the first wins
    _dist(second, "alpha.pkg-2.0.dist-info", f"[{group}]\nshadowed = alpha:old\n")
    _dist(
        second, "beta-0.1.egg-info", f"[other]\nx = y:z\n[{group}]\nb=beta.sub:Thing.attr [extra]\n"
    )
    _dist(second, "gamma-1.dist-info", None)  # no entry points at all
    (second / "delta-1.dist-info").write_text("a file, not a folder", encoding="utf-8")
    _dist(second, "eps-1.dist-info", f"[{group}-more]\nnot = this:one\n")
    monkeypatch.setattr(sys, "path", [str(first), str(tmp_path / "missing"), str(second)])
    metadata.FastPath.__new__.cache_clear()  # importlib caches folder listings
    want = _importlib(group)
    assert [name for name, _, _ in want] == ["a", "b"]  # the test means something
    assert _ours(group) == want


def test_path_objects_on_the_path_read_as_strings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = "sp.test.pathlike"
    _dist(tmp_path, "zz_pkg-1.0.dist-info", f"[{group}]\nzz = zz_mod:make\n")
    monkeypatch.setattr(sys, "path", [tmp_path, str(tmp_path / "nothing")])
    metadata.FastPath.__new__.cache_clear()
    assert _ours(group) == _importlib(group) == [("zz", "zz_mod:make", group)]


def test_a_line_without_equals_is_a_plugin_that_fails_to_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = "sp.test.broken"
    _dist(tmp_path, "broken-1.0.dist-info", f"[{group}]\nnoequals\nok = socialproof.plugins\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    found = plugins.entry_points(group)
    assert [(ep.name, ep.value) for ep in found] == [
        ("noequals", ""),
        ("ok", "socialproof.plugins"),
    ]
    with pytest.raises(ValueError, match="not an entry point value"):
        found[0].load()
    assert found[1].load() is plugins


def test_a_zip_on_the_path_is_left_to_importlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("zeta-1.0.dist-info/entry_points.txt", "[sp.zip.group]\nz = zeta:make\n")
        zf.writestr("zeta-1.0.dist-info/METADATA", "Name: zeta\nVersion: 1.0\n")
    monkeypatch.setattr(sys, "path", [str(archive)])
    metadata.FastPath.__new__.cache_clear()
    assert (
        _ours("sp.zip.group") == _importlib("sp.zip.group") == [("z", "zeta:make", "sp.zip.group")]
    )


def test_load_follows_module_and_attributes() -> None:
    ep = plugins.EntryPoint("x", "socialproof.plugins:EntryPoint.load", "g")
    assert ep.load() is plugins.EntryPoint.load
    assert plugins.EntryPoint("m", "socialproof.plugins", "g").load() is plugins
    with pytest.raises(ValueError, match="not an entry point value"):
        plugins.EntryPoint("bad", "no good!", "g").load()
