"""``socialproof lint --fix``: apply the safe fixes (CamelCase hashtags, move a disclosure).

Only findings whose rule says ``fixable: true`` and that are not waived are fixed.
Edits that overlap an earlier one are left for the next run, so a fix never
garbles text. Files are rewritten atomically, keeping their line ends (CRLF) and
byte-order mark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from socialproof.content.linter import Edit, LintResult


def fixed_text(result: LintResult) -> tuple[str, int]:
    """The post body with every safe fix applied, and how many findings were fixed."""
    chosen: list[tuple[int, list[Edit]]] = []
    taken: list[tuple[int, int]] = []
    for i, f in enumerate(result.findings):
        if f.waived is not None or not f.fixable or not f.edits:
            continue
        spans = [(e.start, e.end) for e in f.edits if e.end > e.start]
        if any(a < d and c < b for a, b in spans for c, d in taken):
            continue
        taken.extend(spans)
        chosen.append((i, f.edits))
    text = result.post.text
    edits = [e for _, group in chosen for e in group]
    # Apply from the end so earlier offsets stay valid; inserts go before deletions at a spot.
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: e.start] + e.replacement + text[e.end :]
    return text, len(chosen)


def apply_fixes(result: LintResult) -> int:
    """Rewrite the post's file with the safe fixes; returns the number of findings fixed."""
    path: Path | None = result.post.path
    body, count = fixed_text(result)
    if count == 0 or path is None:
        return 0
    from socialproof.content.posts import replace_text

    try:  # keeps the file's line ends and byte-order mark
        replace_text(path, result.post.head + body)
    except OSError as exc:
        from socialproof.errors import BadInput

        raise BadInput(
            f"Cannot rewrite {path} with the fixes: {exc.strerror or exc}.",
            hint="Check the file's permissions, or run without --fix.",
        ) from None
    return count
