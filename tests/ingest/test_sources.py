"""Opening files into frames: decoding, sniffing, title rows, sections, rejects."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from socialproof.errors import BadExport, FileMissing
from socialproof.ingest import sources
from socialproof.ingest.sources import open_source


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def rows(path: Path, frame: int = 0) -> list[dict[str, str]]:
    return open_source(path).frames[frame].data.to_pylist()


def test_plain_csv_keeps_strings_and_line_numbers(tmp_path: Path) -> None:
    src = open_source(write(tmp_path, "a.csv", "Date,Reach\n2026-01-01,0012\n2026-01-02,7\n"))
    frame = src.frames[0]
    assert src.kind == "csv"
    assert frame.header == ["Date", "Reach"]
    assert frame.data.to_pylist() == [
        {"Date": "2026-01-01", "Reach": "0012"},
        {"Date": "2026-01-02", "Reach": "7"},
    ]
    assert frame.line_numbers == [2, 3]


def test_utf8_bom_is_not_part_of_the_header(tmp_path: Path) -> None:
    frame = open_source(write(tmp_path, "b.csv", b"\xef\xbb\xbfPost ID,Reach\n1,2\n")).frames[0]
    assert frame.header == ["Post ID", "Reach"]
    assert frame.normalized_header == ["post id", "reach"]


@pytest.mark.parametrize("codec,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_utf16_with_sep_line_and_title(tmp_path: Path, codec: str, bom: bytes) -> None:
    text = 'sep=,\r\n"Reach"\r\n"Date","Primary"\r\n"2026-01-01","12"\r\n"2026-01-02","1,204"\r\n'
    path = write(tmp_path, "Reach.csv", bom + text.encode(codec))
    frame = open_source(path).frames[0]
    assert frame.title_lines == ["Reach"]
    assert frame.header == ["Date", "Primary"]
    assert frame.data.to_pylist()[1] == {"Date": "2026-01-02", "Primary": "1,204"}
    assert frame.line_numbers == [4, 5]


def test_cp1252_fallback_is_noted(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "Name,City\nJosé,Zürich\n".encode("cp1252"))
    src = open_source(path)
    assert src.frames[0].data.to_pylist() == [{"Name": "José", "City": "Zürich"}]
    assert any("Windows-1252" in n for n in src.notes)


def test_bytes_invalid_everywhere_are_replaced_with_a_note(tmp_path: Path) -> None:
    # 0x81 is undefined in Windows-1252 too: shown as U+FFFD, never dropped silently
    path = write(tmp_path, "d.csv", b"Name,City\nA\x81B,x\n")
    src = open_source(path)
    assert src.frames[0].data.to_pylist() == [{"Name": "A\ufffdB", "City": "x"}]
    assert any("\ufffd" in n for n in src.notes)


def test_header_with_trailing_comma(tmp_path: Path) -> None:
    frame = open_source(write(tmp_path, "e.csv", "a,b,c,\n1,2,3,\n4,5,6,\n")).frames[0]
    assert frame.header == ["a", "b", "c"]
    assert frame.data.to_pylist()[1] == {"a": "4", "b": "5", "c": "6"}


def test_rows_wrapped_in_quotes_by_excel(tmp_path: Path) -> None:
    text = '"Date,Reach,Note"\n"2026-01-01,5,""fine, thanks"""\n"2026-01-02,6,ok"\n'
    frame = open_source(write(tmp_path, "f.csv", text)).frames[0]
    assert frame.header == ["Date", "Reach", "Note"]
    assert frame.data.to_pylist()[0] == {
        "Date": "2026-01-01",
        "Reach": "5",
        "Note": '"fine, thanks"'.strip('"'),
    }


