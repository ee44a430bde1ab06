"""Ad hoc text commands (no workspace needed): ``sentiment``, ``themes``, ``moderate``.

Each reads one text per line from FILE (or ``-`` for standard input), or one
column of a CSV file with ``--column``, and prints one result per input text
in input order: JSON Lines with ``--format jsonl``, a table by default.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from socialproof.cli._common import FormatOption, OutputFormat, OutputOption, emit, info

if TYPE_CHECKING:
    from collections.abc import Sequence

    from socialproof.community.textfile import TextFile

InputArg = Annotated[
    str,
    typer.Argument(
        help="A text file with one message per line, a CSV file (with --column), or - for "
        "standard input.",
        show_default=False,
    ),
]
ColumnOption = Annotated[
    str | None,
    typer.Option(
        "--column",
        "-c",
        help="Read this column of a CSV file (default for .csv files: a column named text, "
        "message, comment, content or body).",
    ),
]
_TABLE_WIDTH = 80


def register(app: typer.Typer) -> None:
    app.command("sentiment")(sentiment)
    app.command("themes")(themes)
    app.command("moderate")(moderate)


# ----------------------------------------------------------------- reading


def _read_bytes(source: str) -> tuple[bytes, str]:
    import sys

    from socialproof.errors import BadInput, FileMissing

    if source == "-":
        return sys.stdin.buffer.read(), "standard input"
    path = Path(source)
    if not path.exists():
        raise FileMissing(f"{source} does not exist.", hint="Check the path, or use - for stdin.")
    if path.is_dir():
        raise BadInput(f"{source} is a folder, not a file.", hint="Name a text or CSV file.")
    try:
        return path.read_bytes(), source
    except OSError as exc:
        raise BadInput(f"Cannot read {source}: {exc.strerror}.", hint="Check permissions.") from exc


def read_texts(source: str, column: str | None) -> list[str]:
    """The texts to score: one per line, or one per CSV row of ``column``."""
    return read_texts_by(source, column)[0]


def read_texts_by(
    source: str, column: str | None, author_column: str | None = None
) -> tuple[list[str], list[str | None] | None]:
    """The texts to score and, for a CSV file with an author column (``author_column``, or
    one named author, username, user, ...), each text's author (None where the cell is
    empty); authors are None for plain text files and CSV files without such a column."""
    found = read_text_file(source, column, author_column)
    return found.texts, found.authors


def read_text_file(source: str, column: str | None, author_column: str | None = None) -> TextFile:
    """The texts to score with their authors and times where a CSV file names them."""
    from socialproof.community.textfile import read_texts as read

    data, name = _read_bytes(source)
    return read(
        data,
        name,
        csv=name.lower().endswith(".csv"),
        column=column,
        author_column=author_column,
        note=info,
    )


def _count(n: int) -> str:
    return f"{n:,} text" if n == 1 else f"{n:,} texts"


def _short(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= _TABLE_WIDTH else one[: _TABLE_WIDTH - 1] + "…"


def _emit(
    rows: list[dict[str, Any]],
    fmt: OutputFormat,
    output: Path | None,
    table_rows: Sequence[dict[str, Any]] | None = None,
    **kw: Any,
) -> None:
    if fmt == OutputFormat.table and output is None:
        emit(list(table_rows if table_rows is not None else rows), fmt, **kw)
    else:
        emit(rows, fmt, output=output, **kw)


# ---------------------------------------------------------------- commands


def sentiment(
    source: InputArg,
    column: ColumnOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Label each text negative, neutral or positive (score = P(positive) - P(negative))."""
    from socialproof.community import sentiment as model

    texts = read_texts(source, column)
    results = model.load().predict(texts)
    rows = [
        {"text": t, "label": label, "score": score}
        for t, (label, score) in zip(texts, results, strict=True)
    ]
    labels = [label for label, _ in results]
    net = model.net_sentiment(labels)
    caption = (
        f"{_count(len(rows))}: {labels.count('positive')} positive, {labels.count('neutral')} "
        f"neutral, {labels.count('negative')} negative; net sentiment "
        + ("n/a" if net is None else f"{net:+.2f}")
    )
    _emit(
        rows,
        fmt,
        output,
        [dict(r, text=_short(t)) for r, t in zip(rows, texts, strict=True)],
        title="Sentiment",
        caption=caption,
    )


