"""Ad hoc commands: sentiment, themes, moderate (files, stdin, CSV columns, formats, bad input)."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "data" / "community" / "textmodels"
LINES = FIXTURES / "lines.txt"


def _jsonl(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_sentiment_jsonl_one_object_per_line_in_order(cli) -> None:
    r = cli("sentiment", str(LINES), "--format", "jsonl")
    assert r.exit_code == 0, r
    rows = _jsonl(r.stdout)
    lines = LINES.read_text(encoding="utf-8").splitlines()
    assert [row["text"] for row in rows] == lines
    assert all(set(row) == {"text", "label", "score"} for row in rows)
    assert rows[0]["label"] == "positive" and rows[1]["label"] == "negative"
    assert rows[3] == {"text": "", "label": "neutral", "score": 0.0}


def test_sentiment_from_stdin(cli) -> None:
    r = cli("sentiment", "-", "--format", "jsonl", stdin="I love it\nI hate it\n")
    assert r.exit_code == 0, r
    assert [row["label"] for row in _jsonl(r.stdout)] == ["positive", "negative"]


def test_sentiment_table_has_a_summary(cli) -> None:
    r = cli("sentiment", str(LINES))
    assert r.exit_code == 0, r
    assert "net sentiment" in r.stdout and "positive" in r.stdout


def test_csv_column_and_formula_safe_csv(cli) -> None:
    r = cli("sentiment", str(FIXTURES / "comments.csv"), "--column", "message", "--format", "csv")
    assert r.exit_code == 0, r
    lines = r.stdout.splitlines()
    assert lines[0] == "text,label,score"
    assert len(lines) == 4
    assert lines[2].startswith("\"'=HYPERLINK")  # a formula cell is neutralised


def test_csv_text_column_is_found_without_column(cli, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,Text\n1,great stuff\n2,awful stuff\n", encoding="utf-8")
    r = cli("sentiment", str(path), "--format", "jsonl")
    assert r.exit_code == 0, r
    assert [row["text"] for row in _jsonl(r.stdout)] == ["great stuff", "awful stuff"]


def test_unknown_column_is_a_one_line_error(cli) -> None:
    r = cli("sentiment", str(FIXTURES / "comments.csv"), "--column", "nope")
    assert r.exit_code == 1
    assert r.stderr.startswith("Error:") and "message" in r.stderr
    assert "Traceback" not in r.stderr


def test_empty_file_is_a_one_line_error(cli) -> None:
    for command in ("sentiment", "themes", "moderate"):
        r = cli(command, str(FIXTURES / "empty.txt"))
        assert r.exit_code == 1, r
        assert "empty" in r.stderr and r.stderr.count("\n") == 1


def test_missing_file(cli) -> None:
    r = cli("moderate", "/no/such/file.txt")
    assert r.exit_code == 1 and "does not exist" in r.stderr


def test_invalid_utf8_is_replaced_with_a_note(cli) -> None:
    r = cli("sentiment", str(FIXTURES / "invalid_utf8.txt"), "--format", "jsonl")
    assert r.exit_code == 0, r
    rows = _jsonl(r.stdout)
    assert len(rows) == 3 and "\ufffd" in str(rows[1]["text"])
    assert "not valid UTF-8" in " ".join(r.stderr.split())


def test_long_and_mixed_language_lines(cli, tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_text("a" * 50_000 + "\n😀😀😀\nBonjour 你好 hola\n", encoding="utf-8")
    for command in ("sentiment", "moderate", "themes"):
        r = cli(command, str(path), "--format", "jsonl")
        assert r.exit_code == 0, (command, r)
        rows = _jsonl(r.stdout)
        assert len(rows) == 3 and len(str(rows[0]["text"])) == 50_000


def test_themes_jsonl_per_text(cli) -> None:
    src = FIXTURES / "themes_small.csv"
    r = cli("themes", str(src), "--column", "text", "--k", "4", "--format", "jsonl")
    assert r.exit_code == 0, r
    rows = _jsonl(r.stdout)
    assert len(rows) == 32
    assert all(set(row) == {"text", "theme", "theme_label"} for row in rows)
    assert {row["theme"] for row in rows} == {0, 1, 2, 3}
    same = [row["theme_label"] for row in rows if row["theme"] == rows[0]["theme"]]
    assert len(set(same)) == 1


def test_themes_table_is_a_summary(cli) -> None:
    r = cli("themes", str(FIXTURES / "themes_small.csv"), "--k", "auto")
    assert r.exit_code == 0, r
    assert "destination" in r.stdout and "themes (auto)" in r.stdout


def test_themes_bad_k(cli) -> None:
    r = cli("themes", str(LINES), "--k", "lots")
    assert r.exit_code == 2 and "--k" in r.stderr


def test_moderate_jsonl(cli, tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_text(
        "Check out my channel and subscribe http://bit.ly/x\nThanks for the help!\n"
        "You are a stupid idiot\n",
        encoding="utf-8",
    )
    r = cli("moderate", str(path), "--format", "jsonl")
    assert r.exit_code == 0, r
    spam, fine, toxic = _jsonl(r.stdout)
    assert spam["spam"] is True and spam["reasons"]
    assert fine == {"text": "Thanks for the help!", "spam": False, "toxic": False, "reasons": []}
    assert toxic["toxic"] is True


def test_moderate_custom_rules_and_flagged_table(cli, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("blocked_terms: {spam: [giveaway]}\n", encoding="utf-8")
    path = tmp_path / "m.txt"
    path.write_text("Huge giveaway today\nLovely weather\n", encoding="utf-8")
    r = cli("moderate", str(path), "--rules", str(rules), "--flagged")
    assert r.exit_code == 0, r
    assert "giveaway" in r.stdout and "Lovely" not in r.stdout


def test_output_file(cli, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    r = cli("sentiment", str(LINES), "--format", "jsonl", "--output", str(out))
    assert r.exit_code == 0, r
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6


def test_folder_is_refused(cli, tmp_path: Path) -> None:
    r = cli("sentiment", str(tmp_path))
    assert r.exit_code == 1 and "folder" in r.stderr


def test_help_lists_the_commands(cli) -> None:
    r = cli("--help")
    assert all(c in r.stdout for c in ("sentiment", "themes", "moderate"))


THANKS = "@acmehelp thank you so much for the help!"
PROMO = "Check out my page, free followers every day"


def _care_csv(tmp_path: Path, header: str, rows: list[tuple[str, str]]) -> Path:
    import csv

    path = tmp_path / "comments.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow([header, "text"])
        out.writerows(rows)
    return path


def test_moderate_counts_repeated_text_per_author_from_the_csv(cli, tmp_path: Path) -> None:
    # six customers thanking the brand in the same words are not spam; one account posting
    # the same text four times is
    rows = [(f"customer{i}", THANKS) for i in range(6)] + [("promo_bot", PROMO)] * 4
    rows.append(("", THANKS))  # an author the export left out: nobody's copy
    r = cli("moderate", str(_care_csv(tmp_path, "username", rows)), "--format", "jsonl")
    assert r.exit_code == 0, r
    got = _jsonl(r.stdout)
    assert [row["text"] for row in got] == [text for _, text in rows]
    repeated = ["repeated text (" in " ".join(row["reasons"]) for row in got]
    assert repeated == [False] * 6 + [True] * 4 + [False]
    assert "repeated text (4 times by this author in this batch)" in got[6]["reasons"]
    assert "names no authors" not in r.stderr


def test_moderate_author_column_by_name_and_without_one(cli, tmp_path: Path) -> None:
    rows = [(f"c{i}", THANKS) for i in range(3)]
    path = _care_csv(tmp_path, "posted by", rows)
    r = cli("moderate", str(path), "--author-column", "Posted By", "--format", "jsonl")
    assert r.exit_code == 0, r
    assert all(row["reasons"] == [] for row in _jsonl(r.stdout))
    # no author column known: copies anywhere in the file count, and the note says so
    r = cli("moderate", str(path), "--format", "jsonl")
    assert r.exit_code == 0, r
    assert all(
        "repeated text (3 times in this batch)" in row["reasons"] for row in _jsonl(r.stdout)
    )
    assert "names no authors" in r.stderr and "--author-column" in r.stderr
    r = cli("moderate", str(path), "--author-column", "who")
    assert r.exit_code == 1 and "no column 'who'" in r.stderr


def test_moderate_reads_when_each_text_was_sent(cli, tmp_path: Path) -> None:
    # one customer asking three times in an evening is waiting for an answer; the same
    # plea over three days is repeated text (created_at as X's API and TWCS write it)
    plea = "@acme Please answer my DM!"
    import csv

    path = tmp_path / "care.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["author_id", "created_at", "text"])
        for i, day in enumerate(
            ("Sun Nov 12 15:06:42", "Sun Nov 12 22:40:03", "Sun Nov 12 22:55:06")
        ):
            out.writerow(["ann", f"{day} +0000 2017", plea])
            out.writerow(["bob", f"Mon Nov {13 + i} 10:00:00 +0000 2017", plea])
    r = cli("moderate", str(path), "--format", "jsonl")
    assert r.exit_code == 0, r
    got = _jsonl(r.stdout)
    assert [row["reasons"] for row in got[0::2]] == [[]] * 3
    assert all(
        "repeated text (3 times by this author in this batch)" in row["reasons"]
        for row in got[1::2]
    )
