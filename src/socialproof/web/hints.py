"""The terminal's hints in browser words, at the one place pages show library messages.

The library's errors say what to do next in the CLI's words ("Pass --as NAME", "start a
--mapping file with: socialproof mapping new ..."). A person in the workbench has no
flags to pass: :func:`for_browser` rewrites the hints it knows into what to do on the
page, and names the page that does it as a link. Every message a page shows goes through
it (``base.html``'s messages, the error pages, a background job's error), so a hint is
translated once here, not route by route. Text it does not know is left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    """A page of the workbench a message points to."""

    label: str
    href: str


@dataclass(frozen=True)
class _Hint:
    pattern: re.Pattern[str]
    words: str  # the replacement (``re.sub`` syntax: \\1 is the first group)
    links: tuple[Link, ...] = ()


SETTINGS = Link("Open Settings", "/settings")
IMPORT = Link("Open the Import page", "/import")
MODERATION = Link("Open the moderation queue", "/community/moderation")

_HINTS = (
    # community.decisions: a moderation decision without a name and no owner set
    _Hint(
        re.compile(r"Pass --as NAME or set 'owner' in the settings\."),
        "Fill in Decided by, or set the workspace owner in Settings.",
        (SETTINGS,),
    ),
    _Hint(
        re.compile(r"Pick an id from 'socialproof community queue'\."),
        "Pick a flag on the Moderation page.",
        (MODERATION,),
    ),
    _Hint(re.compile(r"Say which with --platform\."), "Decide it from the Moderation page."),
    _Hint(
        re.compile(r"Decisions answer flags in 'socialproof community queue'\."),
        "Decisions answer the flags listed on the Moderation page.",
        (MODERATION,),
    ),
    # content.approvals: an approval or schedule without a name
    _Hint(
        re.compile(r"Say who (approves|schedules) with --as NAME\. e\.g\. --as '[^']*'\."),
        r"Say who \1: fill in your name.",
    ),
    _Hint(
        re.compile(
            r"A rejection needs --reason\. Say what must change, e\.g\. --reason '([^']*)'\."
        ),
        r"A rejection needs a reason: fill in Reason with what must change, e.g. '\1'.",
    ),
    # ingest.registry: a file no format recognises
    _Hint(
        re.compile(
            r"Pass --format NAME \('socialproof formats' lists them\), or start a --mapping "
            r"file with: socialproof mapping new '[^']*'\."
        ),
        "On the Import page, import it as one of the formats, or map its columns.",
        (IMPORT,),
    ),
    # ingest.identity: a file that does not say whose data it is
    _Hint(
        re.compile(r"Pass --account NAME, or set (brand\.accounts\.\S+) in socialproof\.toml\."),
        r"Upload it again with its Account filled in under the Import page's Options, "
        r"or set \1 in Settings.",
        (IMPORT, SETTINGS),
    ),
    # ingest.generic.load_mapping: a saved mapping that is missing or broken
    _Hint(
        re.compile(r"(The mapping file \S+ does not exist\.) Check the path\."),
        r"\1 Choose a mapping saved in the workspace's mappings/ folder, or map the columns "
        "again on the Import page.",
        (IMPORT,),
    ),
    _Hint(
        re.compile(r"(\S*/mappings/\S+?\.ya?ml\b[^\n]*?) Fix the file\."),
        r"\1 Fix the file in the workspace's mappings/ folder, or map the columns again on "
        "the Import page.",
        (IMPORT,),
    ),
    _Hint(
        re.compile(r"(\S+?\.ya?ml\b[^\n]*?) Example:\n  table: posts\n.*", re.DOTALL),
        r"\1 Fix the file in the workspace's mappings/ folder, or map the columns again on "
        "the Import page.",
        (IMPORT,),
    ),
    _Hint(
        re.compile(r"Pass --mapping map\.yaml \(see 'socialproof import --help'\)\."),
        "Choose a saved mapping under the Import page's Options, or map the columns there.",
        (IMPORT,),
    ),
    # the number of themes: 'auto' is a blank field on the pages
    _Hint(
        re.compile(r"--k (\d+): ask for at least 2 themes\."),
        r"\1 theme(s) asked for: ask for at least 2.",
    ),
    _Hint(re.compile(r"--k (\d+) is more themes than"), r"\1 themes is more than"),
    _Hint(re.compile(r"\b([Oo])r use --k auto\."), r"\1r leave the number of themes blank."),
    _Hint(
        re.compile(r"Use --k auto to let socialproof choose\."),
        "Leave the number of themes blank to let socialproof choose.",
    ),
    _Hint(
        re.compile(r"For example --k auto or --k (\d+)\."),
        r"For example \1, or leave the number of themes blank.",
    ),
    # a date range: From and To on the pages
    _Hint(re.compile(r"--since (\S+) is after --until (\S+)\."), r"From \1 is after To \2."),
    _Hint(re.compile(r"Widen --since/--until"), "Widen the date range (From, To)"),
    _Hint(
        re.compile(r"check --platform/--account/--campaign\."),
        "check the filters (platform, account, campaign).",
    ),
    _Hint(re.compile(r"check --platform\."), "check the platform chosen."),
    # the text tools: the page picks the column from a list
    _Hint(
        re.compile(r"Drop --column to read one text per line\."),
        "Save it as CSV again, or upload it as a .txt file with one text per line.",
    ),
    _Hint(
        re.compile(r"Pick one with --(?:column|author-column) NAME\."),
        "Choose the column on the form.",
    ),
    _Hint(re.compile(r", or pipe texts in with -\."), "."),
)


def for_browser(text: str) -> tuple[str, list[Link]]:
    """``text`` with the terminal's hints it knows in browser words, and the pages they
    name (each once, in order)."""
    links: list[Link] = []
    for hint in _HINTS:
        text, n = hint.pattern.subn(hint.words, text)
        if n:
            links.extend(link for link in hint.links if link not in links)
    return text, links