def test_every_cell_quoted_with_semicolons_is_not_one_wrapped_field(tmp_path: Path) -> None:
    # '"2026-01-05";"2782"' is two quoted cells; read with ',' it looked like one wrapped
    # row, so the title line, a single quoted cell holding a ';', was split in two and
    # taken for the header ("no known format").
    text = 'sep=;\n"Instagram reach; last 90 days"\n"Date";"Primary"\n'
    text += '"2026-01-05";"2782"\n"2026-01-06";"3542"\n'
    frame = open_source(write(tmp_path, "Reach.csv", text)).frames[0]
    assert frame.title_lines == ["Instagram reach; last 90 days"]
    assert frame.header == ["Date", "Primary"]
    assert frame.data.to_pylist()[1] == {"Date": "2026-01-06", "Primary": "3542"}


def test_semicolon_and_decimal_comma(tmp_path: Path) -> None:
    frame = open_source(
        write(tmp_path, "g.csv", "Tag;Betrag\n01.02.2026;1.234,5\n02.02.2026;7\n")
    ).frames[0]
    assert frame.header == ["Tag", "Betrag"]
    assert frame.data.column("Betrag").to_pylist() == ["1.234,5", "7"]


def test_tab_separated(tmp_path: Path) -> None:
    frame = open_source(write(tmp_path, "h.tsv", "a\tb\n1\t2\n")).frames[0]
    assert frame.data.to_pylist() == [{"a": "1", "b": "2"}]


def test_description_row_above_header(tmp_path: Path) -> None:
    text = "Aggregated metrics for the selected date range,,,\nDate,Impressions,Clicks,Likes\n2026-01-01,10,1,2\n"
    frame = open_source(write(tmp_path, "li.csv", text)).frames[0]
    assert frame.title_lines == ["Aggregated metrics for the selected date range"]
    assert frame.header == ["Date", "Impressions", "Clicks", "Likes"]
    assert frame.line_numbers == [3]


def test_multi_section_file_gives_one_frame_per_table(tmp_path: Path) -> None:
    text = (
        '"Age & gender"\n"","18-24","25-34","35-44"\n"Women","5.1","10.2","3"\n"Men","3","4","1"\n'
        '\n"Top cities"\n"City","Value"\n"Berlin","5"\n"Paris","4"\n'
        '\n"Top countries"\n"Country","Value"\n"DE","9"\n'
    )
    frames = open_source(write(tmp_path, "Audience.csv", text)).frames
    assert [f.title_lines for f in frames] == [["Age & gender"], ["Top cities"], ["Top countries"]]
    assert frames[1].header == ["City", "Value"]
    assert frames[1].data.to_pylist() == [
        {"City": "Berlin", "Value": "5"},
        {"City": "Paris", "Value": "4"},
    ]
    assert frames[1].line_numbers == [8, 9]
    assert [f.section for f in frames] == [0, 1, 2]


def test_blank_line_inside_a_table_does_not_split_it(tmp_path: Path) -> None:
    frames = open_source(write(tmp_path, "i.csv", "a,b\n1,2\n\n3,4\n")).frames
    assert len(frames) == 1
    assert frames[0].line_numbers == [2, 4]


def test_ragged_rows_become_rejects_with_line_numbers(tmp_path: Path) -> None:
    text = "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12,,\n"
    frame = open_source(write(tmp_path, "j.csv", text)).frames[0]
    assert frame.line_numbers == [2, 5]
    assert [(r.line, r.raw) for r in frame.rejects] == [(3, "4,5"), (4, "6,7,8,9")]
    assert "2 fields" in frame.rejects[0].reason


def test_truncated_last_line_is_rejected(tmp_path: Path) -> None:
    frame = open_source(write(tmp_path, "k.csv", 'x,y\n1,2\n3,"cut of')).frames[0]
    assert frame.data.num_rows == 1
    assert frame.rejects[0].line == 3
    assert "truncated" in frame.rejects[0].reason


def test_multiline_values_keep_line_numbers_right(tmp_path: Path) -> None:
    text = 'id,text\n1,"one\ntwo\nthree"\n2,plain\n3,"a\r\nb"\n4,x\n'
    frame = open_source(write(tmp_path, "l.csv", text)).frames[0]
    assert frame.line_numbers == [2, 5, 6, 8]
    assert frame.data.column("text").to_pylist()[0] == "one\ntwo\nthree"