def themes(
    source: InputArg,
    column: ColumnOption = None,
    k: Annotated[
        str, typer.Option("--k", help="Number of themes: 'auto' to choose, or a number.")
    ] = "auto",
    summary: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="One row per theme instead of one per text "
            "(the table format always shows the summary).",
        ),
    ] = False,
    routing_file: Annotated[
        Path | None,
        typer.Option("--routing", help="Routing rules YAML (default: the packaged rules)."),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Group texts into recurring themes (per text: theme id and keyword label)."""
    from socialproof.community import themes as model

    texts = read_texts(source, column)
    result = model.cluster(texts, k=k, routing=model.routing(routing_file))
    for note in result.notes:
        info(f"Note: {note}")
    theme_rows = [
        {
            "theme": t.id,
            "label": t.label,
            "size": t.size,
            "destination": t.destination,
            "example": _short(t.representatives[0]) if t.representatives else "",
        }
        for t in result.themes
    ]
    caption = f"{result.k} themes ({result.k_chosen}) over {_count(len(texts))}"
    if fmt == OutputFormat.table or summary:
        _emit(theme_rows, fmt, output, title="Themes", caption=caption)
        return
    rows = [
        {"text": t, "theme": a, "theme_label": result.label_of(a)}
        for t, a in zip(texts, result.assignments, strict=True)
    ]
    _emit(rows, fmt, output)


def moderate(
    source: InputArg,
    column: ColumnOption = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="Moderation guidelines YAML (default: the packaged rules)."),
    ] = None,
    flagged_only: Annotated[
        bool, typer.Option("--flagged", help="Only list flagged texts (table format).")
    ] = False,
    author_column: Annotated[
        str | None,
        typer.Option(
            "--author-column",
            help="The CSV column naming each text's author (default: a column named author, "
            "author_id, username, user, ...). Repeated text is spam only when one author "
            "repeats it; without authors, copies anywhere in the file count.",
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """Flag spam and toxic texts, each flag with its reasons."""
    from socialproof.community import moderation as model

    found = read_text_file(source, column, author_column)
    texts, authors = found.texts, found.authors
    flags = model.load(rules).flag(texts, authors=authors, times=found.times)
    if authors is None and any("repeated text (" in r for f in flags for r in f.reasons):
        info(
            "Note: the file names no authors, so copies of a text anywhere in it count as "
            "repeated (many customers sending the same thanks would be flagged); give a CSV "
            "with an author column, or --author-column NAME, to count copies per author."
        )
    rows: list[dict[str, Any]] = [
        {"text": t, "spam": f.spam, "toxic": f.toxic, "reasons": list(f.reasons)}
        for t, f in zip(texts, flags, strict=True)
    ]
    n_flagged = sum(1 for f in flags if f.spam or f.toxic)
    caption = (
        f"{_count(len(rows))}: {sum(f.spam for f in flags)} spam, "
        f"{sum(f.toxic for f in flags)} toxic, {n_flagged} flagged"
    )
    if fmt in (OutputFormat.table, OutputFormat.csv, OutputFormat.parquet):
        pairs = [(t, f) for t, f in zip(texts, flags, strict=True) if f.flagged or not flagged_only]
        flat = [
            {"text": t, "spam": f.spam, "toxic": f.toxic, "reasons": "; ".join(f.reasons)}
            for t, f in pairs
        ]
        table = [dict(r, text=_short(t)) for r, (t, _) in zip(flat, pairs, strict=True)]
        _emit(flat, fmt, output, table, title="Moderation", caption=caption)
        return
    _emit(rows, fmt, output)
