"""Large inputs read by Spark: a folder of many CSV exports, or one very large file.

``socialproof engine import PATH...`` (or :func:`import_with_spark`) reads CSV exports
with Spark's own CSV reader on the workspace's Spark session (``engine.spark_master``:
``local[*]`` or a cluster), so the files are read in parallel by the executors, and
each file is parsed on an executor by the same code as a normal import: the rows go
through the tolerant reader's section rules (``csvtext.frames_from_rows``: title
lines, header, ragged rows rejected with their reason) and the format's own ``read``
(the same aliases, number, date and id rules). The canonical rows come back to the
driver and go through the importer as any file does (``importer.import_paths`` with
a reader handed in): hash and natural keys (the same file twice adds nothing), all
or nothing per file, rejects kept in ``imports/<sha256>.rejects.csv``, accounts, and
with a Parquet store the changed partitions published on commit.

What Spark reads differently, and how it is handled:

- every cell is read as text; an empty cell stays ``""`` and a missing trailing cell
  is absent (so ragged rows are judged by the same rules);
- each file is read whole by one task (``multiLine``: quoted line breaks in message
  texts stay inside their cell), so a file's records reach one executor in order;
- line numbers of rejects count records from the top of the file (blank lines are
  skipped by Spark): they are the file's line numbers when no text holds a line break.

Only UTF-8 (or ASCII) CSV files are read this way; a spreadsheet, a JSON file or
another encoding is a one-line error naming the file (import it without Spark). The
format is detected on the first 64 KB of each file as a normal import does (or
forced with ``--format``).
"""

from __future__ import annotations

import functools
import io
import pickle
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from socialproof.errors import BadExport, FileMissing
from socialproof.ingest.archive import ArchiveMember

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pandas as pd

    from socialproof.ingest.base import Format, ReadContext, ReadResult, Source
    from socialproof.ingest.importer import ImportSummary, Progress
    from socialproof.workspace.core import Workspace

HEAD_BYTES = 1 << 16  # read on the driver to detect the format and the delimiter
#: extra columns beyond the widest header, so rows longer than their header are seen
SPARE_COLUMNS = 8
#: files per Spark job: the driver holds one job's canonical rows at a time
BYTES_PER_JOB = 1 << 30
ROWS_PER_SLICE = 200_000  # canonical rows per Arrow payload sent back to the driver
_NULL = "\x00\x01socialproof-null\x01\x00"  # Spark's null marker: never in a real cell
SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class _Plan:
    """What the driver decided about one file from its first bytes."""

    path: Path
    display_name: str
    fmt: str
    confidence: float
    delimiter: str


def csv_files(paths: list[Path]) -> list[Path]:
    """The CSV files named, and those under the folders named (sorted, hidden ones left out)."""
    out: list[Path] = []
    for path in paths:
        if not path.exists():
            raise FileMissing(f"{path} does not exist.", hint="Check the path and retry.")
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise BadExport(
                    f"{path} holds no CSV files ({', '.join(SUFFIXES)}).",
                    hint="Point at the folder of the CSV exports.",
                )
            out.extend(found)
        else:
            out.append(path)
    return out


