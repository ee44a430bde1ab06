"""Moderation flags: spam and toxicity, each with the reasons that raised it.

Two packaged models (built by ``scripts/train_moderation.py``) and editable
rules:

* ``spam.npz``: linear model over the shared hashed features, trained on the
  YouTube Spam Collection (CC BY 4.0), evaluated leaving one video out;
* ``toxic.npz``: the same kind of model trained on OffensEval 2019;
* both models also weigh a few dense cues written by the project
  (:mod:`~socialproof.community.spam_cues`: link + call to action, self-promotion,
  money; :mod:`~socialproof.community.abuse`: profanity, insults, insults aimed at a
  person, threats, slurs); a model may also carry a block of hashed character
  n-grams (:func:`char_features`, stored in its file beside its weights; the packaged
  spam model has one, 2-5 characters with links read as written, which lifted nested
  leave-one-video-out macro-F1 from 0.944 to 0.950 at about a third more moderation
  time; the toxicity model has none: it did not help on its dev split);
* rules from ``data/community/moderation.yaml`` (packaged defaults), replaced
  key by key by a workspace's ``moderation.yaml``: blocked terms, link policy
  (the platforms' own link wrappers such as X's ``t.co`` are never "shorteners"),
  repeated text, ALL CAPS.

Toxicity is flagged in one of two ways (``toxicity.flag`` in the guidelines):

* ``abuse`` (the default): abuse aimed at people. A targeted insult ("you idiot",
  "fuck you"), a threat or a slur always flags, and the reason names it; the model
  alone flags only at its stricter ``abuse_threshold`` (chosen for precision), and
  never for swearing that is aimed at no one ("this is f***ing broken" is a
  frustrated customer, not an abuser);
* ``offensive``: anything the model finds offensive at its F1 threshold, profanity
  included (OffensEval's definition).

The repeated-text rule counts copies by the same author. ``flag(texts)`` counts
them within the batch it is given; the workspace scoring passes ``repeats``, the
number of copies in the whole messages table, so a message's flag depends on the
data and not on which import or run scored it.

``load(rules=None | path | dict | Guidelines).flag(texts)`` returns one
``Flags(spam, toxic, reasons, spam_score, toxic_score)`` per text, in order.
Every flag has at least one reason ("spam model 0.93", "blocked term 'free
followers'", "link shortener bit.ly", ...). Plain Python/NumPy over a batch.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from socialproof.community import _text, abuse, spam_cues
from socialproof.community.authors import is_unknown_author
from socialproof.community.yaml_file import read_yaml
from socialproof.errors import BadInput

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

WORKSPACE_FILE = "moderation.yaml"
LinkPolicy = Literal["allow", "shorteners", "flag_unknown", "flag_all"]
_POLICIES = ("allow", "shorteners", "flag_unknown", "flag_all")
_KINDS = ("spam", "toxic")
ToxicMode = Literal["abuse", "offensive"]
_TOXIC_MODES = ("abuse", "offensive")
_LINK = re.compile(
    r"(?:https?://|www\.)([^\s/?#<>\"']+)[^\s<>\"']*|\b((?:[a-z0-9-]+\.)+(?:com|net|org|ly|io|co|gl|gd|me|info|biz|xyz))(?:/[^\s<>\"']*)?\b",
    re.I,
)
_LOGIC = "cues-7"  # bump when flagging logic changes, so stored flags are re-scored
# An e-mail address: customers give support the address of their account. Not a link
# (its domain is no site the sender points to); the models read it as TWCS anonymised
# its addresses, '__email__'.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[a-z0-9-]+\.)+[a-z]{2,}\b", re.I)
# a link's path or query naming an order or a tracking number: a customer showing support
# what they see ('/orders/123', 'order-details?orderID=', 'track?tracknum=')
_CARE_PATH = re.compile(
    r"[/?&](?:orders?|order[-_]?(?:details|status|history)|my[-_]?orders|tracking"
    r"|track[-_]?(?:order|package|parcel|shipment)|trackconfirmaction)(?:[/?#&=.]|$)"
    r"|[?&](?:tracknum\w*|trknbr|tracking[-_]?(?:number|id)|tlabels|order[-_]?(?:id|number))=",
    re.I,
)
# a text with no word outside its @handles and links: emoji, punctuation ('😡😡😡', '🙏')
_WORD = re.compile(r"[^\W_]")
# A customer asking for a private channel, in the first person singular: "follow me so I
# can DM you", "I sent you a DM", "I can't DM you", "check your DMs", "please check DM"
# (curly apostrophes read as straight ones: phones type "I’ve"). Ordinary in care,
# while promoters write "DM us", "DM @page" or "follow and we will send": without a link,
# such a text is not spam on the spam model's word alone (issue 12: "DM me" is normal in
# care). Deliberately narrow: no "send", "message" or "email" ("follow me and I'll send
# you a gift" is spam), and "we" only in "so we can DM" (the customer and the brand).
_PRIVATE_CHANNEL = re.compile(
    r"\b(?:(?:so|and|then|if|when)\s+i|so\s+we)\s*(?:can|could|will|'ll|may|might)\s+"
    r"(?:dm|direct[ -]?message|private[ -]?message|pm)\b"
    r"|\bi\s*(?:can|could|will|'ll|would|'d)\s+(?:\w+ly\s+)?(?:dm|direct[ -]?message|pm)\s+"
    r"(?:it\s+to\s+)?(?:you|u|y'?all)\b"
    r"|\bi\s*(?:'ve|\s+have|\s+just|\s+already)?\s+(?:dm'?e?d|direct[ -]?messaged|"
    r"sent\s+(?:you\s+|u\s+)?(?:a\s+)?(?:dm|direct[ -]?message|pm))\b"
    r"|\b(?:can'?t|cannot|can\s+not|unable\s+to)\s+(?:dm|direct[ -]?message|pm)\b"
    r"|\bcheck\s+(?:(?:your|ur|the|my|our)\s+)?(?:dms?|direct[ -]?messages?|inbox)\b"
    r"|\bfollow\s+(?:me\s+)?back\s+so\s+i\b",
    re.I,
)
# A paying customer writing to the brand about the service they pay for: "I already
# subscribed", "can't subscribe to the family plan", "loyal subscribers", "my premium
# subscription", "my 3 month trial period", "your subscribe page". A spam model trained
# on YouTube comments reads "subscribe" as "subscribe to my channel"; on real care traffic
# these were the largest share of its flags. The verb counts only with a subject or as a
# noun's modifier, never "subscribe back" or "to me"; "subscribers" only as the service's
# customers ("loyal subscribers"), never a count to reach ("100 subscribers", "get
# subscribers", "my subscribers"). A text with a promoter's cue (spam_cues.promotes) or a
# link is still scored as usual.
_SUBSCRIPTION = re.compile(
    r"\b(?:i|we|i'm|im|i've|ive|to|can'?t|cannot|couldn'?t|didn'?t|don'?t|not|already|just"
    r"|will|'ll|would|wanna|still|also|who|they)\s+(?:\w+\s+)?(?:un)?subscri(?:be[ds]?|bing)\b"
    r"(?!\s+(?:back|to\s+(?:me|us|my|our)\b|(?:you|u)\s+back))"
    r"|\b(?:your|the|a)\s+(?:un)?subscribe\s+(?:page|button|link|option|form)\b"
    r"|\bunsubscri(?:be[ds]?|bing)\b|\bsubscriptions?\b"
    r"|\b(?:loyal|paid|paying|premium|lifetime|long[- ]term|regular|active|existing|current"
    r"|family|your|its|their|other|us|all|many|of|mobile|student)\s+subscribers?\b"
    r"|\bpremium\b(?!\s+(?:account|membership)s?\s+(?:for\s+)?free)"
    r"|\b(?:free\s+)?trial(?:\s+period)?\b"
    r"|\b(?:family|student|duo|individual|annual|monthly|yearly)\s+(?:plan|account|membership)s?\b",
    re.I,
)
# A customer writing to the brand about using its service, or thanking it: "I'll check it
# out. Thank you", "can you check my account, premium or not?", "I don't have a credit card,
# can I pay via Google Play?", "Spotify keeps saying to check my connection", "can
# subscribers download for offline listening?". The spam model, trained on YouTube
# comments, reads "check ... out", "pay", "download" and "thank you" as a promoter's; on
# care traffic these were most of its flags left (17 of the 27 customers among the 49
# Spotify flags of 4 December). Addressed to an account, with no link and no promoter's
# cue once a customer's own phrases are left out (_CUSTOMER_PHRASES), such a text is not
# spam on the model's word alone.
_SERVICE = re.compile(
    r"\b(?:thanks?|thank\s*(?:you|u)|thx|ty|help(?:s|ed|ing)?|account|log\s*-?\s*in|login"
    r"|sign\s*-?\s*in|password|refund(?:ed|s)?|invoice|receipt|billing|bill(?:ed)?|charged?"
    r"|payments?|pay(?:ed|ing)?|paid|credit\s*cards?|debit\s*cards?|paypal|google\s+play"
    r"|app\s+store|ideal|connection|wi-?fi|offline|downloads?|downloaded|update[ds]?|error"
    r"|premium|subscribers?|subscription|dms?|problems?|issues?|fix(?:ed)?|bug|crash(?:es|ed)?)\b",
    re.I,
)
# A customer's own phrases that read as a promoter's call to act: "check my account" (or
# connection, e-mail, inbox...), "please follow up", "I'll check this out" (after
# _straight), "a non-profit organization" (no profit offered).
_CUSTOMER_PHRASES = re.compile(
    r"\bcheck\s+(?:on\s+)?(?:my|the|your|our)\s+(?:\w+\s+)?(?:account|connection|internet"
    r"|wi-?fi|e-?mail|inbox|dms?|messages?|order|payment|billing|settings|subscription"
    r"|premium|status|app|device|phone|details|card)s?\b"
    r"|\bnon-?\s*profits?\b|\bfollow(?:ing|ed)?[ -]up\b|\b(?:i'll|i\s+will|will|i'm\s+going\s+to|gonna)\s+check\s+"
    r"(?:it|this|that)\s+out\b",
    re.I,
)
# subscribers or followers as a count to reach ("get 100 subscribers", "more followers",
# "my subscribers"): a creator's aim, never the service's paying customers
_AUDIENCE_COUNT = re.compile(
    r"\b(?:\d[\d,.]*\s*k?|get|gain|grow|more|my|our|free|buy|real)\s+(?:new\s+|real\s+)?"
    r"(?:subscribers|followers|subs|fans)\b",
    re.I,
)
# an account the text is addressed to: a reply or a mention (not an e-mail address)
_ADDRESSED = re.compile(r"(?<![\w.+-])@\w")
# a text written to an account: it opens with the @handle (a reply; "Thank you X for your
# instagram likes @someone", a YouTube spammer's, only names one)
_TO_AN_ACCOUNT = re.compile(r"\s*@\w")
_NON_WORD = re.compile(r"[\W_]+")
_UPPER_RUN = re.compile(r"[^\W\d_a-z]{2}")  # two capitals in a row: worth counting


@dataclass(frozen=True)
class CharBlock:
    """A model's weights over hashed character n-grams (``lo``..``hi``) of the text."""

    lo: int
    hi: int
    n_features: int
    coef: Any  # np.ndarray (n_features,) float32, the block's weight folded in
    links: bool = False  # the links' own characters are read (else a link is "<url>")

    @property
    def spec(self) -> tuple[int, int, int, bool]:
        return self.lo, self.hi, self.n_features, self.links


