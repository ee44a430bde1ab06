"""The Parquet store: published all or nothing, read by DuckDB as the database itself, and back.

These tests need no Spark: the store is written and read by DuckDB here
(``test_cluster.py`` reads it from a Spark cluster).
"""

from __future__ import annotations

import io
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from socialproof.errors import BadInput, IntegrityError, SettingsError


def _ad(platform: str, day: date, campaign: str, spend: float, impressions: int) -> dict[str, Any]:
    return {
        "platform": platform,
        "account": "acct-1",
        "campaign": campaign,
        "ad_set": "Set",
        "ad": "Ad",
        "date_start": day,
        "date_stop": day,
        "currency": "USD",
        "spend": spend,
        "impressions": impressions,
        "link_clicks": impressions // 100,
    }


ADS = [
    _ad("meta", date(2026, 1, 30), "Launch", 10.5, 1000),
    _ad("meta", date(2026, 2, 2), "Launch", 20.25, 3000),
    _ad("linkedin", date(2026, 2, 3), "Leads", 7.0, 700),
    _ad("Tik Tok/../x", date(2026, 2, 4), "Odd's name", 1.0, 100),
]


@pytest.fixture
def filled(workspace: Any, insert: Any) -> Any:
    insert("ad_stats", ADS)
    return workspace


def _with_storage(ws: Any, uri: str) -> Any:
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import Engine

    return Workspace(ws.root, ws.settings.model_copy(update={"engine": Engine(storage=uri)}))


def _storage(ws: Any) -> str:
    import tomllib

    raw = tomllib.loads((ws.root / "socialproof.toml").read_text(encoding="utf-8"))
    return str(raw.get("engine", {}).get("storage", ""))


def _raw(ws: Any, sql: str) -> list[tuple[Any, ...]]:
    with ws.connect(read_only=True) as con:
        return con.execute(sql).fetchall()  # type: ignore[no-any-return]


def test_publish_partitions_by_platform_and_month_with_safe_folder_names(
    filled: Any, tmp_path: Path
) -> None:
    from socialproof.workspace import parquet_store

    store = tmp_path / "store"
    manifest = parquet_store.publish(filled, store.as_uri())
    table = store / manifest.version / "ad_stats"
    parts = sorted(str(p.relative_to(table).parent) for p in table.rglob("*.parquet"))
    assert parts == [
        "p=linkedin/m=2026-02",
        "p=meta/m=2026-01",
        "p=meta/m=2026-02",
        "p=tik_tok_x/m=2026-02",  # no '/' or '..' from the data reaches a folder name
    ]
    assert manifest.tables["ad_stats"].rows == 4
    assert manifest.tables["ad_stats"].partitioned_by == ("platform", "date_start")
    assert manifest.tables["imports"].partitioned_by == ()
    on_disk = json.loads((store / "_manifest.json").read_text(encoding="utf-8"))
    assert on_disk["version"] == manifest.version
    assert not (store / "_staging").exists()


def test_reports_read_from_the_store_equal_the_database(filled: Any, tmp_path: Path) -> None:
    from socialproof.campaigns.report import campaign_report

    stored = _with_storage(filled, (tmp_path / "store").as_uri())
    want = campaign_report(filled, by="platform,campaign", period="month").frame
    got = campaign_report(stored, by="platform,campaign", period="month").frame
    pd.testing.assert_frame_equal(want, got)
    assert sorted(got["platform"]) == ["Tik Tok/../x", "linkedin", "meta", "meta"]
    assert (tmp_path / "store" / "_manifest.json").exists()


