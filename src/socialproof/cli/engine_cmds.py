"""``socialproof engine``: where the tables live (DuckDB file or a Parquet store) and what reads them."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from socialproof.cli._common import FormatOption, OutputFormat, WorkspaceOption, emit, info

if TYPE_CHECKING:
    from socialproof.workspace import Workspace

engine_app = typer.Typer(
    help="The analytics engine: move the tables to a Parquet store a Spark cluster reads, "
    "and back; show what reads them.",
    rich_markup_mode=None,
    no_args_is_help=True,
)


class Target(StrEnum):
    parquet = "parquet"
    duckdb = "duckdb"


def register(app: typer.Typer) -> None:
    app.add_typer(engine_app, name="engine")


@engine_app.command("migrate")
def migrate(
    to: Annotated[
        Target,
        typer.Option(
            "--to",
            help="parquet: publish every table to the store URI and read from there; "
            "duckdb: read the store back into the workspace database and read from it again.",
        ),
    ],
    uri: Annotated[
        str | None,
        typer.Argument(
            help="The store: file:///shared/acme or a folder (for --to duckdb, default: "
            "engine.storage).",
            show_default=False,
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="--to duckdb: replace tables of the database that hold other rows than the store.",
        ),
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    workspace: WorkspaceOption = None,
) -> None:
    """Move the workspace's tables to a Parquet store or back, printing row counts and checksums."""
    from socialproof.cli._common import open_workspace
    from socialproof.errors import UsageError
    from socialproof.workspace import parquet_store

    ws = open_workspace(workspace)
    if to is Target.parquet:
        if not uri:
            raise UsageError(
                "--to parquet needs the store's URI.",
                hint="e.g. socialproof engine migrate --to parquet file:///shared/acme",
            )
        uri = parquet_store.check_uri(uri)
        manifest = parquet_store.publish(ws, uri)
        _set_storage(ws, uri)
        info(f"Published version {manifest.version} to {uri}; engine.storage now points there.")
    else:
        source = uri or ws.settings.engine.storage
        if not source:
            raise UsageError(
                "The workspace has no Parquet store (engine.storage is empty).",
                hint="Name one: socialproof engine migrate --to duckdb file:///shared/acme",
            )
        manifest, changed = parquet_store.restore(ws, source, replace=replace)
        _set_storage(ws, "")
        what = f"read {', '.join(changed)} back" if changed else "it already held the same rows"
        info(
            f"Version {manifest.version} of {source} and {ws.db_path}: {what}; checksums match. "
            "engine.storage is now empty (the DuckDB file)."
        )
    emit(parquet_store.summary(manifest), fmt, title="Tables")


@engine_app.command("status")
def status(fmt: FormatOption = OutputFormat.table, workspace: WorkspaceOption = None) -> None:
    """Show the engine, the Spark master and the store with its committed version."""
    from socialproof.cli._common import open_workspace
    from socialproof.workspace import parquet_store

    ws = open_workspace(workspace)
    eng = ws.settings.engine
    rows = [
        {"setting": "backend", "value": eng.backend},
        {"setting": "spark_master", "value": eng.spark_master},
        {"setting": "storage", "value": eng.storage or "(the workspace's DuckDB file)"},
    ]
    if eng.storage:
        manifest = parquet_store.read_manifest(parquet_store.check_uri(eng.storage))
        rows.append({"setting": "version", "value": manifest.version if manifest else "(none yet)"})
    emit(rows, fmt, title="Engine")


@engine_app.command("import")
def import_with_spark(
    paths: Annotated[
        list[Path],
        typer.Argument(help="CSV exports, or folders of them (read recursively)."),
    ],
    export_format: Annotated[
        str | None,
        typer.Option(
            "--export-format", help="Force this export format; default: detect each file."
        ),
    ] = None,
    account: Annotated[
        str | None, typer.Option(help="Whose data it is, for files that do not say.")
    ] = None,
    platform: Annotated[
        str | None, typer.Option(help="Platform, for generic or ambiguous files.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and check everything; write nothing.")
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    workspace: WorkspaceOption = None,
) -> None:
    """Import large CSV exports read by Spark (engine.spark_master): many files, or huge ones.

    Each file is read by Spark's CSV reader and parsed on an executor by the same rules
    as 'socialproof import'; then stored as any import (the same file twice adds
    nothing, all or nothing per file, rejects kept, the Parquet store's changed
    partitions published). UTF-8 CSV files only.
    """
    import sys

    from socialproof.cli._common import open_workspace
    from socialproof.ingest.importer import read_context
    from socialproof.ingest.spark_reader import import_with_spark as run

    ws = open_workspace(workspace)
    ctx = read_context(ws, account=account, platform=platform)
    summaries = run(ws, list(paths), format=export_format, ctx=ctx, dry_run=dry_run)
    rows = [s.as_row(compact=fmt == OutputFormat.table) for s in summaries]
    emit(rows, fmt, title="Import (read by Spark)" + (" (dry run)" if dry_run else ""))
    for s in summaries:
        if s.rejects_file is not None:
            info(f"{s.path}: {s.rejected} rows rejected, see {s.rejects_file}")
        if s.error:
            sys.stderr.write("Error: " + " ".join(s.error.split()) + "\n")
    if any(s.failed for s in summaries):
        raise typer.Exit(1)


def _set_storage(ws: Workspace, uri: str) -> None:
    """Write engine.storage into socialproof.toml (validated, replaced in one rename)."""
    import tomllib

    import tomli_w

    from socialproof.workspace.core import settings_header
    from socialproof.workspace.settings import SETTINGS_FILE, settings_from_dict

    path = ws.root / SETTINGS_FILE
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    engine = raw.setdefault("engine", {})
    if uri:
        engine["storage"] = uri
    else:
        engine.pop("storage", None)
    ws.settings = settings_from_dict(raw, source=str(path))
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(settings_header() + tomli_w.dumps(raw), encoding="utf-8")
    tmp.replace(path)