_HANDLE = re.compile(r"@\w+")


def char_features(
    texts: Sequence[str], lo: int, hi: int, n_features: int, links: bool = False
) -> Any:
    """L2-normalised binary hashed character n-grams of each text (a CSR matrix).

    The text is read lowercased, handles as one token; links as ``<url>`` with
    elongations shrunk (as the word features read it), or with ``links`` the text as
    written, so a link's host and path count. N-grams ``lo``..``hi`` include the spaces
    around words, so "subscribe", "check out" and "f*ck" match inside longer or
    obfuscated forms.
    """
    if links:
        docs = [_HANDLE.sub("@u", _text.clean(t)).lower() for t in texts]
    else:
        docs = [_text.normalise(t).lower() for t in texts]
    return _text.l2_normalise_binary(_text.char_ngram_matrix(docs, lo, hi, n_features))


@dataclass(frozen=True)
class Flags:
    """Moderation result for one text. ``reasons`` explains every raised flag."""

    spam: bool
    toxic: bool
    reasons: list[str] = field(default_factory=list)
    spam_score: float = 0.0
    toxic_score: float = 0.0

    @property
    def flagged(self) -> bool:
        return self.spam or self.toxic


@dataclass(frozen=True)
class Guidelines:
    """The rules in force (packaged defaults, maybe replaced by a workspace file)."""

    spam_model: bool = True
    toxic_model: bool = True
    spam_threshold: float | None = None
    toxic_threshold: float | None = None
    blocked_spam: tuple[str, ...] = ()
    blocked_toxic: tuple[str, ...] = ()
    link_policy: LinkPolicy = "shorteners"
    allowed_domains: tuple[str, ...] = ()
    shorteners: tuple[str, ...] = ()
    platform_wrappers: tuple[str, ...] = ()
    care_domains: tuple[str, ...] = ()
    link_flag_as: str = "spam"
    repeat_min_count: int = 3
    repeat_min_chars: int = 12
    caps_min_letters: int = 15
    caps_ratio: float = 0.85
    caps_flag_as: str = "toxic"
    toxic_mode: ToxicMode = "abuse"
    source: str = "packaged defaults"


