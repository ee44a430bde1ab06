"""NumPy helpers of the batch featuriser (``_text.featurise``).

* ``murmur3_32``: MurmurHash3 (x86, 32 bit, seed 0, signed) of many byte strings at once,
  the hash sklearn's ``murmurhash3_32(text, 0, False)`` gives a text's UTF-8 bytes (the
  hash ``HashingVectorizer`` puts tokens into buckets with);
* ``ranges``: the concatenated ``arange(start, start + length)`` of many ranges (to gather
  the tokens of a batch's chunks, or the bytes of "a b" bigram strings);
* ``negation_scope``: which tokens of a batch take ``_neg``, as ``_text.tokens``'s loop
  marks them, from per-token flags.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

NEGATABLE = 1  # the token takes "_neg" inside a negation's scope
TRIGGER = 2  # the token starts a negation scope
RESET = 4  # the token (punctuation) ends a negation scope


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])``, int64."""
    import numpy as np

    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.cumsum(lengths) - lengths  # where each range starts in the output
    out: np.ndarray = np.repeat(np.asarray(starts, dtype=np.int64) - first, lengths)
    out += np.arange(total, dtype=np.int64)
    return out


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    import numpy as np

    out: np.ndarray = (x << np.uint32(r)) | (x >> np.uint32(32 - r))
    return out


def murmur3_32(buf: np.ndarray, offsets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Signed MurmurHash3_x86_32 (seed 0) of ``buf[offsets[i] : offsets[i] + lengths[i]]``.

    ``buf`` is uint8. Strings are processed block by block, longest first, so block ``j``
    touches only the strings that have one. Returns int64 (values in the int32 range).
    """
    import numpy as np

    n = len(lengths)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    c1, c2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)
    b = np.zeros(len(buf) + 3, dtype=np.uint32)  # 3 spare bytes: the tail reads past ends
    b[: len(buf)] = buf
    lengths = np.asarray(lengths, dtype=np.int64)
    blocks = lengths >> 2
    order = np.argsort(-blocks, kind="stable")
    off = np.asarray(offsets, dtype=np.int64)[order]
    size = lengths[order]
    nblocks = blocks[order]
    h = np.zeros(n, dtype=np.uint32)
    # active[j]: how many strings (a prefix of the order) have a block j
    active = n - np.cumsum(np.bincount(nblocks, minlength=int(nblocks[0]) + 1))
    with np.errstate(over="ignore"):
        for j in range(int(nblocks[0])):
            a = int(active[j])
            p = off[:a] + 4 * j
            k = b[p] | (b[p + 1] << np.uint32(8)) | (b[p + 2] << np.uint32(16))
            k |= b[p + 3] << np.uint32(24)
            k *= c1
            k = _rotl(k, 15)
            k *= c2
            hh = _rotl(h[:a] ^ k, 13)
            h[:a] = hh * np.uint32(5) + np.uint32(0xE6546B64)
        tail = size & 3
        p = off + (nblocks << 2)
        k = np.where(tail >= 3, b[p + 2] << np.uint32(16), np.uint32(0)).astype(np.uint32)
        k ^= np.where(tail >= 2, b[p + 1] << np.uint32(8), np.uint32(0)).astype(np.uint32)
        k ^= np.where(tail >= 1, b[p], np.uint32(0)).astype(np.uint32)
        k *= c1  # (no tail: k is 0 and stays 0)
        k = _rotl(k, 15)
        k *= c2
        h ^= k
        h ^= size.astype(np.uint32)
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
    out = np.empty(n, dtype=np.int64)
    out[order] = h.view(np.int32)
    return out


def negation_scope(flags: np.ndarray, text_start: np.ndarray, scope: int) -> np.ndarray:
    """Which tokens take ``_neg``: boolean per token.

    ``flags``: ``NEGATABLE | TRIGGER | RESET`` bits per token of a batch (texts one after
    another); ``text_start``: per token, the index of its text's first token. As the
    per-text loop: a trigger opens a scope of ``scope`` negatable tokens (a trigger inside
    a scope is negated itself, then opens a new one), punctuation and a text's start close
    it, tokens that are neither negatable nor punctuation pass without using it.
    """
    import numpy as np

    n = len(flags)
    if n == 0:
        return np.zeros(0, dtype=bool)
    trigger = (flags & TRIGGER) != 0
    negatable = (flags & NEGATABLE) != 0
    idx = np.arange(n, dtype=np.int64)
    events = np.where(trigger | ((flags & RESET) != 0), idx, -1)
    last = np.maximum.accumulate(events)
    prev = np.empty(n, dtype=np.int64)  # the last trigger or reset strictly before
    prev[0] = -1
    prev[1:] = last[:-1]
    valid = prev >= text_start
    at = np.where(valid, prev, 0)
    count = np.cumsum(negatable)  # negatable tokens up to and including each
    between = count - negatable - count[at]  # negatable tokens after the event, before this
    out: np.ndarray = valid & trigger[at] & negatable & (between < scope)
    return out
