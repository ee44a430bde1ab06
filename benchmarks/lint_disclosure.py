"""Recall and precision of the disclosure rules on hand-written posts.

The posts (tests/data/content/disclosure_examples.yaml) were written from the FTC's
"Disclosures 101 for Social Media Influencers" and CAP/ASA's influencer guide: a post
is *undisclosed* when it shows a material connection without a clear label. A post
counts as flagged when any disclosure rule (``disclosure.*``) reports an error or a
warning on it. The dev split was used while writing the rules; the test split was
written afterwards and changed nothing, so its figures are the ones to quote. Run:
    .venv/bin/python -m benchmarks.lint_disclosure
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from benchmarks._cli import no_options
from socialproof.content.linter import lint_targets

EXAMPLES = Path(__file__).parents[1] / "tests" / "data" / "content" / "disclosure_examples.yaml"


def flagged(example: dict[str, Any]) -> bool:
    results, _ = lint_targets([], text=example["text"], platform=example["platform"])
    return any(
        f.rule_id.startswith("disclosure.") and f.severity in ("error", "warning")
        for f in results[0].findings
    )


def measure(split: str) -> dict[str, Any]:
    data = yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))["examples"]
    rows = [e for e in data if e["split"] == split]
    tp = fp = fn = tn = 0
    missed: list[str] = []
    wrong: list[str] = []
    for e in rows:
        got = flagged(e)
        if e["undisclosed"] and got:
            tp += 1
        elif e["undisclosed"]:
            fn += 1
            missed.append(e["text"])
        elif got:
            fp += 1
            wrong.append(e["text"])
        else:
            tn += 1
    return {
        "split": split,
        "positives": tp + fn,
        "negatives": fp + tn,
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
        "missed": missed,
        "false_alarms": wrong,
    }


def main() -> None:
    no_options(__doc__)
    for split in ("dev", "test"):
        m = measure(split)
        print(
            f"{split}: {m['positives']} undisclosed, {m['negatives']} not; "
            f"recall {m['recall']:.2f}, precision {m['precision']:.2f}"
        )
        for text in m["missed"]:
            print(f"  missed: {text}")
        for text in m["false_alarms"]:
            print(f"  false alarm: {text}")


if __name__ == "__main__":
    main()
