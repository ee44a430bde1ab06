"""Migration 0003 upgrades a workspace written before accounts and object keys."""

from __future__ import annotations

from pathlib import Path

import duckdb

from socialproof.workspace import Workspace
from socialproof.workspace.migrations import m0001_core, m0002_unkeyed_canonical
from socialproof.workspace.settings import SETTINGS_FILE


def test_old_ad_rows_get_name_keys_that_new_imports_match(tmp_path: Path) -> None:
    root = tmp_path / "old"
    root.mkdir()
    (root / SETTINGS_FILE).write_text('owner = "Old"\n', encoding="utf-8")
    con = duckdb.connect(str(root / "workspace.duckdb"))
    con.execute(
        "CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name VARCHAR, "
        "applied_at TIMESTAMP)"
    )
    for number, module in ((1, m0001_core), (2, m0002_unkeyed_canonical)):
        module.up(con)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [number, "old"])
    con.execute(
        "INSERT INTO ad_stats (platform, account, campaign, ad_set, ad, date_start, date_stop, "
        "breakdown, spend, import_id) VALUES "
        "('meta', 'Acme Ads', 'Spring sale', '', '', '2026-02-01', '2026-02-28', '', 9.5, 'x')"
    )
    con.execute("INSERT INTO posts (platform, post_id, account, views) VALUES ('x', '1', NULL, 5)")
    con.execute(
        "INSERT INTO imports (import_id, path, imported_at) VALUES ('x', 'a.csv', '2026-03-01')"
    )
    con.close()

    ws = Workspace.open(root)
    with ws.connect() as con:
        keys = con.execute("SELECT object_key, spend FROM ad_stats").fetchall()
        accounts = con.execute("SELECT account FROM posts").fetchall()
        imports = con.execute("SELECT rows_conflicting, exported_at IS NOT NULL FROM imports")
        stamped = imports.fetchall()
    assert keys == [("name:Spring sale\x1f\x1f", 9.5)]
    assert accounts == [("",)]
    assert stamped == [(0, True)]

    # a new export of the same campaign and period lands on the same row
    from socialproof.ingest.importer import import_paths

    export = tmp_path / "ads.csv"
    export.write_text(
        "Account name,Campaign name,Amount spent (USD),Reporting starts,Reporting ends\n"
        "Acme Ads,Spring sale,10.00,2026-02-01,2026-02-28\n",
        encoding="utf-8",
    )
    [s] = import_paths(ws, [export])
    assert (s.status, s.inserted, s.updated) == ("imported", 0, 1)
    with ws.connect() as con:
        assert con.execute("SELECT count(*), sum(spend) FROM ad_stats").fetchone() == (1, 10.0)
