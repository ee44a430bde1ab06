from __future__ import annotations

from pathlib import Path

from socialproof import __version__


def test_version(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("--version")
    assert r.exit_code == 0
    assert __version__ in r.stdout


def test_init_then_settings(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli(
        "init", str(tmp_path / "w"), "--owner", "Dana", "--currency", "eur", "--handle", "@acme"
    )
    assert r.exit_code == 0, r
    assert (tmp_path / "w" / "workspace.duckdb").exists()
    r = cli("settings", "--format", "json", cwd=tmp_path / "w")
    assert r.exit_code == 0, r
    assert '"EUR"' in r.stdout and "Dana" in r.stdout


def test_error_is_one_line_and_exit_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("settings", cwd=tmp_path)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: ")
    assert r.stderr.count("\n") == 1
    assert "socialproof init" in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_option_value_is_usage_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("init", str(tmp_path / "w"), "--timezone", "Nowhere/Else")
    assert r.exit_code == 1
    assert "timezone" in r.stderr and "Traceback" not in r.stderr
    r = cli("init", str(tmp_path / "w2"), "--no-such-flag")
    assert r.exit_code == 2


def test_init_existing_workspace_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", str(tmp_path / "w")).exit_code == 0
    r = cli("init", str(tmp_path / "w"))
    assert r.exit_code == 2
    assert "already a workspace" in r.stderr


def test_settings_reference_lists_every_setting(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("settings", "--reference", "--format", "csv")
    assert r.exit_code == 0
    for name in (
        "owner",
        "currency",
        "timezone",
        "brand.handles",
        "business_hours.start",
        "industry",
    ):
        assert name in r.stdout


def test_user_text_in_paths_is_printed_literally_not_as_markup(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "[draft] spring"
    r = cli("init", str(folder))
    assert r.exit_code == 0, r
    assert "[draft] spring" in r.stderr
    crash = tmp_path / "notes [/x] and [bold]"
    r = cli("init", str(crash))
    assert r.exit_code == 0, r
    assert "notes [/x] and [bold]" in r.stderr
    assert "Traceback" not in r.stderr and "MarkupError" not in r.stderr


def test_table_titles_captions_and_headers_are_not_markup(capsys) -> None:  # type: ignore[no-untyped-def]
    from socialproof.cli._common import emit, info

    info("Note on [red]pilot[/red] and [/x] and :smile:")
    emit(
        [{"[b]name": "[i]x", "n": 1}],
        "table",
        title="Posts in [draft] [/x]",
        caption="from [bold]file[/bold].csv",
    )
    out, err = capsys.readouterr()
    assert "Note on [red]pilot[/red] and [/x] and :smile:" in err
    squeezed = "".join(out.split())  # Rich wraps titles to the table's width
    assert "Postsin[draft][/x]" in squeezed
    assert "from[bold]file[/bold].csv" in squeezed
    assert "[b]name" in out and "[i]x" in out


def test_progress_descriptions_are_not_markup() -> None:
    import io

    from rich.console import Console

    from socialproof.cli import _common

    bar = _common.progress()
    column = bar.columns[0]
    task = bar.add_task("Importing [/x] report [draft].csv", total=1)
    text = column.render(bar.tasks[task])  # type: ignore[union-attr]
    out = io.StringIO()
    Console(file=out, width=200).print(text)
    assert "Importing [/x] report [draft].csv" in out.getvalue()
