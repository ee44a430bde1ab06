"""Every command, in every --format it offers, on the demo workspace.

The command list is walked from the Typer app, so a command registered tomorrow is
covered tomorrow. Each run must end with exit code 0, or with a clean one-line
``Error: ...`` (never a traceback, never the "unexpected" catch-all), and output in
a machine format must parse: JSON as JSON, every JSON Lines line, CSV with every
row as wide as its header, Parquet read back by pyarrow.

The demo workspace is built once (``socialproof.demo.prepare`` plus the tour's
steps that add a pilot, approvals and message scores); commands that change a workspace get a copy.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

ROBUST = Path(__file__).parent.parent / "data" / "robustness"
SAMPLES = Path(__file__).parents[2] / "src" / "socialproof" / "data" / "samples"

# Long-running or blocking commands without a --format: each has its own tests
# (test_demo.py, the PDF and preview tests, tests/web); the check below keeps this
# list from hiding a command that does offer formats.
COVERED_ELSEWHERE = {
    ("demo",): "builds a whole demo workspace: tests/test_demo.py",
    ("portfolio", "pdf"): "drives Chromium: tests/portfolio/test_pdf_resume.py",
    ("portfolio", "preview"): "serves until stopped: tests/portfolio",
    ("serve",): "serves until stopped: tests/web",
}
# Commands that change the workspace (or make files): each run gets its own copy.
WRITERS = {
    ("init",),
    ("accounts", "rename"),
    ("accounts", "merge"),
    ("import",),
    ("approve",),
    ("schedule",),
    ("pilot", "new"),
    ("pilot", "delete"),
    ("portfolio", "new"),
    ("portfolio", "build"),
    ("portfolio", "import"),
    ("portfolio", "export"),
    ("profile", "init"),
    ("jobs", "import"),
    ("community", "decide"),
    ("engine", "migrate"),
    ("engine", "import"),
}
# Exit code 1 that reports findings (lint problems, rubric gaps), not a failure.
FINDINGS = {("lint",), ("portfolio", "check")}
# Commands that end in a clean error on the demo workspace, and the error they give.
EXPECTED_ERRORS: dict[tuple[str, ...], str] = {
    # the demo's posts carry no 'creator:' labels, and the error says how to add them
    ("report", "creators"): "tagged by creator",
    # a nested report: JSON or a table only, and the error names the command that gives CSV
    ("community", "report"): "prints a table or JSON",
    # the demo holds one account per platform: nothing to merge into, and it says so
    ("accounts", "merge"): "does not exist",
}
# The tour's steps that leave state behind for other commands to read.
SETUP_STEPS = {("pilot", "new"), ("approve",), ("schedule",), ("community", "report")}
PILOT = "Reels vs carousels"  # made by the demo tour's 'pilot new' step


def _commands() -> list[tuple[tuple[str, ...], Any]]:
    import typer

    from socialproof.cli.main import app

    out: list[tuple[tuple[str, ...], Any]] = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        commands = getattr(cmd, "commands", None)
        if commands:
            if path and getattr(cmd, "invoke_without_command", False):
                out.append((path, cmd))
            for name in sorted(commands):
                walk(commands[name], (*path, name))
        elif not getattr(cmd, "hidden", False):
            out.append((path, cmd))

    walk(typer.main.get_command(app), ())
    return out


def _formats(cmd: Any) -> list[str]:
    """The values --format takes (an enum), or [''] for a command without one."""
    for param in cmd.params:
        if "--format" in getattr(param, "opts", []):
            ann = param.type_descriptor.annotation
            if isinstance(ann, type) and issubclass(ann, enum.Enum):
                return [str(e.value) for e in ann]
            return [""]
    return [""]


COMMANDS = _commands()
BY_PATH = dict(COMMANDS)


def _has_output(cmd: Any) -> bool:
    return any("--output" in getattr(p, "opts", []) for p in cmd.params)


CASES = [
    pytest.param(path, fmt, id="-".join(path) + (f"[{fmt}]" if fmt else ""))
    for path, cmd in COMMANDS
    if path not in COVERED_ELSEWHERE
    for fmt in _formats(cmd)
]
# Option combinations worth a run of their own (each in every machine format).
VARIANTS = [
    ("report", "posts", "--group-by", "platform"),
    ("report", "posts", "--group-by", "platform,format", "--period", "month"),
    ("report", "campaigns", "--by", "platform,campaign", "--period", "month"),
    ("report", "pacing", "--budget", "8000", "--period", "month"),
    ("audit", "--platform", "instagram"),
    ("explain", "ctr_all", "--platform", "facebook"),
    ("explain", "cpm", "--campaign", "Sample - Spring Launch - Conversions"),
]


def _sample_args(path: tuple[str, ...], ws: Path, tmp: Path) -> list[str]:
    """Sensible arguments for commands that need some, taken from the demo workspace."""
    posts = sorted((ws / "content").glob("*.md"))
    post = str(posts[0])
    texts = str(ROBUST / "texts.txt")
    table: dict[tuple[str, ...], list[str]] = {
        ("approve",): [post, "--as", "Dana", "--role", "reviewer"],
        ("schedule",): [post, "--as", "Dana"],
        ("community", "decide"): [_flagged_message(ws), "dismiss"]
        if path == ("community", "decide")
        else [],
        ("accounts", "rename"): ["acme.home", "acme.home.shop", "--platform", "instagram"],
        ("accounts", "merge"): ["acme.home", "Acme Home", "--platform", "instagram"],
        ("profile", "init"): ["--force"],
        ("explain",): ["engagement_rate_reach"],
        ("gap",): ["--role", "paid-social-specialist"],
        ("report", "pacing"): ["--budget", "8000", "--period", "month"],
        ("import",): [str(SAMPLES / "Reach.csv")],
        ("mapping", "new"): [str(SAMPLES / "Reach.csv"), "--output", str(tmp / "map.yaml")],
        ("init",): [str(tmp / "fresh")],
        ("jobs", "import"): [
            str(SAMPLES / "careers" / "postings" / "content-creator-brightpath.md")
        ],
        ("lint",): [str(p) for p in posts],
        ("moderate",): [texts],
        ("sentiment",): [texts],
        ("themes",): [texts],
        ("pilot", "delete"): [PILOT],
        ("pilot", "report"): [PILOT],
        ("pilot", "new"): [
            "Every command",
            "--metric",
            "engagement_rate",
            "--a",
            "platform=instagram,format=carousel",
            "--b",
            "platform=instagram,format=reel",
            "--from",
            "2026-01-05",
            "--to",
            "2026-04-04",
        ],
        ("pilot", "plan"): ["--metric", "ctr", "--mde", "10%"],
        ("portfolio", "build"): ["--out", str(tmp / "site")],
        ("portfolio", "export"): ["--json-resume", str(tmp / "resume.json")],
        ("portfolio", "import"): ["--json-resume", str(ROBUST / "resume.json")],
        ("portfolio", "new"): ["Every command case study"],
        ("roles", "show"): ["social-media-manager"],
        ("engine", "migrate"): ["--to", "parquet", (tmp / "store").as_uri()],
        ("engine", "import"): [str(SAMPLES / "Reach.csv")],
    }
    return list(table.get(path, []))


def _flagged_message(ws: Path) -> str:
    """The first message id in the demo's moderation queue."""
    from socialproof.community.queue import moderation_queue
    from socialproof.workspace import Workspace

    queue = moderation_queue(Workspace.open(ws))
    assert len(queue), "the demo workspace should hold flagged messages"
    return str(queue["message_id"].iloc[0])


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from socialproof.cli.main import main
    from socialproof.demo import prepare, steps

    root: Path = prepare(tmp_path_factory.mktemp("every") / "demo")
    for step in steps(root):
        if step.args[:2] in SETUP_STEPS or step.args[:1] in SETUP_STEPS:
            assert main(list(step.args)) in step.ok_codes, step.title
    return root