def test_ten_thousand_columns(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(10_000))
    row = ",".join(str(i) for i in range(10_000))
    frame = open_source(write(tmp_path, "wide.csv", f"{header}\n{row}\n")).frames[0]
    assert frame.data.num_columns == 10_000
    assert frame.data.column("c9999").to_pylist() == ["9999"]


def test_one_megabyte_field(tmp_path: Path) -> None:
    big = "x" * 1_048_576
    frame = open_source(write(tmp_path, "big.csv", f'id,text\n1,"{big}"\n2,ok\n')).frames[0]
    assert len(frame.data.column("text")[0].as_py()) == 1_048_576
    assert frame.line_numbers == [2, 3]


def test_empty_and_blank_files(tmp_path: Path) -> None:
    with pytest.raises(BadExport, match="empty"):
        open_source(write(tmp_path, "empty.csv", b""))
    with pytest.raises(BadExport, match="empty"):
        open_source(write(tmp_path, "blank.csv", "\n\n  \n"))


def test_header_only_gives_an_empty_frame(tmp_path: Path) -> None:
    frame = open_source(write(tmp_path, "h.csv", "Date,Reach\n")).frames[0]
    assert frame.header == ["Date", "Reach"]
    assert frame.data.num_rows == 0


def test_binary_file_is_refused(tmp_path: Path) -> None:
    blob = bytes(range(256)) * 8
    with pytest.raises(BadExport, match="not a text file"):
        open_source(write(tmp_path, "photo.csv", b"\x89PNG\r\n\x1a\n" + blob))


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(FileMissing):
        open_source(tmp_path / "nope.csv")


def test_xlsx_that_is_not_a_zip(tmp_path: Path) -> None:
    with pytest.raises(BadExport, match="not a valid Excel workbook"):
        open_source(write(tmp_path, "report.xlsx", "Date,Reach\n1,2\n"))


def test_plain_zip_is_not_an_export(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "d.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.csv", "a,b\n1,2\n")
    with pytest.raises(BadExport, match="zip archive"):
        open_source(path)


def test_xlsx_sheets_description_rows_and_cell_types(tmp_path: Path) -> None:
    from datetime import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Metrics"
    ws.append(["Aggregated, per-day metrics for the selected date range"])
    ws.append(["Date", "Impressions (organic)", "Clicks (organic)"])
    ws.append([datetime(2026, 1, 1), 1200, 3.5])
    ws.append([datetime(2026, 1, 2), 900, None])
    other = wb.create_sheet("Content")
    other.append(["Post title", "Impressions"])
    other.append(["Hello", 5])
    path = tmp_path / "page.xlsx"
    wb.save(path)
    src = open_source(path)
    assert src.kind == "xlsx"
    metrics, content = src.frames
    assert metrics.sheet == "Metrics" and content.sheet == "Content"
    assert metrics.title_lines == ["Aggregated, per-day metrics for the selected date range"]
    assert metrics.data.to_pylist() == [
        {"Date": "2026-01-01 00:00:00", "Impressions (organic)": "1200", "Clicks (organic)": "3.5"},
        {"Date": "2026-01-02 00:00:00", "Impressions (organic)": "900", "Clicks (organic)": ""},
    ]
    assert metrics.line_numbers == [3, 4]
    assert content.data.to_pylist() == [{"Post title": "Hello", "Impressions": "5"}]


def test_json_and_jsonl(tmp_path: Path) -> None:
    src = open_source(
        write(tmp_path, "a.json", '{"data": [{"id": 1, "n": 2.0}, {"id": 2, "x": true}]}')
    )
    assert src.kind == "json"
    assert src.frames[0].data.to_pylist() == [
        {"id": "1", "n": "2", "x": ""},
        {"id": "2", "n": "", "x": "true"},
    ]
    src = open_source(write(tmp_path, "a.jsonl", '{"id": 1}\nnot json\n\n{"id": 3}\n'))
    assert src.kind == "jsonl"
    frame = src.frames[0]
    assert frame.line_numbers == [1, 4]
    assert [r.line for r in frame.rejects] == [2]


