"""'How many to show' fields: the browser's face of the CLI's ``--top N`` display limits."""

from __future__ import annotations

from socialproof.errors import BadInput


def parse_top(text: str, what: str) -> int | None:
    """A page's 'How many ``what``' field: blank for all, else a whole number of 1 or more
    (``--top`` takes the same)."""
    value = text.strip()
    if not value:
        return None
    try:
        top = int(value)
    except ValueError:
        top = 0
    if top < 1:
        raise BadInput(
            f"How many {what}: {value[:40]!r} is not a whole number of 1 or more.",
            hint="For example 10, or leave it blank to show them all.",
        )
    return top
