"""Job postings: CSV, JSON Lines and Markdown/HTML files with YAML or TOML front matter."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from socialproof.errors import BadExport
from socialproof.ingest.base import ReadContext
from socialproof.ingest.importer import import_paths
from socialproof.ingest.job_postings import JobPostingsFormat, split_front_matter
from socialproof.ingest.registry import registry
from socialproof.ingest.sources import open_source

CORE = Path(__file__).parents[1] / "data" / "ingest" / "core"


def postings(ws: Any) -> dict[str, dict[str, Any]]:
    with ws.connect() as con:
        cur = con.execute("SELECT * FROM job_postings")
        names = [d[0] for d in cur.description]
        return {r[2]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}  # by title


@pytest.mark.parametrize("name", ["jobs.csv", "jobs.jsonl", "posting.md", "posting.html"])
def test_detected(name: str) -> None:
    best, score = registry().detect(open_source(CORE / name))[0]
    assert best.name == "job-postings" and score >= 0.5


def test_all_job_files_import(workspace: Any) -> None:
    summaries = import_paths(
        workspace, [CORE / n for n in ("jobs.csv", "jobs.jsonl", "posting.md", "posting.html")]
    )
    assert [s.status for s in summaries] == ["imported"] * 4
    rows = postings(workspace)
    assert len(rows) == 6
    smm = rows["Social Media Manager"]
    assert smm["company"] == "Acme Co" and smm["salary_text"] == "$55,000 - $65,000/year"
    assert smm["posted_at"] == date(2026, 1, 1)  # epoch milliseconds
    assert smm["body"].startswith("Own our social channels.\nReport")
    assert rows["Paid Social Specialist"]["posting_id"] == "j-100"
    head = rows["Head of Social"]
    assert head["company"] == "Epsilon" and head["posted_at"] == date(2026, 1, 15)
    assert head["body"].startswith("# Head of Social") and head["employment_type"] == "full-time"
    coord = rows["Social Media Coordinator"]
    assert coord["company"] == "Zeta Foundation"  # TOML front matter, 'organization'
    assert "<p>" not in coord["body"] and "Schedule posts & report weekly." in coord["body"]


def test_posting_ids_are_stable_across_imports(workspace: Any, tmp_path: Path) -> None:
    import_paths(workspace, [CORE / "jobs.csv"])
    copy = tmp_path / "again.csv"
    copy.write_text((CORE / "jobs.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    [s] = import_paths(workspace, [copy])
    assert (s.inserted, s.updated + s.unchanged) == (0, 2)


def test_salary_range_columns(tmp_path: Path) -> None:
    path = tmp_path / "nyc.csv"
    path.write_text(
        "Job ID,Agency,Business Title,Salary Range From,Salary Range To,Salary Frequency,"
        "Work Location,Job Description,Posting Date\n"
        "42,DEPT OF X,Social Media Coordinator,55000,65000,Annual,Broadway,Post things.,2019-03-01\n",
        encoding="utf-8",
    )
    result = JobPostingsFormat().read(open_source(path), ReadContext())
    [row] = result.tables["job_postings"].to_pylist()
    assert row["posting_id"] == "42" and row["company"] == "DEPT OF X"
    assert row["salary_text"] == "55000 - 65000 / Annual"


def test_a_currency_column_beside_the_salary_is_kept(tmp_path: Path) -> None:
    """'Salary Min, Salary Max, Currency' read as '25 - 30 / hourly': the currency was lost
    and the salary counted as 'no currency named' (left out of every per-currency figure)."""
    path = tmp_path / "board.csv"
    path.write_text(
        "Job Title,Salary Min,Salary Max,Currency,Pay Period,Description\n"
        "Social Media Manager,25,30,gbp,hourly,Write posts.\n"
        "Copywriter,,,EUR,,Write copy.\n"
        "Editor,40000,45000,USD,year,Edit.\n"
        "Producer,$50k,,USD,,Produce.\n",
        encoding="utf-8",
    )
    result = JobPostingsFormat().read(open_source(path), ReadContext())
    rows = result.tables["job_postings"].to_pylist()
    assert [r["salary_text"] for r in rows] == [
        "GBP 25 - 30 / hourly",
        "",
        "USD 40000 - 45000 / year",
        "$50k",
    ]
    doc = tmp_path / "posting.md"
    doc.write_text(
        "---\ntitle: Editor\nsalary: 3.000-3.500 brutto\ncurrency: EUR\n---\nEdit.\n",
        encoding="utf-8",
    )
    [row] = (
        JobPostingsFormat().read(open_source(doc), ReadContext()).tables["job_postings"].to_pylist()
    )
    assert row["salary_text"] == "EUR 3.000-3.500 brutto"


def test_front_matter_errors(tmp_path: Path) -> None:
    assert split_front_matter("no front matter") is None
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    with pytest.raises(BadExport, match="not valid YAML"):
        JobPostingsFormat().read(open_source(bad), ReadContext())
    untitled = tmp_path / "untitled.md"
    untitled.write_text("---\ncompany: X\n---\nbody\n", encoding="utf-8")
    with pytest.raises(BadExport, match="no title"):
        JobPostingsFormat().read(open_source(untitled), ReadContext())


def test_html_descriptions_in_a_table_are_read_as_text(workspace: Any, tmp_path: Path) -> None:
    # Job boards export descriptions as HTML; '&pound;35k&ndash;&pound;40k' stayed as
    # written, so the salary range and the list items were read from markup.
    path = tmp_path / "board.csv"
    path.write_text(
        "title,company,location,description\n"
        'Social Media Manager,Acme,London,"<p>Salary: &pound;35k&ndash;&pound;40k per year.</p>'
        '<ul><li>Copywriting &amp; community management</li></ul><script>x()</script>"\n'
        "Community Manager,Beta,Leeds,Plain text: R&D teams & 3 < 5.\n",
        encoding="utf-8",
    )
    [summary] = import_paths(workspace, [path])
    assert summary.status == "imported"
    rows = postings(workspace)
    body = rows["Social Media Manager"]["body"]
    assert "Salary: £35k–£40k per year." in body and "Copywriting & community management" in body
    assert "<" not in body and "x()" not in body
    assert rows["Community Manager"]["body"] == "Plain text: R&D teams & 3 < 5."
    again = tmp_path / "again.csv"
    again.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    [second] = import_paths(workspace, [again])
    assert (second.inserted, second.updated + second.unchanged) == (0, 2)  # same ids


def test_headers_as_boards_write_them(workspace: Any, tmp_path: Path) -> None:
    """'Company Name', 'Job Location', 'Date Posted': spaces where the aliases have '_'
    (the company, location and date were dropped), and camelCase JSON keys."""
    path = tmp_path / "board.csv"
    path.write_text(
        "Job Title,Company Name,Job Location,Salary,Job Description,Date Posted\n"
        'Copywriter,Acme,"Leeds, UK","£30,000",Write captions.,2026-11-02\n',
        encoding="utf-8",
    )
    [s] = import_paths(workspace, [path], format="job-postings")
    assert s.status == "imported"
    row = postings(workspace)["Copywriter"]
    assert (row["company"], row["location"], row["posted_at"]) == (
        "Acme",
        "Leeds, UK",
        date(2026, 11, 2),
    )


def test_nested_json_values_are_read_not_stored_as_json(workspace: Any, tmp_path: Path) -> None:
    """A JSON posting with objects for company, location and salary (a board's API, or
    schema.org JobPosting): the salary object read as JSON text gave 'up to 50k' for a
    50,000-60,000 range, and company and location were JSON text."""
    import json

    api = {
        "title": "Paid Social Specialist",
        "company": {"name": "Gamma", "industry": "finance"},
        "location": {"city": "New York", "remote": True},
        "salary": {"min": 50000, "max": 60000, "currency": "USD", "period": "year"},
        "description": "Run Meta Ads.",
    }
    schema_org = {
        "@type": "JobPosting",
        "title": "Social Media Manager",
        "description": "<p>Own our Instagram.</p>",
        "datePosted": "2026-11-20",
        "employmentType": ["FULL_TIME", "CONTRACTOR"],
        "hiringOrganization": {"@type": "Organization", "name": "Epsilon Ltd"},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "addressLocality": "Manchester",
                "addressRegion": "England",
                "addressCountry": {"@type": "Country", "name": "GB"},
            },
        },
        "baseSalary": {
            "currency": "GBP",
            "value": {"minValue": 35000, "maxValue": 42000, "unitText": "YEAR"},
        },
    }
    lines = tmp_path / "api.jsonl"
    lines.write_text(json.dumps(api) + "\n", encoding="utf-8")
    page = tmp_path / "ld.json"
    page.write_text(json.dumps([schema_org]), encoding="utf-8")
    doc = tmp_path / "posting.md"
    doc.write_text(
        "---\ntitle: Content Strategist\ncompany:\n  name: Zeta\nlocation:\n  city: Berlin\n"
        "  country: DE\nsalary:\n  min: 50000\n  max: 60000\n  currency: EUR\n---\nPlan posts.\n",
        encoding="utf-8",
    )
    import_paths(workspace, [lines, page, doc], format="job-postings")
    rows = postings(workspace)
    paid = rows["Paid Social Specialist"]
    assert (paid["company"], paid["location"], paid["salary_text"]) == (
        "Gamma",
        "New York (remote)",
        "USD 50,000 - 60,000 a year",
    )
    smm = rows["Social Media Manager"]
    assert (smm["company"], smm["location"], smm["salary_text"]) == (
        "Epsilon Ltd",
        "Manchester, England, GB",
        "GBP 35,000 - 42,000 a year",
    )
    assert smm["posted_at"] == date(2026, 11, 20)
    assert smm["employment_type"] == "FULL_TIME, CONTRACTOR"
    cs = rows["Content Strategist"]
    assert (cs["company"], cs["location"], cs["salary_text"]) == (
        "Zeta",
        "Berlin, DE",
        "EUR 50,000 - 60,000",
    )
    # the market reads the range, not "up to" its first number
    from socialproof.market.extract import analyze_posting

    facts = analyze_posting({**paid, "body": paid["body"]})
    assert (facts.salary_min_annual, facts.salary_max_annual) == (50000.0, 60000.0)
    assert facts.remote_policy == "remote"


def test_a_json_looking_title_or_unparsable_object_is_kept_as_written(
    workspace: Any, tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(
        'title,company,body,salary\n"[Remote] Copywriter","{not json",Write.,"{""x"": 1}"\n',
        encoding="utf-8",
    )
    import_paths(workspace, [path], format="job-postings")
    row = postings(workspace)["[Remote] Copywriter"]
    assert row["company"] == "{not json" and row["salary_text"] == '{"x": 1}'


def test_a_markdown_posting_without_front_matter_takes_its_heading(
    workspace: Any, tmp_path: Path
) -> None:
    """A posting pasted into a .md file ('# Title' and the text) was refused by
    'jobs import' while 'gap --posting' read it."""
    path = tmp_path / "pasted.md"
    path.write_text("# Community Manager\n\nGrow our Discord community.\n", encoding="utf-8")
    [s] = import_paths(workspace, [path], format="job-postings")
    assert s.status == "imported"
    row = postings(workspace)["Community Manager"]
    assert "Grow our Discord community." in row["body"]
    plain = tmp_path / "plain.md"
    plain.write_text("Grow our Discord community.\n", encoding="utf-8")
    with pytest.raises(BadExport, match="no '# Title' first line"):
        JobPostingsFormat().read(open_source(plain), ReadContext())
