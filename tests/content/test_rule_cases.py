"""Each packaged rule against texts that must and must not trigger it (tests/data/content/cases.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from socialproof.content.linter import lint_targets

CASES = yaml.safe_load(
    (Path(__file__).parent.parent / "data" / "content" / "cases.yaml").read_text()
)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_rule_case(case):
    results, _ = lint_targets(
        [], text=case["text"], platform=case["platform"], industry=case.get("industry", "general")
    )
    found = {f.rule_id for f in results[0].findings}
    for rule in case.get("flags", []):
        assert rule in found, f"{rule} missed; found {sorted(found)}"
    for rule in case.get("clean", []):
        assert rule not in found, f"{rule} fired wrongly; found {sorted(found)}"
