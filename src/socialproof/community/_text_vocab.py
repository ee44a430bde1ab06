"""The batch featuriser's vocabulary: token ids and chunk tokenisations kept between batches.

``featurise`` (``_text_featurise``) gives exactly what ``tokens`` + ``lexicon_features`` +
sklearn's HashingVectorizer gave per text (tests/community/test_featurise.py pins it), but
works on a batch: a text is cut into whitespace-separated chunks, and each distinct chunk
is normalised and tokenised once (tokens never span whitespace, and the only text-wide
inputs, "has the text a dot" (link rule) and "has it a hashtag" (case rule), are part of
the cache key). Tokens get integer ids; hash buckets, lexicon values and bigram hashes are
then gathered with NumPy over the whole batch instead of per token in Python.

``VOCAB`` is the one vocabulary every batch uses (under its lock);
:func:`clear_feature_caches` empties it.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import compress, repeat
from operator import is_
from typing import TYPE_CHECKING

from socialproof.community._text_lexicon import LEXICONS, lexicon_tables
from socialproof.community._text_tokens import (
    ELONG,
    MAX_CHARS,
    MENTION,
    NEG_SCOPE,
    NEGATIONS,
    PUNCT,
    SURROGATE,
    TOKEN,
    URL,
    split_hashtag,
)
from socialproof.community._token_arrays import NEGATABLE, RESET, TRIGGER

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np


_CHUNK_CACHE_MAX = 300_000  # distinct chunks kept (all caches are cleared together past it)
_VOCAB_MAX = 500_000  # distinct tokens kept
_SEP = "\x00"  # between the texts of a joined batch (a batch with one in a text goes text by text)

# One token of a chunk: (id, what takes "_neg" in a negation scope (None: nothing),
# starts a negation scope, ends one)
_Entry = tuple[int, str | None, bool, bool]
# A chunk's tokens: (plain ids, any token starts a negation scope, entries)
_ChunkTokens = tuple[list[int], bool, tuple[_Entry, ...]]
# Per chunk: (normalised chunk has "#", tokens when the text has no hashtag, tokens when it has)
_ChunkEntry = tuple[bool, _ChunkTokens, _ChunkTokens]


class _Vocab:
    """Token ids, their murmur hashes and chunk tokenisations, shared by all batches."""

    def __init__(self) -> None:
        import threading

        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        import numpy as np

        self.ids: dict[str, int] = {}
        self.strings: list[str] = []
        self.hashes = np.zeros(0, dtype=np.int64)  # murmurhash3_32 (signed) of each id
        self.plain: dict[str, _ChunkTokens] = {}  # chunk -> tokens (text without hashtags)
        self.chunks: dict[str, _ChunkEntry] = {}  # chunk -> both ways (text with a "#")
        self.lex_tables: dict[int, tuple[dict[str, float], np.ndarray, np.ndarray]] = {}
        # UTF-8 bytes of every id (after a space at 0), for the bigram hashes
        self.tbuf = np.full(1, 32, dtype=np.uint8)
        self.toff = np.zeros(0, dtype=np.int64)
        self.tlen = np.zeros(0, dtype=np.int64)
        # ``batch_ids``: a variant is one tokenisation of a chunk key (its tokens are
        # t_ids[v_start[v]:v_start[v + 1]], with _token_arrays flags); variant 0 is the
        # separator between texts (no tokens)
        self.raw: dict[str, int] = {}  # raw chunk -> plain variant (-1: the text's dot decides)
        self.variants: dict[str, int] = {}  # chunk key -> its plain variant
        self.v_key: list[str] = []
        self.v_start: list[int] = [0]
        self.v_tag: list[bool] = []  # the key has a hashtag (its text takes the tagged variants)
        self.v_tagged: list[int] = []  # the tagged variant of a plain one (-1: not made yet)
        self.t_ids: list[int] = []
        self.t_flags: list[int] = []
        self.v_np = (
            np.zeros(1, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=bool),
        )
        self.raw[_SEP] = self._add_variant("", ([], False, ()), False)

    def id_of(self, token: str) -> int:
        got = self.ids.get(token)
        if got is None:
            got = self.ids[token] = len(self.strings)
            self.strings.append(token)
        return got

    def chunk_tokens(self, key: str, has_tag: bool) -> _ChunkTokens:
        """``tokens()`` of one chunk, as entries a negation scope can run through.

        ``key`` is the chunk, or ``"\\n" + chunk`` for a dot-less chunk with "://" in a
        text that has a dot elsewhere (the link rule runs on texts with a dot only).
        """
        id_of = self.id_of
        simple = _SIMPLE_CHUNK.fullmatch(key)
        if simple is not None and not ELONG.search(key):
            # a plain ASCII word, maybe with a run of [.,] or [!?] after it (most new
            # chunks): the word and the punctuation run (cut to 3) are the tokens either
            # way; no link, handle, hashtag or emoticon can start in it
            word = simple[1].lower()
            trigger = word in NEGATIONS or word.endswith("n't")
            head: _Entry = (id_of(word), word, trigger, False)
            punct = simple[2]
            if not punct:
                return [head[0]], trigger, (head,)
            tail: _Entry = (id_of(punct[:3]), None, False, True)
            return [head[0], tail[0]], trigger, (head, tail)
        norm = key.lstrip("\n")
        if "." in key or key[0] == "\n":
            norm = URL.sub(" <url> ", norm)
        if "@" in norm:
            norm = MENTION.sub("@user", norm)
        if ELONG.search(norm):  # (most chunks have none: no template expanded)
            norm = ELONG.sub(r"\1\1 <elong>", norm)
        entries: list[_Entry] = []
        any_trigger = False
        for raw in TOKEN.findall(norm if has_tag else norm.lower()):
            first = raw[0]
            if first in PUNCT:
                entries.append((id_of(raw[:3]), None, False, True))
                continue
            tok = raw.lower() if has_tag else raw
            if has_tag and first == "#" and len(raw) > 1:
                entries.append((id_of(tok), None, False, False))
                for word in split_hashtag(raw):
                    entries.append((id_of(word), word, False, False))
                continue
            if "’" in tok:
                tok = tok.replace("’", "'")
            trigger = tok in NEGATIONS or tok.endswith("n't")
            any_trigger = any_trigger or trigger
            entries.append((id_of(tok), tok if first.isalnum() else None, trigger, False))
        return [e[0] for e in entries], any_trigger, tuple(entries)

    def plain_chunk(self, key: str) -> _ChunkTokens:
        """A chunk's tokens in a text without hashtags (cached)."""
        got = self.plain.get(key)
        if got is None:
            got = self.plain[key] = self.chunk_tokens(key, False)
        return got

    def chunk(self, key: str) -> _ChunkEntry:
        """A chunk's tokens either way, and whether it holds a hashtag (cached)."""
        got = self.chunks.get(key)
        if got is None:
            if _TAG_CHUNK.fullmatch(key) and not ELONG.search(key):
                # "#SocialMedia" (most new chunks of tweets): the tag and its words, as
                # ``chunk_tokens`` gives them, without the regular expressions
                tag = key.lower()
                head: _Entry = (self.id_of(tag), None, False, False)
                plain: _ChunkTokens = ([head[0]], False, (head,))
                self.plain[key] = plain
                entries = [head] + [(self.id_of(w), w, False, False) for w in split_hashtag(key)]
                tagged = ([e[0] for e in entries], False, tuple(entries))
                got = self.chunks[key] = (True, plain, tagged)
                return got
            plain = self.plain_chunk(key)
            if "#" not in key and _SIMPLE_CHUNK.fullmatch(key):
                got = self.chunks[key] = (False, plain, plain)  # a word: same either way
                return got
            tagged = self.chunk_tokens(key, True)
            if tagged == plain:
                tagged = plain  # keep one copy
            norm = key.lstrip("\n")
            if "." in key or key[0] == "\n":
                norm = URL.sub(" <url> ", norm)
            got = self.chunks[key] = ("#" in norm, plain, tagged)
        return got

    def _add_variant(self, key: str, toks: _ChunkTokens, tag: bool) -> int:
        v = len(self.v_key)
        self.v_key.append(key)
        self.v_tag.append(tag)
        self.v_tagged.append(-1)
        self.t_ids.extend(toks[0])
        self.t_flags.extend(
            [
                (negatable is not None) | trigger << 1 | reset << 2
                for _, negatable, trigger, reset in toks[2]
            ]
        )
        self.v_start.append(len(self.t_ids))
        return v

    def _plain_variant(self, key: str) -> int:
        v = self.variants.get(key)
        if v is None:
            tag = "#" in key and self.chunk(key)[0]
            v = self.variants[key] = self._add_variant(key, self.plain_chunk(key), tag)
        return v

    def _tagged_variant(self, v: int) -> int:
        got = self.v_tagged[v]
        if got < 0:
            key = self.v_key[v]
            _, plain, tagged = self.chunk(key)
            same = tagged is plain or tagged == plain
            got = self.v_tagged[v] = v if same else self._add_variant(key, tagged, self.v_tag[v])
        return got

    def ids_of(self, tokens: list[str]) -> list[int]:
        """``id_of`` of each token (new ones added in order)."""
        ids = self.ids
        got = list(map(ids.get, tokens))
        if None in got:
            for token in dict.fromkeys([t for t, g in zip(tokens, got, strict=True) if g is None]):
                ids[token] = len(self.strings)
                self.strings.append(token)
            got = list(map(ids.get, tokens))
        return got  # type: ignore[return-value]

    def _learn_simple(self, chunks: list[str], found: list[tuple[str, str, str]]) -> None:
        """Plain variants of new simple chunks (``_SIMPLE_LINES`` matched them): the
        lowercase word, and the punctuation run cut to 3 (the tokens ``chunk_tokens``
        gives them either way, hashtag or not); chunks with equal tokens share one."""
        raw, variants = self.raw, self.variants
        words = "\n".join([f[1] for f in found]).lower().split("\n")
        # (keys start with a space, which no chunk has: "oooh" is no simple chunk, but
        # "Oooh" is, and its tokens are ["oooh"])
        keys = [" " + w + f[2][:3] for w, f in zip(words, found, strict=True)]
        fresh = {k: (w, f[2][:3]) for k, w, f in zip(keys, words, found, strict=True)}
        fresh = {k: v for k, v in fresh.items() if k not in variants}
        if fresh:
            first = len(self.v_key)
            heads = self.ids_of([w for w, _ in fresh.values()])
            tails = self.ids_of([p for _, p in fresh.values() if p])
            negations = NEGATIONS
            tail_at = 0
            for (key, (word, punct)), head in zip(fresh.items(), heads, strict=True):
                v = len(self.v_key)
                variants[key] = v
                self.v_key.append(key)
                trigger = word in negations or word.endswith("n't")
                self.t_ids.append(head)
                self.t_flags.append(NEGATABLE | TRIGGER if trigger else NEGATABLE)
                if punct:
                    self.t_ids.append(tails[tail_at])
                    self.t_flags.append(RESET)
                    tail_at += 1
                self.v_start.append(len(self.t_ids))
            added = len(self.v_key) - first
            self.v_tag.extend([False] * added)
            self.v_tagged.extend(range(first, first + added))
        raw.update(zip(chunks, map(variants.__getitem__, keys), strict=True))

    def _learn(self, new: list[str]) -> None:
        """Plain variants of new raw chunks (their keys as ``text_ids`` makes them)."""
        raw = self.raw
        found = _SIMPLE_LINES.findall("\n".join(new))
        if len(found) == len(new):  # (always: one result per line)
            simple = [i for i, f in enumerate(found) if f[1]]
            if simple:
                self._learn_simple([new[i] for i in simple], [found[i] for i in simple])
                new = [c for c, f in zip(new, found, strict=True) if not f[1]]
        variants = self.variants
        keyed: list[tuple[str, str]] = []
        pending: dict[str, None] = {}  # new keys for the regular expressions, all at once
        for chunk in new:
            if "://" in chunk:
                if "." not in chunk:  # a link only when the text has a dot elsewhere
                    raw[chunk] = -1
                    continue
                key = _chunk_key(chunk, True)
            elif "@" in chunk or chunk[:4].lower() == "www.":
                key = _chunk_key(chunk, "." in chunk)
            else:
                key = chunk
            keyed.append((chunk, key))
            if key not in variants and "#" not in key:
                pending[key] = None
        if pending:
            self._learn_lines(
                [k for k in pending if not (_SIMPLE_CHUNK.fullmatch(k) and not ELONG.search(k))]
            )
        for chunk, key in keyed:
            raw[chunk] = self._plain_variant(key)

    def _learn_lines(self, keys: list[str]) -> None:
        """Plain variants of new hashtag-free keys that need the regular expressions: what
        ``chunk_tokens(key, False)`` gives each, with one pass of each pattern over the keys
        joined by newlines (no pattern matches across a newline; one at a line's end or
        start sees the same word boundary there as at the end or start of a string)."""
        import numpy as np

        if not keys:
            return
        norms = [k.lstrip("\n") for k in keys]
        links = [i for i, k in enumerate(keys) if "." in k or k[0] == "\n"]
        if links:
            subbed = URL.sub(" <url> ", "\n".join([norms[i] for i in links])).split("\n")
            for i, norm in zip(links, subbed, strict=True):
                norms[i] = norm
        joined = "\n".join(norms)
        if "@" in joined:
            joined = MENTION.sub("@user", joined)
        joined = ELONG.sub(r"\1\1 <elong>", joined)
        lines = [line.lower() for line in joined.split("\n")]
        lowered = "\n".join(lines)
        found = [(m.start(), m.group()) for m in TOKEN.finditer(lowered)]
        sizes = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
        line_start = np.cumsum(sizes + 1) - (sizes + 1)
        at = np.fromiter((f[0] for f in found), dtype=np.int64, count=len(found))
        line = np.searchsorted(line_start, at, side="right") - 1
        strings: list[str] = []
        flags: list[int] = []
        punct, negations = PUNCT, NEGATIONS
        for _, raw in found:
            first = raw[0]
            if first in punct:
                strings.append(raw[:3])
                flags.append(RESET)
                continue
            tok = raw.replace("’", "'") if "’" in raw else raw
            strings.append(tok)
            flag = NEGATABLE if first.isalnum() else 0
            if tok in negations or tok.endswith("n't"):
                flag |= TRIGGER
            flags.append(flag)
        first_v = len(self.v_key)
        self.t_ids.extend(self.ids_of(strings))
        self.t_flags.extend(flags)
        base = self.v_start[-1]
        ends = np.cumsum(np.bincount(line, minlength=len(keys))) + base
        self.v_start.extend(ends.tolist())
        self.v_key.extend(keys)
        self.v_tag.extend([False] * len(keys))
        self.v_tagged.extend([-1] * len(keys))
        self.variants.update(zip(keys, range(first_v, first_v + len(keys)), strict=True))

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(v_start, t_ids, t_flags, v_tag) as NumPy (extended by what was added since)."""
        import numpy as np

        starts, ids, flags, tag = self.v_np
        done_v, done_t = len(tag), len(ids)
        if done_v < len(self.v_key):
            self.v_np = starts, ids, flags, tag = (
                np.concatenate([starts, np.asarray(self.v_start[done_v + 1 :], dtype=np.int64)]),
                np.concatenate([ids, np.asarray(self.t_ids[done_t:], dtype=np.int64)]),
                np.concatenate([flags, np.asarray(self.t_flags[done_t:], dtype=np.int64)]),
                np.concatenate([tag, np.asarray(self.v_tag[done_v:], dtype=bool)]),
            )
        return starts, ids, flags, tag

    def batch_ids(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
        """Token ids of a batch, text after text (what ``text_ids`` gives), and per text
        how many; ``None`` when a text holds the separator (then go text by text).

        The texts are joined by a separator chunk and split once; each raw chunk maps to
        its tokenisation by one dictionary lookup (new chunks are tokenised once, by
        ``chunk_tokens``); the tokens are gathered, the hashtag case rule applied and
        negation scopes marked with NumPy over the whole batch.
        """
        import numpy as np

        from socialproof.community._token_arrays import negation_scope, ranges

        n = len(texts)
        prepared = [t if len(t) <= MAX_CHARS and t.isascii() else _prepare(t) for t in texts]
        joined = f" {_SEP} ".join(prepared)
        if joined.count(_SEP) != n - 1:
            return None
        chunks = joined.split()
        raw = self.raw
        got = list(map(raw.get, chunks))
        if None in got:
            self._learn(list(dict.fromkeys(compress(chunks, map(is_, got, repeat(None))))))
            got = list(map(raw.get, chunks))
        cid = np.asarray(got, dtype=np.int64)
        end = cid == 0
        doc = np.cumsum(end)  # separators before a chunk: its text
        at = np.flatnonzero(~end)
        cid, doc = cid[at], doc[at]
        if len(cid) and cid.min() < 0:  # "://" without a dot: a link if the text has one
            for j in np.flatnonzero(cid < 0).tolist():
                dot = "." in prepared[int(doc[j])]
                cid[j] = self._plain_variant(_chunk_key(chunks[int(at[j])], dot))
        starts, tids, tflags, ttag = self._arrays()
        if "#" in joined:
            has_tag = ttag[cid]
            if has_tag.any():  # every chunk of a text with a hashtag: the tagged variant
                tagged = np.zeros(n, dtype=bool)
                tagged[doc[has_tag]] = True
                sel = np.flatnonzero(tagged[doc])
                uniq, inv = np.unique(cid[sel], return_inverse=True)
                to = [self._tagged_variant(v) for v in uniq.tolist()]
                cid[sel] = np.asarray(to, dtype=np.int64)[inv]
                starts, tids, tflags, ttag = self._arrays()
        first = starts[cid]
        count = starts[cid + 1] - first
        pos = ranges(first, count)
        ids = tids[pos]
        flags = tflags[pos]
        lengths = np.bincount(doc, weights=count, minlength=n).astype(np.int64)
        if (flags & TRIGGER).any():
            text_start = np.repeat(np.cumsum(lengths) - lengths, lengths)
            scope = negation_scope(flags, text_start, NEG_SCOPE)
            if scope.any():
                uniq, inv = np.unique(ids[scope], return_inverse=True)
                strings, id_of = self.strings, self.id_of
                neg = [id_of(strings[i] + "_neg") for i in uniq.tolist()]
                ids[scope] = np.asarray(neg, dtype=np.int64)[inv]
        return ids, lengths

    def text_ids(self, text: str, out: list[int]) -> None:
        """Append the token ids of one text (what ``tokens(text)`` gives) to ``out``."""
        text = _prepare(text)
        chunks = text.split()
        dot = "." in text
        if "@" in text or (dot and ("://" in text or "www." in text.lower())):
            chunks = [
                _chunk_key(c, dot)
                if "@" in c or "://" in c or (dot and c[:4].lower() == "www.")
                else c
                for c in chunks
            ]
        if "#" in text:  # the case rule depends on a hashtag left after links are replaced
            got_entry = self.chunks.get
            ents = [got_entry(c) or self.chunk(c) for c in chunks]
            tagged = any(e[0] for e in ents)
            parts = [e[2] if tagged else e[1] for e in ents]
        else:
            got = self.plain.get
            parts = [got(c) or self.plain_chunk(c) for c in chunks]
        neg_left = 0
        append = out.append
        for ids, has_trigger, entries in parts:
            if not neg_left and not has_trigger:  # no negation scope can touch this chunk
                out.extend(ids)
                continue
            for plain, negatable, trigger, reset in entries:
                if reset:
                    neg_left = 0
                    append(plain)
                    continue
                if neg_left > 0 and negatable is not None:
                    append(self.id_of(negatable + "_neg"))
                    neg_left -= 1
                else:
                    append(plain)
                if trigger:
                    neg_left = NEG_SCOPE

    def hash_new(self) -> np.ndarray:
        """Murmur hashes of every id (computing those of ids added since the last call)."""
        import numpy as np

        from socialproof.community._token_arrays import murmur3_32

        done = len(self.hashes)
        if done < len(self.strings):
            encoded = [s.encode("utf-8") for s in self.strings[done:]]
            lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
            buf = np.frombuffer(b"".join(encoded), dtype=np.uint8)
            offsets = np.cumsum(lengths) - lengths
            new = murmur3_32(buf, offsets, lengths)
            self.hashes = np.concatenate([self.hashes, new])
            self.toff = np.concatenate([self.toff, offsets + len(self.tbuf)])
            self.tlen = np.concatenate([self.tlen, lengths])
            self.tbuf = np.concatenate([self.tbuf, buf])
        return self.hashes

    def pair_hashes(self, keys: np.ndarray) -> np.ndarray:
        """Murmur hashes of the bigrams ``strings[k >> 32] + " " + strings[k & 0xFFFFFFFF]``,
        all at once (needs ``hash_new`` first: the bytes of every id). Not cached: hashing
        a batch's bigrams costs less than looking them up in a dictionary."""
        import numpy as np

        from socialproof.community._token_arrays import murmur3_32, ranges

        a, b = keys >> 32, keys & 0xFFFFFFFF
        size_a, size_b = self.tlen[a], self.tlen[b]
        # the bytes of "a b": a's, the space at 0, b's
        parts = np.column_stack([self.toff[a], np.zeros_like(a), self.toff[b]]).ravel()
        sizes = np.column_stack([size_a, np.ones_like(a), size_b]).ravel()
        total = size_a + 1 + size_b
        return murmur3_32(self.tbuf[ranges(parts, sizes)], np.cumsum(total) - total, total)

    def lexicon_table(self, lex: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Per id: lexicon value (NaN when none), and emoticon class (+1 / -1 / 0)."""
        import numpy as np

        key = id(lex)
        if key not in LEXICONS:
            LEXICONS[key] = lex
        merged, pos_emo, neg_emo = lexicon_tables(key)
        table = self.lex_tables.get(key)
        if table is None or table[0] is not lex:
            table = (lex, np.zeros(0), np.zeros(0, dtype=np.int8))
        _, values, emo = table
        done = len(values)
        if done < len(self.strings):
            new = self.strings[done:]
            nan = float("nan")
            values = np.concatenate(
                [values, np.asarray([merged.get(s, nan) for s in new], dtype=np.float64)]
            )
            emo = np.concatenate(
                [
                    emo,
                    np.asarray(
                        [1 if s in pos_emo else -1 if s in neg_emo else 0 for s in new],
                        dtype=np.int8,
                    ),
                ]
            )
            table = (lex, values, emo)
        self.lex_tables[key] = table
        return values, emo

    def too_big(self) -> bool:
        return (
            len(self.strings) > _VOCAB_MAX
            or len(self.plain) + len(self.chunks) > _CHUNK_CACHE_MAX
            or len(self.raw) > _CHUNK_CACHE_MAX
        )


def _prepare(text: str) -> str:
    """A raw text as ``clean`` reads it before it splits it into chunks."""
    if not text.isascii():
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS]
        if SURROGATE.search(text):
            text = SURROGATE.sub("\ufffd", text)
        text = unicodedata.normalize("NFC", text)
        if "\ufe0f" in text or "\u200d" in text:
            text = text.replace("\ufe0f", "").replace("\u200d", " ")
    elif len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    return text


VOCAB = _Vocab()
# "word", "don't.", "word!!", "12345,": an ASCII word (letters, inner "'"; not "www": "www.."
# is a link) or a number (not starting with 8: "831" is the emoticon "83" and "1") and one
# run of one punctuation class; ``chunk_tokens`` tokenises these without the regular
# expressions
_SIMPLE_CHUNK = re.compile(
    r"(?![Ww][Ww][Ww]\.)([A-Za-z]+(?:'[A-Za-z]+)*|[0-79][0-9]*)([.,]*|[!?]*)"
)
# ``_SIMPLE_CHUNK`` without an elongation, per line of new chunks joined by newlines: one
# (elongation, word, punctuation) per line, the word empty when the line is not one
_SIMPLE_LINES = re.compile(
    r"^(?:(?![Ww][Ww][Ww]\.)(?![^\n]*?(\w)\1\1)"
    r"([A-Za-z]+(?:'[A-Za-z]+)*|[0-79][0-9]*)([.,]*|[!?]*)$|[^\n]*)",
    re.M,
)
_TAG_CHUNK = re.compile(r"#[A-Za-z0-9]+")  # a hashtag and nothing else (``chunk``'s fast path)
_URL_START = re.compile(r"(?:https?://|www\.)\S", re.I)
_ANY_URL = "http://x.co"  # a chunk that is one link: its tokens are ["<url>"]


def _chunk_key(chunk: str, dot: bool) -> str:
    """The cache key of a chunk with a link or a handle (``dot``: the text has a dot).

    A chunk that starts a link is all link (the pattern takes every non-space after
    the prefix) when the text has a dot, so all such chunks share one key; a dot-less
    chunk with "://" is a link only when the text has a dot elsewhere ("\\n" marks
    that); handles in a chunk without a dot or "://" become ``@user`` here, as
    ``normalise`` would make them, so every customer's handle is one cache entry.
    """
    if dot:
        if _URL_START.match(chunk):
            return _ANY_URL
        if "://" in chunk and "." not in chunk:
            return "\n" + chunk
    if "@" in chunk and "." not in chunk and "://" not in chunk:
        return MENTION.sub("@user", chunk)
    return chunk


def clear_feature_caches() -> None:
    """Forget the token ids and chunk tokenisations ``featurise`` keeps between batches."""
    with VOCAB.lock:
        VOCAB.clear()