def _workspace_for(path: tuple[str, ...], demo_ws: Path, tmp_path: Path) -> Path:
    if path not in WRITERS:
        return demo_ws
    copy = tmp_path / "ws"
    shutil.copytree(demo_ws, copy, ignore=shutil.ignore_patterns("*.lock", "*.wal"))
    return copy


def _check_clean(r: Any, path: tuple[str, ...]) -> None:
    """Exit 0 (1 for findings); a clean one-line error only where one is expected."""
    both = r.stdout + r.stderr
    assert "Traceback" not in both, r
    assert "Error: unexpected" not in r.stderr, r
    if r.exit_code == 0 or (r.exit_code == 1 and path in FINDINGS):
        return
    assert path in EXPECTED_ERRORS, r
    assert r.exit_code in (1, 2), r
    errors = [line for line in r.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, r
    assert EXPECTED_ERRORS[path] in errors[0], r


def _check_machine_output(fmt: str, text: str, file: Path | None) -> None:
    if fmt == "json" or fmt == "sarif":
        json.loads(text)
    elif fmt == "jsonl":
        for line in text.splitlines():
            if line.strip():
                json.loads(line)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows, "an empty CSV has at least its header"
        assert all(len(row) == len(rows[0]) for row in rows), text[:500]
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        assert file is not None and file.exists()
        pq.read_table(file)


def _run(cli: Any, argv: list[str], ws: Path) -> Any:
    return cli(*argv, cwd=ws)  # inside the workspace, as a user would run it


def _run_to_bytes(
    argv: list[str],
    ws: Path,
    file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Any:
    """Run with standard output as a binary pipe (Parquet to stdout), saved to ``file``."""
    import sys

    from socialproof.cli import _common
    from socialproof.cli.main import main

    _common.STATE.workspace = None
    _common.STATE.quiet = False
    _common._console = _common._err_console = None
    monkeypatch.chdir(ws)
    capsys.readouterr()
    raw = io.BytesIO()
    pipe = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    with monkeypatch.context() as m:
        m.setattr(sys, "stdout", pipe)
        code = main(argv)
        pipe.flush()
    file.write_bytes(raw.getvalue())
    err = capsys.readouterr().err
    return SimpleNamespace(exit_code=code, stdout="", stderr=err)


@pytest.mark.parametrize(("path", "fmt"), CASES)
def test_every_command_in_every_format(
    cli: Any,
    demo_ws: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    path: tuple[str, ...],
    fmt: str,
) -> None:
    ws = _workspace_for(path, demo_ws, tmp_path)
    argv = [*path, *_sample_args(path, ws, tmp_path)]
    parquet = tmp_path / "out.parquet"
    if fmt:
        argv += ["--format", fmt]
    to_file = fmt == "parquet" and _has_output(BY_PATH[path])
    if to_file:
        argv += ["--output", str(parquet)]
    if fmt == "parquet" and not to_file:
        r = _run_to_bytes(argv, ws, parquet, monkeypatch, capsys)
    else:
        r = _run(cli, argv, ws)
    _check_clean(r, path)
    if r.exit_code == 0 or path in FINDINGS:
        _check_machine_output(fmt, r.stdout, parquet if fmt == "parquet" else None)


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl", "parquet"])
@pytest.mark.parametrize("argv", VARIANTS, ids=lambda a: "-".join(a))
def test_report_variants_in_every_format(
    cli: Any, demo_ws: Path, tmp_path: Path, argv: tuple[str, ...], fmt: str
) -> None:
    out = tmp_path / "out.parquet"
    extra = ["--output", str(out)] if fmt == "parquet" else []
    r = cli(*argv, "--format", fmt, *extra, cwd=demo_ws)
    assert r.exit_code == 0, r
    _check_clean(r, argv)
    _check_machine_output(fmt, r.stdout, out if fmt == "parquet" else None)


def test_commands_left_out_offer_no_format() -> None:
    by_path = dict(COMMANDS)
    for path in COVERED_ELSEWHERE:
        assert path in by_path, f"{path} is no longer a command"
        assert _formats(by_path[path]) == [""], f"{path} has --format: test it here"


def test_the_demo_workspace_has_what_the_commands_read(demo_ws: Path, cli: Any) -> None:
    # a command that prints "nothing to report" on every format would pass above for nothing
    r = cli("report", "posts", "--group-by", "platform", "--format", "json", "-w", str(demo_ws))
    assert r.exit_code == 0, r
    platforms = {row["platform"] for row in json.loads(r.stdout)}
    assert {"instagram", "facebook", "tiktok"} <= platforms
    r = cli("pilot", "list", "--format", "json", "-w", str(demo_ws))
    assert PILOT in r.stdout
