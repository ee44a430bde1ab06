"""Cues of spam that hold across platforms: self-promotion, calls to action, money.

A spam model trained on one platform's comments learns that platform's vocabulary
("check the views" under a music video). What spam shares everywhere is simpler: a
link next to a call to action, "subscribe / check out my channel", money and
prizes, shouting, long runs of one character. Care traffic has its own normal
things that look like that but are not spam: @mentions, order numbers, discount
codes, "DM me", the platform's own link wrapper (X's ``t.co``). The cues here
count the first kind and leave the second alone; they are dense features of the
spam model (the model weighs them) and are written by the project.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

_WRAPPERS = r"t\.co|lnkd\.in|youtu\.be|fb\.me|instagr\.am|redd\.it|pin\.it"
_LINK = re.compile(
    r"(?:https?://|www\.)([^\s/?#<>\"']+)|\b[\w-]+\.(?:com|net|org|ly|io|biz|xyz|info)\b", re.I
)
_WRAPPER = re.compile(rf"^(?:www\.)?(?:{_WRAPPERS})$", re.I)
_SELF_PROMO = re.compile(  # "my playlist", "my account", "my music" are ordinary in care
    r"(?<!\w)(?:my|our)\s+(?:(?:new|own|youtube|latest|first)\s+)?"
    r"(?:channel|vids?|videos?|page|mixtape|covers?|website|site|blog|shop|store|instagram|insta"
    r"|soundcloud|twitch|stream|podcast|book|vlog)(?!\w)"
    r"|(?<!\w)(?:my|our)\s+(?:new|latest|first)\s+(?:music|songs?|single|track|album|ep|app)(?!\w)",
    re.I,
)
_CTA = re.compile(  # calls to act on the sender's behalf ("I'll check it out" is a customer)
    r"(?<!\w)(?:check\s+(?:out\s+)?(?:my|our)|check\s+out\s+(?:this|the)\s+(?:video|channel|song"
    r"|link|page|site)|subscribe\s+(?:to\s+(?:my|our)|and|&|for|pl[sz]|please|now)"
    r"|sub\s+(?:to|for)\s+(?:me|my|sub)|subs?4subs?|follow\s+(?:me|us|my|our)"
    r"|like\s+(?:and|&)\s+(?:share|subscribe|comment)"
    r"|please\s+(?:like|share|subscribe|follow|visit|watch|help me reach)"
    r"|visit\s+(?:my|our|us|www|http)|click\s+(?:here|below|the link|this link|my|on my)"
    r"|watch\s+(?:my|our))"
    r"(?!\w)",
    re.I,
)
_MONEY = re.compile(  # money and prizes as a lure ("took my money" is a customer)
    r"(?<!\w)(?:earn\w*|make\s+(?:money|\$)|free\s+(?:money|followers|subscribers|likes|views"
    r"|gift|iphone|robux|v-?bucks|cash)|\$\s?\d[\d,.]*k?\s?(?:a|per|/)\s?(?:day|week|hour)"
    r"|prizes?|giveaways?|bitcoin|btc|crypto\w*|forex|invest\w*|income|profit\w*|paypal"
    r"|loans?|casino|betting|win\s+(?:a|an|free|cash|money|\$)|cash\s+prize|followers"
    r"|subscribers)(?!\w)",
    re.I,
)
_BAIT = re.compile(  # likes asked for the comment itself ("like this comment if ...")
    r"(?<!\w)(?:(?:like|thumbs\s+up|share)\s+this\s+comment|thumbs\s+up\s+if"
    r"|(?:^|(?<=[.!?:\n]))\s*like\s+if\s+(?:you|u|ur|your|you're|youre)"
    r"|give\s+(?:it|this|me)\s+a\s+(?:like|thumbs up)|how\s+many\s+(?:likes|thumbs\s+up))(?!\w)",
    re.I,
)
_ASK = re.compile(  # attention asked in other words ("I'll check it out" is a customer)
    r"(?<!\w)(?:check\s+(?:me|us)\s+out|(?<!will )(?<!ll )(?<!please )(?<!to )(?<!gonna )"
    r"check\s+(?:this|it)\s+out|check\s+out\s*:|s\w{0,3}scribe\s+to\s+(?:me|us)"
    r"|take\s+a\s+look\s+at\s+(?:this|my|our)|look\s+(?:me|us)\s+up|search\s+[\"']"
    r"|subscribe\s*!|(?:a|my)\s+(?:\w+\s+)?channel|i\s+(?:rap|make\s+(?:music|videos))|subs)"
    r"(?!\w)",
    re.I,
)
_CARE = re.compile(  # ordinary in care: the customer's own account, orders, codes, DMs
    r"(?<!\w)(?:dm|dms|direct message|order|ticket|case|refund|premium|subscription|account"
    r"|help|support|charged|billing|password|log ?in)(?!\w)",
    re.I,
)
# Words each pattern must contain (lowercase): a text without any skips that pattern.
_CTA_WORDS = ("check", "sub", "follow", "like", "please", "visit", "click", "watch")
_MONEY_WORDS = (
    "earn", "make", "free", "$", "prize", "giveaway", "bitcoin", "btc", "crypto", "forex",
    "invest", "income", "profit", "paypal", "loan", "casino", "betting", "win", "cash",
    "followers", "subscribers",
)  # fmt: skip
_BAIT_WORDS = ("like", "thumb", "give", "how many")
_ASK_WORDS = ("check", "scribe", "look", "search", "channel", "rap", "make", "subs")
_RUN = re.compile(r"(.)\1{3,}")
_LETTERS = re.compile(r"[^\W\d_]")

# (self-promotion, call to action, money, care, bait, ask) as written, and for ASCII texts
# read lowercased: the patterns' letters are all lowercase, so without re.I they find on
# the lowercase of an ASCII text what they find with it on the text
_UNICODE = (_SELF_PROMO, _CTA, _MONEY, _CARE, _BAIT, _ASK)
_ASCII = tuple(re.compile(p.pattern, p.flags & ~re.I) for p in _UNICODE)

N_FEATURES = 10
"""Dense features per text: outside link, self-promotion, call to action, link and call to
action together, money words (capped), long character runs, share of capitals (texts of
15+ letters), care words (which speak against spam), likes asked for the comment itself,
attention asked in other words ("check me out", "subscribe to me", "I rap")."""


def features(texts: Sequence[str]) -> np.ndarray:
    """``N_FEATURES`` dense floats per text, for the spam model.

    The share of capitals and the long character runs are counted on the batch's code
    points at once (``_shape``); the patterns run per text, each behind a cheap word
    check, and on an ASCII text read its lowercase with case-sensitive copies of the
    patterns (``_ASCII``: the same matches, about twice as fast). The values are those
    of the per-text reference ``_features_one`` (tests/community/test_cues_pin.py).
    """
    import numpy as np

    out = np.zeros((len(texts), N_FEATURES), dtype=np.float32)
    if not texts:
        return out
    cut = [raw[:2000] for raw in texts]
    caps, runs = _shape(cut)
    out[:, 5] = runs
    out[:, 6] = caps
    link = _LINK
    wrapper = _WRAPPER.match
    cta_words, money_words = _CTA_WORDS, _MONEY_WORDS
    rows = []
    for text in cut:
        outside = (
            any(not wrapper(m.group(1) or m.group(0)) for m in link.finditer(text))
            if "." in text
            else False
        )
        lower = text.lower()
        if text.isascii():
            read, (promo_re, cta_re, money_re, care_re, bait_re, ask_re) = lower, _ASCII
        else:
            read, (promo_re, cta_re, money_re, care_re, bait_re, ask_re) = text, _UNICODE
        promo = ("my" in lower or "our" in lower) and promo_re.search(read) is not None
        cta = any(w in lower for w in cta_words) and cta_re.search(read) is not None
        money = len(money_re.findall(read)) if any(w in lower for w in money_words) else 0
        bait = any(w in lower for w in _BAIT_WORDS) and bait_re.search(read) is not None
        ask = any(w in lower for w in _ASK_WORDS) and ask_re.search(read) is not None
        rows.append(
            (
                outside,
                promo,
                cta,
                (outside or promo) and cta,
                min(money, 3) / 3.0,
                care_re.search(read) is not None,
                bait,
                ask,
            )
        )
    out[:, [0, 1, 2, 3, 4, 7, 8, 9]] = np.array(rows, dtype=np.float32).reshape(-1, 8)
    return out


# Money words a customer uses of the service they pay for ("loyal subscribers", "my PayPal
# account"): not a lure on their own.
_CUSTOMER_MONEY = frozenset({"subscribers", "paypal"})


def promotes(text: str) -> bool:
    """Whether ``text`` has a promoter's cue: self-promotion ("my channel"), a call to act
    on the sender's behalf, likes or attention asked, or money or prizes as a lure
    ("subscribers" and "paypal" alone are a paying customer's words too, and
    "investigate" is no investment)."""
    if any(p.search(text) is not None for p in (_SELF_PROMO, _CTA, _BAIT, _ASK)):
        return True
    return any(
        m.lower() not in _CUSTOMER_MONEY and not m.lower().startswith("investigat")
        for m in _MONEY.findall(text)
    )


def _asks(text: str, lower: str) -> tuple[bool, bool]:
    """Likes asked for the comment itself; attention asked in other words."""
    bait = any(w in lower for w in _BAIT_WORDS) and _BAIT.search(text) is not None
    ask = any(w in lower for w in _ASK_WORDS) and _ASK.search(text) is not None
    return bait, ask


def _shape(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per text: share of capitals among its letters (``_LETTERS``; 0 below 15 letters),
    and whether it has a run of 4+ equal characters other than line breaks (``_RUN``)."""
    import numpy as np

    n = len(texts)
    joined = "\n".join(texts)  # "\n" is no letter, and no run crosses it
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n) + 1
    lengths[-1] -= 1
    doc = np.repeat(np.arange(n), lengths)
    letter_of, upper_of = _letter_tables()
    bmp = codes < len(letter_of)
    if bmp.all():
        letter = letter_of[codes]
        upper = upper_of[codes]
    else:  # emoji and other astral characters: one by one
        letter = np.zeros(len(codes), dtype=bool)
        upper = np.zeros(len(codes), dtype=bool)
        letter[bmp] = letter_of[codes[bmp]]
        upper[bmp] = upper_of[codes[bmp]]
        far = np.flatnonzero(~bmp)
        chars = [chr(c) for c in codes[far].tolist()]
        letter[far] = [_LETTERS.match(c) is not None for c in chars]
        upper[far] = [_LETTERS.match(c) is not None and c.isupper() for c in chars]
    n_letters = np.bincount(doc[letter], minlength=n)
    n_upper = np.bincount(doc[upper], minlength=n)
    share = np.zeros(n)
    enough = n_letters >= 15
    share[enough] = n_upper[enough] / n_letters[enough]
    runs = np.zeros(n, dtype=bool)
    if len(codes) >= 4:
        same = codes[1:] == codes[:-1]
        four = same[:-2] & same[1:-1] & same[2:] & (codes[:-3] != 10)
        runs[doc[:-3][four]] = True
    return share, runs


