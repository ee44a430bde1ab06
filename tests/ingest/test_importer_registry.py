"""The format registry: built-ins via the entry point, plugins, lookup, closest-format errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from socialproof.errors import UnknownFormat, UsageError
from socialproof.ingest import registry as registry_mod
from socialproof.ingest.base import Format, ReadContext, ReadResult, Source
from socialproof.ingest.formats import builtin_formats
from socialproof.ingest.registry import Registry, registry
from socialproof.ingest.sources import open_source

CORE = Path(__file__).parents[1] / "data" / "ingest" / "core"

PLUGIN = """
from socialproof.ingest.base import Format, ReadResult

class Mastodon(Format):
    name = "mastodon-test"
    label = "Mastodon test export"
    tables = ("posts",)
    required = (("toot id",), ("favourites",))

    def detect(self, source):
        return 0.95 if "toot id" in source.frames[0].normalized_header else 0.0

    def read(self, source, ctx):
        return ReadResult(tables={}, rows_read=0)

def formats():
    return [Mastodon]
"""


def test_builtins_load_without_errors() -> None:
    reg = Registry()
    names = reg.names()
    assert {"conversations", "reddit", "job-postings", "generic"} <= set(names)
    assert len(names) == len(set(names))
    assert reg.load_errors == []
    loaded = {f"{type(f).__module__}:{type(f).__name__}" for f in reg.all()}
    assert loaded <= set(builtin_formats())


def test_get_is_case_insensitive_and_suggests() -> None:
    assert registry().get("Conversations").name == "conversations"
    with pytest.raises(UsageError, match="Did you mean 'reddit'"):
        registry().get("redit")


def test_third_party_plugin_and_broken_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plugins installed as a package would be: a dist-info folder on the path."""
    (tmp_path / "sp_test_plugin.py").write_text(PLUGIN, encoding="utf-8")
    info = tmp_path / "sp_test_plugin-1.0.dist-info"
    info.mkdir()
    (info / "entry_points.txt").write_text(
        "[console_scripts]\nnot-ours = sp_test_plugin:formats\n\n"
        "[socialproof.formats]\nmasto = sp_test_plugin:formats\n"
        "broken = sp_missing_module:formats\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = Registry()
    assert "mastodon-test" in reg.names() and "conversations" in reg.names()
    assert len(reg.load_errors) == 1 and reg.load_errors[0].startswith("broken:")
    csv = tmp_path / "export.csv"
    csv.write_text("Toot ID,Favourites\n1,2\n", encoding="utf-8")
    fmt, score = reg.choose(open_source(csv))
    assert (fmt.name, score) == ("mastodon-test", 0.95)


def test_register_refuses_non_formats() -> None:
    with pytest.raises(UsageError, match="not a socialproof Format"):
        Registry().register(object())  # type: ignore[arg-type]


def test_detection_ignores_the_file_name(tmp_path: Path) -> None:
    for name in ("Reach.csv", "job_postings.csv", "whatever.txt"):
        copy = tmp_path / name
        shutil.copy(CORE / "care.csv", copy)
        assert registry().choose(open_source(copy))[0].name == "conversations"


def test_unknown_names_closest_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,parent_id,link_id,author,body\n1,,t3_x,a,hi\n", encoding="utf-8")
    with pytest.raises(UnknownFormat) as info:
        registry().choose(open_source(path))
    text = str(info.value)
    assert "closest: Reddit-style comment dump (missing: created_utc)" in text


def test_unknown_with_nothing_close(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("colour,shape\nred,round\n", encoding="utf-8")
    with pytest.raises(UnknownFormat, match="no known format recognises its columns"):
        registry().choose(open_source(path))


def test_a_format_that_crashes_in_detect_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    class Crashy(Format):
        name = "crashy"
        label = "Crashy"
        tables = ("posts",)

        def detect(self, source: Source) -> float:
            raise RuntimeError("boom")

        def read(self, source: Source, ctx: ReadContext) -> ReadResult:
            raise AssertionError

    reg = Registry()
    reg.register(Crashy)
    assert reg.choose(open_source(CORE / "care.csv"))[0].name == "conversations"
    _ = registry_mod
