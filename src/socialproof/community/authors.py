"""Authors an export does not name: placeholders that stand for many people.

Platforms that hide their users' names write one placeholder for all of them: Meta's
comment exports give every commenter as 'Facebook User' or 'Instagram User', LinkedIn
as 'LinkedIn Member', Reddit dumps '[deleted]' or '[removed]', and some exports leave
the author empty. Such an author is not one person: counting distinct authors made
every hidden customer one member, and the repeated-text rule made their identical
thanks one account's copies. Wherever people are counted, a placeholder author is
**unknown**: not a member, nobody's copy. Their messages still count as messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir

#: Author names (lower case, without '@') that stand for anyone the export does not name.
PLACEHOLDER_AUTHORS = frozenset(
    {
        "",
        "[deleted]",
        "[removed]",
        "[unknown]",
        "deleted",
        "deleted user",
        "deleted account",
        "facebook user",
        "instagram user",
        "linkedin member",
        "linkedin user",
        "anonymous",
        "anonymous user",
    }
)


def is_unknown_author(author: object) -> bool:
    """True when ``author`` names nobody in particular (None, empty or a placeholder)."""
    if author is None or author != author:  # None or NaN
        return True
    return str(author).strip().lstrip("@").strip().lower() in PLACEHOLDER_AUTHORS


def unknown_author_expr(author: ir.StringValue) -> ir.BooleanValue:
    """The engine expression of :func:`is_unknown_author` over an author column."""
    norm = author.fill_null("").strip().re_replace(r"^@", "").strip().lower()
    return norm.isin(sorted(PLACEHOLDER_AUTHORS))


def member_expr(author: ir.StringValue) -> ir.StringValue:
    """The author as a member id: null when unknown, so distinct counts leave it out."""
    import ibis

    return ibis.cases((unknown_author_expr(author), ibis.null("string")), else_=author)
