from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.portfolio.conftest import MOCK, PAID

from socialproof.errors import BadInput
from socialproof.portfolio.casestudy import load_case_studies, new_case_study, parse_case_study


def _write(tmp_path: Path, text: str, name: str = "a.md") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_valid_case_study_parses(tmp_path: Path) -> None:
    loaded = parse_case_study(_write(tmp_path, PAID))
    assert loaded.slug == "spring-launch-on-meta"
    assert loaded.study.kind == "paid"
    assert loaded.study.outcomes[0].computed and not loaded.study.outcomes[2].computed
    assert "Context" in loaded.body


def test_missing_front_matter(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"a.md:1: missing front matter"):
        parse_case_study(_write(tmp_path, "# Just markdown\n"))


def test_front_matter_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="must be a mapping"):
        parse_case_study(_write(tmp_path, "---\n- a\n- b\n---\nbody\n"))


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"a.md:3: invalid YAML"):
        parse_case_study(_write(tmp_path, "---\ntitle: x\nrole: [unclosed\n---\n"))


def test_unknown_field_suggests_closest(tmp_path: Path) -> None:
    text = PAID.replace("strategy:", "stratgy:")
    with pytest.raises(BadInput, match=r"unknown field 'stratgy'.*Did you mean 'strategy'"):
        parse_case_study(_write(tmp_path, text))


def test_unknown_nested_field_suggests_closest(tmp_path: Path) -> None:
    text = PAID.replace("    baseline: 0.009", "    baselin: 0.009")
    with pytest.raises(BadInput, match=r"outcomes\.1\.baselin.*Did you mean 'baseline'"):
        parse_case_study(_write(tmp_path, text))


def test_keys_in_another_language_are_named_with_their_english_key(tmp_path: Path) -> None:
    """A case study written with Spanish keys failed on 'missing required field title'
    beside its 'titulo:', then on one key after another."""
    text = (
        "---\ntitulo: Lanzamiento de invierno\ntipo: mock\nrol: Estratega\ncliente: Marca\n"
        "periodo: {start: 2026-02-01, end: 2026-02-28}\nResumen: Un resumen.\n---\nCuerpo.\n"
    )
    with pytest.raises(BadInput) as exc:
        parse_case_study(_write(tmp_path, text))
    assert str(exc.value).startswith(
        f"{tmp_path / 'a.md'}:2: case study keys are in English: write 'titulo' as 'title', "
        "'tipo' as 'kind', 'rol' as 'role', 'cliente' as 'client', 'periodo' as 'period', "
        "'Resumen' as 'summary'."
    )
    # one English typo among English keys still gets its suggestion
    with pytest.raises(BadInput, match=r"unknown field 'stratgy'.*Did you mean 'strategy'"):
        parse_case_study(_write(tmp_path, PAID.replace("strategy:", "stratgy:")))


def test_missing_required_field_names_line_and_fix(tmp_path: Path) -> None:
    text = PAID.replace("role: Paid social specialist\n", "")
    with pytest.raises(BadInput, match=r"missing required field 'role'.*Add 'role: \.\.\.'"):
        parse_case_study(_write(tmp_path, text))


def test_outcome_needs_one_source(tmp_path: Path) -> None:
    text = PAID.replace("  - label: Store visits\n    value: 310\n", "  - label: Store visits\n")
    with pytest.raises(BadInput, match="exactly one of"):
        parse_case_study(_write(tmp_path, text))


def test_period_order_checked(tmp_path: Path) -> None:
    text = PAID.replace("end: 2026-03-31", "end: 2026-02-01")
    with pytest.raises(BadInput, match="before its start"):
        parse_case_study(_write(tmp_path, text))


def test_duplicate_slugs_refused(tmp_path: Path) -> None:
    _write(tmp_path, PAID, "one.md")
    _write(tmp_path, PAID, "two.md")
    with pytest.raises(BadInput, match="same slug 'spring-launch-on-meta'"):
        load_case_studies(tmp_path)


def test_new_template_is_valid_for_each_kind(tmp_path: Path) -> None:
    for kind in ("paid", "organic", "community", "mock"):
        path = new_case_study(tmp_path, f"My {kind} work", kind)
        assert parse_case_study(path).study.kind == kind
    with pytest.raises(BadInput, match="already exists"):
        new_case_study(tmp_path, "My paid work", "paid")


def test_titles_without_latin_letters_get_names_of_their_own(tmp_path: Path) -> None:
    # Every such title was named case-study.md, so a second one failed with "already
    # exists. Choose another title", which no other title in that script could fix.
    first = new_case_study(tmp_path, "日本語のキャンペーン", "organic")
    second = new_case_study(tmp_path, "Кейс", "organic")
    third = new_case_study(tmp_path, "中文案例", "mock")
    assert [p.name for p in (first, second, third)] == [
        "case-study.md",
        "case-study-2.md",
        "case-study-3.md",
    ]
    slugs = [parse_case_study(p).slug for p in (first, second, third)]
    assert slugs == ["case-study", "case-study-2", "case-study-3"]
    assert parse_case_study(second).study.title == "Кейс"
    with pytest.raises(BadInput, match="already exists"):  # a Latin title names its file
        new_case_study(tmp_path, "Case study", "paid")


def test_load_sorted_newest_first(tmp_path: Path, portfolio_ws: Any) -> None:
    studies = load_case_studies(portfolio_ws.root / "case-studies")
    assert [s.study.kind for s in studies] == ["paid", "mock"]
    assert MOCK  # fixture text used by other tests


def test_a_blank_title_role_or_client_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="needs a title"):
        new_case_study(tmp_path, "   ", "organic")
    assert not list(tmp_path.glob("*.md"))
    path = tmp_path / "blank.md"
    for field in ("title", "role", "client"):
        front = {"title": "T", "kind": "organic", "role": "R", "client": "C", field: "  "}
        text = "---\n" + "".join(f'{k}: "{v}"\n' for k, v in front.items())
        path.write_text(text + "period: {start: 2026-01-01}\n---\n", encoding="utf-8")
        with pytest.raises(BadInput, match=f"field '{field}': it is empty"):
            parse_case_study(path)
