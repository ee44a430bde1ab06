"""Every bad input of issue 2 through the real CLI: a result or one 'Error:' line, no traceback."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CORE = Path(__file__).parents[1] / "data" / "ingest" / "core"
HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
ROW = "{i},user{i},True,Mon Mar 02 10:{i:02d}:00 +0000 2026,{text},,\n"


def rows(n: int, text: str = "hello") -> str:
    return "".join(ROW.format(i=i, text=text) for i in range(1, n + 1))


def one_error_line(result: Any) -> str:
    assert "Traceback" not in result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("Error:")]
    assert errors, result
    return errors[0]


def count(ws: Any, table: str) -> int:
    with ws.connect() as con:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def run(cli: Callable[..., Any], workspace: Any) -> Callable[..., Any]:
    def _run(*args: str) -> Any:
        return cli("import", *args, "--output-format", "csv", cwd=workspace.root)

    return _run


def test_empty_file(run: Callable[..., Any], tmp_path: Path, workspace: Any) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = run(str(path))
    assert result.exit_code == 1
    assert "is empty" in one_error_line(result)
    assert count(workspace, "imports") == 0


def test_header_only(run: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(HEADER, encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 1
    assert "no data rows" in one_error_line(result)


def test_unknown_format_names_closest_and_missing_columns(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("tweet_id,author_id,text,when\n1,a,hi,2026-01-01\n", encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "closest: Conversations export" in line
    assert "missing: created_at, in_response_to_tweet_id" in line
    assert "--format" in line and "--mapping" in line


@pytest.mark.parametrize(
    "encoding,prefix",
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-8", b"\xef\xbb\xbf"),
        ("cp1252", b""),
    ],
)
def test_encodings(
    run: Callable[..., Any], tmp_path: Path, workspace: Any, encoding: str, prefix: bytes
) -> None:
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(prefix + (HEADER + rows(3, "café crème")).encode(encoding))
    result = run(str(path))
    assert result.exit_code == 0, result
    with workspace.connect() as con:
        texts = {r[0] for r in con.execute("SELECT text FROM messages").fetchall()}
    assert texts == {"café crème"}
    if encoding == "cp1252":
        assert "Windows-1252" in result.stderr


def test_truncated_last_line(run: Callable[..., Any], tmp_path: Path, workspace: Any) -> None:
    path = tmp_path / "cut.csv"
    path.write_text(
        HEADER + rows(3) + '4,user4,True,Mon Mar 02 10:04:00 +0000 2026,"never clo',
        encoding="utf-8",
    )
    result = run(str(path))
    assert result.exit_code == 0, result
    assert count(workspace, "messages") == 3
    [rejects] = list(workspace.imports_dir.glob("*.rejects.csv"))
    text = rejects.read_text(encoding="utf-8")
    assert text.splitlines()[1].startswith("5,") and "truncated" in text


def test_ten_thousand_columns(run: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ",".join(f"column {i}" for i in range(10_000))
    path.write_text(header + "\n" + ",".join("1" * 10_000) + "\n", encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 1
    assert "no known format" in one_error_line(result)


def test_one_megabyte_field(run: Callable[..., Any], tmp_path: Path, workspace: Any) -> None:
    path = tmp_path / "bigfield.csv"
    big = "x" * 1_048_576
    path.write_text(
        HEADER + ROW.format(i=1, text=f'"{big}"') + ROW.format(i=2, text="ok"), encoding="utf-8"
    )
    result = run(str(path))
    assert result.exit_code == 0, result
    with workspace.connect() as con:
        assert con.execute("SELECT max(length(text)) FROM messages").fetchone()[0] == 1_048_576


def test_xlsx_that_is_not_a_zip(run: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_text(HEADER + rows(2), encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 1
    assert "not a valid Excel workbook" in one_error_line(result)


def test_numbers_like_1_2_3_are_rejected_with_their_line(
    run: Callable[..., Any], workspace: Any
) -> None:
    result = run(str(CORE / "custom_posts.csv"), "--mapping", str(CORE / "custom_posts.yaml"))
    assert result.exit_code == 0, result
    [rejects] = list(workspace.imports_dir.glob("*.rejects.csv"))
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("4,") and "'1.2.3' is not a number" in lines[1]


def test_dates_in_the_future_or_before_2004(run: Callable[..., Any], workspace: Any) -> None:
    run(str(CORE / "custom_posts.csv"), "--mapping", str(CORE / "custom_posts.yaml"))
    [rejects] = list(workspace.imports_dir.glob("*.rejects.csv"))
    text = rejects.read_text(encoding="utf-8")
    assert "\n5," in text and "in the future" in text
    assert "\n6," in text and "before 2004" in text
    with workspace.connect() as con:
        ids = sorted(r[0] for r in con.execute("SELECT post_id FROM posts").fetchall())
    assert ids == ["m-1", "m-2"]


def test_file_that_is_not_text(run: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"\x00\x01\x02\x03binary\xff\xfe\x00" * 500)
    result = run(str(path))
    assert result.exit_code == 1
    assert "not a text file" in one_error_line(result)


def test_path_that_does_not_exist(run: Callable[..., Any], tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert "does not exist" in one_error_line(result)


def test_other_files_still_import_when_one_fails(
    run: Callable[..., Any], tmp_path: Path, workspace: Any
) -> None:
    result = run(str(tmp_path / "nope.csv"), str(CORE / "care.csv"))
    assert result.exit_code == 1
    assert count(workspace, "messages") == 7


def test_workspace_without_write_permission(workspace: Any) -> None:
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is not installed")
    exe = Path(sys.executable)
    base = Path(tempfile.mkdtemp(prefix="sp-readonly-"))
    try:
        ws_copy = base / "ws"
        shutil.copytree(workspace.root, ws_copy)
        data = base / "care.csv"
        shutil.copy(CORE / "care.csv", data)
        for p in [base, *base.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)  # readable by everyone, writable by root only
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALPROOF")}
        env["HOME"] = str(base)
        nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", str(exe)]
        probe = subprocess.run(
            [*nobody, "-c", "import socialproof.cli.main"],
            capture_output=True,
            text=True,
            env=env,
            cwd=base,
            timeout=120,
        )
        if probe.returncode != 0:
            pytest.skip("this checkout or its interpreter is not readable by user nobody")
        proc = subprocess.run(
            [
                setpriv,
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                str(exe),
                "-m",
                "socialproof.cli.main",
                "import",
                str(data),
                "--workspace",
                str(ws_copy),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=base,
            timeout=120,
        )
        assert proc.returncode == 1, proc
        assert "Traceback" not in proc.stderr
        assert proc.stderr.startswith("Error: "), proc.stderr
        assert "permission denied" in proc.stderr.lower()
        assert not any(p.name.endswith(".part") for p in (ws_copy / "imports").iterdir())
        st = (ws_copy / "workspace.duckdb").stat()
        assert not st.st_mode & stat.S_IWOTH
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_rejected_row_keeps_cells_that_hold_commas(
    run: Callable[..., Any], tmp_path: Path, workspace: Any
) -> None:
    # The rejects file's raw column joined the cells with bare commas, so a campaign named
    # "Spring, EU" and an amount "1,234.50" could no longer be told apart from other cells.
    import csv
    import io

    path = tmp_path / "ads.csv"
    header = ["Campaign name", "Ad name", "Day", "Amount spent (USD)", "Impressions"]
    bad = ["Spring, EU", "Reel", "2026-03-02", "1,234.50", "lots"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerows([header, ["Spring, EU", "Reel", "2026-03-01", "12.00", "1000"], bad])
    result = run(str(path), "--account", "acme")
    assert result.exit_code == 0, result
    [rejects] = list(workspace.imports_dir.glob("*.rejects.csv"))
    with rejects.open(encoding="utf-8", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert row["line"] == "3" and "'lots' is not a number" in row["reason"]
    assert next(csv.reader(io.StringIO(row["raw"]))) == bad
