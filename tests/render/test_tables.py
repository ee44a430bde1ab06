"""Tables for people: counts as integers, years as digits, one number format per column."""

from __future__ import annotations

import io

from rich.console import Console

from socialproof.render.tables import column_format, write_table


def _printed(rows: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    write_table(rows, "table", console=Console(file=buf, width=200))
    return buf.getvalue()


def test_counts_stored_as_floats_print_as_integers() -> None:
    fmt = column_format("views", [900.0, 1200.0, None])
    assert [fmt(v) for v in (900.0, 1200.0, None)] == ["900", "1,200", "—"]


def test_years_and_ids_have_no_thousands_separator() -> None:
    assert column_format("year", [2025, 2026])(2026) == "2026"
    assert column_format("benchmark_year", [2024.0])(2024.0) == "2024"
    assert column_format("post_id", [7412345678901234567])(7412345678901234567) == (
        "7412345678901234567"
    )
    # a count that happens to look like a year keeps its separator
    assert column_format("posts", [2026])(2026) == "2,026"


def test_one_number_format_per_column() -> None:
    fmt = column_format("cost", [1234.5, 0.5, 12.0])
    assert [fmt(v) for v in (1234.5, 0.5, 12.0)] == ["1,234.50", "0.50", "12.00"]
    small = column_format("rate", [0.0012, 0.25])
    assert [small(v) for v in (0.0012, 0.25)] == ["0.0012", "0.2500"]


def test_text_and_flags_are_left_alone() -> None:
    fmt = column_format("platform", ["x", "tiktok"])
    assert fmt("x") == "x"
    assert column_format("paid", [True, False])(True) == "yes"


def test_cli_table_output() -> None:
    out = _printed(
        [
            {"year": 2025, "posts": 1204.0, "spend": 5576.0, "rate": 0.5},
            {"year": 2026, "posts": 37.0, "spend": 68198.14, "rate": 0.125},
        ]
    )
    assert "2025" in out and "2,025" not in out and "2,026" not in out
    assert "1,204" in out and " 37 " in out and "37.00" not in out
    assert "5,576.00" in out and "68,198.14" in out
    assert "0.50" in out and "0.12" in out


def test_html_tables_use_the_same_column_format() -> None:
    from socialproof.render.html import table_html

    html = table_html(
        [{"year": 2025, "views": 900.0, "cpm": 5.5}, {"year": 2026, "views": 1200.0, "cpm": 12.25}],
        caption="Yearly <views>",
    )
    assert ">2026<" in html and "2,026" not in html
    assert ">900<" in html and ">1,200<" in html and "900.00" not in html
    assert ">5.50<" in html and ">12.25<" in html
    assert "Yearly &lt;views&gt;" in html