@lru_cache(maxsize=1)
def _letter_tables() -> tuple[np.ndarray, np.ndarray]:
    """For each code point below 65,536: is it a letter (``_LETTERS``), an upper-case one."""
    import numpy as np

    chars = [chr(c) for c in range(65_536)]
    letter = np.fromiter((_LETTERS.match(c) is not None for c in chars), dtype=bool, count=65_536)
    upper = np.fromiter((c.isupper() for c in chars), dtype=bool, count=65_536)
    return letter, upper & letter


def _features_one(raw: str) -> tuple[float, ...]:
    """The features of one text, pattern by pattern: what ``features`` gives, per text."""
    text = raw[:2000]
    hosts = [m.group(1) or m.group(0) for m in _LINK.finditer(text)] if "." in text else []
    outside = any(not _WRAPPER.match(h) for h in hosts)
    lower = text.lower()
    promo = ("my" in lower or "our" in lower) and bool(_SELF_PROMO.search(text))
    cta = any(w in lower for w in _CTA_WORDS) and bool(_CTA.search(text))
    money = len(_MONEY.findall(text)) if any(w in lower for w in _MONEY_WORDS) else 0
    letters = _LETTERS.findall(text)
    upper = sum(c.isupper() for c in letters)
    caps = upper / len(letters) if len(letters) >= 15 else 0.0
    return (
        outside,
        promo,
        cta,
        (outside or promo) and cta,
        min(money, 3) / 3.0,
        bool(_RUN.search(text)),
        caps,
        bool(_CARE.search(text)),
        *_asks(text, lower),
    )
