"""``socialproof import``, ``socialproof imports`` and ``socialproof formats``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from socialproof.cli._common import (
    STATE,
    FormatOption,
    OutputFormat,
    WorkspaceOption,
    emit,
    info,
    open_workspace,
    progress,
    rollups_follow,
)


def register(app: typer.Typer) -> None:
    app.command("import")(import_files)
    app.command("imports")(imports)
    app.command("formats")(formats)
    mapping_app = typer.Typer(
        help="Column mappings for files no format knows (the generic importer).",
        no_args_is_help=True,
    )
    mapping_app.command("new")(mapping_new)
    app.add_typer(mapping_app, name="mapping")


def mapping_new(
    path: Annotated[Path, typer.Argument(help="The file to map (CSV, XLSX, JSON).")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write the mapping (default: FILE.mapping.yaml)."
        ),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(help="The canonical table to map to (default: guessed from the headers)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starting YAML mapping from a file's headers, with the columns it guessed."""
    from socialproof.errors import FileMissing, UsageError
    from socialproof.ingest.mapping_draft import draft_mapping
    from socialproof.render.tables import write_atomic

    if not path.is_file():
        raise FileMissing(f"{path} does not exist or is not a file.", hint="Check the path.")
    target = output or path.with_name(path.name + ".mapping.yaml")
    if target.exists() and not force:
        raise UsageError(f"{target} already exists.", hint="Pass --force to overwrite it.")
    draft = draft_mapping(path, table=table)
    write_atomic(target, lambda tmp: tmp.write_text(draft.yaml, encoding="utf-8"))
    guessed = ", ".join(f"{c} <- {h!r}" for c, h in draft.guesses.items())
    info(f"Wrote {target} (table {draft.table}): {guessed}.")
    if draft.todo:
        info(f"To do: set {', '.join(draft.todo)} in it, then import with --mapping {target}.")


def import_files(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Export files, folders (read recursively) or .zip downloads."),
    ],
    export_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Force this export format (see 'socialproof formats'); default: detect.",
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            help="Year of the earliest date, for exports whose dates have none (TikTok); "
            "must agree with the file's video ids and date range.",
        ),
    ] = None,
    account: Annotated[
        str | None,
        typer.Option(
            help="Whose data it is, for files that do not say (a file's own account column "
            "or permalink handles win)."
        ),
    ] = None,
    platform: Annotated[
        str | None, typer.Option(help="Platform, for generic or ambiguous files.")
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            help="YAML column mapping for the generic importer (implies --format generic)."
        ),
    ] = None,
    window: Annotated[
        str | None,
        typer.Option(
            help="FROM..TO (YYYY-MM-DD): the period an audience file describes, when it was "
            "exported for a chosen window; default: the file's export date.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and check everything; write nothing.")
    ] = False,
    output: Annotated[
        OutputFormat, typer.Option("--output-format", help="Summary as a table, csv or json.")
    ] = OutputFormat.table,
    workspace: WorkspaceOption = None,
) -> None:
    """Import export files into the workspace (autodetects each file's format)."""
    from socialproof.ingest import prehash

    prehash.start(list(paths))  # large files hash on other cores while the rest loads
    from socialproof.ingest.audience import parse_window
    from socialproof.ingest.importer import import_paths, read_context

    options = {"window": parse_window(window)} if window else None
    ws = open_workspace(workspace, migrate=False)  # checked on the import's first connection
    ctx = read_context(
        ws, year=year, account=account, platform=platform, mapping=mapping, options=options
    )
    chosen = export_format or ("generic" if mapping is not None else None)
    if STATE.quiet or not sys.stderr.isatty():  # no bar to show: rich.progress not loaded
        summaries = import_paths(
            ws, list(paths), format=chosen, ctx=ctx, dry_run=dry_run, debug=STATE.debug
        )
    else:
        with progress() as bar:
            task = bar.add_task("Importing", total=None)

            def step(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=f"Importing {name}"[:60])

            summaries = import_paths(
                ws,
                list(paths),
                format=chosen,
                ctx=ctx,
                dry_run=dry_run,
                progress=step,
                debug=STATE.debug,
            )
    if not dry_run:
        _rollups_follow(ws, summaries)
    compact = output == OutputFormat.table
    rows: list[dict[str, Any]] = [s.as_row(compact=compact) for s in summaries]
    emit(rows, output, title="Import" + (" (dry run: nothing written)" if dry_run else ""))
    for s in summaries:
        if not STATE.quiet:
            for note in dict.fromkeys(s.notes):
                _line(f"note: {note}" if s.path in note else f"note: {s.path}: {note}")
        if s.rejects_file is not None and compact and not STATE.quiet:
            _line(f"{s.path}: {s.rejected} rows rejected, see {s.rejects_file}")
        if s.error:
            _line(f"Error: {s.error}")
    failed = [s for s in summaries if s.failed]
    if failed:
        raise typer.Exit(1)


def _rollups_follow(ws: Any, summaries: list[Any]) -> None:
    """The stored roll-ups brought up to date with the tables the imports wrote."""
    written = [s for s in summaries if s.status == "imported"]
    if written and not all(s.rollups_stored is False for s in written):
        known = all(s.tables for s in written)
        rollups_follow(ws, sorted({t for s in written for t in s.tables}) if known else None)


def _line(text: str) -> None:
    """One unwrapped line on stderr (an error must stay one line)."""
    sys.stderr.write(" ".join(text.split()) + "\n")


def imports(
    fmt: FormatOption = OutputFormat.table,
    export_format: Annotated[
        str | None,
        typer.Option("--only", help="Only imports of this export format (e.g. meta-ads)."),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """List what was imported: rows read, rejected, new, updated, in conflict, and how many
    rows' figures each file still provides ('rows now')."""
    from socialproof.ingest.history import list_imports

    ws = open_workspace(workspace)
    rows = list_imports(ws, format=export_format)
    if not rows:
        info("Nothing imported yet. Run 'socialproof import FILES'.")
        return
    emit(rows, fmt, title="Imports")


def formats(fmt: FormatOption = OutputFormat.table) -> None:
    """List the export formats socialproof can read (names for --format)."""
    from socialproof.ingest.registry import registry

    reg = registry()
    rows = [
        {
            "name": f.name,
            "format": f.label,
            "files": ", ".join(f.kinds),
            "tables": ", ".join(f.tables),
            "needs columns": ", ".join(group[0] for group in f.required) or "(see its docs)",
        }
        for f in reg.all()
    ]
    emit(rows, fmt, title="Formats")
    for err in reg.load_errors:
        info(f"note: a format plugin failed to load: {err}")
