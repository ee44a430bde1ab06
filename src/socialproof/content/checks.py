"""The built-in checks that rule packs name in ``check:``.

A check takes a rule (its parameters) and a :class:`LintContext` and yields hits:
spans of the post body (or front-matter lines) plus the values its message
formats. Checks hold no facts: words, patterns and limits come from the rule or
from ``data/platforms.yaml``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from socialproof.content.linter import Edit, Hit, LintContext
from socialproof.content.rules import Rule, register_check

if TYPE_CHECKING:
    from collections.abc import Iterator

_CAPS_WORD = re.compile(r"(?<![\w'’])[^\W\d_a-z]{2,}(?:['’][^\W\d_a-z]+)?(?![\w'’])")
_MIXED_WORD = re.compile(r"(?<!\w)[^\W\d_]*[^\W\d_A-Z][^\W\d_a-z][^\W\d_]*(?!\w)")


def _claims(rule: Rule, key: str, text: str) -> Iterator[re.Match[str]]:
    """Matches of the rule's ``key`` pattern but those its ``negated`` pattern finds in the
    text just before them (the same line): 'Returns are not guaranteed' and 'past
    performance is no guarantee' state a risk, they do not promise."""
    negated = rule.regex.get("negated")
    for m in rule.regex[key].finditer(text):
        before = text[max(0, m.start() - 60) : m.start()].rsplit("\n", 1)[-1]
        if negated is None or negated.search(before) is None:
            yield m


