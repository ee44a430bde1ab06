"""Command-line options shared by the benchmarks that take none of their own."""

from __future__ import annotations

import argparse


def parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser whose ``--help`` prints the benchmark's module docstring as written."""
    return argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def no_options(doc: str | None) -> None:
    """``--help`` for a benchmark without options; any other argument is a clear error."""
    parser(doc).parse_args()
