"""The careers and market commands end to end, through the real entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

DATA = Path(__file__).parents[1] / "data" / "careers"


def test_roles_list_show_and_unknown(cli: Any) -> None:
    r = cli("roles", "--format", "json")
    assert r.exit_code == 0
    ids = {row["id"] for row in json.loads(r.stdout)}
    assert {"community-manager", "head-of-social", "platform-specialist"} <= ids
    r = cli("roles", "--industry", "finance", "--format", "csv")
    assert r.exit_code == 0 and "community-manager" in r.stdout
    r = cli("roles", "show", "community-manager")
    assert r.exit_code == 0
    assert (
        "Responsibilities" in r.stdout
        and "O*NET 11-2032.00" in r.stdout
        and "ESCO online community manager" in r.stdout
    )
    r = cli("roles", "show", "paid-social-specialist", "--industry", "health", "--json")
    data = json.loads(r.stdout)
    assert data["industry_variant"]["label"].startswith("Regulated")
    assert any(s["id"] == "paid-social" and s["must"] for s in data["skills"])
    r = cli("roles", "show", "comunity manger")
    assert r.exit_code == 1 and "Did you mean community-manager" in r.stderr
    assert "Traceback" not in r.stderr
    r = cli("roles", "--industry", "space")
    assert r.exit_code == 1 and "Unknown industry" in r.stderr


def test_paths(cli: Any) -> None:
    r = cli("paths", "social-media-coordinator", "--to", "head-of-social", "--format", "json")
    assert r.exit_code == 0
    steps = json.loads(r.stdout)
    assert steps[0]["from"] == "social-media-coordinator" and steps[-1]["to"] == "head-of-social"
    r = cli("paths", "copywriter", "--format", "csv")
    assert r.exit_code == 0 and "content-strategist" in r.stdout


def test_profile_gap_plan_jobs_market(cli: Any, workspace: Any, tmp_path: Path) -> None:
    root = workspace.root
    r = cli("profile", "check", cwd=root)
    assert r.exit_code == 1 and "profile init" in r.stderr
    assert cli("profile", "init", cwd=root).exit_code == 0
    r = cli("profile", "check", cwd=root)
    assert r.exit_code == 0 and "skills in the catalogue" in r.stdout
    r = cli("gap", "--role", "paid-social-specialist", cwd=root)
    assert (
        r.exit_code == 0 and "Match with Paid Social Specialist" in r.stdout and "How:" in r.stdout
    )
    assert cli("gap", cwd=root).exit_code == 2
    r = cli("gap", "--role", "x", "--posting", "y.md", cwd=root)
    assert r.exit_code == 2 and "exactly one" in r.stderr
    r = cli("gap", "--posting", str(DATA / "spanish.md"), cwd=root)
    assert r.exit_code == 1 and "not supported yet" in r.stderr
    r = cli("gap", "--posting", str(DATA / "regulated_manager.md"), "--format", "json", cwd=root)
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert any(row["item"] == "Team leadership" and row["must-have"] for row in rows)

    folder = tmp_path / "postings"
    folder.mkdir()
    for name in ("regulated_manager.md", "competitive.md", "spanish.md"):
        shutil.copy(DATA / name, folder / name)
    r = cli("jobs", "import", str(folder), str(DATA / "postings.csv"), cwd=root)
    assert r.exit_code == 0, r
    r = cli("jobs", "analyze", "--format", "jsonl", cwd=root)
    assert r.exit_code == 0
    facts = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(facts) == 5
    statuses = sorted(f["status"] for f in facts)
    assert statuses == ["ok", "ok", "ok", "ok", "unsupported_language"]
    gbp = next(f for f in facts if f["salary_text"] == "£30k–£35k")
    assert (gbp["salary_currency"], gbp["salary_min_annual"], gbp["salary_max_annual"]) == (
        "GBP",
        30000,
        35000,
    )
    assert all("items" in f for f in facts)
    r = cli("jobs", "analyze", "--items", "--format", "csv", cwd=root)
    assert r.exit_code == 0 and "span" in r.stdout.splitlines()[0]

    out = tmp_path / "market.html"
    r = cli("market", "report", "--html", str(out), cwd=root)
    assert r.exit_code == 0 and out.is_file()
    page = out.read_text(encoding="utf-8")
    assert "<h1>Job market report</h1>" in page and "withheld" in page and "<svg" in page
    r = cli("market", "report", "--location", "london", "--format", "json", cwd=root)
    assert r.exit_code == 0 and json.loads(r.stdout)
    r = cli("market", "report", "--location", "Atlantis", cwd=root)
    assert r.exit_code == 1 and "No analysed postings match" in r.stderr

    r = cli("plan", "--format", "json", cwd=root)
    assert r.exit_code == 0
    plan = json.loads(r.stdout)
    assert plan and plan[0]["#"] == 1 and plan[0]["mock campaign"]


def test_market_report_without_postings(cli: Any, workspace: Any) -> None:
    r = cli("market", "report", cwd=workspace.root)
    assert r.exit_code == 1 and "jobs import" in r.stderr
    r = cli("jobs", "analyze", cwd=workspace.root)
    assert r.exit_code == 1 and "no job postings" in r.stderr


def test_roles_platforms(cli: Any) -> None:
    r = cli("roles", "platforms", "--format", "json")
    assert r.exit_code == 0
    rows = {row["platform"]: row for row in json.loads(r.stdout)}
    assert "TikTok" in rows and rows["TikTok"]["ad formats"] and rows["Discord"]["formats"]


def test_paths_default_to_the_profile_role(cli: Any, workspace: Any) -> None:
    assert cli("profile", "init", cwd=workspace.root).exit_code == 0
    r = cli("paths", "--format", "csv", cwd=workspace.root)  # template: social-media-specialist
    assert r.exit_code == 0 and "social-media-manager" in r.stdout


def test_market_table_rounds_shares_once(cli: Any, workspace: Any, tmp_path: Path) -> None:
    # 5 of 11 postings is 0.4545: the table showed 0.46 (rounded to 0.455 first, then
    # to two decimals). Files keep three decimals.
    lines = ["title,company,location,description"]
    for i in range(11):
        extra = " Experience with TikTok is required." if i < 5 else ""
        lines.append(f"Social Media Manager {i},Firm {i},Remote,We are hiring.{extra}")
    path = tmp_path / "postings.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli("jobs", "import", str(path), cwd=workspace.root).exit_code == 0
    r = cli("market", "report", cwd=workspace.root)
    assert r.exit_code == 0
    row = next(line for line in r.stdout.splitlines() if "TikTok" in line)
    assert [cell.strip() for cell in row.split("│")[3:6]] == ["5", "0.45", "0.45"]
    r = cli("market", "report", "--format", "json", cwd=workspace.root)
    tiktok = next(x for x in json.loads(r.stdout) if x["item"] == "TikTok")
    assert (tiktok["postings"], tiktok["share"]) == (5, 0.455)


def test_paths_with_no_step_say_so(cli: Any, tmp_path: Path) -> None:
    """'paths X --to X' and a role with no move printed nothing at all and exited 0."""
    res = cli("paths", "copywriter", "--to", "Copywriter", cwd=tmp_path)
    assert res.exit_code == 0 and "copywriter is copywriter: there is no step" in res.stderr
    res = cli("paths", "marketing-manager", cwd=tmp_path)
    assert res.exit_code == 0 and "no move from marketing-manager" in res.stderr
