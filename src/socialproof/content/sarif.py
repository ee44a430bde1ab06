"""SARIF 2.1.0 output, so code-review tools (GitHub code scanning, IDEs) show findings.

Waived findings carry an ``inSource`` suppression with the author's reason.
Spec: OASIS Static Analysis Results Interchange Format (SARIF) Version 2.1.0.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialproof import __version__

if TYPE_CHECKING:
    from collections.abc import Iterable

    from socialproof.content.linter import LintResult
    from socialproof.content.rules import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    if path.startswith("<"):
        return "stdin"
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.resolve().as_uri()


def to_sarif(results: Iterable[LintResult], rules: Iterable[Rule]) -> dict[str, Any]:
    rule_list = list(rules)
    index = {r.id: i for i, r in enumerate(rule_list)}
    descriptors = [
        {
            "id": r.id,
            "name": r.id.replace(".", "-"),
            "shortDescription": {"text": r.message.split(". ")[0][:200]},
            "fullDescription": {"text": r.message},
            "defaultConfiguration": {"level": _LEVEL[r.severity]},
            "properties": {"pack": r.pack, "source": r.source, "fixable": r.fixable},
        }
        for r in rule_list
    ]
    out: list[dict[str, Any]] = []
    for res in results:
        for f in res.findings:
            item: dict[str, Any] = {
                "ruleId": f.rule_id,
                "level": _LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(f.path)},
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                                "endLine": f.end_line,
                                "endColumn": max(f.end_column, f.column),
                            },
                        }
                    }
                ],
            }
            if f.rule_id in index:
                item["ruleIndex"] = index[f.rule_id]
            if f.waived is not None:
                item["suppressions"] = [{"kind": "inSource", "justification": f.waived}]
            out.append(item)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "socialproof",
                        "version": __version__,
                        "informationUri": "https://github.com/socialproof/socialproof",
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": out,
            }
        ],
    }