def test_markdown_keeps_text(tmp_path: Path) -> None:
    src = open_source(write(tmp_path, "p.md", "---\ntitle: x\n---\nBody\n"))
    assert src.kind == "markdown" and src.frames == [] and "Body" in (src.text or "")


# -- the pyarrow fast path agrees with the Python path -------------------------------


def _csv_text(header: list[str], body: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue()


def test_fast_path_matches_python_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = [
        [str(i), f"text {i}" + ("\nsecond line" if i % 7 == 0 else ""), "é" * (i % 3)]
        for i in range(300)
    ]
    path = write(tmp_path, "m.csv", "\ufeff" + _csv_text(["id", "text", "x"], body, ","))
    slow = open_source(path).frames[0]
    monkeypatch.setattr(sources, "FAST_PATH_BYTES", 0)
    calls: list[bool] = []
    real = sources._try_fast_csv

    def spy(*args: object) -> object:
        result = real(*args)  # type: ignore[arg-type]
        calls.append(result is not None)
        return result

    monkeypatch.setattr(sources, "_try_fast_csv", spy)
    fast = open_source(path).frames[0]
    assert calls == [True]
    assert fast.header == slow.header
    assert fast.data.to_pylist() == slow.data.to_pylist()
    assert fast.line_numbers == slow.line_numbers


def test_fast_path_falls_back_on_ragged_rows_and_blank_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "FAST_PATH_BYTES", 0)
    body = "".join(f"{i},v{i}\n" for i in range(200))
    frame = open_source(write(tmp_path, "r.csv", "a,b\n" + body + "1,2,3\n\n7,8\n")).frames[0]
    assert [r.line for r in frame.rejects] == [202]
    assert frame.line_numbers is not None and frame.line_numbers[-1] == 204


@pytest.mark.parametrize("fast", [False, True])
def test_exports_joined_end_to_end_repeat_their_header_as_a_new_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    # Two exports pasted one under the other: the second header was a data row, rejected
    # ("'Day' is not a date"), where a blank line between them started a new section.
    if fast:
        monkeypatch.setattr(sources, "FAST_PATH_BYTES", 0)
    first = "".join(f"2026-03-{d:02d},{d}\n" for d in range(1, 11))
    second = "".join(f"2026-03-{d:02d},{d}\n" for d in range(11, 21))
    src = open_source(write(tmp_path, "joined.csv", "Day,Spend\n" + first + "Day,Spend\n" + second))
    assert [f.header for f in src.frames] == [["Day", "Spend"], ["Day", "Spend"]]
    assert [f.data.num_rows for f in src.frames] == [10, 10]
    assert not any(f.rejects for f in src.frames)
    assert src.frames[1].line_numbers is not None and src.frames[1].line_numbers[0] == 13


@pytest.mark.parametrize("fast", [False, True])
def test_a_joined_export_with_its_columns_in_another_order_is_a_new_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    # The second export's header had its columns in another order (and one more): it
    # was rejected as a data row and the rows under it were read in the first header's
    # order, views as reach and likes as comments, without a word.
    if fast:
        monkeypatch.setattr(sources, "FAST_PATH_BYTES", 0)
    first = "".join(f"{d},2026-03-{d:02d},{d * 10},{d}\n" for d in range(1, 11))
    second = "".join(f"2026-04-{d:02d},{d},{d},{d * 10},7\n" for d in range(1, 6))
    text = "Id,Date,Views,Likes\n" + first + "Date,Id,Likes,Views,Saves\n" + second
    src = open_source(write(tmp_path, "joined.csv", text))
    assert [f.header for f in src.frames] == [
        ["Id", "Date", "Views", "Likes"],
        ["Date", "Id", "Likes", "Views", "Saves"],
    ]
    assert [f.data.num_rows for f in src.frames] == [10, 5]
    assert not any(f.rejects for f in src.frames)
    assert src.frames[1].data.column("Views").to_pylist() == ["10", "20", "30", "40", "50"]


def test_a_row_naming_one_or_two_columns_is_still_a_row(tmp_path: Path) -> None:
    text = "Title,Kind,Views,Likes\nViews,Likes,10,1\nhello,Title,20,2\n"
    src = open_source(write(tmp_path, "rows.csv", text))
    assert [f.data.num_rows for f in src.frames] == [2]