@register_check("pattern")
def pattern(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """Every match of ``pattern`` (but negated ones, see :func:`_claims`), unless ``unless``
    matches anywhere in the post."""
    unless = rule.regex.get("unless")
    if unless is not None and unless.search(ctx.text):
        return
    for m in _claims(rule, "pattern", ctx.text):
        yield Hit(m.start(), m.end(), {"match": m.group(0).strip()})


@register_check("requires")
def requires(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """When ``when`` matches (not negated) and ``requires`` matches nowhere: one hit at the
    first trigger."""
    m = next(_claims(rule, "when", ctx.text), None)
    if m is None or rule.regex["requires"].search(ctx.text):
        return
    yield Hit(m.start(), m.end(), {"match": m.group(0).strip()})


@register_check("limit")
def limit(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """Compare a count with the platform's limit (``limit: characters|hashtags|...``)."""
    name = str(rule.params.get("limit"))
    fact = ctx.limit(name)
    if fact is None:
        return
    kinds = rule.params.get("kinds")
    if kinds and fact.get("kind", "hard") not in kinds:
        return
    value = float(fact["value"])
    base = {
        "limit": _num(value),
        "as_of": fact.get("as_of", ""),
        "limit_source": fact.get("source", ""),
        "name": ctx.spec.get("name", ctx.platform),
    }
    if name == "video_seconds":
        for asset in ctx.post.assets:
            if asset.kind == "video" and asset.duration_s is not None and asset.duration_s > value:
                yield Hit(line=asset.line, values={**base, "count": _num(asset.duration_s)})
        return
    if name in ("characters", "title_characters"):
        text = ctx.text.rstrip() if name == "characters" else (ctx.post.title or "")
        count = count_characters(text, str(fact.get("counting", "")))
        link_len = ctx.limit("link_characters")
        if name == "characters" and link_len is not None:
            count += sum(
                int(link_len["value"]) - count_characters(m.group(0), str(fact.get("counting", "")))
                for m in (*ctx.links, *_bare_links(text, ctx.links))
            )
        if count > value:
            if name == "title_characters":
                over = _num(count - value)
                yield Hit(
                    line=ctx.post.field_line("title"),
                    values={**base, "count": count, "over": over},
                )
            else:
                start = _overflow_at(text, value, str(fact.get("counting", "")))
                yield Hit(start, len(text), {**base, "count": count, "over": _num(count - value)})
        return
    items = {"hashtags": ctx.hashtags, "mentions": ctx.mentions, "links": ctx.links}.get(name)
    if items is None or len(items) <= value:
        return
    first = items[int(value)]
    yield Hit(first.start(), items[-1].end(), {**base, "count": len(items)})


# A link written without http(s):// or www. ("example.com/menu"), which X links and counts
# as 23 characters too: a name ending in a common top-level domain, not part of an e-mail.
_BARE_LINK = re.compile(
    r"(?<![\w@./:-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?:com|org|net|edu|gov|info|biz|io|co|ai|app|dev|me|ly|tv|gg|xyz|shop|store|blog|news|"
    r"link|eu|us|uk|ca|au|nz|ie|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|pt|br|mx|in|jp)"
    r"(?![\w-])(?:/[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"])?",
    re.IGNORECASE,
)


def _bare_links(text: str, links: list[re.Match[str]]) -> list[re.Match[str]]:
    """Bare-domain links in ``text`` that no ``links`` match already covers."""
    return [
        m
        for m in _BARE_LINK.finditer(text)
        if not any(link.start() <= m.start() < link.end() for link in links)
    ]


# X's weighting: these code point ranges count 1, everything else 2; an emoji sequence 2.
# The text is NFC-normalised first, as X does: "e" + a combining accent counts once.
# https://developer.x.com/en/docs/counting-characters (twitter-text config v3)
_X_HEAVY = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")


def count_characters(text: str, counting: str = "") -> int:
    """Characters as the platform counts them: code points, X's weights, or graphemes."""
    if counting not in ("weighted", "graphemes") or text.isascii():
        return len(text)
    import unicodedata

    from socialproof.content.linter import EMOJI

    n_emoji = 0

    def _drop(_: re.Match[str]) -> str:
        nonlocal n_emoji
        n_emoji += 1
        return ""

    text = unicodedata.normalize("NFC", text)  # as X does; it joins Hangul jamo too
    rest = EMOJI.sub(_drop, text)
    if counting == "graphemes":  # marks (vowel signs, viramas, accents) and joiners extend
        return n_emoji + sum(
            1 for ch in rest if ch not in "\u200c\u200d" and unicodedata.category(ch)[0] != "M"
        )
    return len(rest) + len(_X_HEAVY.findall(rest)) + 2 * n_emoji


def _overflow_at(text: str, limit: float, counting: str) -> int:
    """Offset of the first character past ``limit`` (binary search over prefixes)."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi) // 2
        if count_characters(text[: mid + 1], counting) > limit:
            hi = mid
        else:
            lo = mid + 1
    return min(lo, max(0, len(text) - 1))


@register_check("empty_post")
def empty_post(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """A post with no text (blank, or only invisible characters) and no assets: it passed
    lint clean and could be approved and scheduled with nothing in it."""
    import unicodedata

    visible = [ch for ch in ctx.text if not ch.isspace() and unicodedata.category(ch) != "Cf"]
    if not visible and not ctx.post.assets:
        yield Hit(0, len(ctx.text))


@register_check("hashtag_case")
def hashtag_case(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """Lower-case multi-word hashtags; the fix CamelCases them with the word list."""
    from socialproof.content.words import camel_case

    min_letters = int(rule.params.get("min_letters", 6))
    for m in ctx.hashtags:
        tag = m.group(1)
        if sum(ch.isalpha() for ch in tag) < min_letters:
            continue
        fixed = camel_case(tag)
        if fixed is None or sum(ch.isupper() for ch in fixed) < 2:
            continue
        yield Hit(
            m.start(),
            m.end(),
            {"match": "#" + tag, "suggestion": "#" + fixed},
            edits=[Edit(m.start(), m.end(), "#" + fixed)],
        )


@register_check("hashtag_block")
def hashtag_block(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """A run of hashtags in the middle of the text (they belong at the end or in a comment)."""
    tail = len(ctx.text.rstrip())
    for start, end, count in ctx.hashtag_runs:
        if end < tail:
            yield Hit(start, end, {"count": count})


@register_check("alt_text")
def alt_text(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """Images without alt text (and, with ``bad_prefix``, alt text that starts badly)."""
    bad = rule.regex.get("bad_prefix")
    for i, asset in enumerate(ctx.post.assets, start=1):
        if asset.kind != "image":
            continue
        alt = (asset.alt or "").strip()
        values = {"asset": asset.path or f"asset {i}"}
        if bad is None:
            if not alt:
                yield Hit(line=asset.line, values=values)
        elif alt and (m := bad.match(alt)):
            yield Hit(line=asset.line, values={**values, "match": m.group(0).strip()})


@register_check("video_captions")
def video_captions(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    for i, asset in enumerate(ctx.post.assets, start=1):
        if asset.kind == "video" and not asset.captions:
            yield Hit(line=asset.line, values={"asset": asset.path or f"asset {i}"})


@register_check("emoji_count")
def emoji_count(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    most = int(rule.params.get("max", 3))
    found = ctx.emoji
    if len(found) > most:
        yield Hit(found[most].start(), found[-1].end(), {"count": len(found), "max": most})


@register_check("emoji_bullets")
def emoji_bullets(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """Emoji used as bullets: at the start of two or more lines."""
    starts = [m for m in ctx.emoji if ctx.text[: m.start()].rsplit("\n", 1)[-1].strip() == ""]
    if len(starts) >= 2:
        for m in starts:
            yield Hit(m.start(), m.end(), {"match": m.group(0)})


@register_check("emoji_placement")
def emoji_placement(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """An emoji standing in for a word mid-sentence (letters on both sides)."""
    text = ctx.text
    for m in ctx.emoji:
        before = text[: m.start()].rstrip(" ")
        after = text[m.end() :].lstrip(" ")
        if before and after and before[-1].isalnum() and after[0].isalnum():
            yield Hit(m.start(), m.end(), {"match": m.group(0)})


def _outside_tokens(ctx: LintContext) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in (*ctx.hashtags, *ctx.mentions, *ctx.links)]
    return sorted(spans)


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


@register_check("all_caps")
def all_caps(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """Runs of ALL CAPS words (``min_words`` words, or one word of ``min_letters``+)."""
    min_words = int(rule.params.get("min_words", 2))
    min_letters = int(rule.params.get("min_letters", 7))
    allow = {str(a).upper() for a in rule.params.get("allow", [])}
    text = ctx.text
    words = [m for m in _CAPS_WORD.finditer(text) if m.group(0).isupper()]
    if not words:
        return
    skip = _outside_tokens(ctx)
    run: list[re.Match[str]] = []

    def flush() -> Iterator[Hit]:
        letters = sum(len(m.group(0)) for m in run)
        if run and (len(run) >= min_words or letters >= min_letters):
            yield Hit(
                run[0].start(), run[-1].end(), {"match": text[run[0].start() : run[-1].end()]}
            )
        run.clear()

    for m in words:
        if m.group(0) in allow or _inside(m.start(), skip):
            yield from flush()
            continue
        if run:
            gap = text[run[-1].end() : m.start()]
            if "\n" in gap or any(ch.isalnum() for ch in gap):
                yield from flush()
        run.append(m)
    yield from flush()


@register_check("alternating_caps")
def alternating_caps(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    skip = _outside_tokens(ctx)
    for m in _MIXED_WORD.finditer(ctx.text):
        word = m.group(0)
        if len(word) < 5 or _inside(m.start(), skip):
            continue
        changes = sum(1 for a, b in zip(word, word[1:], strict=False) if a.isupper() != b.isupper())
        if changes >= 4 and changes >= 0.6 * (len(word) - 1):
            yield Hit(m.start(), m.end(), {"match": word})


@register_check("disclosure")
def disclosure(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """A clear disclosure (``tags``) early: before the "more" cut, not only in a hashtag run.

    ``sponsored_tags`` count as a disclosure on a post marked ``sponsored: true`` only
    (``#pub`` is a bar in English, a disclosure in French).

    A post marked ``sponsored: true`` without any disclosure is flagged too. The fix
    moves the first disclosure to the start of the post (or adds ``#ad``).
    """
    tags = rule.regex["tags"]
    fact = ctx.limit("truncate_at")
    cut = int(fact["value"]) if fact is not None else int(rule.params.get("cut", 125))
    found = list(tags.finditer(ctx.text))
    loose = rule.regex.get("sponsored_tags")  # tags that disclose only on a sponsored post
    if loose is not None and ctx.post.sponsored:
        found = sorted([*found, *loose.finditer(ctx.text)], key=lambda m: m.start())
    mode = str(rule.params.get("mode", "placement"))
    if mode == "missing" or not found:
        if mode == "missing" and not found and ctx.post.sponsored:
            yield Hit(
                line=ctx.post.field_line("sponsored"),
                values={"match": "", "where": "nowhere", "cut": cut},
                edits=[Edit(0, 0, "#ad ")],
            )
        return
    runs = ctx.hashtag_runs
    lead = len(ctx.text) - len(ctx.text.lstrip())
    # the cut counted as the platform counts it (X: weighted)
    counting = str((fact or {}).get("counting", ""))
    for m in found:
        buried = any(a <= m.start() < b and a > lead for a, b, _ in runs)
        if count_characters(ctx.text[lead : m.start()], counting) < cut and not buried:
            return  # one clear, early disclosure is enough
    m = found[0]
    in_run = any(a <= m.start() < b and a > lead for a, b, _ in runs)
    where = "in a run of hashtags" if in_run else f"after the first {cut} characters"
    tag = m.group(0).strip()
    start, end = m.start(), m.end()
    if start > 0 and ctx.text[start - 1] == " ":
        start -= 1
    elif end < len(ctx.text) and ctx.text[end] == " ":
        end += 1
    edits = [Edit(lead, lead, tag + " "), Edit(start, end, "")]
    yield Hit(m.start(), m.end(), {"match": tag, "where": where, "cut": cut}, edits=edits)


@register_check("sponsored_video")
def sponsored_video(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """A sponsored post with video: the disclosure belongs in the video too."""
    if not ctx.post.sponsored:
        return
    for asset in ctx.post.assets:
        if asset.kind == "video":
            yield Hit(line=asset.line, values={"asset": asset.path or "the video"})


@cache
def _terms_regex(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alts = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?i)(?<![\w#@])(?:{alts})(?!\w)")


@register_check("voice_banned")
def voice_banned(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    if ctx.voice is None:
        return
    rx = _terms_regex(tuple(t for t in ctx.voice.banned_terms if t.strip()))
    if rx is not None:
        for m in rx.finditer(ctx.text):
            yield Hit(m.start(), m.end(), {"match": m.group(0)})


@register_check("voice_preferred")
def voice_preferred(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    if ctx.voice is None or not ctx.voice.preferred_terms:
        return
    lookup = {k.lower(): v for k, v in ctx.voice.preferred_terms.items()}
    rx = _terms_regex(tuple(k for k in ctx.voice.preferred_terms if k.strip()))
    if rx is not None:
        for m in rx.finditer(ctx.text):
            yield Hit(
                m.start(), m.end(), {"match": m.group(0), "suggestion": lookup[m.group(0).lower()]}
            )


@register_check("tone")
def tone(rule: Rule, ctx: LintContext) -> Iterator[Hit]:
    """Words or marks that clash with the workspace's tone (``tones: {formal: [...]}``)."""
    if ctx.voice is None:
        return
    rx = rule.regex.get(f"tone:{ctx.voice.tone}")
    if rx is None:
        return
    for m in rx.finditer(ctx.text):
        yield Hit(m.start(), m.end(), {"match": m.group(0), "tone": ctx.voice.tone})


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
