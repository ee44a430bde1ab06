from __future__ import annotations

import json
from typing import Any

import pytest

from socialproof.errors import BadInput
from socialproof.portfolio.pdf import build_pdf
from socialproof.portfolio.resume import export_resume, import_resume, validate_resume


def _fonts(reader: Any) -> set[tuple[str, bool]]:
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            desc = desc.get_object()
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add((str(font["/BaseFont"]), embedded))
    return fonts


@pytest.mark.parametrize(("size", "box"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_pdf_tagged_sized_fonts_embedded(
    portfolio_ws: Any, size: str, box: tuple[int, int]
) -> None:
    from pypdf import PdfReader

    path = build_pdf(portfolio_ws, size=size)  # type: ignore[arg-type]
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged PDF
    assert root["/Lang"] == "en"
    assert reader.metadata.title == "Dana Lee: portfolio"
    fonts = _fonts(reader)
    assert fonts and all(embedded for _, embedded in fonts), fonts
    box_w, box_h = (round(float(v)) for v in reader.pages[0].mediabox[2:])
    assert (box_w, box_h) == box
    assert len(reader.pages) >= 2
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Mock campaign" in text and "30.00" in text


def test_one_page_summary(portfolio_ws: Any) -> None:
    from pypdf import PdfReader

    reader = PdfReader(build_pdf(portfolio_ws, one_page=True))
    assert len(reader.pages) == 1


def test_pdf_without_case_studies(workspace: Any) -> None:
    with pytest.raises(BadInput, match="portfolio new"):
        build_pdf(workspace)


def test_json_resume_export_and_import(portfolio_ws: Any, tmp_path: Any) -> None:
    from socialproof.workspace import Workspace

    data = export_resume(portfolio_ws)
    validate_resume(data)
    assert data["basics"]["name"] == "Dana Lee"
    names = [p["name"] for p in data["projects"]]
    assert (
        "Spring launch on Meta" in names
        and "Mock campaign: Concept campaign for a coffee brand" in names
    )
    spring = next(p for p in data["projects"] if p["name"] == "Spring launch on Meta")
    assert any("30.00" in h for h in spring["highlights"])
    src = tmp_path / "resume.json"
    src.write_text(json.dumps(data))
    fresh = Workspace.init(tmp_path / "fresh")
    written = import_resume(fresh, src)
    assert (fresh.root / "profile.yaml") in written
    from socialproof.portfolio.casestudy import load_case_studies

    studies = load_case_studies(fresh.root / "case-studies")
    assert len(studies) == 2 and studies[0].study.period.start.year == 2026


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "is an object"),
        ('{"basics": [], "work": []}', "'basics' must be an object"),
        ('{"projects": {}}', "'projects' must be a list"),
        ('{"resumee": {}}', "unknown top-level"),
        ('{"work": [{"startDate": "March 2020"}]}', "is not a date"),
        ('{"work": [{"startDate": "2024-13-01"}]}', "is not a date"),  # no 13th month
        ('{"projects": [{"endDate": "2024-02-30"}]}', "is not a date"),
        ('{"basics": {"profiles": "x"}}', "'basics.profiles' must be a list"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_json_resume(workspace: Any, tmp_path: Any, content: str, message: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(content)
    with pytest.raises(BadInput, match=message):
        import_resume(workspace, path)


def test_json_resume_in_older_and_looser_shapes(workspace: Any, tmp_path: Any) -> None:
    """'company' (JSON Resume before 1.0) names the employer, and plain skill names are
    skills: the first was lost (client 'confidential'), the second dropped."""
    import yaml

    src = tmp_path / "old.json"
    src.write_text(
        json.dumps(
            {
                "basics": {"name": "Jo"},
                "work": [{"company": "Beta", "position": "Coordinator", "startDate": "2022"}],
                "skills": [{"name": "Copywriting"}, "Canva", "", {"level": "x"}],
            }
        )
    )
    import_resume(workspace, src)
    from socialproof.portfolio.casestudy import load_case_studies

    [study] = load_case_studies(workspace.root / "case-studies")
    assert study.study.title == "Coordinator at Beta" and study.study.client == "Beta"
    profile = yaml.safe_load((workspace.root / "profile.yaml").read_text(encoding="utf-8"))
    assert profile["skills"] == ["Copywriting", "Canva"]