try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover
    pytest.skip("hypothesis is not installed", allow_module_level=True)

_cell = st.text(alphabet=st.sampled_from(list('ab ,;"\n\t1.-é')), max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    ncols=st.integers(min_value=2, max_value=5),
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_written_csv_reads_back(
    tmp_path_factory: pytest.TempPathFactory, ncols: int, data: st.DataObject, delimiter: str
) -> None:
    header = [f"col{i}" for i in range(ncols)]
    body = data.draw(
        st.lists(
            st.lists(_cell, min_size=ncols, max_size=ncols).map(lambda r: [f"k{len(r)}"] + r[1:]),
            min_size=2,
            max_size=12,
        )
    )
    text = _csv_text(header, body, delimiter)
    path = tmp_path_factory.mktemp("h") / "x.csv"
    path.write_text(text, encoding="utf-8")
    frame = open_source(path).frames[0]
    assert frame.header == header
    assert frame.data.to_pylist() == [dict(zip(header, r, strict=True)) for r in body]
    assert not frame.rejects


def test_fast_path_sample_cut_inside_a_quoted_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "FAST_PATH_BYTES", 0)
    monkeypatch.setattr(sources, "SNIFF_BYTES", 200)
    body = "".join(f'{i},"line one\nline two {i}"\n' for i in range(100))
    frame = open_source(write(tmp_path, "q.csv", "id,text\n" + body)).frames[0]
    assert frame.data.num_rows == 100 and not frame.rejects
    assert frame.line_numbers is not None and frame.line_numbers[:3] == [2, 4, 6]


def test_large_jsonl_is_not_taken_for_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "FAST_PATH_BYTES", 0)
    text = "".join(f'{{"id": {i}, "text": "a, b"}}\n' for i in range(50))
    src = open_source(write(tmp_path, "big.txt", text))
    assert src.kind == "jsonl" and src.frames[0].data.num_rows == 50


def test_old_binary_xls() -> None:
    src = open_source(Path(__file__).parents[1] / "data" / "ingest" / "core" / "page_export.xls")
    assert src.kind == "xls"
    [frame] = src.frames  # the empty sheet gives no frame
    assert frame.sheet == "Metrics"
    assert frame.title_lines == ["Aggregated metrics for the selected date range"]
    assert frame.data.to_pylist() == [
        {"Date": "2026-01-01 00:00:00", "Impressions (organic)": "1200", "Clicks (organic)": "3.5"},
        {"Date": "2026-01-02 00:00:00", "Impressions (organic)": "900", "Clicks (organic)": ""},
    ]
    assert frame.line_numbers == [3, 4]