def _read_yaml(path: Path) -> dict[str, Any]:
    data = read_yaml(
        path, "Moderation guidelines", "Fix the file, or delete it to use the packaged defaults."
    )
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadInput(
            f"{path} must hold a mapping of settings (models, blocked_terms, links, ...).",
            hint="Start from the packaged defaults: socialproof/data/community/moderation.yaml.",
        )
    return data


def _defaults() -> dict[str, Any]:
    import yaml

    text = (resources.files("socialproof") / "data" / "community" / "moderation.yaml").read_text(
        encoding="utf-8"
    )
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _terms(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInput(f"{where} must be a list of terms.", hint='Write e.g. ["free followers"].')
    return tuple(v.strip().lower() for v in value if v.strip())


def _number(value: Any, where: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise BadInput(
            f"{where} must be a number from {lo:g} to {hi:g}, not {value!r}.",
            hint="Fix moderation.yaml.",
        )
    return float(value)


def _kind(value: Any, where: str) -> str:
    if value not in _KINDS:
        raise BadInput(
            f"{where} must be 'spam' or 'toxic', not {value!r}.", hint="Fix moderation.yaml."
        )
    return str(value)


def guidelines(source: Path | Mapping[str, Any] | None = None) -> Guidelines:
    """Packaged defaults, replaced key by key by a YAML file or a mapping."""
    data = _defaults()
    label = "packaged defaults"
    if isinstance(source, Path):
        data = _merge(data, _read_yaml(source))
        label = str(source)
    elif source is not None:
        data = _merge(data, source)
        label = "custom rules"
    try:
        models = data.get("models") or {}
        blocked = data.get("blocked_terms") or {}
        links = data.get("links") or {}
        repeated = data.get("repeated_text") or {}
        caps = data.get("all_caps") or {}
        toxicity = data.get("toxicity") or {}
        mode = toxicity.get("flag", "abuse")
        if mode not in _TOXIC_MODES:
            raise BadInput(
                f"toxicity.flag must be one of {', '.join(_TOXIC_MODES)}, not {mode!r}.",
                hint="Fix moderation.yaml.",
            )
        policy = links.get("policy", "shorteners")
        if policy not in _POLICIES:
            raise BadInput(
                f"links.policy must be one of {', '.join(_POLICIES)}, not {policy!r}.",
                hint="Fix moderation.yaml.",
            )
        thresholds = {
            k: None
            if models.get(f"{k}_threshold") is None
            else _number(models[f"{k}_threshold"], f"models.{k}_threshold", 0, 1)
            for k in _KINDS
        }
        return Guidelines(
            spam_model=bool(models.get("spam", True)),
            toxic_model=bool(models.get("toxic", True)),
            spam_threshold=thresholds["spam"],
            toxic_threshold=thresholds["toxic"],
            blocked_spam=_terms(blocked.get("spam"), "blocked_terms.spam"),
            blocked_toxic=_terms(blocked.get("toxic"), "blocked_terms.toxic"),
            link_policy=policy,
            allowed_domains=_terms(links.get("allowed_domains"), "links.allowed_domains"),
            shorteners=_terms(links.get("shorteners"), "links.shorteners"),
            platform_wrappers=_terms(links.get("platform_wrappers"), "links.platform_wrappers"),
            care_domains=_terms(links.get("care_domains"), "links.care_domains"),
            link_flag_as=_kind(links.get("flag_as", "spam"), "links.flag_as"),
            repeat_min_count=int(
                _number(repeated.get("min_count", 3), "repeated_text.min_count", 0, 1e9)
            ),
            repeat_min_chars=int(
                _number(repeated.get("min_chars", 12), "repeated_text.min_chars", 0, 1e9)
            ),
            caps_min_letters=int(
                _number(caps.get("min_letters", 15), "all_caps.min_letters", 1, 1e9)
            ),
            caps_ratio=_number(caps.get("ratio", 0.85), "all_caps.ratio", 0, 1),
            caps_flag_as=_kind(caps.get("flag_as", "toxic"), "all_caps.flag_as"),
            toxic_mode=mode,
            source=label,
        )
    except AttributeError as exc:  # a section that is not a mapping
        raise BadInput(
            f"Moderation guidelines ({label}) have a section that is not a mapping.",
            hint="Compare with the packaged moderation.yaml.",
        ) from exc


def _cased(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """A blocked-terms pattern without ``re.I``: on a lowercased ASCII text it finds what
    the pattern finds on the text (the terms are lowercase)."""
    return re.compile(pattern.pattern, pattern.flags & ~re.I)


def _any_of(terms: tuple[str, ...]) -> re.Pattern[str]:
    """Finds any of ``terms`` as a plain substring (case-sensitive, no word boundaries)."""
    return re.compile("|".join(re.escape(t) for t in terms))


def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alts = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.I)


def _domain(host: str) -> str:
    host = host.lower().split("@")[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


def _matches_domain(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


@dataclass
class Moderator:
    """Models plus guidelines; ``flag(texts)`` scores a batch."""

    rules: Guidelines
    spam_model: _text.LinearTextModel | None
    toxic_model: _text.LinearTextModel | None
    _blocked: dict[str, re.Pattern[str] | None] = field(default_factory=dict)
    spam_chars: CharBlock | None = None
    toxic_chars: CharBlock | None = None

    def __post_init__(self) -> None:
        self._blocked = {
            "spam": _term_pattern(self.rules.blocked_spam),
            "toxic": _term_pattern(self.rules.blocked_toxic),
        }

    @property
    def fingerprint(self) -> str:
        """A short digest of the rules and models in force (what a stored flag depends on)."""
        import hashlib
        from dataclasses import asdict

        rules = {k: v for k, v in asdict(self.rules).items() if k != "source"}
        models = [
            (
                m.meta.get("threshold"),
                m.meta.get("abuse_threshold"),
                m.meta.get("built"),
                m.meta.get("C"),
                m.meta.get("cue_coef"),
            )
            if m is not None
            else None
            for m in (self.spam_model, self.toxic_model)
        ]
        state = (sorted(rules.items()), models, _LOGIC)
        digest = hashlib.sha256(repr(state).encode("utf-8"))
        return digest.hexdigest()[:12]

    def _threshold(self, kind: str, model: _text.LinearTextModel) -> float:
        """The model's flag threshold: the workspace's, else the one tuned at training.

        In ``abuse`` mode the toxicity model flags on its own only at its stricter
        ``abuse_threshold`` (precision first); a workspace threshold replaces both.
        """
        override = self.rules.spam_threshold if kind == "spam" else self.rules.toxic_threshold
        if override is not None:
            return float(override)
        if kind == "toxic" and self.rules.toxic_mode == "abuse":
            return float(model.meta.get("abuse_threshold", model.meta.get("threshold", 0.5)))
        return float(model.meta.get("threshold", 0.5))

    def shared_features(self) -> _text.LinearTextModel | None:
        """The model whose ``features`` serve both models (None if they need different ones)."""
        spam, toxic = self.spam_model, self.toxic_model
        if spam is None or toxic is None:
            return spam or toxic
        if spam.config != toxic.config or (spam.emb_coef_t is None) != (toxic.emb_coef_t is None):
            return None
        # a model's features carry its static table too: they serve a model without one
        if toxic.table is None or toxic.table == spam.table:
            return spam
        if spam.table is None:
            return toxic
        return None

    def model_scores(
        self, batch: list[str], feats: _text.Features | None = None
    ) -> tuple[list[float], list[float]]:
        """Spam and toxic probabilities of each text (0.0 where a model is off).

        ``feats`` (from :meth:`shared_features`) lets a caller featurise once for several
        models; texts are cut to ``MAX_CHARS`` by the caller.
        """
        return self._all_scores(batch, feats)

    def _all_scores(
        self, batch: list[str], feats: _text.Features | None = None
    ) -> tuple[list[float], list[float]]:
        """Spam and toxic probabilities of what the models read of each text
        (:meth:`model_text`); one featurisation when the models share a config."""
        read = [self.model_text(t) for t in batch]
        changed = [i for i, (a, b) in enumerate(zip(batch, read, strict=True)) if a != b]
        spam_p, toxic_p = self._scores(batch, feats)
        if changed:  # ``feats`` are those of the texts as written: these are scored again
            again = self._scores([read[i] for i in changed])
            for j, i in enumerate(changed):
                spam_p[i], toxic_p[i] = again[0][j], again[1][j]
        return spam_p, toxic_p

    def model_text(self, text: str) -> str:
        """What the models read of ``text``: e-mail addresses as '__email__' (customers
        give support their account's), and links to ``care_domains`` or
        ``allowed_domains``, or naming an order or a tracking number in their path, left
        out (a customer showing a delivery, not a promoter's link)."""
        if "@" in text and "." in text:
            text = _EMAIL.sub("__email__", text)
        if "." in text and ("/" in text or "www." in text.lower()):
            text = _LINK.sub(self._unless_care_link, text)
        return text

    def _unless_care_link(self, m: re.Match[str]) -> str:
        group = 1 if m.group(1) else 2
        host = _domain(m.group(group) or "")
        rules = self.rules
        care = _matches_domain(host, rules.care_domains + rules.allowed_domains)
        if care or _CARE_PATH.search(m.string, m.end(group), m.end()):
            return " "
        return m.group(0)

    def _scores(
        self, batch: list[str], feats: _text.Features | None = None
    ) -> tuple[list[float], list[float]]:
        import numpy as np

        n = len(batch)
        spam, toxic = self.spam_model, self.toxic_model
        if n == 0:
            return [], []
        if feats is None:
            owner = self.shared_features()
            if spam is not None and toxic is not None and owner is not None:
                feats = owner.features(batch)

        chars: dict[tuple[int, int, int, bool], Any] = {}  # one char matrix per spec, shared

        def probs(
            model: _text.LinearTextModel | None, cues: Any, block: CharBlock | None
        ) -> list[float]:
            if model is None:
                return [0.0] * n
            z = model.decision_from(feats if feats is not None else model.features(batch))
            coef = model.meta.get("cue_coef")
            if coef is not None:  # the dense cues the model was trained with
                z = z + cues(batch) @ np.asarray(coef, dtype=np.float32)[:, None]
            if block is not None:  # the character n-grams the model was trained with
                if block.spec not in chars:
                    chars[block.spec] = char_features(batch, *block.spec)
                z = z + np.asarray(chars[block.spec] @ block.coef).reshape(n, 1)
            out: list[float] = (1.0 / (1.0 + np.exp(-z[:, 0]))).tolist()
            return out

        return (
            probs(spam, spam_cues.features, self.spam_chars if spam is not None else None),
            probs(toxic, abuse.features, self.toxic_chars if toxic is not None else None),
        )

    def flag(
        self,
        texts: Iterable[str],
        authors: Sequence[str | None] | None = None,
        repeats: Sequence[int] | None = None,
        scores: tuple[Sequence[float], Sequence[float]] | None = None,
        times: Sequence[datetime | None] | None = None,
    ) -> list[Flags]:
        """One ``Flags`` per text, in input order.

        With ``authors`` (one per text), the repeated-text rule counts copies by the same
        author: many customers asking the same question is not spam, one account posting
        it again and again is. A text whose author is unknown (None, empty or a placeholder
        such as '[deleted]' or 'Facebook User': :mod:`.authors`) is nobody's copy.
        Without ``authors`` at all, copies anywhere in the batch count.

        ``repeats`` (one count per text) replaces the counting within the batch: the
        number of copies of each text by its author in a whole collection (the
        workspace), counted by the caller with the same key (:func:`repeat_key`).
        ``scores`` are the models' (spam, toxic) probabilities when the caller computed
        them already (:meth:`model_scores`). With ``times`` (when each text was sent, one
        per text, None where unknown), copies an author sent within a day, each addressed
        to one account at most and without a link, are a customer waiting for an answer
        ("Please answer my DM!" three times in an evening), not repeated text
        (:func:`waiting_copies`).
        """
        batch = _text.as_texts(texts)
        if authors is not None and len(authors) != len(batch):
            raise ValueError("authors must give one author per text")
        if repeats is not None and len(repeats) != len(batch):
            raise ValueError("repeats must give one count per text")
        if times is not None and len(times) != len(batch):
            raise ValueError("times must give one time per text")
        if scores is not None:
            spam_p, toxic_p = list(scores[0]), list(scores[1])
            if len(spam_p) != len(batch) or len(toxic_p) != len(batch):
                raise ValueError("scores must give one spam and one toxic score per text")
        else:
            spam_p, toxic_p = self._all_scores([t[: _text.MAX_CHARS] for t in batch])
        if repeats is not None:
            copies = [self._repeated(int(n), text) for n, text in zip(repeats, batch, strict=True)]
            where = " in the workspace"
        else:
            owners = (
                [str(a) if not is_unknown_author(a) else f"\x00{i}" for i, a in enumerate(authors)]
                if (authors is not None)
                else [""] * len(batch)
            )
            # one author's copies can be a customer waiting; copies by no one knows whom not
            counts = self._repeat_counts(batch, owners, times if authors is not None else None)
            copies = [counts.get((o, repeat_key(t)), 0) for o, t in zip(owners, batch, strict=True)]
            where = " in this batch"
        known = (
            [not is_unknown_author(a) for a in authors]
            if authors is not None
            else [False] * len(batch)
        )
        # the same for every text: thresholds, and the blocked terms' patterns (plus the
        # terms themselves: an ASCII text can match only if its lowercase holds one)
        models = (("spam", self.spam_model), ("toxic", self.toxic_model))
        limits = {k: (None if m is None else self._threshold(k, m)) for k, m in models}
        blocked = {
            k: (pattern, _cased(pattern) if all(map(str.isascii, terms)) else None, _any_of(terms))
            for k, terms in (("spam", self.rules.blocked_spam), ("toxic", self.rules.blocked_toxic))
            if (pattern := self._blocked[k]) is not None
        }
        cues = abuse.cues_of(batch) if self.toxic_model is not None else [None] * len(batch)
        out: list[Flags] = []
        for i, text in enumerate(batch):
            reasons: dict[str, list[str]] = {"spam": [], "toxic": []}
            if not text.strip():
                out.append(Flags(False, False, [], 0.0, 0.0))
                continue
            cue = cues[i]
            for kind, p in (("spam", spam_p[i]), ("toxic", toxic_p[i])):
                limit = limits[kind]
                if limit is not None and p >= limit:
                    if kind == "spam" and (
                        _asks_for_a_private_channel(text)
                        or _no_words(text)
                        or _about_a_subscription(text)
                        or _about_the_service(text)
                    ):
                        pass
                    elif not (kind == "toxic" and cue is not None and self._aimed_at_no_one(cue)):
                        reasons[kind].append(f"{kind} model {p:.2f}")
                if kind == "toxic" and cue is not None:
                    reasons[kind].extend(cue.reasons())
                if kind in blocked:
                    pattern, cased, any_term = blocked[kind]
                    if cased is not None and text.isascii():
                        lower = text.lower()
                        if any_term.search(lower) is None:  # no term in it
                            continue
                        found = {m.group(0) for m in cased.finditer(lower)}
                    else:
                        found = {m.group(0).lower() for m in pattern.finditer(text)}
                    for term in sorted(found):
                        reasons[kind].append(f"blocked term '{term}'")
            self._link_reasons(text, reasons)
            if copies[i]:
                by = " by this author" if known[i] else ""
                reasons["spam"].append(f"repeated text ({copies[i]} times{by}{where})")
            self._caps_reason(text, reasons)
            out.append(
                Flags(
                    spam=bool(reasons["spam"]),
                    toxic=bool(reasons["toxic"]),
                    reasons=reasons["spam"] + reasons["toxic"],
                    spam_score=round(spam_p[i], 4),
                    toxic_score=round(toxic_p[i], 4),
                )
            )
        return out

    def _aimed_at_no_one(self, cue: abuse.Cues) -> bool:
        """Swearing or harsh words aimed at no one, in ``abuse`` mode ("that's stupid",
        "this is f***ing broken"): a frustrated person, not abuse."""
        return self.rules.toxic_mode == "abuse" and cue.aimed_at_no_one

    def _repeat_counts(
        self,
        batch: list[str],
        owners: list[str],
        times: Sequence[datetime | None] | None = None,
    ) -> dict[tuple[str, str], int]:
        rules = self.rules
        if rules.repeat_min_count <= 1:
            return {}
        keys = list(zip(owners, map(repeat_key, batch), strict=True))
        counts = Counter(k for k in keys if len(k[1]) >= max(rules.repeat_min_chars, 1))
        found = {k: n for k, n in counts.items() if n >= rules.repeat_min_count}
        if times is None or not found:
            return found
        copies: dict[tuple[str, str], list[tuple[str, datetime | None]]] = {}
        for key, text, when in zip(keys, batch, times, strict=True):
            if key in found:
                copies.setdefault(key, []).append((text, when))
        for key, sent in copies.items():
            if waiting_copies([t for t, _ in sent], [w for _, w in sent]):
                del found[key]
        return found

    def _repeated(self, count: int, text: str) -> int:
        """``count`` when it is enough copies of a long enough text to flag, else 0."""
        rules = self.rules
        if rules.repeat_min_count <= 1 or count < rules.repeat_min_count:
            return 0
        return count if len(repeat_key(text)) >= max(rules.repeat_min_chars, 1) else 0

    def _link_reasons(self, text: str, reasons: dict[str, list[str]]) -> None:
        rules = self.rules
        if rules.link_policy == "allow" or ("." not in text):
            return
        if "@" in text:  # an e-mail address is no link
            text = _EMAIL.sub(" ", text)
        seen: set[str] = set()
        for match in _LINK.finditer(text[: _text.MAX_CHARS * 5]):
            host = _domain(match.group(1) or match.group(2) or "")
            if not host or host in seen:
                continue
            seen.add(host)
            wrapper = _matches_domain(host, rules.platform_wrappers)
            if _matches_domain(host, rules.shorteners) and not wrapper:
                reasons[rules.link_flag_as].append(f"link shortener {host}")
            elif rules.link_policy == "flag_all":
                reasons[rules.link_flag_as].append(f"link to {host} (links not allowed)")
            elif rules.link_policy == "flag_unknown" and not _matches_domain(
                host, rules.allowed_domains
            ):
                reasons[rules.link_flag_as].append(f"link to {host} (not an allowed domain)")

    def _caps_reason(self, text: str, reasons: dict[str, list[str]]) -> None:
        rules = self.rules
        if len(text) < rules.caps_min_letters or not _UPPER_RUN.search(text):
            return
        upper = sum(map(str.isupper, text))
        cased = upper + sum(map(str.islower, text))
        if cased >= rules.caps_min_letters and upper / cased >= rules.caps_ratio:
            reasons[rules.caps_flag_as].append(f"all caps ({upper / cased:.0%} of letters)")


def _asks_for_a_private_channel(text: str) -> bool:
    """A customer asking to move to DMs or e-mail, with no link: not spam on the model's
    word alone (blocked terms, links and repeats still flag it)."""
    if _PRIVATE_CHANNEL.search(_straight(text)) is None:
        return False
    return _LINK.search(_EMAIL.sub(" ", text) if "@" in text else text) is None


def _about_a_subscription(text: str) -> bool:
    """A customer writing to an account (an @mention: the brand) about their subscription
    to its service ("I already subscribed", "loyal subscribers", "premium"), with no link
    and no promoter's cue: not spam on the model's word alone (blocked terms, links and
    repeats still flag it)."""
    text = _straight(text)
    if _ADDRESSED.search(text) is None or _SUBSCRIPTION.search(text) is None:
        return False
    # the customer's own verb ("I subscribe and pay", "can't subscribe for") is not the
    # promoter's "subscribe and share" / "subscribe for more": the cues read the rest
    if spam_cues.promotes(_SUBSCRIPTION.sub(" ", text)):
        return False
    return _LINK.search(_EMAIL.sub(" ", text) if "@" in text else text) is None


def _about_the_service(text: str) -> bool:
    """A customer writing to an account (the text opens with its @handle: the brand) about
    using its service or thanking it (:data:`_SERVICE`: account, log in, payment, connection, downloads,
    thanks), with no link, no audience to grow ("100 subscribers") and no promoter's cue
    once the customer's own phrases (:data:`_CUSTOMER_PHRASES`) are left out: not spam on the model's word alone (blocked
    terms, links and repeats still flag it)."""
    text = _straight(text)
    if _TO_AN_ACCOUNT.match(text) is None or _SERVICE.search(text) is None:
        return False
    if _LINK.search(_EMAIL.sub(" ", text) if "@" in text else text) is not None:
        return False
    if _AUDIENCE_COUNT.search(text) is not None:
        return False
    return not spam_cues.promotes(_CUSTOMER_PHRASES.sub(" ", text))


def _straight(text: str) -> str:
    """Curly apostrophes as straight ones: phones type "I’ve", the rules read "I've"."""
    return text.replace("\u2019", "'") if "\u2019" in text else text


def _no_words(text: str) -> bool:
    """Emoji and punctuation only, besides @handles ('😡😡😡', '@brand 🙏'), and no link: a
    feeling, not spam on the model's word alone (repeats and blocked terms still flag)."""
    if _LINK.search(text) is not None:
        return False
    return _WORD.search(_HANDLE.sub(" ", text) if "@" in text else text) is None


#: Copies an author sent within this span are a customer waiting, not repeated text.
WAITING_SPAN = timedelta(days=1)


def waiting_copies(texts: Sequence[str], times: Sequence[datetime | None]) -> bool:
    """Whether one author's copies of a text are a customer waiting for an answer: all
    sent within :data:`WAITING_SPAN`, each addressed to one account at most (the brand:
    no other recipients) and without a link. Copies with an unknown time are not."""
    if not times or any(t is None for t in times):
        return False
    known = [t for t in times if t is not None]
    try:
        if max(known) - min(known) > WAITING_SPAN:
            return False
    except TypeError:  # naive and aware times mixed: not comparable, so not known
        return False
    return all(_to_one_account(t) for t in texts)


def _to_one_account(text: str) -> bool:
    """No link, and no @handle other than one (the account it is addressed to)."""
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if _LINK.search(text) is not None:
        return False
    return len({h.lower() for h in _HANDLE.findall(text)}) <= 1


def repeat_key(text: str) -> str:
    """What counts as "the same text": lowercase, runs of non-letters/digits as one space.

    The workspace scoring computes the same key in SQL (letters and digits kept).
    """
    return _NON_WORD.sub(" ", text.lower()).strip()


@lru_cache(maxsize=2)
def _model(name: str) -> _text.LinearTextModel:
    return _text.load_linear(name)


@lru_cache(maxsize=2)
def _chars(name: str) -> CharBlock | None:
    """The character n-gram block stored in ``data/models/<name>.npz`` (None if it has none)."""
    import numpy as np

    spec = _model(name).meta.get("char_ngrams")
    if not spec:
        return None
    path = _text.models_dir() / f"{name}.npz"
    with resources.as_file(path) as real, np.load(real, allow_pickle=False) as npz:
        n = int(spec["n_features"])
        coef = np.zeros(n, dtype=np.float32)
        coef[npz["char_rows"]] = npz["char_vals"].astype(np.float32)
    return CharBlock(int(spec["lo"]), int(spec["hi"]), n, coef, bool(spec.get("links", False)))


def load(rules: Path | Mapping[str, Any] | Guidelines | None = None) -> Moderator:
    """A moderator with the packaged models and the given (or default) guidelines."""
    chosen = rules if isinstance(rules, Guidelines) else guidelines(rules)
    return Moderator(
        chosen,
        _model("spam") if chosen.spam_model else None,
        _model("toxic") if chosen.toxic_model else None,
        spam_chars=_chars("spam") if chosen.spam_model else None,
        toxic_chars=_chars("toxic") if chosen.toxic_model else None,
    )


def workspace_guidelines(root: Path) -> Guidelines:
    """The guidelines of a workspace: its ``moderation.yaml`` if present, else the defaults."""
    path = Path(root) / WORKSPACE_FILE
    return guidelines(path if path.exists() else None)