def test_new_imports_are_published_before_the_next_read(
    filled: Any, insert: Any, tmp_path: Path
) -> None:
    from socialproof.campaigns.report import campaign_report
    from socialproof.workspace import parquet_store

    uri = (tmp_path / "store").as_uri()
    stored = _with_storage(filled, uri)
    first = parquet_store.current(stored)[1].version
    assert parquet_store.current(stored)[1].version == first  # nothing changed: no new version
    insert("ad_stats", [_ad("tiktok", date(2026, 3, 1), "New", 5.0, 500)])
    frame = campaign_report(stored, by="platform").frame.set_index("platform")
    assert frame.loc["tiktok", "impressions"] == 500
    second = parquet_store.read_manifest(uri)
    assert second is not None and second.version != first
    # the previous version stays for queries that began on it; older ones go
    parquet_store.publish(filled, uri)
    versions = sorted(p.name for p in (tmp_path / "store").iterdir() if p.name.startswith("v"))
    assert first not in versions and second.version in versions and len(versions) == 2


def test_a_killed_publish_leaves_the_committed_version_visible(
    filled: Any, insert: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialproof.workspace import parquet_store

    uri = (tmp_path / "store").as_uri()
    before = parquet_store.publish(filled, uri)
    insert("ad_stats", [_ad("tiktok", date(2026, 3, 1), "New", 5.0, 500)])
    real = parquet_store.write_version

    def dies_half_way(con: Any, folder: Path, tables: Any = None) -> Any:
        real(con, folder, ["ad_stats"])  # one table written, then the process "dies"
        raise KeyboardInterrupt

    monkeypatch.setattr(parquet_store, "write_version", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        parquet_store.publish(filled, uri)
    monkeypatch.undo()
    after = parquet_store.read_manifest(uri)
    assert after == before  # readers still see the whole previous version
    visible = [p.name for p in (tmp_path / "store").iterdir() if not p.name.startswith("_")]
    assert visible == [before.version]
    stored = _with_storage(filled, uri)
    from socialproof.campaigns.report import campaign_report

    frame = campaign_report(stored, by="platform").frame  # publishes again, cleanly
    assert "tiktok" in set(frame["platform"])
    assert not (tmp_path / "store" / "_staging").exists()


def test_there_and_back_without_loss(filled: Any, tmp_path: Path) -> None:
    """Publish, then rebuild a new workspace's database from the store alone."""
    from socialproof.workspace import Workspace, parquet_store

    uri = (tmp_path / "store").as_uri()
    parquet_store.publish(filled, uri)
    fresh = Workspace.init(tmp_path / "fresh", settings=filled.settings)
    manifest, changed = parquet_store.restore(fresh, uri)
    assert "ad_stats" in changed
    query = (
        "SELECT platform, campaign, date_start, spend, impressions FROM ad_stats "
        "ORDER BY platform, date_start"
    )
    assert _raw(fresh, query) == _raw(filled, query)
    assert _raw(fresh, "SELECT count(*) FROM ad_stats") == [(4,)]
    # a second restore finds the same rows and changes nothing
    assert parquet_store.restore(fresh, uri)[1] == []


def test_restore_does_not_overwrite_newer_rows_unless_asked(
    filled: Any, insert: Any, tmp_path: Path
) -> None:
    from socialproof.workspace import parquet_store

    uri = (tmp_path / "store").as_uri()
    parquet_store.publish(filled, uri)
    insert("ad_stats", [_ad("tiktok", date(2026, 3, 1), "New", 5.0, 500)])
    with pytest.raises(BadInput, match="holds other rows than .* in ad_stats"):
        parquet_store.restore(filled, uri)
    assert _raw(filled, "SELECT count(*) FROM ad_stats") == [(5,)]
    parquet_store.restore(filled, uri, replace=True)
    assert _raw(filled, "SELECT count(*) FROM ad_stats") == [(4,)]


def test_a_store_changed_after_publishing_is_refused_and_nothing_changes(
    filled: Any, tmp_path: Path
) -> None:
    import duckdb

    from socialproof.workspace import Workspace, parquet_store

    store = tmp_path / "store"
    manifest = parquet_store.publish(filled, store.as_uri())
    victim = next((store / manifest.version / "ad_stats").rglob("*.parquet"))
    duckdb.sql(
        f"COPY (SELECT * REPLACE (spend * 2 AS spend) FROM read_parquet('{victim}')) "
        f"TO '{victim}.new' (FORMAT parquet)"
    )
    Path(f"{victim}.new").replace(victim)
    fresh = Workspace.init(tmp_path / "fresh", settings=filled.settings)
    with pytest.raises(IntegrityError, match="ad_stats reads back"):
        parquet_store.restore(fresh, store.as_uri())
    assert _raw(fresh, "SELECT count(*) FROM ad_stats") == [(0,)]
    assert _raw(fresh, "SELECT count(*) FROM imports") == [(0,)]


def test_damaged_manifest_and_bad_uris_are_clear_errors(tmp_path: Path) -> None:
    from socialproof.workspace import parquet_store

    store = tmp_path / "store"
    store.mkdir()
    (store / "_manifest.json").write_text('{"format": 1, "version": "../../etc"}')
    with pytest.raises(IntegrityError, match="manifest .* is damaged"):
        parquet_store.read_manifest(store.as_uri())
    with pytest.raises(SettingsError, match="scheme 'ftp'"):
        parquet_store.check_uri("ftp://host/x")
    with pytest.raises(SettingsError, match="names the host"):
        parquet_store.local_path("file://otherhost/x")
    assert parquet_store.local_path("file:///data/my%20store") == Path("/data/my store")
    assert parquet_store.check_uri("s3a://bucket/ws/") == "s3a://bucket/ws"


def test_cli_migrate_there_and_back_prints_counts_and_checksums(
    filled: Any, tmp_path: Path, cli: Any
) -> None:
    store = tmp_path / "store"
    got = cli("engine", "migrate", "--to", "parquet", store.as_uri(), "-f", "csv", cwd=filled.root)
    assert got.exit_code == 0, got
    table = pd.read_csv(io.StringIO(got.stdout)).set_index("table")
    assert table.loc["ad_stats", "rows"] == 4
    assert table.loc["ad_stats", "partitioned_by"] == "platform, date_start"
    assert "engine.storage now points there" in got.stderr
    assert _storage(filled) == store.as_uri()
    status = cli("engine", "status", "-f", "csv", cwd=filled.root)
    assert status.exit_code == 0 and "v20" in status.stdout, status
    report = cli("report", "campaigns", "--by", "platform", "-f", "csv", cwd=filled.root)
    assert report.exit_code == 0, report
    assert sorted(pd.read_csv(io.StringIO(report.stdout))["platform"]) == [
        "Tik Tok/../x",
        "linkedin",
        "meta",
    ]
    back = cli("engine", "migrate", "--to", "duckdb", "-f", "csv", cwd=filled.root)
    assert back.exit_code == 0, back
    again = pd.read_csv(io.StringIO(back.stdout)).set_index("table")
    assert again.loc["ad_stats", "checksum"] == table.loc["ad_stats", "checksum"]
    assert _storage(filled) == ""


def test_cli_errors_are_one_line(filled: Any, tmp_path: Path, cli: Any) -> None:
    cases = [
        (("engine", "migrate", "--to", "parquet", "ftp://x/y"), "scheme 'ftp'"),
        (("engine", "migrate", "--to", "parquet"), "needs the store's URI"),
        (("engine", "migrate", "--to", "duckdb"), "has no Parquet store"),
        (("engine", "migrate", "--to", "duckdb", str(tmp_path / "none")), "no _manifest.json"),
    ]
    for args, said in cases:
        got = cli(*args, cwd=filled.root)
        assert got.exit_code != 0, (args, got)
        lines = [ln for ln in got.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: ") and said in lines[0], got
    blocked = tmp_path / "file"
    blocked.write_text("x")
    got = cli("engine", "migrate", "--to", "parquet", str(blocked / "store"), cwd=filled.root)
    assert got.exit_code != 0 and got.stderr.startswith("Error: Cannot write the Parquet store")
    assert _storage(filled) == ""
    shutil.rmtree(tmp_path / "store", ignore_errors=True)