def test_damaged_xls(tmp_path: Path) -> None:
    path = write(tmp_path, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(BadExport, match="not a readable .xls workbook"):
        open_source(path)


def test_untitled_second_table_after_a_blank_line(tmp_path: Path) -> None:
    text = "a,b,c\n1,2,3\n\nx,y\n7,8\n\na,b,c\n4,5,6\n"
    frames = open_source(write(tmp_path, "two.csv", text)).frames
    assert [f.header for f in frames] == [["a", "b", "c"], ["x", "y"], ["a", "b", "c"]]
    assert [f.line_numbers for f in frames] == [[2], [5], [8]]


def test_utf8_cut_inside_a_character_stays_utf8(tmp_path: Path) -> None:
    data = "Name,City\nJosé,Zürich\nRenée,Genève\n".encode() + "Zoë".encode()[:-1]
    src = open_source(write(tmp_path, "cut.csv", data))
    frame = src.frames[0]
    assert frame.data.to_pylist()[0] == {"Name": "José", "City": "Zürich"}
    assert any("invalid UTF-8" in n for n in src.notes)


_TEXT = st.text(alphabet=st.sampled_from(list('ab ,;\n"1é-àüßøñç€😀')), max_size=40)


@settings(max_examples=80, deadline=None)
@given(text=_TEXT, codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom"]))
def test_decoding_round_trips(text: str, codec: str) -> None:
    raw = b"\xfe\xff" + text.encode("utf-16-be") if codec == "utf-16-be-bom" else text.encode(codec)
    if not raw:
        return
    decoded = sources.decode_bytes(raw, "x.csv")
    assert decoded.text == text and decoded.notes == []


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab ,\n1àéüñçÿ")), min_size=1, max_size=40))
def test_windows_1252_is_recognised(text: str) -> None:
    decoded = sources.decode_bytes(text.encode("cp1252"), "x.csv")
    assert decoded.text == text
    assert decoded.encoding == ("utf-8" if text.isascii() else "cp1252")


def test_rows_of_empty_cells_are_blank_lines_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "".join(f"{i},v{i}\n" if i % 50 else ",\n" for i in range(1, 301))
    path = write(tmp_path, "e.csv", "a,b\n" + body)
    slow = open_source(path).frames[0]
    monkeypatch.setattr(sources, "FAST_PATH_BYTES", 0)
    fast = open_source(path).frames[0]
    assert fast.data.num_rows == slow.data.num_rows == 294
    assert fast.line_numbers == slow.line_numbers
    assert fast.data.to_pylist() == slow.data.to_pylist()


@settings(max_examples=60, deadline=None)
@given(
    ncols=st.integers(min_value=2, max_value=4),
    data=st.data(),
    bom=st.booleans(),
    crlf=st.booleans(),
)
def test_fast_and_tolerant_paths_agree(
    tmp_path_factory: pytest.TempPathFactory, ncols: int, data: st.DataObject, bom: bool, crlf: bool
) -> None:
    header = [f"h{i}" for i in range(ncols)]
    body = data.draw(
        st.lists(
            st.lists(_cell, min_size=ncols, max_size=ncols).map(
                lambda r: ["k" + r[0].strip()] + r[1:]
            ),
            min_size=3,
            max_size=30,
        )
    )
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows([header, *body])
    path = tmp_path_factory.mktemp("fp") / "x.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    slow = open_source(path).frames[0]
    original = sources.FAST_PATH_BYTES
    sources.FAST_PATH_BYTES = 0
    try:
        fast = open_source(path).frames[0]
    finally:
        sources.FAST_PATH_BYTES = original
    assert fast.header == slow.header
    assert fast.data.to_pylist() == slow.data.to_pylist()
    assert fast.line_numbers == slow.line_numbers


@pytest.mark.parametrize(
    "first_line",
    ["[Sample] Page insights", "[1] Post-level data", "[", "[{not json"],
)
def test_csv_whose_first_cell_starts_with_a_bracket(tmp_path: Path, first_line: str) -> None:
    if first_line in ("[", "[{not json"):
        # a JSON array that is cut or broken is still JSON, and says so
        with pytest.raises(BadExport, match="not valid JSON"):
            open_source(write(tmp_path, "broken.txt", first_line + "\n"))
        return
    text = f"{first_line}\nDate,Reach\n2026-01-01,12\n2026-01-02,7\n"
    src = open_source(write(tmp_path, "insights.csv", text))
    assert src.kind == "csv"
    assert src.frames[0].data.to_pylist() == [
        {"Date": "2026-01-01", "Reach": "12"},
        {"Date": "2026-01-02", "Reach": "7"},
    ]


def test_bracket_header_cell_on_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "FAST_PATH_BYTES", 0)
    text = "[Sample] Reach,Date\n" + "".join(f"{i},2026-01-01\n" for i in range(50))
    src = open_source(write(tmp_path, "sample.csv", text))
    assert src.kind == "csv" and src.frames[0].header[0] == "[Sample] Reach"
    assert src.frames[0].data.num_rows == 50


def test_json_array_still_detected_without_suffix(tmp_path: Path) -> None:
    src = open_source(write(tmp_path, "posts.txt", '[\n  {"id": 1, "n": 2}\n]\n'))
    assert src.kind == "json" and src.frames[0].data.to_pylist() == [{"id": "1", "n": "2"}]
