"""The SQL path (``ingest/sqlpath.py``) stores exactly what the Python path stores, or declines.

Every file is imported twice into fresh workspaces, once with the SQL path allowed for
files of any size and once with it switched off (``SOCIALPROOF_SQL_PATH=0``); the
canonical rows, the counts and the notes must be the same. Files the SQL path cannot
read exactly as the Python path does must be declined (and then read the Python way).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from socialproof.ingest import sqlpath
from socialproof.ingest.importer import import_paths, read_context, read_rejects

DATA = Path(__file__).parent.parent / "data" / "ingest"

HEADER = (
    "Reporting starts,Reporting ends,Campaign name,Ad set name,Ad name,Day,"
    "Amount spent (USD),Impressions,Reach,Frequency,Results,Result indicator,"
    "Cost per result,Link clicks,CTR (link click-through rate),Gender\n"
)


def meta_lines(n: int) -> list[str]:
    """``n`` daily rows: 40 ads, empty cells now and then, quoted names with commas."""
    out = []
    for i in range(n):
        day = (date(2024, 1, 1) + timedelta(days=i // 40)).isoformat()
        ad = i % 40
        campaign = f'"Spring, {ad // 10}"' if ad % 7 == 0 else f"Campaign {ad // 10}"
        reach = "" if i % 13 == 0 else str(900 + (i * 7) % 500)
        result = "" if i % 17 == 0 else f"{(i * 3) % 50}"
        gender = ("female", "male", "")[i % 3]
        ctr = "" if i % 11 == 0 else f"{(i % 9) / 10:.1f}"
        out.append(
            f"{day},{day},{campaign},Set {ad // 5},Ad {ad},{day},{(i * 37) % 1000 / 7:.2f},"
            f"{1000 + i % 777},{reach},{1 + (i % 5) / 10},{result},actions:link_click,"
            f"{(i % 23) / 4},{i % 41},{ctr},{gender}\n"
        )
    return out


def with_cell(lines: list[str], k: int, column: int, cell: str) -> None:
    """Line ``k`` with one cell written as ``cell`` (as it stands in the file)."""
    import csv

    fields = next(csv.reader([lines[k]]))
    fields = [f'"{f}"' if "," in f else f for f in fields]
    fields[column] = cell
    lines[k] = ",".join(fields) + "\n"


def write(path: Path, lines: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "".join(lines), encoding="utf-8")
    return path


def _workspace(root: Path) -> Any:
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    settings = settings_from_dict({"owner": "Test Owner", "timezone": "UTC"})
    return Workspace.init(root, settings=settings)


def _rows(ws: Any, table: str) -> list[tuple[Any, ...]]:
    with ws.connect(read_only=True) as con:
        return sorted(
            con.execute(f"SELECT * FROM {table}").fetchall(), key=lambda r: tuple(map(str, r))
        )


def import_both(
    tmp_path: Path,
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    *,
    account: str | None = "acme",
    table: str = "ad_stats",
) -> tuple[Any, Any, bool]:
    """(SQL path summary and rows, Python path summary and rows, whether SQL took the file)."""
    monkeypatch.setattr(sqlpath, "SQL_PATH_BYTES", 0)
    results = []
    taken = False
    for sql in ("1", "0"):
        monkeypatch.setenv("SOCIALPROOF_SQL_PATH", sql)
        ws = _workspace(tmp_path / f"ws{sql}")
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="socialproof.ingest"):
            [s] = import_paths(ws, [path], ctx=read_context(ws, account=account))
        if sql == "1":
            taken = any("sqlpath read_csv" in r.getMessage() for r in caplog.records) and not any(
                "declined" in r.getMessage() for r in caplog.records
            )
        results.append((s, _rows(ws, table) if s.status == "imported" else []))
    (sql_s, sql_rows), (py_s, py_rows) = results
    assert sql_s.status == py_s.status, (sql_s.error, py_s.error)
    assert sql_rows == py_rows
    for field in ("rows_read", "inserted", "updated", "rejected", "conflicts", "format"):
        assert getattr(sql_s, field) == getattr(py_s, field), field
    assert sql_s.notes == py_s.notes
    return sql_s, py_s, taken


def test_a_clean_daily_export_is_stored_by_duckdb_as_python_stores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "ads.csv", meta_lines(2500))
    sql_s, _, taken = import_both(tmp_path, path, monkeypatch, caplog)
    assert taken
    assert (sql_s.status, sql_s.inserted, sql_s.rejected) == ("imported", 2500, 0)


def test_the_stored_values_are_the_written_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlpath, "SQL_PATH_BYTES", 0)
    lines = meta_lines(2100)
    lines[0] = (
        '2024-01-01,2024-01-01,"Spring, 0",Set 0,Ad 0,2024-01-01,12.50,1000,,1.5,'
        ",actions:link_click,0.25,7,1.5,female\n"
    )
    ws = _workspace(tmp_path / "ws")
    [s] = import_paths(ws, [write(tmp_path / "a.csv", lines)], ctx=read_context(ws, account="acme"))
    assert s.status == "imported"
    with ws.connect(read_only=True) as con:
        row = con.execute(
            "SELECT account, campaign, object_key, date_start, date_stop, breakdown, currency, "
            "spend, impressions, reach, results, link_clicks, reported_ctr, import_id "
            "FROM ad_stats WHERE ad = 'Ad 0' AND date_start = DATE '2024-01-01'"
        ).fetchall()
    assert row == [
        (
            "acme",
            "Spring, 0",
            "name:Spring, 0\x1fSet 0\x1fAd 0",
            date(2024, 1, 1),
            date(2024, 1, 1),
            "gender=female",
            "USD",
            12.5,
            1000,
            None,
            0.0,  # a blank Results cell: a row without a result (meta_ads)
            7,
            0.015,
            s.sha256,
        )
    ]


@pytest.mark.parametrize(
    ("what", "cell", "column"),
    [
        ("digits grouped with '_'", "1_000", 7),
        ("a missing-value marker", "N/A", 6),
        ("thousands separators", '"1,234.50"', 6),
        ("a date without leading zeros", "2024-1-5", 5),
        ("a non-whole count", "12.5", 7),
        ("space around a name", "  Ad 9 ", 4),
        ("a no-break space after a campaign", "Campaign 1\u00a0", 2),
        ("a space before an ad set", " Set 2", 3),
        ("a space after a result type", "actions:link_click ", 11),
        ("a summary row", "", 2),
        ("a negative spend", "-5.00", 6),
        ("a date in the future", "2999-01-01", 5),
        ("infinity", "inf", 6),
    ],
)
def test_cells_the_sql_path_cannot_read_exactly_send_the_file_to_python(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    what: str,
    cell: str,
    column: int,
) -> None:
    lines = meta_lines(2100)
    with_cell(lines, 1500, column, cell)
    if what == "a summary row":
        with_cell(lines, 1500, 3, "")
        with_cell(lines, 1500, 4, "")
    path = write(tmp_path / "odd.csv", lines)
    sql_s, _, taken = import_both(tmp_path, path, monkeypatch, caplog)
    assert not taken, what
    assert sql_s.status == "imported"


def test_repeated_keys_are_settled_by_the_python_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lines = meta_lines(2100)
    lines.append(lines[5])  # the same row again: dropped as a repeat, listed in the rejects
    sql_s, _, taken = import_both(tmp_path, write(tmp_path / "rep.csv", lines), monkeypatch, caplog)
    assert not taken
    assert sql_s.rejected == 1
    assert sql_s.rejects_file is not None
    [reject] = read_rejects(sql_s.rejects_file)
    assert reject["line"] == str(len(lines) + 1)


def test_a_quoted_line_break_sends_the_file_to_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lines = meta_lines(2100)
    lines[2050] = lines[2050].replace("Set ", '"Set\nnumber ', 1).replace(",Ad ", '",Ad ', 1)
    sql_s, _, taken = import_both(tmp_path, write(tmp_path / "nl.csv", lines), monkeypatch, caplog)
    assert not taken
    assert sql_s.inserted == 2100


def test_a_second_import_of_overlapping_rows_takes_the_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sqlpath, "SQL_PATH_BYTES", 0)
    ws = _workspace(tmp_path / "ws")
    first = write(tmp_path / "first.csv", meta_lines(2100))
    second = write(tmp_path / "second.csv", meta_lines(2200))
    ctx = read_context(ws, account="acme")
    [a] = import_paths(ws, [first], ctx=ctx)
    [again] = import_paths(ws, [first], ctx=ctx)
    with caplog.at_level(logging.DEBUG, logger="socialproof.ingest"):
        [b] = import_paths(ws, [second], ctx=ctx)
    assert (a.status, a.inserted) == ("imported", 2100)
    assert again.status == "already imported"
    # found by the look at the workspace made while the plan was drawn (on its own thread)
    assert any("was imported before (as meta-ads from" in n for n in again.notes), again.notes
    assert (b.status, b.inserted, b.unchanged) == ("imported", 100, 2100)
    assert not any("sqlpath read_csv" in r.getMessage() for r in caplog.records)
    assert len(_rows(ws, "ad_stats")) == 2200


def test_the_sql_path_rolls_back_on_a_decline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlpath, "SQL_PATH_BYTES", 0)
    lines = meta_lines(2100)
    with_cell(lines, 2099, 7, "1_000")  # the last row: read after every other one
    ws = _workspace(tmp_path / "ws")
    path = write(tmp_path / "late.csv", lines)
    [s] = import_paths(ws, [path], ctx=read_context(ws, account="acme"))
    # the Python path read it: one row rejected, the others in once
    assert (s.status, s.inserted, s.rejected) == ("imported", 2099, 1)
    assert len(_rows(ws, "ad_stats")) == 2099
    assert sorted(p.name for p in ws.imports_dir.iterdir()) == sorted(
        [f"{s.sha256}.csv", f"{s.sha256}.rejects.csv"]
    )


@pytest.mark.parametrize("name", ["daily_usd.csv", "range_eur_excel.csv", "monthly_es.csv"])
def test_the_meta_fixtures_import_the_same_either_way(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    name: str,
) -> None:
    import_both(tmp_path, DATA / "meta_ads" / name, monkeypatch, caplog)


def test_a_file_without_an_account_says_so_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "ads.csv", meta_lines(2100))
    sql_s, py_s, _ = import_both(tmp_path, path, monkeypatch, caplog, account=None)
    assert sql_s.status == py_s.status == "failed"
    assert sql_s.error == py_s.error


def test_a_parquet_store_gets_the_rows_the_sql_path_wrote(
    workspace: Any, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    from socialproof.workspace import Workspace, parquet_store

    monkeypatch.setattr(sqlpath, "SQL_PATH_BYTES", 0)
    care = DATA / "core" / "care.csv"
    assert cli("import", str(care), cwd=workspace.root).exit_code == 0
    uri = (tmp_path / "store").as_uri()
    assert cli("engine", "migrate", "--to", "parquet", uri, cwd=workspace.root).exit_code == 0
    ads = write(tmp_path / "ads.csv", meta_lines(2100))
    done = cli("import", str(ads), "--account", "acme", cwd=workspace.root)
    assert done.exit_code == 0, done
    ws = Workspace.open(workspace.root)
    manifest = parquet_store.read_manifest(uri)
    assert manifest is not None
    assert manifest.source_state == parquet_store.source_state(ws)
    con = duckdb.connect()
    parquet_store.create_views(con, uri, manifest)
    in_store = con.execute("SELECT count(*), sum(spend) FROM ad_stats").fetchall()
    con.close()
    with ws.connect(read_only=True) as db:
        in_db = db.execute("SELECT count(*), sum(spend) FROM ad_stats").fetchall()
    assert in_store == in_db
    assert in_db[0][0] == 2100


# -- customer care (conversations) --------------------------------------------------

CARE_HEADER = (
    "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def care_lines(n: int) -> list[str]:
    """``n`` messages in threads of 1-4 (replies point up), some replying outside the file."""
    out = []
    for i in range(n):
        depth = i % 4
        parent = "" if depth == 0 else str(5000 + i - 1)
        if i % 97 == 5:
            parent = str(90_000 + i)  # a reply to a message the file does not hold
        brand = depth % 2 == 1
        author = "AcmeHelp" if brand else f"cust{i // 4}"
        inbound = ("False", "FALSE", "no")[i % 3] if brand else ("True", "true", "")[i % 3]
        day = date(2024, 1, 1) + timedelta(days=i // 50)
        stamp = f"{_DAYS[day.weekday()]} {day:%b %d} {i % 24:02d}:{i % 60:02d}:07 +0000 {day:%Y}"
        text = f'"thanks, ""order"" {i}"' if i % 9 == 0 else f"@acme help {i}"
        out.append(f"{5000 + i},{author},{inbound},{stamp},{text},,{parent}\n")
    return out


def import_care(
    tmp_path: Path,
    lines: list[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> tuple[Any, Any, bool]:
    path = write(tmp_path / "care.csv", lines, CARE_HEADER)
    return import_both(tmp_path, path, monkeypatch, caplog, table="messages")


def test_a_clean_care_export_is_stored_by_duckdb_as_python_stores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    sql_s, _, taken = import_care(tmp_path, care_lines(2400), monkeypatch, caplog)
    assert taken
    assert (sql_s.status, sql_s.inserted, sql_s.rejected) == ("imported", 2400, 0)


def test_care_thread_roots_and_brand_replies_are_the_written_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlpath, "SQL_PATH_BYTES", 0)
    ws = _workspace(tmp_path / "ws")
    path = write(tmp_path / "care.csv", care_lines(2100), CARE_HEADER)
    [s] = import_paths(ws, [path], ctx=read_context(ws))
    assert s.status == "imported"
    with ws.connect(read_only=True) as con:
        got = con.execute(
            "SELECT message_id, thread_id, parent_id, channel, inbound, is_brand, created_at "
            "FROM messages WHERE message_id IN ('5000', '5003', '5005', '5006') "
            "ORDER BY message_id"
        ).fetchall()
    from datetime import datetime

    assert got == [
        ("5000", "5000", None, "mention", True, False, datetime(2024, 1, 1, 0, 0, 7)),
        ("5003", "5000", "5002", "reply", False, True, datetime(2024, 1, 1, 3, 3, 7)),
        # replies to a message outside the file: the thread is named by that message
        ("5005", "90005", "90005", "reply", False, True, datetime(2024, 1, 1, 5, 5, 7)),
        ("5006", "90005", "5005", "reply", True, False, datetime(2024, 1, 1, 6, 6, 7)),
    ]


def test_care_brand_handles_are_marked_and_missing_ones_noted_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    def with_handles(root: Path) -> Any:
        settings = settings_from_dict(
            {"owner": "T", "timezone": "UTC", "brand": {"handles": ["@ACMEHELP", "nobody"]}}
        )
        return Workspace.init(root, settings=settings)

    monkeypatch.setattr(f"{__name__}._workspace", with_handles)
    sql_s, _, taken = import_care(tmp_path, care_lines(2100), monkeypatch, caplog)
    assert taken
    assert sql_s.notes == [
        "The brand handle 'nobody' (settings: brand.handles) does not appear among this "
        "file's authors."
    ]


@pytest.mark.parametrize(
    ("what", "column", "cell"),
    [
        ("another time zone", 3, "Mon Jan 01 00:00:07 +0100 2024"),
        ("an impossible day", 3, "Fri Feb 30 10:00:07 +0000 2024"),
        ("a weekday not the date's", 3, "Tue Jan 01 00:00:07 +0000 2024"),  # a Monday
        ("an ISO time stamp", 3, "2024-01-01 00:00:07"),
        ("space around an id", 0, " 7777"),
        ("space after a reply-to id", 6, "1000001 "),
        ("space after an author", 1, "113112 "),
        ("a text ending in a no-break space", 4, "thanks\u00a0"),
        ("a line separator after an accent", 4, "merci e\u0301\u2028"),
        ("an ideographic space before a text", 4, "\u3000hello"),
        ("two ids in a cell", 6, '"5001,5002"'),
        ("no id", 0, ""),
    ],
)
def test_care_cells_the_sql_path_cannot_read_exactly_send_the_file_to_python(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    what: str,
    column: int,
    cell: str,
) -> None:
    lines = care_lines(2100)
    with_cell(lines, 1500, column, cell)
    _, _, taken = import_care(tmp_path, lines, monkeypatch, caplog)
    assert not taken, what


def test_care_texts_ending_in_accents_or_emoji_are_taken_and_stored_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lines = care_lines(2100)
    with_cell(lines, 1501, 4, "caf\u00e9 au lait e\u0301")  # a combining accent last
    with_cell(lines, 1502, 4, "thanks \U0001f44d\U0001f3fd")  # an emoji with its skin tone
    with_cell(lines, 1503, 4, "\u00bfd\u00f3nde est\u00e1?")
    _, _, taken = import_care(tmp_path, lines, monkeypatch, caplog)
    assert taken


def test_care_ids_saved_as_floats_are_read_as_python_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lines = care_lines(2100)
    with_cell(lines, 1501, 0, "6501.0")
    with_cell(lines, 1502, 6, "6501.0")
    with_cell(lines, 1504, 6, "nan")
    _, _, taken = import_care(tmp_path, lines, monkeypatch, caplog)
    assert taken


def test_care_repeats_and_line_breaks_take_the_python_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lines = care_lines(2100)
    lines.append(lines[7])  # the same message twice: settled by sameness.py
    sql_s, _, taken = import_care(tmp_path, lines, monkeypatch, caplog)
    assert not taken
    assert sql_s.rejected == 1
    broken = care_lines(2100)
    broken[2050] = broken[2050].replace("@acme help", '"@acme\nhelp', 1).replace(",,", '",,', 1)
    (tmp_path / "nl").mkdir()
    sql_s, _, taken = import_care(tmp_path / "nl", broken, monkeypatch, caplog)
    assert not taken
    assert sql_s.inserted == 2100


@pytest.mark.parametrize("name", ["care.csv"])
def test_the_care_fixtures_import_the_same_either_way(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    name: str,
) -> None:
    import_both(tmp_path, DATA / "core" / name, monkeypatch, caplog, table="messages")


def test_the_sql_path_can_be_limited_to_named_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    for setting, meta, care in [
        ("1", True, True),
        ("", True, True),
        ("0", False, False),
        ("meta-ads", True, False),
        ("meta-ads, conversations", True, True),
    ]:
        monkeypatch.setenv("SOCIALPROOF_SQL_PATH", setting)
        assert (sqlpath.allowed("meta-ads"), sqlpath.allowed("conversations")) == (meta, care)


def test_a_care_file_left_out_of_the_sql_path_is_read_the_python_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sqlpath, "SQL_PATH_BYTES", 0)
    monkeypatch.setenv("SOCIALPROOF_SQL_PATH", "meta-ads")
    ws = _workspace(tmp_path / "ws")
    path = write(tmp_path / "care.csv", care_lines(2100), CARE_HEADER)
    with caplog.at_level(logging.DEBUG, logger="socialproof.ingest"):
        [s] = import_paths(ws, [path], ctx=read_context(ws))
    assert (s.status, s.inserted) == ("imported", 2100)
    assert not any("sqlpath read_csv" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("variant", ["crlf", "bom", "semicolons", "wrapped rows"])
def test_care_files_saved_other_ways_import_the_same_either_way(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    variant: str,
) -> None:
    import csv
    import io

    text = CARE_HEADER + "".join(care_lines(2100))
    encoding = "utf-8"
    if variant == "crlf":
        text = text.replace("\n", "\r\n")
    elif variant == "bom":
        encoding = "utf-8-sig"
    elif variant == "semicolons":
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\n").writerows(csv.reader(io.StringIO(text)))
        text = out.getvalue()
    else:  # a spreadsheet that wrapped each whole row in quotes
        text = "".join('"' + ln.replace('"', '""') + '"\n' for ln in text.splitlines())
    path = tmp_path / "care.csv"
    path.write_bytes(text.encode(encoding))
    sql_s, _, taken = import_both(tmp_path, path, monkeypatch, caplog, table="messages")
    assert sql_s.inserted == 2100
    assert taken == (variant != "wrapped rows")


def test_care_one_id_on_two_platforms_takes_the_python_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # the (platform, id) keys differ, but thread roots are looked up by id alone: the
    # SQL path joins the reply to 5006 (line 8) to two rows and leaves the file to Python
    lines = [line.rstrip("\n") + ",x\n" for line in care_lines(2100)]
    lines.append(lines[6].replace(",x\n", ",reddit\n"))
    path = write(tmp_path / "care.csv", lines, CARE_HEADER.rstrip("\n") + ",platform\n")
    sql_s, _, taken = import_both(tmp_path, path, monkeypatch, caplog, table="messages")
    assert not taken
    assert (sql_s.status, sql_s.inserted) == ("imported", 2101)


def test_care_one_id_on_two_platforms_nobody_answers_imports_the_same_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lines = [line.rstrip("\n") + ",x\n" for line in care_lines(2100)]
    lines.append(lines[7].replace(",x\n", ",reddit\n"))  # 5007: no reply points to it
    path = write(tmp_path / "care.csv", lines, CARE_HEADER.rstrip("\n") + ",platform\n")
    sql_s, py_s, _ = import_both(tmp_path, path, monkeypatch, caplog, table="messages")
    assert (sql_s.status, sql_s.inserted) == (py_s.status, py_s.inserted) == ("imported", 2101)


def test_care_reply_cycles_and_self_replies_thread_the_same_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lines = care_lines(2100)
    lines[0] = lines[0].replace(",,\n", ",,5001\n")  # 5000 <-> 5001: a cycle
    lines[4] = lines[4].replace(",,\n", ",,5004\n")  # 5004 answers itself
    lines[8] = lines[8].replace(",,\n", ",,5011\n")  # 5008 -> 5011 -> 5010 -> 5009 -> 5008
    sql_s, py_s, taken = import_care(tmp_path, lines, monkeypatch, caplog)
    assert taken
    assert (sql_s.status, sql_s.inserted) == ("imported", 2100)


def _archived(ws: Any) -> list[Path]:
    return sorted(p for p in ws.imports_dir.iterdir() if p.is_file())


def test_the_raw_file_is_archived_byte_for_byte_and_a_reimport_leaves_no_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large file's copy starts before anyone knows it is new: archived once, exactly,
    and the copy a re-import began is stopped and removed."""
    import hashlib

    from socialproof.ingest import rawcopy

    monkeypatch.setattr(sqlpath, "SQL_PATH_BYTES", 0)  # every file takes the early copy
    monkeypatch.setattr(rawcopy, "COPY_STEP", 4096)  # many steps, each a look at the flag
    path = write(tmp_path / "daily.csv", meta_lines(400))
    ws = _workspace(tmp_path / "ws")
    [first] = import_paths(ws, [path], ctx=read_context(ws, account="acme"))
    assert first.status == "imported"
    [archived] = [p for p in _archived(ws) if not p.name.endswith(".rejects.csv")]
    assert archived.read_bytes() == path.read_bytes()
    assert first.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    [again] = import_paths(ws, [path], ctx=read_context(ws, account="acme"))
    assert again.status == "already imported"
    assert [p for p in _archived(ws) if not p.name.endswith(".rejects.csv")] == [archived]
    assert not [p for p in ws.imports_dir.iterdir() if p.name.endswith(".part")]