def import_with_spark(
    ws: Workspace,
    paths: list[Path],
    *,
    format: str | None = None,
    ctx: ReadContext | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> list[ImportSummary]:
    """Import CSV exports read by Spark (see the module doc); one summary per file."""
    from socialproof.ingest import importer
    from socialproof.workspace import spark

    ctx = ctx or importer.read_context(ws)
    files = csv_files([Path(p) for p in paths])
    todo = [f for f in files if not _imported(ws, f)]
    session = spark.session_for(ws) if todo else None
    read: dict[str, tuple[Source, Format, float, ReadResult] | BadExport] = {}
    summaries: list[ImportSummary] = []
    batch: list[Path] = []
    size = 0

    def flush() -> None:
        nonlocal batch, size
        if not batch:
            return
        read.clear()  # the rows of the previous batch are written by now
        read.update(_read_batch(session, batch, format, ctx))

        def reader(member: ArchiveMember, _format: str | None) -> Any:
            got = read.get(str(member.path))
            if got is None:  # not read by Spark (cannot happen: every file of the batch is)
                raise BadExport(f"{member.display_name} was not read by Spark.")
            if isinstance(got, BadExport):
                raise got
            return got

        with_reader = replace(ctx, options={**ctx.options, "read_file": reader})
        summaries.extend(
            importer.import_paths(
                ws, batch, format=format, ctx=with_reader, dry_run=dry_run, progress=progress
            )
        )
        batch, size = [], 0

    for f in todo:
        batch.append(f)
        size += f.stat().st_size
        if size >= BYTES_PER_JOB:
            flush()
    flush()
    done = {s.path for s in summaries}
    for f in files:  # files imported before: the importer says so, as for any import
        if str(f) not in done:
            summaries.extend(importer.import_paths(ws, [f], format=format, ctx=ctx, dry_run=True))
    order = {str(f): k for k, f in enumerate(files)}
    return sorted(summaries, key=lambda s: order.get(s.path, len(order)))


def _imported(ws: Workspace, path: Path) -> bool:
    """True when the same content was imported before (the importer's own check)."""
    import duckdb

    from socialproof.errors import WorkspaceBusy
    from socialproof.ingest.prehash import sha256_file
    from socialproof.workspace import engine

    if not ws.db_path.exists():
        return False
    sha = sha256_file(path)
    try:
        with ws.connect(read_only=True) as con:
            q = "SELECT 1 FROM imports WHERE import_id = ? LIMIT 1"
            return bool(engine.query_rows(con, q, [sha]))
    except (WorkspaceBusy, duckdb.CatalogException):
        return False  # the importer checks again inside its transaction


def _plan(path: Path, format: str | None) -> _Plan:
    """Format and delimiter of one file, from its first bytes (as a normal import detects)."""
    from socialproof.ingest import csvtext
    from socialproof.ingest.prepare import open_and_detect

    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    cut = head.rfind(b"\n") + 1 if len(head) == HEAD_BYTES else len(head)
    head = head[:cut] or head
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadExport(
            f"{path} is not UTF-8 text: Spark reads UTF-8 CSV files only.",
            hint="Import it without Spark ('socialproof import'), which reads other encodings.",
        ) from None
    if csvtext.sniff_text_kind(text, path.suffix.lower()) != "csv":
        raise BadExport(
            f"{path} is not a CSV file: Spark reads CSV exports only.",
            hint="Import it without Spark ('socialproof import').",
        )
    with tempfile.TemporaryDirectory(prefix="sp-head-") as tmp:
        sample = Path(tmp) / path.name
        sample.write_text(text, encoding="utf-8")
        source, fmt, confidence = open_and_detect(ArchiveMember(sample, str(path)), format=format)
    if source.kind != "csv" or not source.frames:
        raise BadExport(f"{path} is not a CSV export Spark can read.")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    delimiter = csvtext.sniff_delimiter(lines) if lines else ","
    return _Plan(path, str(path), fmt.name, float(confidence), delimiter)


def _read_batch(
    session: Any, files: list[Path], format: str | None, ctx: ReadContext
) -> dict[str, tuple[Source, Format, float, ReadResult] | BadExport]:
    """Read and parse ``files`` on the executors: path -> what the importer needs (or why not)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    from socialproof.ingest.registry import registry
    from socialproof.workspace import spark

    out: dict[str, tuple[Source, Format, float, ReadResult] | BadExport] = {}
    plans: dict[str, _Plan] = {}
    for f in files:
        try:
            plans[_key(f.resolve().as_uri())] = _plan(f, format)
        except BadExport as exc:
            out[str(f)] = exc
    plain_ctx = replace(ctx, options={k: v for k, v in ctx.options.items() if k != "read_file"})
    by_delimiter: dict[str, list[_Plan]] = {}
    for p in plans.values():
        by_delimiter.setdefault(p.delimiter, []).append(p)
    got: dict[str, list[tuple[int, bytes]]] = {}
    for delimiter, group in by_delimiter.items():
        width = max(_header_width(p.path, delimiter) for p in group) + SPARE_COLUMNS
        schema = StructType([StructField(f"_c{i}", StringType(), True) for i in range(width)])
        frame = (
            session.read.schema(schema)
            .option("header", "false")
            .option("sep", delimiter)
            .option("quote", '"')
            .option("escape", '"')
            .option("multiLine", "true")
            .option("mode", "PERMISSIVE")
            .option("nullValue", _NULL)
            .option("emptyValue", "")
            .option("encoding", "UTF-8")
            .option("ignoreLeadingWhiteSpace", "false")
            .option("ignoreTrailingWhiteSpace", "false")
            .csv([p.path.resolve().as_uri() for p in group])
            .select(F.col("_metadata.file_path").alias("_file"), *schema.fieldNames())
        )
        parse = functools.partial(
            _parse_partition,
            formats={_key(k): (p.fmt, p.display_name) for k, p in plans.items() if p in group},
            ctx=plain_ctx,
            width=width,
        )
        result = frame.mapInPandas(parse, "_file string, _seq long, _payload binary")
        what = f"the CSV files ({len(group)}) read by Spark"
        arrow = spark.collect_arrow(result, what)
        for file_uri, seq, payload in zip(
            arrow["_file"].to_pylist(),
            arrow["_seq"].to_pylist(),
            arrow["_payload"].to_pylist(),
            strict=True,
        ):
            got.setdefault(_key(str(file_uri)), []).append((int(seq), bytes(payload)))
    reg = registry()
    for key, plan in plans.items():
        parts = sorted(got.get(key, []), key=lambda sp: sp[0])
        if not parts:
            out[str(plan.path)] = BadExport(f"{plan.display_name} holds no records.")
            continue
        out[str(plan.path)] = _rebuild(plan, reg.get(plan.fmt), [p for _, p in parts])
    return out


def _key(uri: str) -> str:
    """A file URI as one string whatever Spark's spelling (file:/x or file:///x, %20)."""
    return unquote(urlparse(uri).path)


def _header_width(path: Path, delimiter: str) -> int:
    """The number of cells of the widest of the first lines (the header and a few rows)."""
    import csv

    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        head = fh.read(HEAD_BYTES)
    rows = list(csv.reader(io.StringIO(head), delimiter=delimiter))[:50]
    return max((len(r) for r in rows), default=1)


def _parse_partition(
    batches: Iterator[pd.DataFrame],
    *,
    formats: dict[str, tuple[str, str]],
    ctx: ReadContext,
    width: int,
) -> Iterator[pd.DataFrame]:
    """On an executor: each whole file of the partition through the tolerant reader's rules
    and its format's ``read``; yields pickled results (see :func:`_rebuild`)."""
    import pandas as pd

    records: dict[str, list[list[str]]] = {}
    order: list[str] = []
    for pdf in batches:
        files = pdf["_file"].tolist()
        cells = pdf[[f"_c{i}" for i in range(width)]].itertuples(index=False, name=None)
        for file_uri, row in zip(files, cells, strict=True):
            values = [v if isinstance(v, str) else None for v in row]  # None or NaN: no cell
            while values and values[-1] is None:  # cells beyond the row's last value
                values.pop()
            if file_uri not in records:
                records[file_uri] = []
                order.append(file_uri)
            records[file_uri].append(["" if v is None else v for v in values])
    for file_uri in order:
        fmt_name, display = formats[_key(file_uri)]
        rows = _padded(records.pop(file_uri))
        payloads = _parse_file(rows, fmt_name, display, ctx)
        yield pd.DataFrame(
            {
                "_file": [file_uri] * len(payloads),
                "_seq": list(range(len(payloads))),
                "_payload": payloads,
            }
        )


def _padded(rows: list[list[str]]) -> list[list[str]]:
    """Rows after the header padded to its width with empty cells.

    Spark reads an empty cell and a missing one alike (null), so a row ending in empty
    cells arrives short; the header is the first record with two or more values (title
    lines above it have one).
    """
    head = next((k for k, r in enumerate(rows) if sum(1 for c in r if c.strip()) >= 2), None)
    if head is None:
        return rows
    width = len(rows[head])
    return rows[: head + 1] + [
        r + [""] * (width - len(r)) if len(r) < width else r for r in rows[head + 1 :]
    ]


def _parse_file(
    rows: list[list[str]], fmt_name: str, display: str, ctx: ReadContext
) -> list[bytes]:
    """One file's records as a normal import reads them: [meta, table slices...] pickled."""
    import pyarrow as pa

    from socialproof.errors import SocialproofError
    from socialproof.ingest.base import Source
    from socialproof.ingest.csvtext import frames_from_rows
    from socialproof.ingest.registry import registry

    if rows and rows[0]:
        rows[0][0] = rows[0][0].lstrip("\ufeff")
    numbered = [(k + 1, r) for k, r in enumerate(rows)]
    try:
        frames = frames_from_rows(numbered, display)
        source = Source(path=Path(display), display_name=display, frames=frames, kind="csv")
        result = registry().get(fmt_name).read(source, ctx)
    except SocialproofError as exc:
        return [pickle.dumps({"error": str(exc)})]
    slices: list[bytes] = []
    counts: dict[str, int] = {}
    for name, table in result.tables.items():
        counts[name] = 0
        for start in range(0, max(table.num_rows, 1), ROWS_PER_SLICE):
            sink = io.BytesIO()
            part = table.slice(start, ROWS_PER_SLICE)
            with pa.ipc.new_stream(sink, part.schema) as writer:
                writer.write_table(part)
            slices.append(pickle.dumps({"table": name, "ipc": sink.getvalue()}))
            counts[name] += 1
    meta = {
        "header": [f.header for f in frames],
        "frame_rejects": [f.rejects for f in frames],
        "rows_read": result.rows_read,
        "rejects": result.rejects,
        "notes": result.notes,
        "tables": counts,
    }
    return [pickle.dumps(meta), *slices]


def _rebuild(
    plan: _Plan, fmt: Format, payloads: list[bytes]
) -> tuple[Source, Format, float, ReadResult] | BadExport:
    """The driver's side of :func:`_parse_file`: the Source and ReadResult the importer takes."""
    import pyarrow as pa

    from socialproof.ingest.base import Frame, ReadResult, Source

    meta = pickle.loads(payloads[0])  # noqa: S301 - written by our own executors
    if "error" in meta:
        return BadExport(str(meta["error"]))
    tables: dict[str, list[pa.Table]] = {name: [] for name in meta["tables"]}
    for raw in payloads[1:]:
        part = pickle.loads(raw)  # noqa: S301
        with pa.ipc.open_stream(part["ipc"]) as stream:
            tables[part["table"]].append(stream.read_all())
    frames = [
        Frame(
            header=list(h),
            data=pa.table({c: pa.array([], pa.string()) for c in dict.fromkeys(h)}),
            rejects=list(rej),
        )
        for h, rej in zip(meta["header"], meta["frame_rejects"], strict=True)
    ]
    source = Source(path=plan.path, display_name=plan.display_name, frames=frames, kind="csv")
    result = ReadResult(
        tables={n: pa.concat_tables(parts) for n, parts in tables.items() if parts},
        rows_read=int(meta["rows_read"]),
        rejects=list(meta["rejects"]),
        notes=list(meta["notes"]),
    )
    return source, fmt, plan.confidence, result
