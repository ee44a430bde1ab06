"""``socialproof community ...`` end to end through the real entry point."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from tests.community.test_response_times import FIXTURE, load_twcs
from tests.community.test_threads import msg


@pytest.fixture
def twcs(workspace: Any, insert: Any, data_dir: Any) -> Any:
    insert("messages", load_twcs(data_dir / FIXTURE))
    return workspace


def test_report_on_empty_workspace_says_what_to_import(cli: Any, workspace: Any) -> None:
    r = cli("community", "report", cwd=workspace.root)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: The workspace has no messages yet.")
    assert "socialproof import" in r.stderr
    assert "Traceback" not in r.stderr


def test_report_table_json_and_html(cli: Any, twcs: Any, tmp_path: Any) -> None:
    out = tmp_path / "community.html"
    r = cli("community", "report", "--no-text", "--html", str(out), cwd=twcs.root)
    assert r.exit_code == 0, r
    assert "Customer threads" in r.stdout and "27" in r.stdout
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    r = cli("community", "report", "--no-text", "--format", "json", "--sla-hours", "1",
            cwd=twcs.root)  # fmt: skip
    assert r.exit_code == 0, r
    data = json.loads(r.stdout)
    assert data["response"]["overall"]["within_sla_rate"] == pytest.approx(12 / 27)


@pytest.mark.parametrize(
    "args",
    [
        ("--since", "2026-13-01"),
        ("--since", "2026-03-05", "--until", "2026-03-01"),
        ("--format", "csv"),
        ("--period", "fortnight"),
        ("--sla-hours", "0"),
        ("--k", "one"),
    ],
)
def test_report_bad_options_are_one_line_usage_errors(
    cli: Any, twcs: Any, args: tuple[str, ...]
) -> None:
    r = cli("community", "report", "--no-text", *args, cwd=twcs.root)
    assert r.exit_code == 2, r
    assert r.stderr.startswith("Error: ")
    assert len(r.stderr.strip().splitlines()) == 1


def test_threads_unanswered_csv(cli: Any, twcs: Any) -> None:
    r = cli("community", "threads", "--unanswered", "--format", "csv", cwd=twcs.root)
    assert r.exit_code == 0, r
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["thread_key"] for row in rows] == ["119237"]


def test_threads_all_as_jsonl(cli: Any, twcs: Any) -> None:
    r = cli("community", "threads", "--format", "jsonl", "--platform", "x", cwd=twcs.root)
    assert r.exit_code == 0, r
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(lines) == 27
    by_key = {x["thread_key"]: x for x in lines}
    assert by_key["119239"]["first_response_s"] == 1540


def test_threads_csv_is_formula_safe(cli: Any, workspace: Any, insert: Any) -> None:
    insert("messages", [msg("1", '=HYPERLINK("http://evil")', "2026-03-02 10:00")])
    r = cli("community", "threads", "--unanswered", "--format", "csv", cwd=workspace.root)
    assert r.exit_code == 0, r
    assert "'=HYPERLINK" in r.stdout


def test_queue_without_flags(cli: Any, workspace: Any, insert: Any, monkeypatch: Any) -> None:
    from socialproof.community import scoring

    monkeypatch.setattr(scoring, "load_models", lambda ws=None: scoring.Models(notes=["no models"]))
    insert("messages", [msg("1", "ann", "2026-03-02 10:00", text="hello")])
    r = cli("community", "queue", cwd=workspace.root)
    assert r.exit_code == 0, r
    assert "Nothing flagged" in r.stderr


def test_themes_bad_k(cli: Any, twcs: Any) -> None:
    r = cli("community", "themes", "--k", "1", cwd=twcs.root)
    assert r.exit_code == 2
    assert "at least 2" in r.stderr


def test_brand_handle_never_seen_is_said(cli: Any, twcs: Any) -> None:
    r = cli("community", "report", "--no-text", cwd=twcs.root)
    assert "@acme" in r.stderr and "never seen" in r.stderr


def test_report_on_an_empty_range_says_so(cli: Any, twcs: Any, tmp_path: Any) -> None:
    out = tmp_path / "empty.html"
    r = cli("community", "report", "--since", "2030-01-01", "--html", str(out), cwd=twcs.root)
    assert r.exit_code == 0, r
    assert "No customer threads were opened in this range" in r.stderr
    assert out.exists()


def test_report_on_an_unknown_platform_lists_the_known_ones(cli: Any, twcs: Any) -> None:
    r = cli("community", "report", "--platform", "myspace", cwd=twcs.root)
    assert r.exit_code == 1
    assert "no messages on platform 'myspace'" in r.stderr and "x." in r.stderr


def test_html_into_a_missing_folder_is_a_usage_error(cli: Any, twcs: Any, tmp_path: Any) -> None:
    r = cli("community", "report", "--no-text", "--html", str(tmp_path / "nope" / "r.html"),
            cwd=twcs.root)  # fmt: skip
    assert r.exit_code == 2
    assert "does not exist" in r.stderr
